"""Export layouts of statistics reports (报表样式), per federation, kind and key, versioned."""

from sqlalchemy import CheckConstraint, Column, DateTime, Integer, Table, Text, UniqueConstraint, Uuid, func
from sqlalchemy.dialects.postgresql import JSONB

from unionfed_membership.adapters.metadata import metadata

# A version is never changed: a new one is added (the console and the routes name a version by its id).
report_layouts = Table(
    "report_layouts",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("federation_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("title", Text, nullable=False),
    # {header: [{label, source, text}], rows: [{kind, label, level, numbered, code, terms, per,
    # unit_label}], footer: [...], money_unit, money_decimals, percent_decimals}
    Column("definition", JSONB, nullable=False),
    Column("defined_by", Text, nullable=False),
    Column("defined_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("kind IN ('monthly', 'annual')", name="ck_report_layouts_kind"),
    UniqueConstraint("federation_id", "kind", "key", "version", name="uq_report_layouts_version"),
)
