"""copy_rows turns a batch's dict rows into COPY records: every column in order, JSON columns as text."""

import json

from unionfed_shared.db import _records


def test_rows_become_tuples_in_column_order_with_json_columns_as_text():
    rows = [
        {"id": 1, "digests": {"b": "2", "a": "1"}, "text": "一", "tags": ["x"]},
        {"id": 2, "digests": {}, "text": None, "tags": []},
    ]
    records = _records(rows, ["id", "digests", "text", "tags"], [1, 3])
    assert records == [(1, '{"b": "2", "a": "1"}', "一", '["x"]'), (2, "{}", None, "[]")]
    assert all(type(record) is tuple for record in records)
    assert json.loads(records[0][1]) == rows[0]["digests"]


def test_rows_without_json_columns_and_single_columns():
    assert _records([{"a": 1, "b": "x"}], ["a", "b"], []) == [(1, "x")]
    assert _records([{"a": 1}, {"a": 2}], ["a"], []) == [(1,), (2,)]
    assert _records([{"a": {"k": 1}}], ["a"], [0]) == [('{"k": 1}',)]
