"""The finance database: every organization's books."""

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from unionfed_shared.attachments.tables import add_attachment_tables
from unionfed_shared.directory import Directory
from unionfed_shared.idempotency import add_idempotency_table
from unionfed_shared.messaging.tables import add_messaging_tables
from unionfed_shared.schedules import add_schedule_runs_table

metadata = MetaData()
directory = Directory(metadata)
outbox, inbox, dead_letters = add_messaging_tables(metadata)
idempotency_keys = add_idempotency_table(metadata)
schedule_runs = add_schedule_runs_table(metadata)

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
    # Reserved by pending holds: counts against the floor until the hold is posted or voided.
    Column("pending_fen", BigInteger, nullable=False, server_default="0"),
    PrimaryKeyConstraint("organization_id", "code"),
    CheckConstraint("floor_fen IS NULL OR balance_fen - pending_fen >= floor_fen", name="ck_accounts_floor"),
    CheckConstraint("pending_fen >= 0", name="ck_accounts_pending"),
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
    Column("journal_event_id", Text),
    Column("journal_partition", Integer),
    Column("journal_offset", BigInteger),
    # A correction points at what it corrects; the unique constraint refuses a second reversal.
    Column("reverses_posting_id", Uuid, ForeignKey("postings.id"), unique=True),
    Column("previous_hash", Text, nullable=False),
    Column("hash", Text, nullable=False),
    # The journal entry's time, set by the poster (not the clock) so a replay hashes the same entry.
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    # Per-column digests of what was chained, so verify-chain can name the column that changed.
    Column("field_digests", JSONB, nullable=False),
    UniqueConstraint("organization_id", "sequence", name="uq_postings_sequence"),
    UniqueConstraint("organization_id", "source_event_id", name="uq_postings_once_per_event"),
    # The entries search (0010_entry_search_indexes): substring of the description by trigram, dates, totals.
    Index(
        "ix_postings_description_trgm",
        "description",
        postgresql_using="gin",
        postgresql_ops={"description": "gin_trgm_ops"},
    ),
    Index("ix_postings_organization_date", "organization_id", "effective_date", "sequence"),
    Index("ix_postings_organization_total", "organization_id", "total_fen", "sequence"),
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
    Column("counterparty_id", Text),
    PrimaryKeyConstraint("posting_id", "line_no"),
    ForeignKeyConstraint(["organization_id", "account_code"], ["accounts.organization_id", "accounts.code"]),
    CheckConstraint(
        "debit_fen >= 0 AND credit_fen >= 0 AND (debit_fen > 0) <> (credit_fen > 0)", name="ck_line_one_side"
    ),
    Index("ix_posting_lines_organization_account", "organization_id", "account_code", "posting_id"),
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

