"""The register of enterprises and their collective contracts (on the membership metadata)."""

from sqlalchemy import CheckConstraint, Column, Date, DateTime, ForeignKey, Index, Integer, Table, Text, Uuid, func

from unionfed_membership.adapters.metadata import metadata

enterprises = Table(
    "enterprises",
    metadata,
    Column("id", Uuid, primary_key=True),
    # The federation-level organization that registers it; the register is in scope of its subtree.
    Column("organization_id", Text, ForeignKey("organizations.id"), nullable=False, index=True),
    Column("federation_id", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("credit_code", Text, nullable=False),
    Column("workers", Integer, nullable=False),
    Column("union_id", Text, ForeignKey("organizations.id"), unique=True),
    Column("union_founded_on", Date),
    Column("registered_by", Text, nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("workers >= 0", name="ck_enterprises_workers"),
    CheckConstraint("(union_id IS NULL) = (union_founded_on IS NULL)", name="ck_enterprises_union_founded"),
    # One entry per enterprise in a federation's register.
    Index("uq_enterprises_federation_credit_code", "federation_id", "credit_code", unique=True),
)

collective_contracts = Table(
    "collective_contracts",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("enterprise_id", Uuid, ForeignKey("enterprises.id"), nullable=False, index=True),
    Column("kind", Text, nullable=False),
    Column("employer_party", Text, nullable=False),
    Column("union_party", Text, nullable=False),
    Column("signed_on", Date, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_until", Date, nullable=False),
    Column("workers_covered", Integer, nullable=False),
    Column("negotiation_rounds", Integer),
    Column("wage_increase_per_mille", Integer),
    Column("filed_on", Date),
    Column("replaces_id", Uuid, ForeignKey("collective_contracts.id"), unique=True),
    Column("replaced_by_id", Uuid),
    Column("replaced_from", Date),
    Column("recorded_by", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("kind IN ('comprehensive', 'wage', 'women_workers')", name="ck_collective_contracts_kind"),
    CheckConstraint("valid_until >= valid_from", name="ck_collective_contracts_term"),
    CheckConstraint("workers_covered > 0", name="ck_collective_contracts_covered"),
)
