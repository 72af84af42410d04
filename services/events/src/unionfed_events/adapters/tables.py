"""The events database."""

from sqlalchemy import MetaData

from unionfed_shared.directory import Directory
from unionfed_shared.idempotency import add_idempotency_table
from unionfed_shared.messaging.tables import add_messaging_tables

metadata = MetaData()
directory = Directory(metadata)
outbox, inbox, dead_letters = add_messaging_tables(metadata)
idempotency_keys = add_idempotency_table(metadata)

# Each area keeps its tables in its own module, on this metadata.
from unionfed_events.adapters import activity_tables, congress_tables  # noqa: E402,F401
