"""职工之家 certification: the federations' checklists (one row per version), the unions'
assessments and their evidence (on the membership metadata)."""

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

from unionfed_membership.adapters.metadata import metadata
from unionfed_shared.attachments.tables import add_attachment_tables

home_checklists = Table(
    "home_checklists",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("federation_id", Text, ForeignKey("organizations.id"), nullable=False),
    Column("version", Integer, nullable=False),
    # [{code, section, text, max_points, evidence_required}]: a version never changes once published.
    Column("items", JSONB, nullable=False),
    Column("qualified", Integer, nullable=False),
    Column("advanced", Integer, nullable=False),
    Column("model", Integer, nullable=False),
    Column("valid_years", Integer, nullable=False),
    Column("published_by", Text, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("federation_id", "version", name="uq_home_checklists_version"),
    CheckConstraint("0 < qualified AND qualified < advanced AND advanced < model", name="ck_home_checklists_levels"),
    CheckConstraint("valid_years BETWEEN 1 AND 10", name="ck_home_checklists_valid_years"),
)

home_assessments = Table(
    "home_assessments",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, ForeignKey("organizations.id"), nullable=False, index=True),
    Column("federation_id", Text, nullable=False),
    Column("year", Integer, nullable=False),
    Column("checklist_id", Uuid, ForeignKey("home_checklists.id"), nullable=False),
    Column("status", Text, nullable=False),
    # [{code, self_score, note, review_score}] in the checklist's order
    Column("scores", JSONB, nullable=False),
    Column("submitted_on", Date),
    Column("return_reason", Text),
    Column("review_comment", Text),
    Column("level", Text),
    Column("awarded_on", Date),
    Column("renew_by", Date),
    Column("started_by", Text, nullable=False),
    Column("submitted_by", Text),
    Column("reviewed_by", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("organization_id", "year", name="uq_home_assessments_year"),
    CheckConstraint("status IN ('draft', 'submitted', 'returned', 'reviewed')", name="ck_home_assessments_status"),
    CheckConstraint("level IS NULL OR level IN ('qualified', 'advanced', 'model')", name="ck_home_assessments_level"),
    CheckConstraint("(level IS NULL) = (renew_by IS NULL)", name="ck_home_assessments_renewal"),
    CheckConstraint("renew_by IS NULL OR renew_by > awarded_on", name="ck_home_assessments_renew_after"),
)

home_evidence = Table(
    "home_evidence",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("assessment_id", Uuid, ForeignKey("home_assessments.id"), nullable=False, index=True),
    Column("item_code", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("added_on", Date, nullable=False),
    # The entry's latest file (its sha256 and name, both or neither); every file it carries is in
    # ``attachments`` (record_kind home_evidence).
    Column("file_sha256", Text),
    Column("file_name", Text),
    Column("added_by", Text, nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("(file_sha256 IS NULL) = (file_name IS NULL)", name="ck_home_evidence_file"),
)

# Files attached to evidence entries (the attachment kit): the bytes once per SHA-256, and which
# entry has which file. Membership's only records with files so far.
attachment_blobs, attachments = add_attachment_tables(metadata)
