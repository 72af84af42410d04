"""welfare holds take finance's names for their states (unionfed_shared.finance_holds), as events' do

Revision ID: 0009_hold_states
Revises: 0008_dead_letter_last_failure
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009_hold_states"
down_revision: str | tuple[str, ...] | None = "0008_dead_letter_last_failure"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RENAMED = {"pay_requested": "capture_requested", "paid": "captured", "cancel_requested": "void_requested"}


def _rename(names: dict[str, str]) -> None:
    cases = " ".join(f"WHEN '{old}' THEN '{new}'" for old, new in names.items())
    olds = ", ".join(f"'{old}'" for old in names)
    op.execute(f"UPDATE welfare_holds SET status = CASE status {cases} END WHERE status IN ({olds})")


def upgrade() -> None:
    _rename(RENAMED)


def downgrade() -> None:
    _rename({new: old for old, new in RENAMED.items()})
