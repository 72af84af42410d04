"""Job placement table (再就业帮扶); the skills roll-up reads the activity tables."""

from sqlalchemy import CheckConstraint, Column, Date, DateTime, Index, Integer, Table, Text, Uuid, func

from unionfed_events.adapters.metadata import metadata

job_placements = Table(
    "job_placements",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, nullable=False),  # the union (or federation) that helped
    Column("federation_id", Text, nullable=False),
    Column("placed_on", Date, nullable=False),  # business date in the federation's zone
    Column("employer", Text, nullable=False),
    Column("people", Integer, nullable=False),
    Column("members", Integer, nullable=False),
    Column("training_activity_id", Uuid),
    Column("note", Text, nullable=False, server_default=""),
    Column("recorded_by", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("people > 0 AND members >= 0 AND members <= people", name="ck_job_placements_people"),
    # Lists and the roll-up read an organization's placements of a year, by date.
    Index("ix_job_placements_organization_placed", "organization_id", "placed_on", "id"),
)
