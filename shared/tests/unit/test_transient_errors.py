from aiokafka.errors import KafkaConnectionError
from sqlalchemy.exc import DBAPIError, IntegrityError

from unionfed_shared.messaging.errors import is_transient


class _PgError(Exception):
    def __init__(self, sqlstate):
        self.sqlstate = sqlstate


def test_outages_are_transient():
    assert is_transient(ConnectionRefusedError())
    assert is_transient(KafkaConnectionError())
    assert is_transient(DBAPIError("SELECT 1", {}, _PgError("08006")))
    assert is_transient(DBAPIError("SELECT 1", {}, _PgError("40001")))  # serialization failure


def test_bad_data_is_not_transient():
    assert not is_transient(IntegrityError("INSERT", {}, _PgError("23503")))
    assert not is_transient(ValueError("amount"))
