"""Malformed events are dead-lettered with their reason, change nothing else, and never stall a partition.

For every topic each consuming service (welfare, events, finance) reads, a valid event of a type
it handles is taken as the carrier and broken in one way at a time: a schema version the consumer
cannot read, CloudEvents/unionfed headers missing, a body past the envelope's size limit, a body or
header that is not UTF-8, not JSON, wrong types, negative and float money, an integer past BIGINT,
NUL in a text field or in the event id.

- Handed to the consumer one by one (as Kafka would deliver them): each one is DEAD_LETTERED with a
  reason naming the problem, and the ``dead_letters`` table is the only one that changed.
- Sent through the real broker in front of valid events on the same partition: the valid events
  are applied, every malformed record is in ``dead_letters`` and on ``<topic>.dlq`` with its reason.
"""

import dataclasses
import datetime as dt
import json
import uuid

import pytest
from sqlalchemy import select

from tests.badinput.conftest import changed_tables, db_fingerprint, table_names
from tests.factories import dues, school_events
from tests.finance_tools import journal_entry
from tests.kafka_tools import deliver, envelope_for, producer, read_topic, send_raw
from tests.pytest_infra import eventually, unique
from unionfed_shared.contracts import topics
from unionfed_shared.contracts.donations import DonationReceivedV1
from unionfed_shared.contracts.envelope import MAX_BODY_BYTES
from unionfed_shared.contracts.events import ActivityPublishedV1
from unionfed_shared.contracts.finance import MoneyRequestSettledV1, Reserve
from unionfed_shared.contracts.membership import MemberJoinedV1
from unionfed_shared.contracts.spending import EventsHoldRequestedV1
from unionfed_shared.messaging.consumer import IncomingMessage, Outcome

pytestmark = pytest.mark.integration

SERVICES = ("welfare", "events", "finance")


@dataclasses.dataclass(frozen=True)
class Carrier:
    """A valid event of a type the consumer handles, and where to break it."""

    event: object
    number: tuple[str, ...] | None = None  # a money (or integer) field
    money: bool = True  # money is strict integer fen; a plain integer (a version) accepts 2.0 and "2"
    text: tuple[str, ...] | None = None  # a free-text field that reaches the database


def carriers(service: str, federation: str, school: str, member_id: uuid.UUID) -> dict[str, Carrier]:
    """One carrier per topic the service consumes."""
    joined = MemberJoinedV1(
        organization_id=school,
        federation_id=federation,
        member_id=uuid.uuid4(),
        display_name="Wang Fang",
        gender="female",
        joined_on=dt.date(2021, 9, 1),
    )
    if service in ("welfare", "events"):
        settled = MoneyRequestSettledV1(
            organization_id=school,
            federation_id=federation,
            request_event_id=str(uuid.uuid4()),
            journal_event_id=str(uuid.uuid4()),
            operation="reserve",
            outcome="refused",
            reason="no budget",
            reference=f"grant/{uuid.uuid4()}",
            hold_id=uuid.uuid4(),
        )
        consumed = {
            topics.MEMBERSHIP: Carrier(joined, number=("member_version",), money=False, text=("display_name",)),
            topics.FINANCE: Carrier(settled),
        }
        if service == "welfare":  # the rights weeks (维权周) the events service publishes
            starts = dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC)
            rights_week = ActivityPublishedV1(
                organization_id=school,
                federation_id=federation,
                activity_id=uuid.uuid4(),
                title="十一月维权周",
                kind="rights_week",
                scope_organization_ids=[school],
                starts_at=starts,
                ends_at=starts + dt.timedelta(days=6),
                registration_deadline=starts,
                budget_fen=0,
            )
            consumed[topics.EVENTS] = Carrier(rights_week, text=("title",))
        return consumed
    return {
        topics.MEMBERSHIP: Carrier(dues(federation, school, member_id, 2150), number=("amount_fen",)),
        topics.WELFARE: Carrier(
            DonationReceivedV1(
                organization_id=school,
                federation_id=federation,
                donation_id=uuid.uuid4(),
                drive="flood-2026",
                amount_fen=50000,
                received_on=dt.date(2026, 7, 1),
                donor="anonymous",
            ),
            number=("amount_fen",),
            text=("donor",),
        ),
        topics.EVENTS: Carrier(
            EventsHoldRequestedV1(
                organization_id=school,
                federation_id=federation,
                hold_id=uuid.uuid4(),
                category="activity",
                amount_fen=30000,
                purpose="choir contest",
                reference=f"activity/{uuid.uuid4()}",
            ),
            number=("amount_fen",),
            text=("purpose",),
        ),
        topics.FINANCE_JOURNAL: Carrier(
            journal_entry(
                federation,
                school,
                Reserve(
                    hold_id=uuid.uuid4(),
                    organization_id=school,
                    category_account="5301",
                    amount_fen=1000,
                    description="prizes",
                    reference="activity/x",
                ),
            ),
            number=("instruction", "amount_fen"),
            text=("instruction", "description"),
        ),
    }


