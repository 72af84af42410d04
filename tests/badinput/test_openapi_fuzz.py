"""Every service's OpenAPI document, fuzzed with schemathesis: no 5xx, and a refused call changes nothing.

Each service runs in-process on a fresh database with one seeded federation. Schemathesis draws
requests for every operation from the service's own OpenAPI document, both conforming ones
(positive) and ones that break the schema (negative: wrong types, missing fields, negative or
float amounts, out-of-range values). Every request carries a federation admin's valid token,
so the fuzzer gets past authentication and exercises validation and the domain rules; half of
them aim at the seeded organizations instead of random ids, to get past "not found".

Checks, for every request:
- no 5xx (schemathesis's ``not_a_server_error``);
- a 4xx answer left the database exactly as it was: every table, outbox included, compared by
  row count and a digest of its rows (so an UPDATE is caught as well as an INSERT).

Generation is derandomized (the same requests on every run) and bounded per operation.
"""

import asyncio
import importlib
import json
from urllib.parse import quote

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import HypothesisException
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup

from tests.badinput.conftest import changed_tables, db_fingerprint, dependency_settings, seed_service, table_names

pytestmark = pytest.mark.integration

SERVICES = ("membership", "welfare", "events", "finance")
EXAMPLES_PER_MODE = 8  # per operation and generation mode
SKIP_BODY_CHECK = {("GET", "/readyz")}  # answers 503 by design when a dependency is down


def definition_of(service: str):
    return importlib.import_module(f"unionfed_{service}.entrypoints.app").definition


def generate_cases(schema, examples: int, modes=(GenerationMode.POSITIVE, GenerationMode.NEGATIVE)) -> list:
    """Every operation's cases, positive then negative, reproducibly (derandomized, no example database)."""
    cases = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in modes:
            drawn = []

            @settings(
                max_examples=examples,
                derandomize=True,
                database=None,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                phases=[Phase.explicit, Phase.generate],
            )
            @given(operation.as_strategy(generation_mode=mode))
            def collect(case):
                drawn.append(case)  # noqa: B023 - run here

            try:
                collect()
            except HypothesisException:
                pass  # nothing to draw in this mode (e.g. no parameter can be made invalid)
            cases.extend((mode.value, case) for case in drawn)
    return cases


def aim(case, index: int, seeded) -> None:
    """Point every other case at the seeded federation, union and member; give it the admin's token."""
    known = {
        "organization_id": seeded.school if index % 4 == 1 else seeded.federation,
        "federation_id": seeded.federation,
        "member_id": str(seeded.member_id),
    }
    if index % 2 and case.path_parameters:
        for name in list(case.path_parameters):
            if name in known:
                case.path_parameters[name] = known[name]
    # Every seventh case keeps whatever the fuzzer put in Authorization (none, garbage): 401, never 5xx.
    if index % 7 or not case.headers:
        case.headers = {**(case.headers or {}), **seeded.admin}


async def send(client, case):
    kwargs = case.as_transport_kwargs(base_url=str(client.base_url))
    kwargs.pop("cookies", None)
    data = kwargs.pop("data", None)
    if isinstance(data, (bytes, str)):
        kwargs["content"] = data
    elif data is not None:
        kwargs["data"] = data
    if kwargs.get("files"):
        kwargs["files"] = [_as_file_part(part) for part in kwargs["files"]]
    response = await client.request(**kwargs)
    response.request.read()  # a multipart body is streamed; schemathesis's checks read it back
    return response


def _as_file_part(part):
    # The negative phase may put a number or an object where the file goes: send its text, as requests would.
    name, value = part
    if isinstance(value, tuple):
        filename, content, *rest = value
        if not isinstance(content, (bytes, str)):
            content = json.dumps(content)
        return name, (filename, content, *rest)
    return name, value if isinstance(value, (bytes, str)) else json.dumps(value)


def describe(case, mode: str, response) -> str:
    return (
        f"[{mode}] {case.method.upper()} {case.formatted_path} params={case.query!r} body={case.body!r:.300}"
        f" -> {response.status_code} {response.text[:300]}"
    )


