"""Help beyond the members: grants to non-members and organizations, and student aid (金秋助学)."""

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from unionfed_welfare.adapters.metadata import metadata

# Help to a person who is not a member or to an organization, through one welfare hold like a grant.
# A person's name, phone and ID number are read only by who recorded it, federation admins and auditors.
outside_grants = Table(
    "outside_grants",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, nullable=False, index=True),
    Column("federation_id", Text, nullable=False),
    Column("recipient_kind", Text, nullable=False),  # person, organization
    Column("organization_kind", Text),  # village_school, migrant_workers, community, other
    Column("recipient_name", Text, nullable=False),
    Column("phone", Text),
    Column("id_number", Text),
    Column("recipient_note", Text, nullable=False, server_default=""),
    Column("people_reached", Integer, nullable=False),
    Column("given_on", Date, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("money_fen", BigInteger, nullable=False),
    Column("goods_fen", BigInteger, nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("hold_id", Uuid, ForeignKey("welfare_holds.hold_id"), nullable=False, unique=True),
    Column("note", Text, nullable=False, server_default=""),
    Column("status", Text, nullable=False, server_default="recorded"),  # recorded, approved, cancelled
    Column("recorded_by", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("approved_by", Text),
    Column("approved_at", DateTime(timezone=True)),
    Column("cancelled_by", Text),
    Column("cancelled_at", DateTime(timezone=True)),
    Column("cancel_reason", Text),
    CheckConstraint(
        "money_fen >= 0 AND goods_fen >= 0 AND amount_fen = money_fen + goods_fen AND amount_fen > 0",
        name="ck_outside_grants_amounts",
    ),
    CheckConstraint(
        "(recipient_kind = 'person' AND organization_kind IS NULL AND people_reached = 1)"
        " OR (recipient_kind = 'organization' AND organization_kind IN"
        " ('village_school', 'migrant_workers', 'community', 'other')"
        " AND phone IS NULL AND id_number IS NULL AND people_reached > 0)",
        name="ck_outside_grants_recipient",
    ),
    CheckConstraint("status IN ('recorded', 'approved', 'cancelled')", name="ck_outside_grants_status"),
    Index("ix_outside_grants_given", "organization_id", "given_on"),
)

outside_grant_goods = Table(
    "outside_grant_goods",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("grant_id", Uuid, ForeignKey("outside_grants.id"), nullable=False, index=True),
    Column("item", Text, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit", Text, nullable=False),
    Column("value_fen", BigInteger, nullable=False),
    CheckConstraint("quantity > 0 AND value_fen > 0", name="ck_outside_grant_goods_positive"),
)

# A federation's student aid scheme of a year: its criteria and an amount per level.
student_aid_schemes = Table(
    "student_aid_schemes",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("federation_id", Text, nullable=False),
    Column("year", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("criteria", Text, nullable=False, server_default=""),
    Column("levels", JSONB, nullable=False),  # [{"name": "大学本科", "amount_fen": 200000}, …]
    Column("created_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("uq_student_aid_schemes_name", "federation_id", "year", "name", unique=True),
)

# An application for a member's child or a non-member student; the level's amount held in finance.
student_aid_applications = Table(
    "student_aid_applications",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("scheme_id", Uuid, ForeignKey("student_aid_schemes.id"), nullable=False, index=True),
    Column("organization_id", Text, nullable=False, index=True),
    Column("federation_id", Text, nullable=False),
    Column("year", Integer, nullable=False),
    Column("student_kind", Text, nullable=False),  # member_child, non_member
    Column("member_id", Uuid),
    Column("student_name", Text, nullable=False),
    Column("id_number", Text, nullable=False),
    Column("school", Text, nullable=False),
    Column("level", Text, nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("applied_on", Date, nullable=False),
    Column("hold_id", Uuid, ForeignKey("welfare_holds.hold_id"), nullable=False, unique=True),
    Column("note", Text, nullable=False, server_default=""),
    Column("status", Text, nullable=False, server_default="applied"),  # applied, approved, refused
    Column("recorded_by", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("reviewed_by", Text),
    Column("reviewed_at", DateTime(timezone=True)),
    Column("refuse_reason", Text),
    CheckConstraint("amount_fen > 0", name="ck_student_aid_applications_amount"),
    CheckConstraint("status IN ('applied', 'approved', 'refused')", name="ck_student_aid_applications_status"),
    CheckConstraint(
        "(student_kind = 'member_child' AND member_id IS NOT NULL)"
        " OR (student_kind = 'non_member' AND member_id IS NULL)",
        name="ck_student_aid_applications_kind",
    ),
    # One student is helped once per scheme; a refused application frees the student for another.
    Index(
        "uq_student_aid_applications_student",
        "scheme_id",
        "id_number",
        unique=True,
        postgresql_where=text("status <> 'refused'"),
    ),
)
