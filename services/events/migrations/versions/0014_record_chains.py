"""Record chains: the append-only ``record_links`` table (unionfed_shared.record_chain)

Existing rows are not sealed here (a hash of RFC 8785 bytes is not SQL's to write): after the
upgrade the operator runs ``unionfed events seal-records`` once, which appends a ``sealed``
link for every record in a chained state that has none. Until then verify-records names them as
never chained.

Revision ID: 0014_record_chains
Revises: 0013_attachments
"""

from collections.abc import Sequence

from alembic import op

from unionfed_shared.record_chain.migration import CREATE_V1, DROP_V1, statements

revision: str = "0014_record_chains"
down_revision: str | tuple[str, ...] | None = "0013_attachments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for statement in statements(CREATE_V1):
        op.execute(statement)


def downgrade() -> None:
    for statement in statements(DROP_V1):
        op.execute(statement)
