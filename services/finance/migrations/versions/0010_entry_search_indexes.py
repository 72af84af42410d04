"""entry search indexes: trigram index on entry descriptions, (organization, date), (organization, total), lines by account

Revision ID: 0010_entry_search_indexes
Revises: 0009_dead_letter_last_failure

The entries list walks a ledger in sequence order and filters as it goes, which is quick while
matches are common and slow when they are rare: in a 100,000-entry ledger a text found in a
handful of entries took about a second (every description read), a month late in the books
most of that (every entry before it read), an amount range held by few entries a third of it. These indexes let PostgreSQL find the few matches
first and order them afterwards (bench ``entries`` scenario).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_entry_search_indexes"
down_revision: str | tuple[str, ...] | None = "0009_dead_letter_last_failure"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # ILIKE '%实验中学 2019-08%' uses it when the text has three or more characters; shorter texts
    # have no trigram and are answered by the walk in sequence order.
    op.create_index(
        "ix_postings_description_trgm",
        "postings",
        ["description"],
        postgresql_using="gin",
        postgresql_ops={"description": "gin_trgm_ops"},
    )
    op.create_index("ix_postings_organization_date", "postings", ["organization_id", "effective_date", "sequence"])
    op.create_index("ix_postings_organization_total", "postings", ["organization_id", "total_fen", "sequence"])
    # Entries with a line on an account: the lines of that account in that ledger, without
    # probing every entry's lines.
    op.create_index(
        "ix_posting_lines_organization_account", "posting_lines", ["organization_id", "account_code", "posting_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_posting_lines_organization_account", table_name="posting_lines")
    op.drop_index("ix_postings_organization_total", table_name="postings")
    op.drop_index("ix_postings_organization_date", table_name="postings")
    op.drop_index("ix_postings_description_trgm", table_name="postings")
