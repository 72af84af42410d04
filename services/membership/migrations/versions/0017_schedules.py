"""schedules: a record of every run of the service's daily jobs (job, business day, attempt,
instance, started and finished, outcome, summary), so each runs once per business day

Revision ID: 0017_schedules
Revises: 0016_home_evidence_files
"""

from collections.abc import Sequence

from alembic import op

from unionfed_shared.schedules import create_schedule_runs_v1, drop_schedule_runs_v1

revision: str = "0017_schedules"
down_revision: str | tuple[str, ...] | None = "0016_home_evidence_files"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The table is defined once, in shared, beside the scheduler that reads and writes it.
    create_schedule_runs_v1(op)


def downgrade() -> None:
    drop_schedule_runs_v1(op)