@pytest.mark.timeout(600)
@pytest.mark.parametrize("service", SERVICES)
async def test_fuzzed_requests_get_no_5xx_and_refused_ones_change_nothing(build_service, service, keycloak, tmp_path):
    seeded = await seed_service(
        build_service, definition_of(service), **dependency_settings(keycloak, service, tmp_path)
    )
    schema = schemathesis.openapi.from_dict(seeded.app.openapi())
    cases = await asyncio.to_thread(generate_cases, schema, EXAMPLES_PER_MODE)
    operations = {(c.method.upper(), c.path) for _, c in cases}
    assert len(operations) >= 20, f"only {len(operations)} operations were fuzzed"
    tables = await table_names(seeded.runtime)
    assert {"outbox", "inbox", "dead_letters"} <= set(tables)

    server_errors, refused_but_changed = [], []
    statuses: dict[int, int] = {}
    async with seeded.client() as client:
        before = await db_fingerprint(seeded.runtime, tables)
        for index, (mode, case) in enumerate(cases):
            aim(case, index, seeded)
            response = await send(client, case)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            after = await db_fingerprint(seeded.runtime, tables)
            if (case.method.upper(), case.path) not in SKIP_BODY_CHECK:
                try:
                    case.validate_response(response, checks=[not_a_server_error])
                    assert response.status_code < 500
                except (FailureGroup, AssertionError):
                    server_errors.append(describe(case, mode, response))
            if 400 <= response.status_code < 500 and after != before:
                changes = changed_tables(before, after)
                refused_but_changed.append(f"{describe(case, mode, response)}\n      changed: {sorted(changes)}")
            before = after

    print(f"{service}: {len(cases)} requests over {len(operations)} operations; statuses {sorted(statuses.items())}")
    assert not server_errors, f"{len(server_errors)} request(s) got a 5xx:\n" + "\n".join(server_errors[:25])
    assert not refused_but_changed, "refused calls changed the database:\n" + "\n".join(refused_but_changed[:25])
    # The fuzzer must have got past authentication and reached the handlers, not only the 401/422 walls.
    assert sum(n for status, n in statuses.items() if status < 300) >= 10, statuses


# Values that pass a JSON schema's type check but that PostgreSQL or the driver cannot store:
# NUL in text, a lone UTF-16 surrogate, integers beyond BIGINT, floats beyond any column.
HOSTILE_TEXT = ("a\x00b", "\ud800")
HOSTILE_INTEGER = 2**63
HOSTILE_NUMBER = 1e308


def _replace_leaves(value, kind: str, replacement):
    if isinstance(value, dict):
        return {k: _replace_leaves(v, kind, replacement) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_leaves(v, kind, replacement) for v in value]
    if kind == "str" and isinstance(value, str):
        return replacement
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return replacement
    if kind == "float" and isinstance(value, float):
        return replacement
    return value


def hostile_variants(case, seeded):
    """The case with every text leaf (body, query, path) made hostile, then every integer, then every float."""
    aim(case, 1, seeded)
    for text in HOSTILE_TEXT:
        yield {
            "path": dict.fromkeys(case.path_parameters or {}, text),
            "query": _replace_leaves(dict(case.query or {}), "str", text),
            "body": _replace_leaves(case.body, "str", text) if isinstance(case.body, (dict, list)) else None,
        }
    if isinstance(case.body, (dict, list)):
        for kind, value in (("int", HOSTILE_INTEGER), ("int", -HOSTILE_INTEGER - 1), ("float", HOSTILE_NUMBER)):
            body = _replace_leaves(case.body, kind, value)
            if body != case.body:
                yield {"path": dict(case.path_parameters or {}), "query": dict(case.query or {}), "body": body}


async def send_hostile(client, case, variant, headers):
    path = case.path
    for name, value in variant["path"].items():
        path = path.replace("{" + name + "}", quote(str(value).encode("utf-8", "surrogatepass"), safe=""))
    content = None
    request_headers = dict(headers)
    if variant["body"] is not None:
        # ensure_ascii: a lone surrogate travels as the JSON escape \ud800, as a hostile client would send it.
        content = json.dumps(variant["body"], ensure_ascii=True).encode()
        request_headers["content-type"] = "application/json"
    query = {k: v.encode("utf-8", "surrogatepass") if isinstance(v, str) else v for k, v in variant["query"].items()}
    return await client.request(case.method.upper(), path, params=query, content=content, headers=request_headers)


@pytest.mark.timeout(600)
@pytest.mark.parametrize("service", SERVICES)
async def test_unstorable_values_in_any_field_get_a_4xx_not_a_5xx(build_service, service, keycloak, tmp_path):
    """NUL, lone surrogates, integers past BIGINT and 1e308 in every field: refused, never a crash."""
    seeded = await seed_service(
        build_service, definition_of(service), **dependency_settings(keycloak, service, tmp_path)
    )
    schema = schemathesis.openapi.from_dict(seeded.app.openapi())
    cases = await asyncio.to_thread(generate_cases, schema, 2, (GenerationMode.POSITIVE,))
    tables = await table_names(seeded.runtime)
    server_errors, refused_but_changed, sent = [], [], 0
    async with seeded.client() as client:
        before = await db_fingerprint(seeded.runtime, tables)
        for _, case in cases:
            for variant in hostile_variants(case, seeded):
                response = await send_hostile(client, case, variant, seeded.admin)
                sent += 1
                after = await db_fingerprint(seeded.runtime, tables)
                line = f"{case.method.upper()} {case.path} {variant!r:.300} -> {response.status_code} {response.text[:200]}"
                if response.status_code >= 500 and (case.method.upper(), case.path) not in SKIP_BODY_CHECK:
                    server_errors.append(line)
                if 400 <= response.status_code < 500 and after != before:
                    refused_but_changed.append(f"{line}\n      changed: {sorted(changed_tables(before, after))}")
                before = after
    print(f"{service}: {sent} hostile requests")
    assert not server_errors, f"{len(server_errors)} request(s) got a 5xx:\n" + "\n".join(server_errors[:25])
    assert not refused_but_changed, "refused calls changed the database:\n" + "\n".join(refused_but_changed[:25])
