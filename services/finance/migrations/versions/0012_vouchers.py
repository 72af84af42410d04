"""vouchers: files attached to ledger entries (attachment_blobs, attachments) and their chain (voucher_links, voucher_heads)

Revision ID: 0012_vouchers
Revises: 0010_entry_search_indexes

Vouchers (票据) are attached to entries already posted. The bytes are kept once per SHA-256; each
voucher gets a link in its ledger's voucher chain covering its attachments row and the hash of its
entry, so verify-chain names a voucher whose row or bytes changed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012_vouchers"
down_revision: str | tuple[str, ...] | None = "0011_audit_findings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IMMUTABLE_TABLES = ("attachment_blobs", "attachments", "voucher_links")


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
    op.create_table(
        "voucher_links",
        sa.Column("organization_id", sa.Text(), sa.ForeignKey("ledgers.organization_id"), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("attachment_id", sa.Uuid(), nullable=False, unique=True),
        sa.Column("posting_id", sa.Uuid(), nullable=False),
        sa.Column("posting_hash", sa.Text(), nullable=False),
        sa.Column("previous_hash", sa.Text(), nullable=False),
        sa.Column("hash", sa.Text(), nullable=False),
        sa.Column("field_digests", postgresql.JSONB(), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "sequence"),
    )
    op.create_table(
        "voucher_heads",
        sa.Column("organization_id", sa.Text(), sa.ForeignKey("ledgers.organization_id"), primary_key=True),
        sa.Column("last_sequence", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.Text(), nullable=False),
    )
    # Like entries, vouchers and their links are never rewritten or deleted (a superuser who turns
    # triggers off can, and verify-chain then names the voucher).
    for table in IMMUTABLE_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION refuse_ledger_rewrite()"
        )


def downgrade() -> None:
    for table in IMMUTABLE_TABLES:
        op.execute(f"DROP TRIGGER {table}_immutable ON {table}")
    op.drop_table("voucher_heads")
    op.drop_table("voucher_links")
    op.drop_index("ix_attachments_organization_time", table_name="attachments")
    op.drop_index("ix_attachments_record", table_name="attachments")
    op.drop_table("attachments")
    op.drop_table("attachment_blobs")
