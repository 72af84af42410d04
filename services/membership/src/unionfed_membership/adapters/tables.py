"""The membership database."""

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)

from unionfed_shared.messaging.tables import add_messaging_tables

metadata = MetaData()

organizations = Table(
    "organizations",
    metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("parent_id", Text, ForeignKey("organizations.id")),
    Column("path", ARRAY(Text), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
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
    UniqueConstraint("member_id", "period", name="uq_dues_once_per_member_period"),
)

outbox, inbox, dead_letters = add_messaging_tables(metadata)

# Dues policies and roster imports keep their tables in their own module, on this metadata.
from unionfed_membership.adapters import dues_tables  # noqa: E402,F401
