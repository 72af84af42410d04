"""Membership's side of the statistics reports' figures, for the services' integration tests: ask
for a report's figures on the real membership topic, read the answering sections back from Kafka."""

import datetime as dt
import json
import uuid

from tests.kafka_tools import envelope_for, producer, read_topic, send_envelope
from tests.pytest_infra import eventually
from unionfed_shared.contracts.envelope import Envelope
from unionfed_shared.contracts.reporting import ReportFiguresRequestedV1


def request(
    federation: str, union: str, covers: list[str], first_day: dt.date, last_day: dt.date, report_id=None
) -> ReportFiguresRequestedV1:
    return ReportFiguresRequestedV1(
        organization_id=union,
        federation_id=federation,
        report_id=report_id or uuid.uuid4(),
        request_id=uuid.uuid4(),
        covers=covers,
        period_start=first_day,
        period_end=last_day,
    )


async def ask(bootstrap: str, asked: ReportFiguresRequestedV1, envelope: Envelope | None = None) -> Envelope:
    """Publish the request on the membership topic as membership would; the envelope, to send it again."""
    envelope = envelope or envelope_for(asked)
    async with producer(bootstrap) as client:
        await send_envelope(client, asked.topic, envelope)
    return envelope


async def answers(bootstrap: str, section_cls, asked: ReportFiguresRequestedV1) -> list[tuple[dict, dict]]:
    """(headers, body) of every answer of ``section_cls``'s service to ``asked`` on its topic."""

    def matches(record) -> bool:
        # On a reused test Kafka the topic also holds other tests' malformed records (tests/badinput):
        # they are nobody's answer, and must not stop the search.
        headers = {k: v.decode(errors="replace") for k, v in record.headers}
        if headers.get("ce_type") != section_cls.event_type:
            return False
        try:
            return json.loads(record.value)["request_id"] == str(asked.request_id)
        except (ValueError, KeyError, TypeError):
            return False

    records = await read_topic(bootstrap, section_cls.topic, matches)
    return [({k: v.decode() for k, v in r.headers}, json.loads(r.value)) for r in records]


async def answer(bootstrap: str, section_cls, asked: ReportFiguresRequestedV1, timeout: float = 60) -> dict:
    """The one answer to ``asked``, once it is on the topic."""

    async def arrived():
        return await answers(bootstrap, section_cls, asked) or None

    [(headers, body)] = await eventually(arrived, timeout=timeout)
    assert headers["ce_subject"] == f"statistics-report/{asked.report_id}"
    assert (body["report_id"], body["organization_id"]) == (str(asked.report_id), asked.organization_id)
    return body["figures"]
