"""The shared cursor: what it carries comes back, anything else is refused."""

import datetime as dt
import uuid

import pytest

from unionfed_shared.errors import Invalid
from unionfed_shared.paging import decode_cursor, encode_cursor, page_of


def test_a_cursor_gives_back_its_key_as_json_values():
    member_id = uuid.uuid4()
    cursor = encode_cursor(("张三丰", member_id))
    assert "=" not in cursor and "/" not in cursor and "+" not in cursor  # safe in a query string
    assert decode_cursor(cursor, 2) == ["张三丰", str(member_id)]
    assert decode_cursor(encode_cursor((42, dt.date(2026, 9, 1))), 2) == [42, "2026-09-01"]


@pytest.mark.parametrize("cursor", ["not base64!", "e30", encode_cursor((1,)), encode_cursor((1, 2, 3))])
def test_anything_else_is_refused(cursor):
    with pytest.raises(Invalid):
        decode_cursor(cursor, 2)


def test_a_page_has_a_cursor_only_when_a_row_was_left_over():
    rows = [1, 2, 3]
    assert page_of(rows, 3, key=lambda r: (r,)) == ([1, 2, 3], None)
    kept, cursor = page_of(rows, 2, key=lambda r: (r,))
    assert kept == [1, 2] and decode_cursor(cursor, 1) == [2]
