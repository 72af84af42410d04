"""Dues policies, union staff counts and the record of roster imports (on the membership metadata)."""

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Table,
    Text,
    Uuid,
    func,
)

from unionfed_membership.adapters.metadata import metadata

# Effective-dated: a new rate is a new row from its valid_from; history is never rewritten,
# so arrears for an old month are computed with the rate in force then.
dues_policies = Table(
    "dues_policies",
    metadata,
    Column("federation_id", Text, primary_key=True),
    Column("valid_from", Date, primary_key=True),
    Column("rate_per_mille", Integer, nullable=False),
    Column("exempt_statuses", ARRAY(Text), nullable=False),
    Column("exempt_member_ids", ARRAY(Uuid), nullable=False),
    Column("set_by", Text, nullable=False),
    Column("set_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("rate_per_mille > 0 AND rate_per_mille <= 100", name="ck_dues_policies_rate"),
)

# 职工人数 of a grassroots union, set by its officers: the denominator of the membership rate.
staff_counts = Table(
    "staff_counts",
    metadata,
    Column("organization_id", Text, ForeignKey("organizations.id"), primary_key=True),
    Column("staff_count", Integer, nullable=False),
    Column("set_by", Text, nullable=False),
    Column("set_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("staff_count >= 0", name="ck_staff_counts_non_negative"),
)

roster_imports = Table(
    "roster_imports",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("organization_id", Text, ForeignKey("organizations.id"), nullable=False, index=True),
    Column("filename", Text, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("rows", Integer, nullable=False),
    Column("created", Integer, nullable=False),
    Column("skipped", Integer, nullable=False),
    Column("refused", Integer, nullable=False),
    Column("imported", Boolean, nullable=False),
    Column("imported_by", Text, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
