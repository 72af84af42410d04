"""Labour-contract signing checks in registered enterprises (春暖行动), on the membership metadata."""

from sqlalchemy import CheckConstraint, Column, Date, DateTime, ForeignKey, Integer, Table, Text, Uuid

from unionfed_membership.adapters.metadata import metadata

labour_contract_checks = Table(
    "labour_contract_checks",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("enterprise_id", Uuid, ForeignKey("enterprises.id"), nullable=False, index=True),
    Column("checked_on", Date, nullable=False),
    Column("workers_checked", Integer, nullable=False),
    Column("workers_signed", Integer, nullable=False),
    Column("migrant_checked", Integer, nullable=False),
    Column("migrant_signed", Integer, nullable=False),
    Column("note", Text),
    Column("recorded_by", Text, nullable=False),
    # Orders two checks of one day: the later recorded is the one that counts.
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(
        "workers_checked > 0 AND workers_signed BETWEEN 0 AND workers_checked "
        "AND migrant_checked BETWEEN 0 AND workers_checked AND migrant_signed BETWEEN 0 AND migrant_checked",
        name="ck_labour_contract_checks_counts",
    ),
)
