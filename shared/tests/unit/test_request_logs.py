"""Logs an operator can use, from real requests through a service's app (no database needed)."""

import dataclasses
import io
import json
import logging
import re

import httpx
import pytest
from fastapi import APIRouter

from unionfed_finance.entrypoints.app import definition as finance_definition
from unionfed_finance.settings import FinanceSettings
from unionfed_shared.http import create_app
from unionfed_shared.observability import configure_tracing, json_log_handler
from unionfed_shared.runtime import Runtime

probe = APIRouter()
inside = logging.getLogger("unionfed.test.probe")


@probe.get("/v1/probes/{probe_id}")
async def read_probe(probe_id: str) -> dict:
    inside.info("reading probe %s", probe_id)
    return {"id": probe_id}


@probe.get("/v1/failing-probes/{probe_id}")
async def fail_probe(probe_id: str) -> dict:
    raise RuntimeError("the probe broke")


@pytest.fixture
def captured():
    stream = io.StringIO()
    handler = json_log_handler("finance", stream)
    root = logging.getLogger()
    saved_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()], stream
    finally:
        root.removeHandler(handler)
        root.setLevel(saved_level)


@pytest.fixture
async def api():
    configure_tracing("unionfed-finance", None)
    settings = FinanceSettings(database_url="postgresql+asyncpg://u:p@127.0.0.1:9/none", jwt_secret="j" * 40)
    definition = finance_definition()
    runtime = Runtime(dataclasses.replace(definition, routers=[*definition.routers, probe]), settings)
    transport = httpx.ASGITransport(app=create_app(runtime), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://finance") as client:
        yield client
    await runtime.engine.dispose()


ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


async def test_a_request_leaves_json_lines_with_utc_time_trace_ids_and_an_access_line(api, captured):
    lines, _ = captured
    answer = await api.get("/v1/probes/p-1", params={"name": "张三"}, headers={"x-request-id": "req-from-caller-1"})
    assert answer.status_code == 200
    assert answer.headers["x-request-id"] == "req-from-caller-1"

    logged = lines()
    handler_line = next(line for line in logged if line["logger"] == "unionfed.test.probe")
    access = next(line for line in logged if line["logger"] == "unionfed.access")
    for line in (handler_line, access):
        assert ISO_UTC.fullmatch(line["time"]), line
        assert re.fullmatch(r"[0-9a-f]{32}", line["trace_id"]) and re.fullmatch(r"[0-9a-f]{16}", line["span_id"])
        assert line["request_id"] == "req-from-caller-1" and line["service"] == "finance"
    assert handler_line["trace_id"] == access["trace_id"]
    assert {k: access[k] for k in ("method", "route", "status")} == {
        "method": "GET",
        "route": "/v1/probes/{probe_id}",
        "status": 200,
    }
    assert isinstance(access["duration_ms"], float) and access["duration_ms"] >= 0
    # The route template, never what the caller typed (the path and query can carry personal data).
    assert "p-1" not in json.dumps(access) and "张三" not in json.dumps(access, ensure_ascii=False)


async def test_every_answer_carries_a_request_id_generated_when_the_callers_is_missing_or_invalid(api, captured):
    lines, _ = captured
    refused = await api.get("/v1/organizations/org-1/audit-log")  # no token: 401 from the app
    healthy = await api.get("/healthz")
    hostile = await api.get("/v1/probes/p-2", headers={"x-request-id": "bad id\twith spaces"})
    unmatched = await api.get("/v1/nowhere")
    broken = await api.get("/v1/failing-probes/p-3")
    assert [r.status_code for r in (refused, healthy, hostile, unmatched, broken)] == [401, 200, 200, 404, 500]
    ids = [r.headers["x-request-id"] for r in (refused, healthy, hostile, unmatched, broken)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids) and len(set(ids)) == 5

    access = {line["request_id"]: line for line in lines() if line["logger"] == "unionfed.access"}
    assert access[ids[0]]["route"] == "/v1/organizations/{organization_id}/audit-log"
    assert access[ids[0]]["status"] == 401
    assert access[ids[3]]["route"] is None and access[ids[3]]["status"] == 404
    assert access[ids[4]]["status"] == 500
    failure = next(line for line in lines() if line["logger"] == "unionfed_shared.access_log")
    assert failure["request_id"] == ids[4] and "the probe broke" in failure["exc_info"]
    assert failure["trace_id"] == access[ids[4]]["trace_id"]


def test_no_terminal_colour_codes_reach_a_line(captured):
    lines, stream = captured
    # What uvicorn logs at start-up: the plain message, and a coloured copy as an extra.
    logging.getLogger("uvicorn.error").info(
        "Started server process [%d]", 4242, extra={"color_message": "Started server process [\x1b[36m%d\x1b[0m]"}
    )
    logging.getLogger("click").warning("\x1b[31mcoloured\x1b[0m by its caller")
    text = stream.getvalue()
    assert "\x1b[" not in text and "\\u001b[" not in text
    started, coloured = lines()
    assert started["message"] == "Started server process [4242]" and "color_message" not in started
    assert coloured["message"] == "coloured by its caller"


async def test_a_message_handlers_lines_carry_the_trace_the_event_was_emitted_in(captured):
    """A consumer's handler logs inside the producer's trace: trace_id continues, span_id is the handler's."""
    from unionfed_shared.contracts.envelope import Envelope
    from unionfed_shared.contracts.membership import OrganizationRegisteredV1
    from unionfed_shared.messaging.consumer import EventConsumer, IncomingMessage, _Ready
    from unionfed_shared.observability import inject_trace_headers, tracer

    configure_tracing("unionfed-finance", None)
    lines, _ = captured
    event = OrganizationRegisteredV1(
        organization_id="school-1",
        federation_id="county",
        name="No. 1",
        kind="grassroots_union",
        parent_id="county",
        path=["county", "school-1"],
    )
    with tracer("test.producer").start_as_current_span("HTTP POST") as producing:
        envelope = Envelope.wrap(
            event,
            source="/tests",
            correlation_id=None,
            causation_id=None,
            actor="tester",
            trace_headers=inject_trace_headers(),
        )
    emitted_trace = format(producing.get_span_context().trace_id, "032x")

    async def handler(_uow, applied, delivery) -> None:
        inside.info("applying %s from offset %d", applied.organization_id, delivery.offset)

    consumer = EventConsumer("probe", None, None, None, None)
    message = IncomingMessage("unionfed.membership", 0, 7, b"school-1", b"{}", ())
    await consumer._run_handler(None, _Ready(message, envelope, event, handler))

    [line] = [line for line in lines() if line["logger"] == "unionfed.test.probe"]
    assert line["message"] == "applying school-1 from offset 7"
    assert line["trace_id"] == emitted_trace
    assert re.fullmatch(r"[0-9a-f]{16}", line["span_id"])
    assert line["span_id"] != format(producing.get_span_context().span_id, "016x")
    assert ISO_UTC.fullmatch(line["time"]) and "request_id" not in line
