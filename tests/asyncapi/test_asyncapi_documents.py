"""Each service's /asyncapi.json tells the truth, checked with the AsyncAPI Initiative's own parser.

The parser (``@asyncapi/parser`` from npm, pinned by package-lock.json) is installed with
``npm ci`` into this folder the first time it is needed. Real messages — CloudEvents wrapped by
:class:`Envelope` and dead letters written by :class:`EventConsumer` — are checked against the
parsed documents, and what each document lists is compared with what each service's code emits
(found by reading its source) and subscribes to (its handlers).
"""

import ast
import datetime as dt
import importlib
import json
import shutil
import subprocess
import uuid
from pathlib import Path

import httpx
import pytest
from opentelemetry.sdk.trace import TracerProvider

from tests.factories import dues, school_events
from unionfed_shared.contracts import EVENT_TYPES, topics
from unionfed_shared.contracts.envelope import Envelope
from unionfed_shared.contracts.finance import (
    CollectDues,
    DuesReceiptLine,
    JournalEntryV1,
    MoneyRequestSettledV1,
    MoneyRequestsSettledV1,
    Reserve,
)
from unionfed_shared.contracts.membership import DuesBatchCollectedV1, DuesLine
from unionfed_shared.contracts.reporting import FinanceReportFiguresV1
from unionfed_shared.contracts.spending import WelfareHoldRequestedV1
from unionfed_shared.http import create_app
from unionfed_shared.messaging.consumer import EventConsumer, IncomingMessage, Outcome
from unionfed_shared.observability import inject_trace_headers
from unionfed_shared.runtime import Runtime

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SERVICES = ("membership", "welfare", "events", "finance")
PARSER_ERRORS = ("error", "warning")


def _definition(service: str):
    return importlib.import_module(f"unionfed_{service}.entrypoints.app").definition()


@pytest.fixture(scope="session")
def asyncapi_parser() -> list[str]:
    """The command that runs validate.mjs, with its npm dependencies installed from the lock file."""
    node, npm = shutil.which("node"), shutil.which("npm")
    assert node and npm, "Node.js 20+ and npm are needed to run the AsyncAPI parser"
    if not (HERE / "node_modules" / "@asyncapi" / "parser" / "package.json").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=HERE, check=True, timeout=600)
    return [node, str(HERE / "validate.mjs")]


@pytest.fixture(scope="session")
async def documents() -> dict[str, dict]:
    """Each service's document as its HTTP API serves it (no database or broker needed)."""
    served = {}
    for service in SERVICES:
        definition = _definition(service)
        settings = definition.settings_factory(
            database_url="postgresql+asyncpg://unionfed@127.0.0.1:1/unused",
            jwt_secret="asyncapi-test-secret-0123456789abcdef",
        )
        app = create_app(Runtime(definition, settings))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            response = await client.get("/asyncapi.json")
        assert response.status_code == 200, response.text
        served[service] = response.json()
    return served


