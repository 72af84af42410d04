"""Schemathesis hooks for tests/contract (loaded by ``hooks`` in ``schemathesis.toml``).

- A client gives each distinct request its own ``Idempotency-Key``: schemathesis draws the header
  from its schema, so two different requests often carry the same key, which the service rightly
  refuses (422 ``idempotency_key_reused``, as the IETF draft says). Every key that the schema
  allows is replaced by one derived from the request itself (the same request keeps its key, so a
  replay is still a replay); a key that breaks the schema is sent as drawn, to be refused with 400.
- ``schema_valid_requests_pass_validation``: a request that the document says is valid may be
  refused by a business rule (422 with that rule's ``code``, e.g. ``grant_over_yearly_cap``), but
  never by the service's own field validation for a reason the document could have said (a type,
  a pattern, a bound, a missing field): the document says exactly what the validator accepts.
"""

import hashlib
import json
import re
from typing import get_args

import pydantic_core
import schemathesis
from schemathesis.generation.meta import TestPhase

from unionfed_shared.idempotency import HEADER, KEY_PATTERN

_VALID_KEY = re.compile(KEY_PATTERN)
# pydantic's own error types; cross-field rules raise value_error or a code of their own.
_SCHEMA_EXPRESSIBLE = frozenset(get_args(pydantic_core.core_schema.ErrorType)) - {"value_error", "assertion_error"}


def _request_key(case, kwargs) -> str:
    body = kwargs.get("json", kwargs.get("data", kwargs.get("content")))
    try:
        body_text = json.dumps(body, sort_keys=True, default=repr)
    except (TypeError, ValueError):
        body_text = repr(body)
    digest = hashlib.sha256(
        "\x1e".join(
            (case.method.upper(), case.formatted_path, repr(sorted((case.query or {}).items())), body_text)
        ).encode("utf-8", "surrogatepass")
    )
    return f"st-{digest.hexdigest()}"


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = kwargs.get("headers")
    if not headers:
        return
    for name in list(headers):
        if name.lower() == HEADER.lower() and isinstance(headers[name], str) and _VALID_KEY.match(headers[name]):
            headers[name] = _request_key(case, kwargs)


@schemathesis.check
def schema_valid_requests_pass_validation(ctx, response, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    try:
        problem = response.json()
    except ValueError:
        return None
    if problem.get("code") != "request_validation":
        return None
    expressible = [e for e in problem.get("errors") or () if e.get("code") in _SCHEMA_EXPRESSIBLE]
    if meta.phase.name == TestPhase.STATEFUL:
        # A stateful step's path parameters come from an inferred link (another operation's
        # response or parameter, e.g. a money request's free-form id put where a UUID is due):
        # the document never said those values were valid here, so only the rest is judged.
        expressible = [e for e in expressible if e.get("in") != "path"]
    if expressible:
        raise AssertionError(
            "A request valid by the document was refused by field validation the document could have "
            f"stated: {json.dumps(expressible, ensure_ascii=False)[:500]}"
        )
    return None
