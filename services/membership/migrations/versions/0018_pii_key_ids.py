"""pii_key_ids: every row with personal data records the key its ciphertexts and digests are
under (members.pii_key_id, safety_inspectors.pii_key_id), so the personal-data key can rotate

An expand step only: a column with a constant default is added without rewriting the table, and
every row written before is under the one key there was, ``0`` (MEMBERSHIP_PII_KEY). The default
stays, so the previous version, still running during a rolling upgrade, writes rows that are
right too (it knows only that key). ``unionfed membership reencrypt-pii`` then moves rows to the
current key.

Revision ID: 0018_pii_key_ids
Revises: 0017_schedules
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_pii_key_ids"
down_revision: str | tuple[str, ...] | None = "0017_schedules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("members", "safety_inspectors")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("pii_key_id", sa.Text(), nullable=False, server_default=sa.text("'0'")))


def downgrade() -> None:
    # Rows under another key than 0 would be unreadable by the previous version: refuse rather
    # than lose track of their key.
    connection = op.get_bind()
    for table in TABLES:
        moved = connection.scalar(sa.text(f"SELECT count(*) FROM {table} WHERE pii_key_id <> '0'"))
        if moved:
            raise RuntimeError(
                f"{moved} row(s) of {table} are under another personal-data key than 0: "
                "re-encrypt them to key 0 (MEMBERSHIP_PII_KEY_ID=0, then reencrypt-pii) before downgrading"
            )
    for table in TABLES:
        op.drop_column(table, "pii_key_id")
