"""Hardship files, visits, grants and their holds in finance."""

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
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from unionfed_welfare.adapters.metadata import metadata

# Every hold welfare asked finance for (grants, greetings, health checks …), one row each.
welfare_holds = Table(
    "welfare_holds",
    metadata,
    Column("hold_id", Uuid, primary_key=True),
    Column("organization_id", Text, nullable=False, index=True),
    Column("federation_id", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("purpose", Text, nullable=False),
    # What the money is for, e.g. "grant/<id>"; listeners are chosen by its prefix.
    Column("reference", Text, nullable=False, unique=True),
    # unionfed_shared.finance_holds.HoldStatus: requested, reserved, refused, capture_requested, captured, void_requested, voided
    Column("status", Text, nullable=False, server_default="requested"),
    Column("reason", Text),  # finance's reason for its last refusal
    Column("cancel_reason", Text),  # ours, sent with the cancellation
    Column("paid_fen", BigInteger),
    Column("paid_on", Date),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("amount_fen > 0", name="ck_welfare_holds_amount"),
    CheckConstraint("paid_fen IS NULL OR (paid_fen > 0 AND paid_fen <= amount_fen)", name="ck_welfare_holds_paid"),
)

# Every answer finance gave about a hold, once each (keyed by finance's journal entry), so the
# same answer under another delivery never applies twice.
welfare_hold_answers = Table(
    "welfare_hold_answers",
    metadata,
    Column("journal_event_id", Text, primary_key=True),
    Column("hold_id", Uuid, ForeignKey("welfare_holds.hold_id"), nullable=False, index=True),
    Column("operation", Text, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("reason", Text),
    Column("warnings", ARRAY(Text), nullable=False, server_default="{}"),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Hardship files (困难教职工档案): one open file per member; its history in hardship_reviews.
hardship_files = Table(
    "hardship_files",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, nullable=False, index=True),
    Column("federation_id", Text, nullable=False),
    Column("member_id", Uuid, nullable=False),
    Column("pseudonym", Text, nullable=False),
    Column("level", Text, nullable=False),  # hardship (困难), special_hardship (特困)
    Column("cause", Text, nullable=False),
    Column("cause_detail", Text, nullable=False, server_default=""),
    Column("family_situation", Text, nullable=False, server_default=""),
    Column("documents", ARRAY(Text), nullable=False, server_default="{}"),  # by name only
    Column("status", Text, nullable=False, server_default="open"),  # open, closed
    Column("opened_on", Date, nullable=False),
    Column("next_review_on", Date),  # NULL once closed
    Column("closed_on", Date),
    Column("close_reason", Text),
    Column("opened_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("level IN ('hardship', 'special_hardship')", name="ck_hardship_files_level"),
    CheckConstraint("status IN ('open', 'closed')", name="ck_hardship_files_status"),
    Index("uq_hardship_files_open_member", "member_id", unique=True, postgresql_where=text("status = 'open'")),
    Index("ix_hardship_files_due", "organization_id", "next_review_on"),
)

hardship_reviews = Table(
    "hardship_reviews",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("file_id", Uuid, ForeignKey("hardship_files.id"), nullable=False, index=True),
    Column("kind", Text, nullable=False),  # opened, reviewed, level_changed, closed
    Column("reviewed_on", Date, nullable=False),
    Column("reviewer", Text, nullable=False),
    Column("level_before", Text),
    Column("level_after", Text),
    Column("notes", Text, nullable=False, server_default=""),
    Column("next_review_on", Date),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# A federation's standard grant per visit type and its per-member yearly cap (all its unions).
visit_policies = Table(
    "visit_policies",
    metadata,
    Column("federation_id", Text, primary_key=True),
    Column("amounts_fen", JSONB, nullable=False),
    Column("yearly_cap_fen", BigInteger, nullable=False),
    Column("updated_by", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("yearly_cap_fen > 0", name="ck_visit_policies_cap"),
)

# A visit's grant: money and/or goods, reserved, paid and voided through one welfare hold.
grants = Table(
    "grants",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, nullable=False, index=True),
    Column("federation_id", Text, nullable=False),
    Column("member_id", Uuid, nullable=False, index=True),
    Column("visit_type", Text, nullable=False),
    Column("occasion_on", Date, nullable=False),
    Column("occasion_ref", Text, nullable=False, server_default=""),
    # member + type + date + reference: the same occasion is granted once (see the index).
    Column("occasion_key", Text, nullable=False),
    Column("year", Integer, nullable=False),  # counts against the cap of this year
    Column("money_fen", BigInteger, nullable=False),
    Column("goods_fen", BigInteger, nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("hardship_file_id", Uuid, ForeignKey("hardship_files.id")),
    Column("note", Text, nullable=False, server_default=""),
    Column("hold_id", Uuid, ForeignKey("welfare_holds.hold_id"), nullable=False, unique=True),
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
        name="ck_grants_amounts",
    ),
    CheckConstraint("status IN ('recorded', 'approved', 'cancelled')", name="ck_grants_status"),
    # A cancelled grant frees its occasion, so a refused grant can be recorded again once funded.
    Index("uq_grants_occasion", "occasion_key", unique=True, postgresql_where=text("status <> 'cancelled'")),
    Index("ix_grants_cap", "federation_id", "member_id", "year"),
)

grant_goods = Table(
    "grant_goods",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("grant_id", Uuid, ForeignKey("grants.id"), nullable=False, index=True),
    Column("item", Text, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit", Text, nullable=False),
    Column("value_fen", BigInteger, nullable=False),
    CheckConstraint("quantity > 0 AND value_fen > 0", name="ck_grant_goods_positive"),
)
