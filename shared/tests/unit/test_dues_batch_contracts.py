"""The month's dues in chunks on the wire: DuesBatchCollectedV1 (membership) and the CollectDues
journal instruction (finance): each member on their own line, at most 1,000, none twice; the
per-member DuesCollectedV1 and the journal's older instructions still read as before."""

import datetime as dt
import uuid

import pytest
from pydantic import TypeAdapter, ValidationError

from unionfed_shared.contracts import EVENT_TYPES
from unionfed_shared.contracts.envelope import Envelope
from unionfed_shared.contracts.finance import CollectDues, DuesReceiptLine, Instruction, JournalEntryV1, Post
from unionfed_shared.contracts.membership import DuesBatchCollectedV1, DuesCollectedV1, DuesLine

AT = dt.datetime(2026, 10, 28, 4, tzinfo=dt.UTC)


def line(amount_fen=2150, **changes) -> DuesLine:
    return DuesLine(**({"payment_id": uuid.uuid4(), "member_id": uuid.uuid4(), "amount_fen": amount_fen} | changes))


def batch(lines) -> DuesBatchCollectedV1:
    return DuesBatchCollectedV1(
        organization_id="school-1", federation_id="county", batch_id=uuid.uuid4(), period="2026-10",
        collected_at=AT, lines=lines,
    )  # fmt: skip


def wrap(event) -> Envelope:
    return Envelope.wrap(event, source="/unionfed/membership", correlation_id="c", causation_id="cmd", actor="li")


def test_a_chunk_round_trips_with_every_members_line_and_is_registered():
    event = batch([line(2150), line(2151)])
    envelope = wrap(event)
    assert envelope.type == "unionfed.membership.dues_batch_collected.v1" and envelope.key == b"school-1"
    assert envelope.parse(DuesBatchCollectedV1) == event
    assert EVENT_TYPES[envelope.type] is DuesBatchCollectedV1 and event.subject() == f"dues-batch/{event.batch_id}"


def test_a_chunk_holds_one_to_1000_lines_none_twice_in_integer_fen():
    assert len(batch([line() for _ in range(1000)]).lines) == 1000
    with pytest.raises(ValidationError):
        batch([line() for _ in range(1001)])
    with pytest.raises(ValidationError):
        batch([])
    twice = line()
    with pytest.raises(ValidationError) as refused:
        batch([twice, line(member_id=twice.member_id)])
    assert "dues_batch_member_twice" in str(refused.value)
    with pytest.raises(ValidationError):
        batch([twice, line(payment_id=twice.payment_id)])
    for bad in (21.5, "2150", 0, -1, True):
        with pytest.raises(ValidationError):
            line(bad)


def test_collect_dues_is_a_journal_instruction_and_older_instructions_still_read():
    instruction = CollectDues(
        organization_id="school-1",
        member_organization_id="maths-1",
        period="2026-10",
        effective_date=dt.date(2026, 10, 28),
        description="会费收缴：2026-10",
        lines=[DuesReceiptLine(payment_id=uuid.uuid4(), member_id=uuid.uuid4(), amount_fen=2150)],
    )
    entry = JournalEntryV1(
        organization_id="county", federation_id="county", instruction=instruction, requested_by="school-1"
    )
    assert wrap(entry).parse(JournalEntryV1).instruction == instruction
    adapter = TypeAdapter(Instruction)
    assert isinstance(adapter.validate_python(instruction.model_dump(mode="json")), CollectDues)
    older = {"op": "post", "postings": [{"organization_id": "school-1", "effective_date": "2026-10-28",
             "description": "会费收缴：2026-10", "lines": [{"account": "1001", "debit_fen": 2150},
             {"account": "4101", "credit_fen": 2150}]}]}  # fmt: skip
    assert isinstance(adapter.validate_python(older), Post)


def test_the_per_member_event_is_still_read_as_before():
    single = DuesCollectedV1(
        organization_id="school-1", federation_id="county", payment_id=uuid.uuid4(), member_id=uuid.uuid4(),
        period="2026-10", amount_fen=2150, collected_at=AT,
    )  # fmt: skip
    assert wrap(single).parse(DuesCollectedV1) == single
