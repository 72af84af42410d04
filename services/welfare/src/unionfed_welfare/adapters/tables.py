"""The welfare database."""

from sqlalchemy import MetaData

from unionfed_shared.directory import Directory
from unionfed_shared.messaging.tables import add_messaging_tables

metadata = MetaData()
directory = Directory(metadata)
outbox, inbox, dead_letters = add_messaging_tables(metadata)
