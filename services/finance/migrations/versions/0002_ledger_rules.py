"""ledger rules: holds, budgets, closed periods, reversals, outcomes, policies, fund requests

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Entries are immutable: a correction is a reversing posting. Only a superuser who turns
# triggers off (session_replication_role) can rewrite them, and verify-chain then names the entry.
IMMUTABLE = (
    """
    CREATE FUNCTION refuse_ledger_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'ledger entries are immutable: post a reversal instead (% on %)', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END $$
    """,
    "CREATE TRIGGER postings_immutable BEFORE UPDATE OR DELETE ON postings"
    " FOR EACH ROW EXECUTE FUNCTION refuse_ledger_rewrite()",
    "CREATE TRIGGER posting_lines_immutable BEFORE UPDATE OR DELETE ON posting_lines"
    " FOR EACH ROW EXECUTE FUNCTION refuse_ledger_rewrite()",
)


def upgrade() -> None:
    op.add_column("accounts", sa.Column("pending_fen", sa.BigInteger(), server_default="0", nullable=False))
    op.drop_constraint("ck_accounts_floor", "accounts", type_="check")
    op.create_check_constraint(
        "ck_accounts_floor", "accounts", "floor_fen IS NULL OR balance_fen - pending_fen >= floor_fen"
    )
    op.create_check_constraint("ck_accounts_pending", "accounts", "pending_fen >= 0")
    op.add_column("postings", sa.Column("journal_event_id", sa.Text()))
    op.add_column("postings", sa.Column("journal_partition", sa.Integer()))
    op.add_column("postings", sa.Column("journal_offset", sa.BigInteger()))
    op.add_column("postings", sa.Column("reverses_posting_id", sa.Uuid(), sa.ForeignKey("postings.id"), unique=True))
    op.add_column("posting_lines", sa.Column("counterparty_id", sa.Text()))
    op.create_table(
        "holds",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("organization_id", sa.Text(), sa.ForeignKey("ledgers.organization_id"), nullable=False),
        sa.Column("account_code", sa.Text(), nullable=False),
        sa.Column("category_account", sa.Text(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("posted_fen", sa.BigInteger()),
        sa.Column("posting_id", sa.Uuid(), sa.ForeignKey("postings.id")),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("reference", sa.Text()),
        sa.Column("requested_by_event_id", sa.Text(), nullable=False),
        sa.Column("settled_by_event_id", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("amount_fen > 0", name="ck_holds_amount"),
        sa.CheckConstraint("status IN ('pending', 'posted', 'voided')", name="ck_holds_status"),
        sa.CheckConstraint(
            "posted_fen IS NULL OR (posted_fen > 0 AND posted_fen <= amount_fen)", name="ck_holds_posted"
        ),
    )
    op.create_table(
        "budgets",
        sa.Column("organization_id", sa.Text(), sa.ForeignKey("ledgers.organization_id"), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("category_account", sa.Text(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("policy", sa.Text(), nullable=False),
        sa.Column("spent_fen", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("reserved_fen", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "fiscal_year", "category_account"),
        sa.CheckConstraint("policy IN ('stop', 'warn')", name="ck_budgets_policy"),
        sa.CheckConstraint("reserved_fen >= 0", name="ck_budgets_reserved"),
    )
    op.create_table(
        "closed_periods",
        sa.Column("organization_id", sa.Text(), sa.ForeignKey("ledgers.organization_id"), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("closed_by", sa.Text()),
        sa.Column("journal_event_id", sa.Text(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "label"),
        sa.CheckConstraint("starts_on <= ends_on", name="ck_closed_periods_range"),
    )
    op.create_table(
        "money_outcomes",
        sa.Column("journal_event_id", sa.Text(), primary_key=True),
        sa.Column("request_event_id", sa.Text(), nullable=False, index=True),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("operation", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("warnings", postgresql.JSONB(), server_default="[]", nullable=False),
        sa.Column("reference", sa.Text()),
        sa.Column("hold_id", sa.Uuid()),
        sa.Column("posting_ids", postgresql.ARRAY(sa.Uuid()), server_default="{}", nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
    )
    op.create_table(
        "fund_policies",
        sa.Column("federation_id", sa.Text(), primary_key=True),
        sa.Column("employer_funds_remit_per_mille", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.Text()),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("employer_funds_remit_per_mille BETWEEN 0 AND 1000", name="ck_fund_policies_share"),
    )
    op.create_table(
        "fund_requests",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("organization_id", sa.Text(), nullable=False, index=True),
        sa.Column("approver_id", sa.Text(), nullable=False, index=True),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.Text()),
        sa.Column("decided_by", sa.Text()),
        sa.Column("decision_reason", sa.Text()),
        sa.Column("journal_event_id", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("amount_fen > 0", name="ck_fund_requests_amount"),
        sa.CheckConstraint("status IN ('submitted', 'approved', 'refused')", name="ck_fund_requests_status"),
    )
    for statement in IMMUTABLE:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TRIGGER posting_lines_immutable ON posting_lines")
    op.execute("DROP TRIGGER postings_immutable ON postings")
    op.execute("DROP FUNCTION refuse_ledger_rewrite()")
    for table in ("fund_requests", "fund_policies", "money_outcomes", "closed_periods", "budgets", "holds"):
        op.drop_table(table)
    op.drop_column("posting_lines", "counterparty_id")
    for column in ("reverses_posting_id", "journal_offset", "journal_partition", "journal_event_id"):
        op.drop_column("postings", column)
    op.drop_constraint("ck_accounts_pending", "accounts", type_="check")
    op.drop_constraint("ck_accounts_floor", "accounts", type_="check")
    op.create_check_constraint("ck_accounts_floor", "accounts", "floor_fen IS NULL OR balance_fen >= floor_fen")
    op.drop_column("accounts", "pending_fen")
