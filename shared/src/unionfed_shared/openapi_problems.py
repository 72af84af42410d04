"""Every operation's OpenAPI entry names the problems (``problems.py``) it can answer, once, for all.

FastAPI documents a 422 with its own ``HTTPValidationError`` body, which no service answers, and
nothing else. The app factory calls :func:`install` after the routers are in: the document is then
rewritten so that every operation lists, under ``application/problem+json`` with the ``Problem``
schema, each error status its route can give:

- 422 (a field or a rule refused) and 500 (unexpected; the problem names its trace id) on every
  operation that takes input; 500 on every other;
- 401 and 403 on every operation behind the bearer token (missing, invalid or expired token; a role
  or scope that does not allow it);
- 404 on every operation with an organization or resource in its path or its body, saying that one
  outside the caller's scope is answered exactly as one that does not exist (deliberately);
- 409 on every write (the state forbids it now: already done, already decided, a key in flight);
- 400 on every operation with a body (unreadable) or an ``Idempotency-Key`` (malformed);
- 413 and 415 on every upload (too large; not a file type the service reads).
"""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from unionfed_shared.problems import MEDIA_TYPE, Problem

WRITES = frozenset({"post", "put", "patch", "delete"})
METHODS = WRITES | {"get", "head", "options"}

_DESCRIPTIONS: dict[int, str] = {
    400: (
        "Bad request: a body that cannot be read as its content type says (`invalid_request`), or a malformed "
        "`Idempotency-Key` (`idempotency_key_invalid`)"
    ),
    401: "Not signed in: the bearer token is missing, malformed, forged or expired (problem `unauthorized`)",
    403: "Not allowed: the caller's role or committee seat does not allow this here (problem `forbidden`)",
    404: (
        "Not found: the organization or resource named in the path or the body. One outside the caller's "
        "scope is answered exactly as one that does not exist (deliberately: its existence is not disclosed)"
    ),
    409: (
        "Conflict with the current state: already done, already decided, already used; or a request with "
        "the same `Idempotency-Key` still running (`idempotency_key_in_flight`)"
    ),
    413: "The upload is too large (bytes or rows); split it (problem `too_large`)",
    415: "Not a file type or content type this operation reads (problem `unsupported_media_type`)",
    422: (
        "Refused: a field breaks the schema (`request_validation`, with `errors` pointing at each field), a "
        "value cannot be stored (`unstorable_value`), or a business rule refuses it (its own `code`)"
    ),
    500: "The server failed; nothing is promised about the effect. Quote `trace_id` (problem `internal_error`)",
}

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

# A route's ``openapi_extra`` key naming query dates that it requires but checks itself (to refuse
# a missing or impossible day with a code of its own): the document marks them required dates.
REQUIRED_DATES = "x-unionfed-required-dates"


def _mark_required_dates(operation: dict[str, Any]) -> None:
    names = set(operation.pop(REQUIRED_DATES, ()))
    for parameter in operation.get("parameters", ()):
        if parameter.get("in") == "query" and parameter.get("name") in names:
            parameter["required"] = True
            parameter["schema"] = {"type": "string", "format": "date", "title": parameter["schema"].get("title", "")}


def problem_response(status: int, description: str | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description or _DESCRIPTIONS.get(status, "Refused (see `code`)"),
        "content": {MEDIA_TYPE: {"schema": _PROBLEM_REF}},
    }
    if status == 401:
        response["headers"] = {
            "WWW-Authenticate": {"description": "`Bearer`", "schema": {"type": "string"}},
        }
    return response


def problem_statuses(path: str, method: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses this operation can answer, from what its entry says it takes."""
    parameters = [p for p in operation.get("parameters", ()) if isinstance(p, dict)]
    takes_input = bool(parameters or operation.get("requestBody"))
    statuses = [500]
    if takes_input:
        statuses.append(422)
    if operation.get("security"):
        statuses += [401, 403]
    if "{" in path or operation.get("requestBody"):
        statuses.append(404)
    if method in WRITES and operation.get("security"):
        statuses.append(409)
    keyed = any(p.get("$ref", "").endswith("/IdempotencyKey") for p in operation.get("parameters", ()))
    if keyed or operation.get("requestBody"):
        statuses.append(400)
    if "multipart/form-data" in (operation.get("requestBody") or {}).get("content", {}):
        statuses += [413, 415]
    return sorted(statuses)


def add_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Rewrite an OpenAPI document in place: the problems of every operation, and no ``HTTPValidationError``."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem_schema = Problem.model_json_schema(by_alias=True, ref_template="#/components/schemas/{model}")
    components.update(problem_schema.pop("$defs", {}))
    components["Problem"] = problem_schema
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in METHODS or not isinstance(operation, dict):
                continue
            _mark_required_dates(operation)
            responses = operation.setdefault("responses", {})
            # Statuses a route declares itself (e.g. 503 where a dependency may be unconfigured) are problems too.
            declared = [int(code) for code in responses if code.isdigit() and int(code) >= 400]
            for status in sorted(set(problem_statuses(path, method, operation)) | set(declared)):
                existing = responses.get(str(status))
                # An operation may describe its own refusal more precisely; the body is always a problem.
                description = existing.get("description") if existing and str(status) != "422" else None
                responses[str(status)] = problem_response(status, description)
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    return schema


def install(app: FastAPI) -> None:
    """Make ``app.openapi()`` answer the rewritten document (built once, then remembered)."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema and "Problem" in app.openapi_schema.get("components", {}).get("schemas", {}):
            return app.openapi_schema
        app.openapi_schema = add_problems(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