# Each member's dues booked by a chunk (CollectDues): the payment (membership's id) once, and
# the posting and line that booked it. Dues posted one by one (DuesCollectedV1) have no row here.
dues_receipts = Table(
    "dues_receipts",
    metadata,
    Column("payment_id", Uuid, primary_key=True),
    Column("member_id", Uuid, nullable=False, index=True),
    Column("organization_id", Text, nullable=False),
    Column("period", Text, nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("posting_id", Uuid, nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("journal_event_id", Text, nullable=False),
)

holds = Table(
    "holds",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, ForeignKey("ledgers.organization_id"), nullable=False),
    Column("account_code", Text, nullable=False),
    Column("category_account", Text, nullable=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("status", Text, nullable=False),  # pending, posted, voided
    Column("posted_fen", BigInteger),
    # Of posted_fen, the part given as goods at their value (a welfare grant of rice and oil).
    Column("posted_goods_fen", BigInteger, nullable=False, server_default="0"),
    Column("posting_id", Uuid, ForeignKey("postings.id")),
    # The hold's own line in its posting, when one posting pays many holds (PayMany, 0017).
    Column("line_no", Integer),
    Column("description", Text, nullable=False),
    Column("reference", Text),
    Column("requested_by_event_id", Text, nullable=False),
    Column("settled_by_event_id", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("settled_at", DateTime(timezone=True)),
    CheckConstraint("amount_fen > 0", name="ck_holds_amount"),
    CheckConstraint("status IN ('pending', 'posted', 'voided')", name="ck_holds_status"),
    CheckConstraint("posted_fen IS NULL OR (posted_fen > 0 AND posted_fen <= amount_fen)", name="ck_holds_posted"),
    # The holds a posting paid, and the one on each of its lines (the disclosure's welfare detail).
    Index("ix_holds_posting_line", "posting_id", "line_no"),
)

budgets = Table(
    "budgets",
    metadata,
    Column("organization_id", Text, ForeignKey("ledgers.organization_id"), nullable=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("category_account", Text, nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("policy", Text, nullable=False),  # stop: refuse beyond the budget; warn: post and warn
    Column("spent_fen", BigInteger, nullable=False, server_default="0"),
    Column("reserved_fen", BigInteger, nullable=False, server_default="0"),
    PrimaryKeyConstraint("organization_id", "fiscal_year", "category_account"),
    CheckConstraint("policy IN ('stop', 'warn')", name="ck_budgets_policy"),
    CheckConstraint("reserved_fen >= 0", name="ck_budgets_reserved"),
)

closed_periods = Table(
    "closed_periods",
    metadata,
    Column("organization_id", Text, ForeignKey("ledgers.organization_id"), nullable=False),
    Column("label", Text, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("closed_by", Text),
    Column("journal_event_id", Text, nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("organization_id", "label"),
    CheckConstraint("starts_on <= ends_on", name="ck_closed_periods_range"),
)

# Every journal entry's one outcome: what reconcile and the requesting services rely on.
money_outcomes = Table(
    "money_outcomes",
    metadata,
    Column("journal_event_id", Text, primary_key=True),
    Column("request_event_id", Text, nullable=False, index=True),
    Column("federation_id", Text, nullable=False),
    Column("requested_by", Text, nullable=False),
    Column("operation", Text, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("reason", Text),
    Column("warnings", JSONB, nullable=False, server_default="[]"),
    Column("reference", Text),
    Column("hold_id", Uuid),
    Column("posting_ids", ARRAY(Uuid), nullable=False, server_default="{}"),
    Column("settled_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Federations whose journal is keyed by ledger (0020): absent, by federation. Written by the
# switch (before a federation's first instruction) and again by the poster when it applies a
# ledger-keyed entry, so a rebuild from the journal keys the federation's next entries the same way.
journal_keying = Table(
    "journal_keying",
    metadata,
    Column("federation_id", Text, primary_key=True),
    Column("ordering", Text, nullable=False),
    Column("since", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("ordering IN ('federation', 'ledger')", name="ck_journal_keying_ordering"),
)

# The other sides of a movement between ledgers posted under ledger keys: one row per side each
# ledger knows, written in that ledger's own order (by the entry that posted it, or by its leg), so a
# reversal in one ledger finds the postings to reverse in the others without reading their state.
transfer_legs = Table(
    "transfer_legs",
    metadata,
    Column("organization_id", Text, nullable=False),
    Column("posting_id", Uuid, nullable=False),
    Column("other_organization_id", Text, nullable=False),
    Column("other_posting_id", Uuid, nullable=False),
    PrimaryKeyConstraint("posting_id", "other_posting_id"),
)

fund_policies = Table(
    "fund_policies",
    metadata,
    Column("federation_id", Text, primary_key=True),
    # Share of the employer's union funds a grassroots union remits upward, in per mille.
    Column("employer_funds_remit_per_mille", Integer, nullable=False),
    Column("updated_by", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("employer_funds_remit_per_mille BETWEEN 0 AND 1000", name="ck_fund_policies_share"),
)

fund_requests = Table(
    "fund_requests",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, nullable=False, index=True),
    Column("approver_id", Text, nullable=False, index=True),
    Column("federation_id", Text, nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("status", Text, nullable=False),  # submitted, approved, refused
    Column("requested_by", Text),
    Column("decided_by", Text),
    Column("decision_reason", Text),
    Column("journal_event_id", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("decided_at", DateTime(timezone=True)),
    CheckConstraint("amount_fen > 0", name="ck_fund_requests_amount"),
    CheckConstraint("status IN ('submitted', 'approved', 'refused')", name="ck_fund_requests_status"),
)

# The audit committee's (经审) log: findings, answers, closings, re-openings and term sign-offs,
# one hash chain per ledger (domain/audit_findings.py says what each hash covers). Append-only:
# a finding's state is the fold of its records.
audit_records = Table(
    "audit_records",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("ledger_id", Text, ForeignKey("ledgers.organization_id"), nullable=False),
    Column("federation_id", Text, nullable=False),
    Column("sequence", BigInteger, nullable=False),
    Column("kind", Text, nullable=False),
    Column("finding_id", Uuid),
    Column("subject_kind", Text),
    Column("posting_id", Uuid),
    Column("period_start", Date),
    Column("period_end", Date),
    Column("report_kind", Text),
    Column("report_ref", Text),
    Column("severity", Text),
    Column("text", Text),
    Column("term", Text),
    Column("head_sequence", BigInteger),
    Column("head_hash", Text),
    Column("open_findings", Text),
    Column("actor", Text, nullable=False),
    Column("actor_role", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("previous_hash", Text, nullable=False),
    Column("hash", Text, nullable=False),
    # A term's sign-off: the voucher chain's head next to the ledger's (NULL on older sign-offs).
    Column("voucher_sequence", BigInteger),
    Column("voucher_hash", Text),
    UniqueConstraint("ledger_id", "sequence", name="uq_audit_records_sequence"),
    CheckConstraint(
        "kind IN ('finding_recorded', 'finding_answered', 'finding_closed', 'finding_reopened', 'term_signed_off')",
        name="ck_audit_records_kind",
    ),
    Index("ix_audit_records_finding", "finding_id", "sequence"),
    Index("ix_audit_records_posting", "posting_id"),
    Index("ix_audit_records_federation", "federation_id", "ledger_id", "sequence"),
)

# Files attached to ledger entries (票据): the bytes once per SHA-256, and which entry has which file.
attachment_blobs, attachments = add_attachment_tables(metadata)

# A ledger's vouchers are chained too (append-only, like its entries): attaching a voucher to an entry
# already posted adds a link that covers every column of its ``attachments`` row and the hash of the
# entry it belongs to (see :mod:`unionfed_finance.domain.voucher_chain`).
voucher_links = Table(
    "voucher_links",
    metadata,
    Column("organization_id", Text, ForeignKey("ledgers.organization_id"), nullable=False),
    Column("sequence", BigInteger, nullable=False),
    Column("attachment_id", Uuid, nullable=False, unique=True),
    Column("posting_id", Uuid, nullable=False),
    Column("posting_hash", Text, nullable=False),
    Column("previous_hash", Text, nullable=False),
    Column("hash", Text, nullable=False),
    Column("field_digests", JSONB, nullable=False),
    PrimaryKeyConstraint("organization_id", "sequence"),
)

# The head of each ledger's voucher links: appending locks this row, so the links have no gaps or forks.
voucher_heads = Table(
    "voucher_heads",
    metadata,
    Column("organization_id", Text, ForeignKey("ledgers.organization_id"), primary_key=True),
    Column("last_sequence", BigInteger, nullable=False),
    Column("last_hash", Text, nullable=False),
)

# 校务公开: each statement a union published to its staff, on which day and where, with the ledger's
# head when it was recorded (the statement published can be rebuilt as it was).
disclosure_publications = Table(
    "disclosure_publications",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, nullable=False),
    Column("federation_id", Text, nullable=False),
    Column("period_from", Date, nullable=False),
    Column("period_to", Date, nullable=False),
    Column("published_on", Date, nullable=False),  # business date in the federation's zone
    Column("channel", Text, nullable=False),  # notice_board | staff_congress | website | other
    Column("head_sequence", BigInteger, nullable=False),
    Column("head_hash", Text, nullable=False),
    Column("note", Text),
    Column("published_by", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("period_from <= period_to AND period_to <= published_on", name="ck_disclosure_publications_days"),
    CheckConstraint(
        "channel IN ('notice_board', 'staff_congress', 'website', 'other')", name="ck_disclosure_publications_channel"
    ),
    Index("ix_disclosure_publications_organization", "organization_id", "published_on"),
)

# A checkpoint of the books (issue 20): where a rebuild may start instead of offset 0. It records,
# in the database it checkpoints, the input topics' offsets the books were replayed up to and every
# ledger's head (sequence and hash), verified by verify-chain when taken; a rebuild from it checks
# the heads again before copying anything.
book_snapshots = Table(
    "book_snapshots",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("taken_at", DateTime(timezone=True), nullable=False),
    Column("offsets", JSONB, nullable=False),  # {"topic": {"partition": next offset to read}}
    Column("heads", JSONB, nullable=False),  # {"ledger": [sequence, hash]}
    Column("messages", BigInteger, nullable=False),  # input records below the offsets
)
