"""Democratic evaluation (民主评议) and 师德 assessment tables.

Anonymity is kept by the storage, as for surveys: ``evaluation_staff`` says which members were
asked and whether they answered, ``evaluation_codes`` which outside answer codes were issued and
used; ``evaluation_answers`` holds the forms under a random id with their kind and nothing else
(no member, no code, no time), so no query can join an answer to its respondent.
"""

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, Table, Text, Uuid, func, text
from sqlalchemy.dialects.postgresql import JSONB

from unionfed_events.adapters.metadata import metadata

evaluations = Table(
    "evaluations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, nullable=False, index=True),  # the union whose leaders are evaluated
    Column("federation_id", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("year", Integer, nullable=False),
    Column("scale", Text, nullable=False),  # grades, points
    Column("subjects", JSONB, nullable=False),  # [{name, post}]
    Column("status", Text, nullable=False),  # draft, open, closed
    Column("created_by", Text, nullable=False),
    Column("outside_forms", Integer, nullable=False, server_default=text("0")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("opened_at", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    Column("submitted_by", Text),
    Column("submitted_at", DateTime(timezone=True)),
    Column("submitted_results", JSONB),  # what the level above reads: return rates and tallies
)

evaluation_staff = Table(
    "evaluation_staff",
    metadata,
    Column("evaluation_id", Uuid, ForeignKey("evaluations.id"), primary_key=True),
    Column("member_id", Uuid, primary_key=True),
    Column("answered", Boolean, nullable=False, server_default=text("false")),
)

evaluation_codes = Table(
    "evaluation_codes",
    metadata,
    Column("code", Text, primary_key=True),
    Column("evaluation_id", Uuid, ForeignKey("evaluations.id"), nullable=False, index=True),
    Column("used", Boolean, nullable=False, server_default=text("false")),
)

# What was answered: a random id, the form's kind, no member, no code, no timestamp.
evaluation_answers = Table(
    "evaluation_answers",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("evaluation_id", Uuid, ForeignKey("evaluations.id"), nullable=False, index=True),
    Column("form", Text, nullable=False),  # staff, outside
    Column("ratings", JSONB, nullable=False),  # per subject: [rating, comment or null]
)

ethics_assessments = Table(
    "ethics_assessments",
    metadata,
    Column("organization_id", Text, primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("member_id", Uuid, primary_key=True),
    Column("result", Text, nullable=False),  # 优秀 合格 基本合格 不合格
    Column("note", Text, nullable=False, server_default=""),
    Column("assessed_by", Text, nullable=False),
    Column("assessed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

ethics_submissions = Table(
    "ethics_submissions",
    metadata,
    Column("organization_id", Text, primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("submitted_by", Text, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
