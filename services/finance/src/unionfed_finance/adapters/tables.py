"""The finance database: every organization's books."""

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)

from unionfed_shared.directory import Directory
from unionfed_shared.messaging.tables import add_messaging_tables

metadata = MetaData()
directory = Directory(metadata)
outbox, inbox, dead_letters = add_messaging_tables(metadata)

ledgers = Table(
    "ledgers",
    metadata,
    Column("organization_id", Text, primary_key=True),
    Column("federation_id", Text, nullable=False),
    # The chain head: appending locks this row, so each ledger's sequence has no gaps or forks.
    Column("last_sequence", BigInteger, nullable=False, server_default="0"),
    Column("last_hash", Text, nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

accounts = Table(
    "accounts",
    metadata,
    Column("organization_id", Text, ForeignKey("ledgers.organization_id"), nullable=False),
    Column("code", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("name_zh", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("floor_fen", BigInteger),
    Column("balance_fen", BigInteger, nullable=False, server_default="0"),
    PrimaryKeyConstraint("organization_id", "code"),
    CheckConstraint("floor_fen IS NULL OR balance_fen >= floor_fen", name="ck_accounts_floor"),
)

postings = Table(
    "postings",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, ForeignKey("ledgers.organization_id"), nullable=False),
    Column("sequence", BigInteger, nullable=False),
    Column("effective_date", Date, nullable=False),
    Column("description", Text, nullable=False),
    Column("total_fen", BigInteger, nullable=False),
    Column("source_event_id", Text, nullable=False),
    Column("source_event_type", Text, nullable=False),
    Column("source_topic", Text, nullable=False),
    Column("source_partition", Integer, nullable=False),
    Column("source_offset", BigInteger, nullable=False),
    Column("actor", Text),
    Column("causation_id", Text),
    Column("correlation_id", Text, nullable=False),
    Column("trace_id", Text),
    Column("previous_hash", Text, nullable=False),
    Column("hash", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("organization_id", "sequence", name="uq_postings_sequence"),
    UniqueConstraint("organization_id", "source_event_id", name="uq_postings_once_per_event"),
)

posting_lines = Table(
    "posting_lines",
    metadata,
    Column("posting_id", Uuid, ForeignKey("postings.id"), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("organization_id", Text, nullable=False),
    Column("account_code", Text, nullable=False),
    Column("debit_fen", BigInteger, nullable=False),
    Column("credit_fen", BigInteger, nullable=False),
    PrimaryKeyConstraint("posting_id", "line_no"),
    ForeignKeyConstraint(["organization_id", "account_code"], ["accounts.organization_id", "accounts.code"]),
    CheckConstraint("debit_fen >= 0 AND credit_fen >= 0 AND (debit_fen > 0) <> (credit_fen > 0)", name="ck_line_one_side"),
)

dues_accounts = Table(
    "dues_accounts",
    metadata,
    Column("member_id", Uuid, primary_key=True),
    Column("organization_id", Text, nullable=False, index=True),
    Column("federation_id", Text, nullable=False),
    Column("paid_total_fen", BigInteger, nullable=False, server_default="0"),
    Column("periods_paid", Integer, nullable=False, server_default="0"),
    Column("last_period", Text),
    Column("opened_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