def _set(body: dict, path: tuple[str, ...], value) -> bytes:
    body = json.loads(json.dumps(body))
    target = body
    for name in path[:-1]:
        target = target[name]
    target[path[-1]] = value
    return json.dumps(body).encode()


def malformed(carrier: Carrier) -> list[tuple[str, bytes, dict[str, bytes], tuple[str, ...]]]:
    """(label, body, headers, words the dead letter's reason must contain) for every way of breaking it."""
    envelope = envelope_for(carrier.event)
    good_headers = {k: v.encode() for k, v in envelope.headers().items()}
    body = envelope.data
    as_dict = json.loads(body)

    def headers(**changes):
        changed = {**good_headers, "ce_id": str(uuid.uuid4()).encode()}  # a fresh id: never a duplicate
        for name, value in changes.items():
            if value is None:
                changed.pop(name, None)
            else:
                changed[name] = value
        return changed

    version_2 = envelope.type.removesuffix(".v1").encode() + b".v2"
    cases = [
        ("schema version v2", body, headers(ce_type=version_2), ("unsupported schema version",)),
        ("ce_specversion 0.3", body, headers(ce_specversion=b"0.3"), ("unsupported ce_specversion",)),
        ("no ce_id", body, headers(ce_id=None), ("missing CloudEvents headers", "ce_id")),
        ("no ce_type", body, headers(ce_type=None), ("missing CloudEvents headers", "ce_type")),
        ("no ce_organizationid", body, headers(ce_organizationid=None), ("ce_organizationid",)),
        ("no headers at all", body, {}, ("missing CloudEvents headers",)),
        ("ce_time not a time", body, headers(ce_time=b"yesterday"), ("ce_time",)),
        (
            "oversized body",
            body[:-1] + b" " * (MAX_BODY_BYTES - len(body) + 1) + b"}",
            headers(),
            ("exceeds", str(MAX_BODY_BYTES)),
        ),
        (
            "invalid UTF-8 body",
            body.replace(b'"' + as_dict["organization_id"].encode() + b'"', b'"\xff\xfe"', 1),
            headers(),
            ("not UTF-8",),
        ),
        ("invalid UTF-8 header", body, headers(ce_source=b"/\xff\xfe"), ("not UTF-8",)),
        ("not JSON", b"organization_id=" + as_dict["organization_id"].encode(), headers(), ("Invalid JSON",)),
        ("a JSON array", b"[]", headers(), ("body is invalid",)),
        (
            "organization differs from its header",
            body,
            headers(ce_organizationid=b"someone-else"),
            ("organization_id differs",),
        ),
        ("NUL in the event id", body, headers(ce_id=f"{uuid.uuid4()}\0x".encode()), ("ce_id", "NUL")),
    ]
    if carrier.number:
        field = carrier.number[-1]
        cases += [
            ("negative money", _set(as_dict, carrier.number, -2150), headers(), (field,)),
            ("zero money", _set(as_dict, carrier.number, 0), headers(), (field,)),
            ("float money", _set(as_dict, carrier.number, 21.5), headers(), (field, "integer")),
            ("money as an object", _set(as_dict, carrier.number, {"yuan": 21}), headers(), (field,)),
            # Past what the contract allows, or (a plain integer) past the database column.
            ("integer past BIGINT", _set(as_dict, carrier.number, 2**63), headers(), ()),
        ]
        if carrier.money:
            cases += [
                ("whole float money", _set(as_dict, carrier.number, 2150.0), headers(), (field, "integer")),
                ("money as a string", _set(as_dict, carrier.number, "2150"), headers(), (field, "integer")),
            ]
    if carrier.text:
        cases += [("NUL in a text field", _set(as_dict, carrier.text, "a\u0000b"), headers(), ("NUL",))]
    return cases


def incoming(topic: str, offset: int, key: bytes, value: bytes, headers: dict[str, bytes]) -> IncomingMessage:
    return IncomingMessage(topic, 0, offset, key, value, tuple(headers.items()))


async def seeded(build_service, service: str, *, start: bool):
    import importlib

    definition = importlib.import_module(f"unionfed_{service}.entrypoints.app").definition
    runtime = await build_service(definition, start=start)
    if not start:
        await runtime.broker.connect()  # dead letters also go to <topic>.dlq
    federation, school = unique("fed"), unique("school")
    member_id, events = school_events(federation, school)
    assert set(await deliver(runtime, events, to_dlq_topic=False)) == {Outcome.PROCESSED}
    return runtime, federation, school, member_id