def run_parser(command: list[str], tmp_path: Path, documents: dict, samples: dict | None = None) -> dict:
    request = tmp_path / "asyncapi-check.json"
    request.write_text(json.dumps({"documents": documents, "samples": samples or {}}))
    done = subprocess.run([*command, str(request)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _problems(verdict: dict) -> list[str]:
    return [
        f"{d['severity']} {d['code']} at {d['path']}: {d['message']}"
        for d in verdict["diagnostics"]
        if d["severity"] in PARSER_ERRORS
    ]


def _traced(build):
    """Run ``build`` inside a sampled span, so the envelope carries a real traceparent."""
    with TracerProvider().get_tracer("asyncapi-test").start_as_current_span("request"):
        assert "traceparent" in inject_trace_headers()
        return build()


def _wrap(event, source: str) -> Envelope:
    return _traced(
        lambda: Envelope.wrap(
            event,
            source=source,
            correlation_id=str(uuid.uuid4()),
            causation_id=str(uuid.uuid4()),
            actor="treasurer-1",
            trace_headers=inject_trace_headers(),
        )
    )


def _sample(envelope: Envelope, message: str) -> dict:
    return {
        "message": message,
        "key": envelope.key.decode(),
        "headers": envelope.headers(),
        "payload": json.loads(envelope.data),
    }


def _real_events() -> list[Envelope]:
    federation, school = "fed-asyncapi", "school-asyncapi"
    member_id, registered = school_events(federation, school)
    hold_id = uuid.uuid4()
    dues_batch = DuesBatchCollectedV1(
        organization_id=school,
        federation_id=federation,
        batch_id=uuid.uuid4(),
        period="2026-10",
        collected_at=dt.datetime(2026, 10, 28, 2, 0, tzinfo=dt.UTC),
        lines=[
            DuesLine(payment_id=uuid.uuid4(), member_id=member_id, amount_fen=2_400),
            DuesLine(payment_id=uuid.uuid4(), member_id=uuid.uuid4(), amount_fen=2_151),
        ],
    )
    journal = JournalEntryV1(
        organization_id=federation,
        federation_id=federation,
        requested_by=school,
        reference="grant/1",
        instruction=Reserve(
            hold_id=hold_id,
            organization_id=school,
            category_account="5101",
            amount_fen=50_000,
            description="hardship grant",
            reference="grant/1",
        ),
    )
    return [
        *[_wrap(event, "/unionfed/membership") for event in registered],
        _wrap(dues(federation, school, member_id, 2_400), "/unionfed/membership"),
        _wrap(
            WelfareHoldRequestedV1(
                organization_id=school,
                federation_id=federation,
                hold_id=hold_id,
                category="welfare",
                amount_fen=50_000,
                purpose="hardship grant",
                reference="grant/1",
            ),
            "/unionfed/welfare",
        ),
        _wrap(journal, "/unionfed/finance"),
        # A month's chunk of dues, and the journal entry finance books it with.
        _wrap(dues_batch, "/unionfed/membership"),
        _wrap(
            JournalEntryV1(
                organization_id=federation,
                federation_id=federation,
                requested_by=school,
                reference=f"dues-batch/{dues_batch.batch_id}",
                instruction=CollectDues(
                    organization_id=school,
                    member_organization_id=school,
                    period=dues_batch.period,
                    effective_date=dt.date(2026, 10, 28),
                    description="会费收缴：2026-10",
                    lines=[
                        DuesReceiptLine(payment_id=l.payment_id, member_id=l.member_id, amount_fen=l.amount_fen)
                        for l in dues_batch.lines
                    ],
                ),
            ),
            "/unionfed/finance",
        ),
        _wrap(
            MoneyRequestSettledV1(
                organization_id=school,
                federation_id=federation,
                request_event_id=str(uuid.uuid4()),
                journal_event_id=str(uuid.uuid4()),
                operation="reserve",
                outcome="reserved",
                reference="grant/1",
                hold_id=hold_id,
            ),
            "/unionfed/finance",
        ),
    ]


class _DeadLettersOnlyToKafka(EventConsumer):
    """The real consumer, minus the dead_letters table (no database here)."""

    async def _record_dead_letter(self, row: dict) -> None:
        return None


async def _real_dead_letter(service: str, envelope: Envelope) -> dict:
    """What ``service``'s consumer sends to ``<topic>.dlq`` for a delivery whose body is not JSON."""
    sent = []

    async def publish(topic, key, value, headers):
        sent.append((topic, key, value, headers))

    consumer = _DeadLettersOnlyToKafka(service, None, None, None, publish)
    consumer.register_all(_definition(service).handlers)
    topic = EVENT_TYPES[envelope.type].topic
    message = IncomingMessage(
        topic=topic,
        partition=3,
        offset=41,
        key=envelope.key,
        value=b"{not json",
        headers=tuple((name, value.encode()) for name, value in envelope.headers().items()),
    )
    assert await consumer.handle(message) is Outcome.DEAD_LETTERED
    [(dlq_topic, key, value, headers)] = sent
    assert dlq_topic == topics.dead_letter_topic(topic)
    return {
        "message": f"DeadLetter_{topic.replace('.', '_')}",
        "key": key.decode(),
        "headers": headers,
        "payload": value.decode(),
    }


@pytest.fixture(scope="session")
async def real_samples(documents) -> dict[str, list[dict]]:
    """Real messages for every document that lists their message: events and dead letters."""
    samples: dict[str, list[dict]] = {s: [] for s in SERVICES}
    events = _real_events()
    for envelope in events:
        message = EVENT_TYPES[envelope.type].__name__
        for service, document in documents.items():
            if message in document["components"]["messages"]:
                samples[service].append(_sample(envelope, message))
    member_joined = next(e for e in events if e.type.endswith("member_joined.v1"))
    for service in ("welfare", "events", "finance"):
        samples[service].append(await _real_dead_letter(service, member_joined))
    return samples


@pytest.fixture(scope="session")
def verdicts(asyncapi_parser, documents, real_samples, tmp_path_factory) -> dict:
    """The parser's verdict on every served document, and on the real messages (one Node run)."""
    return run_parser(asyncapi_parser, tmp_path_factory.mktemp("asyncapi"), documents, real_samples)


def test_the_parser_finds_no_error_and_no_warning_in_any_document(verdicts):
    for service in SERVICES:
        diagnostics = verdicts[service]["diagnostics"]
        counts = {s: sum(d["severity"] == s for d in diagnostics) for s in ("error", "warning", "information", "hint")}
        others = sorted({d["code"] for d in diagnostics if d["severity"] not in PARSER_ERRORS})
        print(f"@asyncapi/parser on {service}: parsed={verdicts[service]['parsed']} {counts} {others}")
    assert {s: _problems(verdicts[s]) for s in SERVICES} == {s: [] for s in SERVICES}
    assert all(verdicts[s]["parsed"] for s in SERVICES)


def test_real_messages_match_the_documents_that_list_them(verdicts, real_samples, documents):
    """Headers, key and body as Envelope writes them, and dead letters as EventConsumer writes them."""
    for service in ("welfare", "events", "finance"):
        assert "DeadLetter_unionfed_membership" in {x["message"] for x in real_samples[service]}
        assert "DeadLetter_unionfed_membership" in documents[service]["components"]["messages"]
    checked = {s: [(x["message"], x["errors"]) for x in verdicts[s]["samples"]] for s in SERVICES}
    assert {s: [m for m, errors in c if errors] for s, c in checked.items()} == {s: [] for s in SERVICES}, checked
    assert {s: len(c) for s, c in checked.items()} == {s: len(real_samples[s]) for s in SERVICES}
    assert all(checked.values())


def test_the_checks_can_fail(asyncapi_parser, documents, tmp_path):
    """A broken document and a broken message, in one parser run, are both caught.

    The document keeps pydantic's OpenAPI-style discriminator (not AsyncAPI's) and lets an
    operation carry a message of another channel; the message lacks ce_time, has a key that is
    no organization id and money that is not integer fen.
    """
    broken = json.loads(json.dumps(documents["finance"]))
    broken["components"]["schemas"]["JournalEntryV1"]["properties"]["instruction"]["discriminator"] = {
        "propertyName": "op"
    }
    broken["operations"]["sendMoneyRequestSettledV1"]["messages"] = [
        {"$ref": "#/channels/unionfed_finance_journal/messages/JournalEntryV1"}
    ]
    envelope = next(e for e in _real_events() if e.type.endswith("dues_collected.v1"))
    sample = _sample(envelope, "DuesCollectedV1")
    del sample["headers"]["ce_time"]
    sample["key"] = "Not An Org!"
    sample["payload"]["amount_fen"] = 12.5
    verdict = run_parser(
        asyncapi_parser, tmp_path, {"finance": broken, "membership": documents["membership"]}, {"membership": [sample]}
    )
    codes = {d["code"] for d in verdict["finance"]["diagnostics"] if d["severity"] == "error"}
    assert {"asyncapi-document-resolved", "asyncapi3-operation-messages-from-referred-channel"} <= codes
    [errors] = [x["errors"] for x in verdict["membership"]["samples"]]
    assert {e.split(" ")[0].split("/")[0] for e in errors} == {"headers", "key", "payload"}, errors


def _constructed_contracts(service: str) -> set[str]:
    """Contract classes that ``service``'s own code constructs — the events it emits.

    Every event goes out through ``uow.emit(SomeEventV1(...))``, sometimes built by a helper a
    line away, so a call of a contract class in the service's source is an emission.
    """
    names = {cls.__name__ for cls in EVENT_TYPES.values()}
    found = set()
    for path in (REPO / "services" / service / "src").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call):
                called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
                if called in names:
                    found.add(called)
    return found


def _operations(document: dict, action: str) -> set[str]:
    """The event types a document's operations of ``action`` carry."""
    messages = document["components"]["messages"]
    return {
        messages[ref["$ref"].rsplit("/", 1)[1]]["name"]
        for operation in document["operations"].values()
        if operation["action"] == action
        for ref in operation["messages"]
    } & set(EVENT_TYPES)


def test_every_contract_is_in_exactly_the_documents_of_its_producers_and_consumers(documents):
    producers = {service: _constructed_contracts(service) for service in SERVICES}
    consumers = {service: {cls.__name__ for cls in _definition(service).handlers} for service in SERVICES}
    for service in SERVICES:
        declared = {cls.__name__ for cls in _definition(service).emits}
        assert declared == producers[service], (
            f"{service} emits {sorted(producers[service] - declared)} without declaring them, "
            f"and declares {sorted(declared - producers[service])} it never emits"
        )
    for event_type, cls in EVENT_TYPES.items():
        emitted_by = {s for s in SERVICES if cls.__name__ in producers[s]}
        consumed_by = {s for s in SERVICES if cls.__name__ in consumers[s]}
        assert emitted_by, f"no service emits {event_type}"
        listed_by = {
            s
            for s, d in documents.items()
            if any(m["name"] == event_type for m in d["components"]["messages"].values())
        }
        assert listed_by == emitted_by | consumed_by, event_type
        assert {s for s, d in documents.items() if event_type in _operations(d, "send")} == emitted_by, event_type
        assert {s for s, d in documents.items() if event_type in _operations(d, "receive")} == consumed_by, event_type


def test_finance_lists_what_it_publishes_and_every_consumer_its_dead_letter_channels(documents):
    finance = documents["finance"]
    assert _operations(finance, "send") == {
        JournalEntryV1.event_type,
        MoneyRequestSettledV1.event_type,
        MoneyRequestsSettledV1.event_type,
        FinanceReportFiguresV1.event_type,
    }
    for service, document in documents.items():
        consumed_topics = {cls.topic for cls in _definition(service).handlers}
        dead_letter_addresses = {
            document["channels"][op["channel"]["$ref"].rsplit("/", 1)[1]]["address"]
            for name, op in document["operations"].items()
            if op["action"] == "send" and name.startswith("sendDeadLetter")
        }
        assert dead_letter_addresses == {topics.dead_letter_topic(t) for t in consumed_topics}, service
    # Membership consumes only the sections of its statistics reports: welfare's, events' and finance's.
    membership = documents["membership"]
    assert {a for a in (c["address"] for c in membership["channels"].values()) if a.endswith(".dlq")} == {
        topics.dead_letter_topic(t) for t in (topics.WELFARE, topics.EVENTS, topics.FINANCE)
    }
    assert all(
        message.get("payload") not in (None, {"type": "null"})
        for document in documents.values()
        for message in document["components"]["messages"].values()
        if message["name"] in EVENT_TYPES
    )
