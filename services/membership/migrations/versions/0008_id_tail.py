"""member search by the ID number's last four characters: a keyed digest of the tail, indexed

Revision ID: 0008_id_tail
Revises: 0007_dead_letter_last_failure
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_id_tail"
down_revision: str | tuple[str, ...] | None = "0007_dead_letter_last_failure"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("members", sa.Column("id_number_tail_digest", sa.Text()))
    op.create_index("ix_members_federation_id_tail", "members", ["federation_id", "id_number_tail_digest"])
    _digest_existing_tails()


def _digest_existing_tails() -> None:
    """Members enrolled before this revision: their numbers are decrypted here, in the service's
    own process, with its keys; the keys are only asked for when there is a number to read."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, id_number_ciphertext FROM members WHERE id_number_ciphertext IS NOT NULL")
    ).all()
    if not rows:
        return
    from unionfed_membership.adapters import pii
    from unionfed_membership.domain.personal_data import id_tail_of

    keys = pii.current().key(pii.FIRST_KEY_ID)  # every row before 0018_pii_key_ids is under the first key
    connection.execute(
        sa.text("UPDATE members SET id_number_tail_digest = :digest WHERE id = :id"),
        [
            {"id": row.id, "digest": keys.id_tail_digest(id_tail_of(keys.decrypt(row.id_number_ciphertext)))}
            for row in rows
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_members_federation_id_tail", table_name="members")
    op.drop_column("members", "id_number_tail_digest")