async def inbox_ids(runtime) -> set[str]:
    inbox = runtime.definition.messaging_tables[1]
    async with runtime.session_factory() as session:
        return set((await session.execute(select(inbox.c.event_id))).scalars())


@pytest.mark.timeout(300)
@pytest.mark.parametrize("service", SERVICES)
async def test_each_malformed_event_is_dead_lettered_with_its_reason_and_changes_nothing_else(build_service, service):
    runtime, federation, school, member_id = await seeded(build_service, service, start=False)
    by_topic = carriers(service, federation, school, member_id)
    assert set(by_topic) == set(runtime.consumer.topics), "a consumed topic has no carrier here"
    tables = await table_names(runtime)
    offset = 1000
    wrong = []
    for topic, carrier in by_topic.items():
        for label, value, headers, words in malformed(carrier):
            offset += 1
            before = await db_fingerprint(runtime, tables)
            outcome = await runtime.consumer.handle(incoming(topic, offset, school.encode(), value, headers))
            after = await db_fingerprint(runtime, tables)
            letters = [l for l in await runtime.dead_letters.find("pending") if l["offset"] == offset]
            reason = letters[0]["error"] if letters else ""
            problems = []
            if outcome is not Outcome.DEAD_LETTERED:
                problems.append(f"outcome {outcome.value}")
            if len(letters) != 1 or not all(word in reason for word in words):
                problems.append(f"reason {reason[:300]!r} lacks {words}")
            if set(changed_tables(before, after)) != {"dead_letters"}:
                problems.append(f"changed {sorted(changed_tables(before, after))}")
            if problems:
                wrong.append(f"{topic} / {label}: {'; '.join(problems)}")
        # …and the carrier itself, after all that, is applied.
        good = envelope_for(carrier.event)
        offset += 1
        message = incoming(topic, offset, good.key, good.data, {k: v.encode() for k, v in good.headers().items()})
        assert await runtime.consumer.handle(message) is Outcome.PROCESSED, f"the valid {good.type} was not applied"
    assert not wrong, "malformed events not refused as they should be:\n" + "\n".join(wrong)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("service", SERVICES)
async def test_malformed_records_on_the_broker_are_dead_lettered_and_the_partition_moves_on(
    build_service, infra, service
):
    runtime, federation, school, member_id = await seeded(build_service, service, start=True)
    sent, goods = {}, {}
    async with producer(infra.kafka_bootstrap) as client:
        for topic, carrier in carriers(service, federation, school, member_id).items():
            for label, value, headers, words in malformed(carrier):
                record = await send_raw(client, topic, school.encode(), value, list(headers.items()))
                sent[(topic, record.partition, record.offset)] = (label, words)
            good = envelope_for(carrier.event)
            record = await send_raw(
                client, topic, school.encode(), good.data, [(k, v.encode()) for k, v in good.headers().items()]
            )
            goods[good.id] = (topic, record.partition)
    assert len({(t, p) for t, p, _ in sent} | set(goods.values())) == len(goods), "one partition per topic"

    async def all_valid_applied():
        return set(goods) <= await inbox_ids(runtime)

    await eventually(all_valid_applied, timeout=60)

    async def all_dead_lettered():
        letters = {(l["topic"], l["partition"], l["offset"]): l for l in await runtime.dead_letters.find("pending")}
        missing = [sent[k][0] for k in sent if k not in letters]
        assert not missing, f"not dead-lettered (yet): {missing}"
        return {k: letters[k] for k in sent}

    letters = await eventually(all_dead_lettered, timeout=60)
    for where, (label, words) in sent.items():
        assert all(word in letters[where]["error"] for word in words), (label, letters[where]["error"][:300])

    for topic in {t for t, _, _ in sent}:
        in_dlq = await read_topic(
            infra.kafka_bootstrap,
            topics.dead_letter_topic(topic),
            lambda r: (
                dict(r.headers).get("dlq_consumer") == service.encode()
                and dict(r.headers).get("dlq_original_partition") is not None
                and (topic, int(dict(r.headers)["dlq_original_partition"]), int(dict(r.headers)["dlq_original_offset"]))  # noqa: B023 - read here
                in sent
            ),
        )
        expected = {k for k in sent if k[0] == topic}
        got = {
            (topic, int(dict(r.headers)["dlq_original_partition"]), int(dict(r.headers)["dlq_original_offset"]))
            for r in in_dlq
        }
        assert got == expected, f"{topic}.dlq is missing {sorted(expected - got)}"
        assert all(dict(r.headers)["dlq_error"] for r in in_dlq)
