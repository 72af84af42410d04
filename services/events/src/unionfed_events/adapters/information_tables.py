"""Information reporting tables (信息报送): items, their adoptions (one per level) and the points tables."""

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

from unionfed_events.adapters.metadata import metadata

info_items = Table(
    "info_items",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, nullable=False),  # the union that reports it
    Column("federation_id", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),  # plain text
    Column("category", Text, nullable=False),  # work_news | experience | exemplary | other
    Column("event_on", Date, nullable=False),
    Column("author", Text, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("status", Text, nullable=False),  # draft | submitted | adopted | declined
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("submitted_on", Date),  # business dates in the federation's zone
    Column("submitted_by", Text),
    Column("declined_on", Date),
    Column("declined_by", Text),
    Column("decline_reason", Text),
    Index("ix_info_items_organization_event", "organization_id", "event_on", "id"),
)

# One row per item and level: an item is adopted at most once at each level. The points are those of
# the table in force on the adoption day, written once and never recomputed.
info_adoptions = Table(
    "info_adoptions",
    metadata,
    Column("item_id", Uuid, ForeignKey("info_items.id"), nullable=False),
    Column("level", Text, nullable=False),  # county | city | province
    Column("adopted_on", Date, nullable=False),
    Column("adopted_by", Text, nullable=False),
    Column("adopted_by_organization", Text, nullable=False),
    Column("points", Integer, nullable=False),
    Column("table_version", Integer, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("item_id", "level"),
    Index("ix_info_adoptions_adopted_on", "adopted_on"),
)

# A federation's points tables, versioned; a published version is never changed.
info_points_tables = Table(
    "info_points_tables",
    metadata,
    Column("federation_id", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("points", JSONB, nullable=False),  # {level: points}
    Column("note", Text, nullable=False, server_default=""),
    Column("published_by", Text, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("federation_id", "version"),
    UniqueConstraint("federation_id", "effective_from", name="uq_info_points_tables_effective_from"),
)
