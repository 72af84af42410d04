"""The messaging tables every service database holds beside its own."""

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import UserDefinedType


class Xid8(UserDefinedType):
    """PostgreSQL's 64-bit transaction id: orders outbox rows by the transaction that wrote them."""

    cache_ok = True

    def get_col_spec(self, **_kw) -> str:
        return "xid8"


def add_messaging_tables(metadata: MetaData) -> tuple[Table, Table, Table]:
    outbox = Table(
        "outbox",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("txid", Xid8, nullable=False, server_default=text("pg_current_xact_id()")),
        Column("event_id", Text, nullable=False, unique=True),
        Column("event_type", Text, nullable=False),
        Column("topic", Text, nullable=False),
        Column("key", LargeBinary, nullable=False),
        Column("headers", JSONB, nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True)),
        Index(
            "ix_outbox_unpublished",
            "txid",
            "id",
            postgresql_where=text("published_at IS NULL"),
        ),
    )
    inbox = Table(
        "inbox",
        metadata,
        Column("consumer", Text, nullable=False),
        Column("event_id", Text, nullable=False),
        Column("event_type", Text, nullable=False),
        Column("payload_digest", Text, nullable=False),
        Column("topic", Text, nullable=False),
        Column("partition", Integer, nullable=False),
        Column("offset", BigInteger, nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        PrimaryKeyConstraint("consumer", "event_id"),
    )
    dead_letters = Table(
        "dead_letters",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("consumer", Text, nullable=False),
        Column("topic", Text, nullable=False),
        Column("partition", Integer, nullable=False),
        Column("offset", BigInteger, nullable=False),
        Column("event_id", Text),
        Column("event_type", Text),
        Column("key", LargeBinary),
        Column("headers", JSONB, nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("error", Text, nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("status", Text, nullable=False, server_default="pending"),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        # The latest failure: a replay that fails again moves it, created_at stays the first.
        Column("last_failed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("resolved_at", DateTime(timezone=True)),
        UniqueConstraint("consumer", "topic", "partition", "offset", name="uq_dead_letters_message"),
    )
    return outbox, inbox, dead_letters


def add_dead_letter_last_failure_v1(op) -> None:
    """Add ``dead_letters.last_failed_at`` (call from a service's Alembic revision)."""
    op.execute("ALTER TABLE dead_letters ADD COLUMN last_failed_at timestamptz NOT NULL DEFAULT now()")
    # Rows recorded before: their one known failure is the first.
    op.execute("UPDATE dead_letters SET last_failed_at = created_at")


def drop_dead_letter_last_failure_v1(op) -> None:
    op.execute("ALTER TABLE dead_letters DROP COLUMN last_failed_at")
