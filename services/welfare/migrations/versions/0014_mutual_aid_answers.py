"""finance's answers to the mutual-aid fund's movements: a finance status (and reason) on each
contribution, loan and repayment, the fund's pending totals, and loans refused by finance

Movements recorded before this revision are taken as posted: welfare did not keep finance's
answers to them, and what finance refused then is in finance's outcomes, not here.

Revision ID: 0014_mutual_aid_answers
Revises: 0013_outside_help
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_mutual_aid_answers"
down_revision: str | tuple[str, ...] | None = "0013_outside_help"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FINANCE_STATUS_CHECK = "finance_status IN ('pending', 'posted', 'refused')"
OLD_TOTALS = "repaid_fen >= 0 AND repaid_fen <= lent_fen AND lent_fen - repaid_fen <= contributed_fen"
NEW_TOTALS = (
    "contributed_pending_fen BETWEEN 0 AND contributed_fen AND lent_pending_fen BETWEEN 0 AND lent_fen"
    " AND repaid_pending_fen BETWEEN 0 AND repaid_fen AND repaid_fen <= lent_fen"
    " AND lent_fen - (repaid_fen - repaid_pending_fen) <= contributed_fen - contributed_pending_fen"
)


def upgrade() -> None:
    for column in ("contributed_pending_fen", "lent_pending_fen", "repaid_pending_fen"):
        op.add_column("mutual_aid_funds", sa.Column(column, sa.BigInteger(), nullable=False, server_default="0"))
    op.drop_constraint("ck_mutual_aid_funds_totals", "mutual_aid_funds", type_="check")
    op.create_check_constraint("ck_mutual_aid_funds_totals", "mutual_aid_funds", NEW_TOTALS)

    for table in ("mutual_aid_contributions", "mutual_aid_repayments"):
        # The default fills the rows already there; new rows always name their status.
        op.add_column(table, sa.Column("finance_status", sa.Text(), nullable=False, server_default="posted"))
        op.alter_column(table, "finance_status", server_default=None)
        op.add_column(table, sa.Column("finance_reason", sa.Text()))
        op.create_check_constraint(f"ck_{table}_finance_status", table, FINANCE_STATUS_CHECK)

    op.add_column("mutual_aid_loans", sa.Column("finance_status", sa.Text()))
    op.add_column("mutual_aid_loans", sa.Column("finance_reason", sa.Text()))
    op.execute("UPDATE mutual_aid_loans SET finance_status = 'posted' WHERE status IN ('lent', 'repaid')")
    op.drop_constraint("ck_mutual_aid_loans_status", "mutual_aid_loans", type_="check")
    op.create_check_constraint(
        "ck_mutual_aid_loans_status",
        "mutual_aid_loans",
        "status IN ('applied', 'lent', 'repaid', 'rejected', 'refused')",
    )
    op.create_check_constraint(
        "ck_mutual_aid_loans_finance_status",
        "mutual_aid_loans",
        "(finance_status IS NULL) = (status IN ('applied', 'rejected')) AND " + FINANCE_STATUS_CHECK,
    )


def downgrade() -> None:
    # A loan finance refused was never lent: it goes back as turned down, finance's reason added to
    # the note. Refused contributions and repayments stay as rows (the fund's totals already leave
    # them out); the previous release shows them as plain movements.
    op.drop_constraint("ck_mutual_aid_loans_finance_status", "mutual_aid_loans", type_="check")
    op.drop_constraint("ck_mutual_aid_loans_status", "mutual_aid_loans", type_="check")
    op.execute(
        "UPDATE mutual_aid_loans SET status = 'rejected', decision_note = concat_ws(' / ',"
        " nullif(decision_note, ''), coalesce(finance_reason, '')) WHERE status = 'refused'"
    )
    op.create_check_constraint(
        "ck_mutual_aid_loans_status", "mutual_aid_loans", "status IN ('applied', 'lent', 'repaid', 'rejected')"
    )
    op.drop_column("mutual_aid_loans", "finance_reason")
    op.drop_column("mutual_aid_loans", "finance_status")
    for table in ("mutual_aid_repayments", "mutual_aid_contributions"):
        op.drop_constraint(f"ck_{table}_finance_status", table, type_="check")
        op.drop_column(table, "finance_reason")
        op.drop_column(table, "finance_status")
    op.drop_constraint("ck_mutual_aid_funds_totals", "mutual_aid_funds", type_="check")
    for column in ("repaid_pending_fen", "lent_pending_fen", "contributed_pending_fen"):
        op.drop_column("mutual_aid_funds", column)
    op.create_check_constraint("ck_mutual_aid_funds_totals", "mutual_aid_funds", OLD_TOTALS)
