"""audit findings: the audit committee's (经审) findings, answers and term sign-offs, hash-chained per ledger

Revision ID: 0011_audit_findings
Revises: 0010_entry_search_indexes
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_audit_findings"
down_revision: str | tuple[str, ...] | None = "0010_entry_search_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_records",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("ledger_id", sa.Text(), sa.ForeignKey("ledgers.organization_id"), nullable=False),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("finding_id", sa.Uuid()),
        sa.Column("subject_kind", sa.Text()),
        sa.Column("posting_id", sa.Uuid()),
        sa.Column("period_start", sa.Date()),
        sa.Column("period_end", sa.Date()),
        sa.Column("report_kind", sa.Text()),
        sa.Column("report_ref", sa.Text()),
        sa.Column("severity", sa.Text()),
        sa.Column("text", sa.Text()),
        sa.Column("term", sa.Text()),
        sa.Column("head_sequence", sa.BigInteger()),
        sa.Column("head_hash", sa.Text()),
        sa.Column("open_findings", sa.Text()),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("actor_role", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("previous_hash", sa.Text(), nullable=False),
        sa.Column("hash", sa.Text(), nullable=False),
        sa.UniqueConstraint("ledger_id", "sequence", name="uq_audit_records_sequence"),
        sa.CheckConstraint(
            "kind IN ('finding_recorded', 'finding_answered', 'finding_closed', 'finding_reopened', 'term_signed_off')",
            name="ck_audit_records_kind",
        ),
    )
    op.create_index("ix_audit_records_finding", "audit_records", ["finding_id", "sequence"])
    op.create_index("ix_audit_records_posting", "audit_records", ["posting_id"])
    op.create_index("ix_audit_records_federation", "audit_records", ["federation_id", "ledger_id", "sequence"])
    # Append-only, as the ledger's entries (0002_ledger_rules): a finding changes by a new record.
    op.execute(
        "CREATE TRIGGER audit_records_immutable BEFORE UPDATE OR DELETE ON audit_records"
        " FOR EACH ROW EXECUTE FUNCTION refuse_ledger_rewrite()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER audit_records_immutable ON audit_records")
    op.drop_table("audit_records")
