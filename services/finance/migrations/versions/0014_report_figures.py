"""业务支出: the chart gains 5104 (union business expense) in every ledger already open

The statistics report's 业务支出 (spending_business_fen) is the period's postings on 5104; books
opened from now on get it with the standard chart, and this opens it, empty, in the books opened
before. No posting moves: a zero balance is what its (absent) lines sum to, so the chain check holds.

Revision ID: 0014_report_figures
Revises: 0013_disclosure_rollup
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014_report_figures"
down_revision: str | tuple[str, ...] | None = "0013_disclosure_rollup"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "INSERT INTO accounts (organization_id, code, name, name_zh, type, floor_fen) "
        "SELECT organization_id, '5104', 'Union business expense', '业务支出', 'expense', NULL FROM ledgers "
        "ON CONFLICT (organization_id, code) DO NOTHING"
    )


def downgrade() -> None:
    # Only where nothing was ever posted on it: a ledger with business spending keeps its account.
    op.execute(
        "DELETE FROM accounts a WHERE a.code = '5104' AND a.balance_fen = 0 AND a.pending_fen = 0 "
        "AND NOT EXISTS (SELECT 1 FROM posting_lines l WHERE l.organization_id = a.organization_id "
        "AND l.account_code LIKE '5104%')"
    )
