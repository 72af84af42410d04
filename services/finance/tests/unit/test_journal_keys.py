"""The journal's keying rule: under ledger keys an entry is keyed by the one ledger whose chain it
extends, a movement between ledgers by its first (paying) side; entries written before carry the
federation and replay as they did."""

import datetime as dt
import uuid

import pytest

from unionfed_finance.domain import flows, journal_keys
from unionfed_finance.service_layer import journal
from unionfed_finance.service_layer.journal import key_by_ledger
from unionfed_shared.contracts import finance as contract
from unionfed_shared.contracts.envelope import Envelope
from unionfed_shared.errors import Conflict

DAY = dt.date(2026, 10, 20)
HOLD = uuid.uuid4()


def test_an_instruction_on_one_ledger_is_keyed_by_that_ledger():
    assert journal_keys.ledger_of(journal.post(flows.expense("school-a", "equipment", 100, DAY, "球拍"))) == "school-a"
    reserve = contract.Reserve(
        hold_id=HOLD,
        organization_id="school-a",
        category_account="5101",
        amount_fen=500,
        description="慰问",
        reference="g/1",
    )
    assert journal_keys.ledger_of(reserve) == "school-a"
    pay = contract.PayMany(
        organization_id="school-b",
        category_account="5101",
        effective_date=DAY,
        description="中秋慰问",
        lines=[contract.PayLine(hold_id=HOLD, reference="m/1", amount_fen=100)],
    )
    assert journal_keys.ledger_of(pay) == "school-b"
    close = contract.ClosePeriod(organization_id="school-c", label="2026-09", starts_on=DAY, ends_on=DAY)
    budget = contract.SetBudget(
        organization_id="school-d", fiscal_year=2026, category_account="5101", amount_fen=100, policy="stop"
    )
    assert (journal_keys.ledger_of(close), journal_keys.ledger_of(budget)) == ("school-c", "school-d")
    dues = contract.CollectDues(
        organization_id="school-e",
        member_organization_id="school-e-group",
        period="2026-09",
        effective_date=DAY,
        description="2026年9月会费",
        lines=[contract.DuesReceiptLine(payment_id=HOLD, member_id=HOLD, amount_fen=500)],
    )
    assert journal_keys.ledger_of(dues) == "school-e"
    assert journal_keys.legs(reserve) == [] == journal_keys.legs(dues)


def test_a_capture_void_or_reversal_is_keyed_by_the_ledger_of_its_hold_or_posting_which_the_writer_gives():
    capture = contract.Capture(hold_id=HOLD, amount_fen=100, effective_date=DAY, description="慰问金")
    void = contract.Void(hold_id=HOLD, reason="取消")
    reverse = contract.Reverse(posting_id=uuid.uuid4(), effective_date=DAY, reason="录错")
    for instruction in (capture, void, reverse):
        assert journal_keys.ledger_of(instruction, known="school-a") == "school-a"
        with pytest.raises(ValueError, match="names no ledger"):
            journal_keys.ledger_of(instruction)


@pytest.mark.parametrize(
    ("postings", "lead", "other"),
    [
        (flows.employer_funds("school-a", "county", 10_000, DAY, flows.FundPolicy(400)), "school-a", "county"),
        (flows.remittance_paid("school-a", "county", 4_000, DAY), "school-a", "county"),
        (flows.allocation("county", "school-a", 2_000, DAY, "乒乓球台"), "county", "school-a"),
    ],
    ids=["employer-funds", "remittance", "allocation"],
)
def test_a_movement_between_two_ledgers_is_keyed_by_its_paying_side_and_its_other_side_is_a_leg(postings, lead, other):
    post = journal.post(*postings)
    assert journal_keys.ledger_of(post) == lead
    assert [spec.organization_id for spec in journal_keys.legs(post)] == [other]


class _Keys:
    def __init__(self, ordering: str, history: bool = False):
        self.ordering, self.history = ordering, history

    async def ordering_of(self, federation_id: str) -> str:
        return self.ordering

    async def has_history(self, federation_id: str) -> bool:
        return self.history

    async def key_by_ledger(self, federation_id: str) -> None:
        self.ordering = "ledger"


class _Uow:
    """Just what writing a journal entry touches: the keying and the outbox."""

    def __init__(self, ordering: str, history: bool = False):
        self.journal_keys = _Keys(ordering, history)
        self.emitted: list[Envelope] = []
        self.committed = False

    def emit(self, event, *, event_id=None) -> Envelope:
        envelope = Envelope.wrap(
            event, source="/unionfed/finance", correlation_id=None, causation_id=None, actor=None, event_id=event_id
        )
        self.emitted.append(envelope)
        return envelope

    async def commit(self) -> None:
        self.committed = True


async def test_the_writer_keys_by_federation_until_the_federation_is_keyed_by_ledger():
    funds = journal.post(*flows.employer_funds("school-a", "county", 10_000, DAY, flows.FundPolicy(400)))
    before, after = _Uow("federation"), _Uow("ledger")
    for uow in (before, after):
        await journal.write(uow, "county", "school-a", funds)  # type: ignore[arg-type]
    (old,), (new,) = before.emitted, after.emitted
    assert (old.key, old.organization_id, old.federation_id) == (b"county", "county", "county")
    assert (new.key, new.organization_id, new.federation_id) == (b"school-a", "school-a", "county")
    assert contract.JournalEntryV1.model_validate_json(new.data).ordering == "ledger"
    void = _Uow("ledger")
    await journal.write(void, "county", "group-1", contract.Void(hold_id=HOLD, reason="取消"), ledger="school-b")  # type: ignore[arg-type]
    assert void.emitted[0].key == b"school-b", "a void follows its hold's ledger, not the requesting group"


def test_an_entry_journaled_before_ledger_keys_reads_as_keyed_by_its_federation():
    written_before = {
        "organization_id": "county",
        "federation_id": "county",
        "requested_by": "school-a",
        "instruction": {"op": "void", "hold_id": str(HOLD), "reason": "取消"},
    }
    entry = contract.JournalEntryV1.model_validate(written_before)
    assert (entry.ordering, entry.leg_of, entry.partition_key()) == ("federation", None, "county")


async def test_only_a_federation_without_journal_history_is_keyed_by_ledger():
    fresh = _Uow("federation")
    assert await key_by_ledger(fresh, "county") is True  # type: ignore[arg-type]
    assert fresh.committed and fresh.journal_keys.ordering == "ledger"
    assert await key_by_ledger(fresh, "county") is False  # type: ignore[arg-type]
    with pytest.raises(Conflict) as refused:
        await key_by_ledger(_Uow("federation", history=True), "county")  # type: ignore[arg-type]
    assert refused.value.code == "journal_has_history"
