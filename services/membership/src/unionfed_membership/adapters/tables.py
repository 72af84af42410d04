"""The membership database."""

from sqlalchemy import (
    ARRAY,
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)

# Each area's tables are in its own module; imported here so the metadata holds the whole database.
from unionfed_membership.adapters import (  # noqa: F401
    dues_tables,
    enterprise_tables,
    home_tables,
    labour_contract_tables,
    mobile_worker_tables,
    record_chains,
    safety_tables,
    statistics_tables,
)
from unionfed_membership.adapters.metadata import metadata
from unionfed_shared.business_time import DEFAULT_TIME_ZONE
from unionfed_shared.contracts.membership import DEFAULT_LANGUAGE
from unionfed_shared.idempotency import add_idempotency_table
from unionfed_shared.messaging.tables import add_messaging_tables
from unionfed_shared.schedules import add_schedule_runs_table

organizations = Table(
    "organizations",
    metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("parent_id", Text, ForeignKey("organizations.id")),
    Column("path", ARRAY(Text), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # The federation's time zone and language (copied down the tree), the organization's sector.
    Column("time_zone", Text, nullable=False, server_default=DEFAULT_TIME_ZONE),
    Column("language", Text, nullable=False, server_default=DEFAULT_LANGUAGE),
    Column("sector", Text),
)

members = Table(
    "members",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, ForeignKey("organizations.id"), nullable=False, index=True),
    Column("federation_id", Text, nullable=False),
    Column("display_name", Text, nullable=False),
    Column("gender", Text, nullable=False),
    Column("joined_on", Date, nullable=False),
    Column("status", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("staff_no", Text),
    Column("base_salary_fen", BigInteger),
    # Personal data: Fernet ciphertexts, and an HMAC of the normalised ID number so the same
    # person is recognised within a federation without the number being readable.
    Column("id_number_ciphertext", LargeBinary),
    Column("id_number_digest", Text),
    # A keyed digest of the ID number's last four characters (0008_id_tail): officers find a
    # member by the tail they see in the masked number, while the table keeps no digit readable.
    Column("id_number_tail_digest", Text),
    Column("phone_ciphertext", LargeBinary),
    # The personal-data key the row's ciphertexts and digests are under (0018_pii_key_ids); the
    # server default is the key of the rows written before it (and by the previous version
    # during a rolling upgrade, which knows only that key).
    Column("pii_key_id", Text, nullable=False, server_default=text("'0'")),
    CheckConstraint("base_salary_fen >= 0", name="ck_members_base_salary_not_negative"),
    Index("uq_members_federation_id_number", "federation_id", "id_number_digest", unique=True),
    # Member search (0006_search): substring on names by trigram, the list's keyset, staff numbers.
    Index(
        "ix_members_display_name_trgm",
        "display_name",
        postgresql_using="gin",
        postgresql_ops={"display_name": "gin_trgm_ops"},
    ),
    Index("ix_members_federation_name_id", "federation_id", "display_name", "id"),
    Index("ix_members_staff_no", "staff_no"),
    Index("ix_members_federation_id_tail", "federation_id", "id_number_tail_digest"),
)

dues_payments = Table(
    "dues_payments",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("member_id", Uuid, ForeignKey("members.id"), nullable=False),
    Column("organization_id", Text, ForeignKey("organizations.id"), nullable=False, index=True),
    Column("period", Text, nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("collected_at", DateTime(timezone=True), nullable=False),
    # The chunk (DuesBatchCollectedV1) that carried the payment to finance; null when it went alone.
    Column("batch_id", Uuid),
    UniqueConstraint("member_id", "period", name="uq_dues_once_per_member_period"),
)

organization_moves = Table(
    "organization_moves",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("organization_id", Text, ForeignKey("organizations.id"), nullable=False, index=True),
    Column("old_parent_id", Text, ForeignKey("organizations.id"), nullable=False),
    Column("new_parent_id", Text, ForeignKey("organizations.id"), nullable=False),
    Column("old_path", ARRAY(Text), nullable=False),
    Column("new_path", ARRAY(Text), nullable=False),
    Column("moved_on", Date, nullable=False),
    Column("moved_by", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Read by membership reports: keep these column names.
member_history = Table(
    "member_history",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("member_id", Uuid, ForeignKey("members.id"), nullable=False, index=True),
    Column("organization_id", Text, ForeignKey("organizations.id"), nullable=False),
    Column("change", Text, nullable=False),
    Column("effective_on", Date, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", Text, nullable=False),
    CheckConstraint(
        "change IN ('joined', 'transferred_out', 'transferred_in', 'retired', 'left', 'deceased', 'rejoined', "
        "'employer_changed')",
        name="ck_member_history_change",
    ),
    Index("ix_member_history_organization_effective", "organization_id", "effective_on"),
)

scheduled_member_changes = Table(
    "scheduled_member_changes",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("member_id", Uuid, ForeignKey("members.id"), nullable=False),
    Column("change", Text, nullable=False),
    Column("from_organization_id", Text, ForeignKey("organizations.id"), nullable=False),
    Column("to_organization_id", Text, ForeignKey("organizations.id")),
    Column("effective_on", Date, nullable=False),
    Column("status", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", Text, nullable=False),
    Column("settled_at", DateTime(timezone=True)),
    Column("settled_by", Text),
    CheckConstraint("status IN ('scheduled', 'applied', 'cancelled')", name="ck_scheduled_change_status"),
    # One pending change per member: a second would have to be ordered against the first.
    Index("uq_scheduled_change_pending", "member_id", unique=True, postgresql_where=text("status = 'scheduled'")),
    Index("ix_scheduled_change_due", "effective_on", postgresql_where=text("status = 'scheduled'")),
)

committee_terms = Table(
    "committee_terms",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, ForeignKey("organizations.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("elected_on", Date, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("closed_on", Date),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("recorded_by", Text, nullable=False),
    UniqueConstraint("organization_id", "number", name="uq_committee_term_number"),
    Index("uq_committee_current_term", "organization_id", unique=True, postgresql_where=text("closed_on IS NULL")),
)

committee_seats = Table(
    "committee_seats",
    metadata,
    Column("term_id", Uuid, ForeignKey("committee_terms.id"), primary_key=True),
    Column("role", Text, primary_key=True),
    Column("subject", Text, primary_key=True),
    Column("display_name", Text, nullable=False),
)

outbox, inbox, dead_letters = add_messaging_tables(metadata)
idempotency_keys = add_idempotency_table(metadata)
schedule_runs = add_schedule_runs_table(metadata)
