"""Joint and trade unions, members' worker categories and employments (on the membership metadata)."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Table,
    Text,
    Uuid,
    func,
    text,
)

from unionfed_membership.adapters.metadata import metadata

NEW_FORMS_SQL = "'delivery_rider', 'courier', 'ride_hailing_driver', 'truck_driver', 'other'"

joint_unions = Table(
    "joint_unions",
    metadata,
    Column("organization_id", Text, ForeignKey("organizations.id"), primary_key=True),
    Column("form", Text, nullable=False),
    Column("trade", Text),
    Column("designated_on", Date, nullable=False),
    Column("designated_by", Text, nullable=False),
    Column("designated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("form IN ('joint', 'trade')", name="ck_joint_unions_form"),
    CheckConstraint("(form = 'trade') = (trade IS NOT NULL)", name="ck_joint_unions_trade"),
)

# Every category a member was given, dated: the current one is the latest by effective date.
member_worker_categories = Table(
    "member_worker_categories",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("member_id", Uuid, ForeignKey("members.id"), nullable=False),
    Column("migrant_worker", Boolean, nullable=False),
    Column("new_form", Text),
    Column("effective_on", Date, nullable=False),
    Column("recorded_by", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(f"new_form IN ({NEW_FORMS_SQL})", name="ck_member_worker_categories_new_form"),
    Index("ix_member_worker_categories_member", "member_id", "effective_on", "id"),
)

member_employments = Table(
    "member_employments",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("member_id", Uuid, ForeignKey("members.id"), nullable=False, index=True),
    # An enterprise of the register, or None for an employer known by name only (a platform company).
    Column("enterprise_id", Uuid, ForeignKey("enterprises.id")),
    Column("employer_name", Text, nullable=False),
    Column("started_on", Date, nullable=False),
    Column("ended_on", Date),
    Column("recorded_by", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ck_member_employments_term"),
    # One current employment per member.
    Index("uq_member_employments_current", "member_id", unique=True, postgresql_where=text("ended_on IS NULL")),
)
