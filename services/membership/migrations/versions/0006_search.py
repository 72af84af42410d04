"""member search: trigram index on names for substring search (Chinese names included), staff numbers

Revision ID: 0006_search
Revises: 0005_idempotency_keys
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006_search"
down_revision: str | tuple[str, ...] | None = "0005_idempotency_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # ILIKE '%张三丰%' uses this index when the query has three or more characters; shorter
    # queries have no trigram and are answered by walking the (display_name, id) order instead.
    op.create_index(
        "ix_members_display_name_trgm",
        "members",
        ["display_name"],
        postgresql_using="gin",
        postgresql_ops={"display_name": "gin_trgm_ops"},
    )
    # One- and two-character queries (a surname, 张伟) have no trigram. Every name's one- and
    # two-character grams, case-folded, in a GIN index narrow those to the names holding them;
    # the LIKE then checks. IMMUTABLE is honest for the database's fixed collation.
    op.execute(
        """
        CREATE FUNCTION member_name_grams(name text) RETURNS text[]
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
            SELECT coalesce(array_agg(DISTINCT substr(lower(name), i, n)), '{}')
            FROM generate_series(1, char_length(name)) AS i, (VALUES (1), (2)) AS sizes(n)
            WHERE i + n - 1 <= char_length(name)
        $$
        """
    )
    op.execute("CREATE INDEX ix_members_name_grams ON members USING gin (member_name_grams(display_name))")
    # The list's order and keyset, within a federation: (display_name, id).
    op.create_index("ix_members_federation_name_id", "members", ["federation_id", "display_name", "id"])
    op.create_index("ix_members_staff_no", "members", ["staff_no"])


def downgrade() -> None:
    op.drop_index("ix_members_staff_no", table_name="members")
    op.drop_index("ix_members_name_grams", table_name="members")
    op.execute("DROP FUNCTION member_name_grams(text)")
    op.drop_index("ix_members_federation_name_id", table_name="members")
    op.drop_index("ix_members_display_name_trgm", table_name="members")
