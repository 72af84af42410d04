"""The welfare database's one ``MetaData``: every table module of the service defines its tables on it."""

from sqlalchemy import MetaData

metadata = MetaData()
