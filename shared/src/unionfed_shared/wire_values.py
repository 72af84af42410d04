"""Values as the OpenAPI documents describe them, and accepted exactly so.

- ``Whole`` (``whole(ge=0)`` with bounds): an integer, strictly (``"1200"``, ``true`` and ``12.5`` are refused). JSON knows one kind
  of number and JSON Schema counts ``12.0`` as an integer, so a whole number written with a
  decimal point is taken as that integer.
- ``Day`` and ``Moment``: a date (``2026-11-05``) or an ISO 8601 date-time with its zone as text, as their
  ``format`` says; pydantic alone would also read ``0`` or ``1.5`` as seconds since 1970.
"""

import datetime as dt
import re
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AwareDatetime, BeforeValidator, Field
from pydantic_core import PydanticCustomError


def _whole(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_NUMERIC = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")


def _not_a_timestamp(value: Any) -> Any:
    if (isinstance(value, (int, float)) and not isinstance(value, bool)) or (
        isinstance(value, str) and _NUMERIC.match(value)
    ):
        raise PydanticCustomError("date_type", "Input should be a date or date-time written as ISO 8601 text")
    return value


def whole(**constraints: Any) -> Any:
    """``Whole`` with bounds (``ge``, ``gt``, ``le``, ``lt``): the bounds come before the conversion,
    so that the JSON schema states them (``minimum``…) instead of pydantic's raw names."""
    return Annotated[int, Field(strict=True, **constraints), BeforeValidator(_whole)]


# RequestFen: money in a request body, in fen. Events on Kafka are stricter (``contracts.base.Fen``).
if TYPE_CHECKING:  # a type checker cannot evaluate whole(…): to it a bounded Whole is an int
    Whole = int
    RequestFen = int
    PositiveRequestFen = int
else:
    Whole = whole()
    RequestFen = whole(ge=-(10**15), le=10**15)
    PositiveRequestFen = whole(gt=0, le=10**15)
Day = Annotated[dt.date, BeforeValidator(_not_a_timestamp)]
Moment = Annotated[AwareDatetime, BeforeValidator(_not_a_timestamp)]  # with its zone
