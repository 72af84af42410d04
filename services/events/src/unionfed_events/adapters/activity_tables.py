"""Activities and competitions: the activity, its registrations, teams, awards and budget holds."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY  # with the overlap (&&) operator

from unionfed_events.adapters.metadata import metadata

activities = Table(
    "activities",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, nullable=False, index=True),  # the organizer
    Column("federation_id", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("scope_organization_ids", ARRAY(Text), nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("registration_deadline", DateTime(timezone=True), nullable=False),
    Column("capacity", Integer),  # NULL: no limit
    Column("eligible_gender", Text),  # NULL: everyone
    Column("eligible_statuses", ARRAY(Text), nullable=False),
    Column("status", Text, nullable=False, server_default="draft"),  # draft, published, cancelled
    Column("cancel_reason", Text),
    # Registrations take a number from this counter under the activity's row lock: the
    # waitlist's order is the order people asked in.
    Column("next_sequence", BigInteger, nullable=False, server_default="1"),
    Column("awards_published_on", Date),
    Column("created_by", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("published_at", DateTime(timezone=True)),
    Column("cancelled_at", DateTime(timezone=True)),
    CheckConstraint("capacity IS NULL OR capacity > 0", name="ck_activities_capacity"),
    CheckConstraint("starts_at < ends_at", name="ck_activities_dates"),
)

activity_teams = Table(
    "activity_teams",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("activity_id", Uuid, ForeignKey("activities.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("activity_id", "name", name="uq_activity_teams_name"),
)

activity_registrations = Table(
    "activity_registrations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("activity_id", Uuid, ForeignKey("activities.id"), nullable=False),
    Column("member_id", Uuid, nullable=False),
    Column("sequence", BigInteger, nullable=False),
    Column("status", Text, nullable=False),  # confirmed, waitlisted, cancelled
    Column("team_id", Uuid, ForeignKey("activity_teams.id")),
    Column("attended", Boolean),  # NULL until attendance is taken
    Column("registered_by", Text),
    Column("registered_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("promoted_at", DateTime(timezone=True)),
    Column("cancelled_at", DateTime(timezone=True)),
    # One live registration per member and activity; a cancelled one may be followed by another.
    Index(
        "uq_activity_registrations_live",
        "activity_id",
        "member_id",
        unique=True,
        postgresql_where=text("status <> 'cancelled'"),
    ),
    Index("ix_activity_registrations_queue", "activity_id", "status", "sequence"),
)

activity_awards = Table(
    "activity_awards",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("activity_id", Uuid, ForeignKey("activities.id"), nullable=False, index=True),
    Column("category", Text, nullable=False),  # e.g. 女子单打, 团体
    Column("level", Text, nullable=False),  # first, second, third, excellence
    Column("member_id", Uuid),
    Column("team_id", Uuid, ForeignKey("activity_teams.id")),
    Column("result", Text),  # the score or placing as announced
    Column("prize_fen", BigInteger, nullable=False, server_default="0"),
    Column("recorded_by", Text),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("(member_id IS NULL) <> (team_id IS NULL)", name="ck_activity_awards_winner"),
    CheckConstraint("prize_fen >= 0", name="ck_activity_awards_prize"),
)

# One line of the budget = one hold in finance.
activity_budget_items = Table(
    "activity_budget_items",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("activity_id", Uuid, ForeignKey("activities.id"), nullable=False, index=True),
    Column("kind", Text, nullable=False),  # cost, prizes
    Column("label", Text, nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("hold_id", Uuid, nullable=False, unique=True),
    # not_requested, requested, reserved, refused, capture_requested, captured, void_requested, voided
    Column("hold_status", Text, nullable=False, server_default="not_requested"),
    Column("finance_reason", Text),  # finance's reason for its last refusal
    Column("paid_fen", BigInteger),
    Column("paid_on", Date),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("amount_fen > 0", name="ck_activity_budget_items_amount"),
)

# Every answer finance gave about an item's hold, once each (keyed by the journal entry).
activity_hold_outcomes = Table(
    "activity_hold_outcomes",
    metadata,
    Column("journal_event_id", Text, primary_key=True),
    Column("budget_item_id", Uuid, ForeignKey("activity_budget_items.id"), nullable=False, index=True),
    Column("operation", Text, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("reason", Text),
    Column("warnings", ARRAY(Text), nullable=False, server_default="{}"),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
