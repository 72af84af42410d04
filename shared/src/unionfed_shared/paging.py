"""Cursor paging shared by every list: an opaque cursor over a keyset, and the page answered.

A list is ordered by a unique key (for example ``(display_name, id)``); the cursor carries the
key of the last row given, and the next page starts strictly after it. Rows inserted meanwhile
land before or after that key, so paging neither repeats nor skips what was already there
(offsets would do both).
"""

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

from unionfed_shared.errors import Invalid

DEFAULT_LIMIT = 50
MAX_LIMIT = 500

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Rows per page (at most {MAX_LIMIT})")]
Cursor = Annotated[
    str | None,
    Query(max_length=1000, description="`next_cursor` of the previous page; omit for the first page"),
]


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page",
    )


def encode_cursor(key: Sequence[Any]) -> str:
    """The key as URL-safe text; values are JSON (UUIDs, dates and times as their ISO text)."""
    raw = json.dumps([v if isinstance(v, int | str | None) else str(v) for v in key], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def cursor_refusal() -> Invalid:
    return Invalid("cursor_invalid", zh="翻页游标无效，不是本列表给出的", en="cursor is not one this list gave")


def decode_cursor(cursor: str, size: int) -> list:
    """The key a cursor carries, or Invalid for anything this module did not write."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        raise cursor_refusal() from None
    if not isinstance(key, list) or len(key) != size:
        raise cursor_refusal()
    return key


def decode_position(cursor: str) -> int:
    """The one non-negative integer a cursor over an integer key (a sequence, an id) carries."""
    [position] = decode_cursor(cursor, 1)
    if not isinstance(position, int) or isinstance(position, bool) or position < 0:
        raise cursor_refusal()
    return position


def page_of(rows: Sequence, limit: int, key: Callable[[Any], Sequence[Any]]) -> tuple[list, str | None]:
    """Rows fetched with ``limit + 1``: the page's rows and the cursor after them, None when no more."""
    if len(rows) <= limit:
        return list(rows), None
    kept = list(rows[:limit])
    return kept, encode_cursor(key(kept[-1]))
