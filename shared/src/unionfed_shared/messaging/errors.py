"""Telling a passing outage (retry until it heals) from a message that will never succeed."""

import asyncio

from aiokafka.errors import KafkaConnectionError, KafkaError
from sqlalchemy.exc import DBAPIError

# Connection loss, shutdown in progress, serialization failure, deadlock, too many connections.
_TRANSIENT_SQLSTATE_PREFIXES = ("08", "57P", "40001", "40P01", "53300")


def is_bad_value(exc: BaseException) -> bool:
    """A value the database cannot store: the input is at fault, and retrying it never helps.

    PostgreSQL's data exceptions (SQLSTATE class 22: NUL in text, a number or date out of range)
    and values asyncpg cannot even encode (an integer past BIGINT, a lone UTF-16 surrogate), which
    SQLAlchemy reports as an ``InterfaceError`` that would otherwise pass for a connection problem.
    """
    for cause in _chain(exc):
        sqlstate = getattr(cause, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate.startswith("22"):
            return True
        if type(cause).__name__ == "DataError" and type(cause).__module__.startswith("asyncpg"):
            return True
    return False


def is_transient(exc: BaseException) -> bool:
    if is_bad_value(exc):
        return False
    for cause in _chain(exc):
        if isinstance(cause, DBAPIError) and cause.connection_invalidated:
            return True
        sqlstate = getattr(cause, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate.startswith(_TRANSIENT_SQLSTATE_PREFIXES):
            return True
        if isinstance(cause, (ConnectionError, OSError, asyncio.TimeoutError, KafkaConnectionError)):
            return True
        if isinstance(cause, KafkaError) and cause.retriable:
            return True
        if type(cause).__name__ in {"InterfaceError", "ConnectionDoesNotExistError", "CannotConnectNowError"}:
            return True
    return False


def _chain(exc: BaseException | None):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        orig = getattr(exc, "orig", None)
        if orig is not None and id(orig) not in seen:
            yield orig
            seen.add(id(orig))
        exc = exc.__cause__ or exc.__context__
