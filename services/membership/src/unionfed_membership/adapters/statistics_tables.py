"""Statistics reports that roll up: the federations' forms and the unions' reports (on the membership metadata)."""

from sqlalchemy import (
    ARRAY,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from unionfed_membership.adapters.metadata import metadata

report_forms = Table(
    "report_forms",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("federation_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("indicators", ARRAY(Text), nullable=False),
    Column("manual", JSONB, nullable=False),  # [{code, zh, en, unit}]
    Column("deadline_days", Integer, nullable=False),
    Column("defined_by", Text, nullable=False),
    Column("defined_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("kind IN ('monthly', 'annual')", name="ck_report_forms_kind"),
    UniqueConstraint("federation_id", "kind", "version", name="uq_report_forms_version"),
)

# A report keeps a copy of its form (version, indicators, manual ones, deadline): a later version of
# the form never changes it. Every version of a union's report for a period is kept.
statistics_reports = Table(
    "statistics_reports",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, nullable=False),
    Column("federation_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("period", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("form_version", Integer, nullable=False),
    Column("form_indicators", ARRAY(Text), nullable=False),
    Column("form_manual", JSONB, nullable=False),
    Column("deadline_days", Integer, nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("request_id", Uuid, nullable=False),
    Column("figures", JSONB, nullable=False),  # {code: value}: the platform's figures
    Column("sections", ARRAY(Text), nullable=False),  # the sections in for the current request
    Column("manual", JSONB, nullable=False),  # {code: {value, note}}
    Column("state", Text, nullable=False),
    Column("return_reason", Text),
    Column("opened_by", Text, nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("submitted_by", Text),
    Column("submitted_at", DateTime(timezone=True)),
    Column("reviewed_by", Text),
    Column("reviewed_at", DateTime(timezone=True)),
    CheckConstraint("kind IN ('monthly', 'annual')", name="ck_statistics_reports_kind"),
    CheckConstraint("state IN ('open', 'submitted', 'returned', 'accepted')", name="ck_statistics_reports_state"),
    UniqueConstraint("organization_id", "kind", "period", "version", name="uq_statistics_reports_version"),
    Index("ix_statistics_reports_period", "federation_id", "kind", "period"),
    Index("ix_statistics_reports_request", "request_id"),
    # One version at a time is worked on; accepted ones are locked (the migration's trigger refuses
    # to change or delete an accepted row).
    Index(
        "uq_statistics_reports_one_open",
        "organization_id",
        "kind",
        "period",
        unique=True,
        postgresql_where=text("state <> 'accepted'"),
    ),
)
