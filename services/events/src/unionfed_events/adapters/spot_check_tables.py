"""Spot check tables (督查): an upper union's checks of the unions under it, and their follow-up."""

from sqlalchemy import Boolean, CheckConstraint, Column, Date, DateTime, Index, Table, Text, Uuid, func

from unionfed_events.adapters.metadata import metadata

spot_checks = Table(
    "spot_checks",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, nullable=False),  # the union checked
    Column("federation_id", Text, nullable=False),
    Column("checked_by_organization_id", Text, nullable=False),  # the union above that checked it
    Column("checked_on", Date, nullable=False),  # business dates in the federation's zone
    Column("subject", Text, nullable=False),  # congress | disclosure | other
    Column("subject_detail", Text, nullable=False),
    Column("findings", Text, nullable=False),
    Column("follow_up_required", Boolean, nullable=False),
    Column("follow_up_due_on", Date),
    Column("recorded_by", Text, nullable=False),
    Column("status", Text, nullable=False),  # open | followed_up | closed
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("follow_up", Text),
    Column("followed_up_on", Date),
    Column("followed_up_by", Text),
    Column("closed_on", Date),
    Column("closed_by", Text),
    Column("closing_note", Text),
    CheckConstraint("subject IN ('congress', 'disclosure', 'other')", name="ck_spot_checks_subject"),
    CheckConstraint("status IN ('open', 'followed_up', 'closed')", name="ck_spot_checks_status"),
    CheckConstraint("follow_up_required = (follow_up_due_on IS NOT NULL)", name="ck_spot_checks_due"),
    # Lists read a subtree's checks, newest first.
    Index("ix_spot_checks_organization_checked", "organization_id", "checked_on", "id"),
)
