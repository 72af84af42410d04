"""Safety supervision in registered enterprises: inspectors (群监员), inspections and hazards (on the
membership metadata)."""

from sqlalchemy import CheckConstraint, Column, Date, DateTime, ForeignKey, LargeBinary, Table, Text, Uuid, func, text

from unionfed_membership.adapters.metadata import metadata

safety_inspectors = Table(
    "safety_inspectors",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("enterprise_id", Uuid, ForeignKey("enterprises.id"), nullable=False, index=True),
    # A member of the enterprise's union, or (no union yet) a named worker with no member record.
    Column("member_id", Uuid, ForeignKey("members.id")),
    Column("name", Text, nullable=False),
    Column("phone_ciphertext", LargeBinary),  # a worker's phone, encrypted like members' personal data
    Column("pii_key_id", Text, nullable=False, server_default=text("'0'")),  # as members.pii_key_id
    Column("appointed_on", Date, nullable=False),
    Column("retired_on", Date),
    Column("appointed_by", Text, nullable=False),
    Column("appointed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("retired_on IS NULL OR retired_on >= appointed_on", name="ck_safety_inspectors_term"),
)

safety_inspections = Table(
    "safety_inspections",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("enterprise_id", Uuid, ForeignKey("enterprises.id"), nullable=False, index=True),
    Column("inspector_id", Uuid, ForeignKey("safety_inspectors.id"), nullable=False),
    Column("inspected_on", Date, nullable=False),
    Column("findings", Text, nullable=False),
    Column("recorded_by", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

safety_hazards = Table(
    "safety_hazards",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("inspection_id", Uuid, ForeignKey("safety_inspections.id"), nullable=False, index=True),
    Column("enterprise_id", Uuid, ForeignKey("enterprises.id"), nullable=False, index=True),
    Column("description", Text, nullable=False),
    Column("severity", Text, nullable=False),
    Column("found_on", Date, nullable=False),
    Column("deadline", Date, nullable=False),
    Column("fixed_on", Date),
    Column("fixed_by", Text),
    CheckConstraint("severity IN ('general', 'major')", name="ck_safety_hazards_severity"),
    CheckConstraint("deadline >= found_on", name="ck_safety_hazards_deadline"),
    CheckConstraint("fixed_on IS NULL OR fixed_on >= found_on", name="ck_safety_hazards_fixed"),
)
