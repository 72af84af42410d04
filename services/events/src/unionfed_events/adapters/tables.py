"""The events database."""

# Each area's tables are in its own module; imported here so the metadata holds the whole database.
from unionfed_events.adapters import (  # noqa: F401
    activity_tables,
    congress_tables,
    evaluation_tables,
    improvement_tables,
    information_tables,
    record_chains,
    skills_tables,
    spot_check_tables,
)
from unionfed_events.adapters.metadata import metadata
from unionfed_shared.attachments.tables import add_attachment_tables
from unionfed_shared.directory import Directory
from unionfed_shared.idempotency import add_idempotency_table
from unionfed_shared.messaging.tables import add_messaging_tables

directory = Directory(metadata)
outbox, inbox, dead_letters = add_messaging_tables(metadata)
idempotency_keys = add_idempotency_table(metadata)
# Files attached to records (台账): the bytes once per SHA-256, and which record has which file.
attachment_blobs, attachments = add_attachment_tables(metadata)
