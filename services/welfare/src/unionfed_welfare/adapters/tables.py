"""The welfare database."""

from unionfed_shared.attachments.tables import add_attachment_tables
from unionfed_shared.directory import Directory
from unionfed_shared.idempotency import add_idempotency_table
from unionfed_shared.messaging.tables import add_messaging_tables

# Each area's tables are in its own module; imported here so the metadata holds the whole database.
from unionfed_welfare.adapters import (  # noqa: F401
    campaign_tables,
    grant_tables,
    mutual_aid_tables,
    outside_help_tables,
    rights_tables,
)
from unionfed_welfare.adapters.metadata import metadata

directory = Directory(metadata)
outbox, inbox, dead_letters = add_messaging_tables(metadata)
idempotency_keys = add_idempotency_table(metadata)
# Files attached to records (台账): the bytes once per SHA-256, and which record has which file.
attachment_blobs, attachments = add_attachment_tables(metadata)
