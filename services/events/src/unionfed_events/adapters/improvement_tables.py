"""Rationalization proposal and technical innovation tables (合理化建议, 技术革新)."""

from sqlalchemy import ARRAY, BigInteger, Column, Date, DateTime, Index, Table, Text, Uuid, func
from sqlalchemy.dialects.postgresql import JSONB

from unionfed_events.adapters.metadata import metadata

improvements = Table(
    "improvements",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, nullable=False),  # the grassroots union it is filed in
    Column("federation_id", Text, nullable=False),
    Column("kind", Text, nullable=False),  # rationalization | innovation
    Column("title", Text, nullable=False),
    Column("content", Text, nullable=False),
    Column("department", Text, nullable=False),
    Column("proposer_ids", ARRAY(Uuid), nullable=False),
    Column("proposer_names", ARRAY(Text), nullable=False),
    Column("filed_on", Date, nullable=False),  # business date in the federation's zone
    Column("filed_by", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("decided_on", Date),
    Column("decided_by", Text),
    Column("decision_note", Text),
    Column("implemented_on", Date),
    Column("implemented_by", Text),
    Column("value_fen", BigInteger),  # the latest figure of value_history
    # [{value_fen, note, recorded_by, recorded_at}], oldest first: every estimate and revision.
    Column("value_history", JSONB, nullable=False),
    # Lists and roll-ups read a union's proposals of a year, by filing date.
    Index("ix_improvements_organization_filed", "organization_id", "filed_on", "id"),
)
