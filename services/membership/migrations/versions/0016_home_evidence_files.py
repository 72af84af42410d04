"""home evidence files: files attached to 职工之家 evidence entries (attachment_blobs, attachments)

Revision ID: 0016_home_evidence_files
Revises: 0015_report_layouts

The attachment kit's two tables in membership's database: the bytes kept once per SHA-256
(content-addressed), and each attachments row naming the evidence entry, the original file name,
the type told from the bytes, who uploaded it and when. The entry's own ``file_sha256`` and
``file_name`` (created empty in 0013) name its latest file.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_home_evidence_files"
down_revision: str | tuple[str, ...] | None = "0015_report_layouts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attachment_blobs",
        sa.Column("sha256", sa.Text(), primary_key=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.LargeBinary()),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "attachments",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("record_kind", sa.Text(), nullable=False),
        sa.Column("record_id", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("sha256", sa.Text(), sa.ForeignKey("attachment_blobs.sha256"), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("media_type", sa.Text(), nullable=False),
        sa.Column("uploaded_by", sa.Text(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_attachments_record", "attachments", ["record_kind", "record_id", "uploaded_at"])
    op.create_index("ix_attachments_organization_time", "attachments", ["organization_id", "uploaded_at"])


def downgrade() -> None:
    op.drop_index("ix_attachments_organization_time", table_name="attachments")
    op.drop_index("ix_attachments_record", table_name="attachments")
    op.drop_table("attachments")
    op.drop_table("attachment_blobs")
