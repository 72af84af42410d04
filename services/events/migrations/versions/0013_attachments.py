"""attachments: files attached to activities and congress sessions (attachment_blobs, attachments)

Revision ID: 0013_attachments
Revises: 0012_spot_checks

The bytes are kept once per SHA-256 (content-addressed); each attachments row names the record,
the original file name, the type told from the bytes, who uploaded it and when.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_attachments"
down_revision: str | tuple[str, ...] | None = "0012_spot_checks"
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
