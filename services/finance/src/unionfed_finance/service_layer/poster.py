"""Applying the journal: every money instruction gets exactly one outcome, in journal order.

The journal topic is keyed by what must stay in order (``JournalEntryV1.ordering``): a
federation's whole journal (entries written before ledger keys), or one ledger. Everything an
instruction writes depends only on the order of its key and on the instruction itself — posting
ids, sequences and hashes included — so replaying the journal into an empty database rebuilds
the same ledgers, whatever the interleaving of partitions.

Under ledger keys an instruction reads and writes one ledger only. A movement between ledgers
(``Post`` with several postings) posts its first posting, checked against that ledger's rules,
and — only if it was posted — writes each other posting as a *leg*: a journal entry keyed by
that ledger, with an id derived from the first one, applied in that ledger's order. A reversal
reverses its posting and writes legs reversing the other sides that ledger knows of
(``transfer_legs``). A leg writes no further legs and answers no one: the request was answered
by the entry it continues.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from unionfed_finance.domain import batch_payments, flows, journal_keys
from unionfed_finance.domain.ledger import BANK, Invalid, Line, Posting, Refused, SourceEvent, account_spec
from unionfed_finance.service_layer.journal import source_ref, trace_id_of
from unionfed_finance.service_layer.unit_of_work import FinanceUnitOfWork
from unionfed_shared.contracts import finance as contract
from unionfed_shared.messaging.consumer import Delivery

# Names every id finance derives from a journal entry, so a replay derives the same ones.
FINANCE_NAMESPACE = uuid.UUID("6f1c8a52-4b1e-5d0a-9e61-2f3c7b8d9a10")


def derived_id(*parts: str) -> uuid.UUID:
    return uuid.uuid5(FINANCE_NAMESPACE, "/".join(parts))


@dataclass
class Settlement:
    outcome: str
    posting_ids: list[uuid.UUID] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    hold_id: uuid.UUID | None = None
    reason: str | None = None
    # A PayMany's answer for each of its lines, in their order.
    lines: list[contract.LineSettlement] | None = None
    # Follow-up entries carrying the other ledgers' parts (ledger keys): (event id, entry), written
    # only when the instruction was applied.
    legs: list[tuple[str, contract.JournalEntryV1]] = field(default_factory=list)


async def apply_journal_entry(uow: FinanceUnitOfWork, entry: contract.JournalEntryV1, delivery: Delivery) -> None:
    source = source_of(entry, delivery)
    instruction = entry.instruction
    try:
        async with uow.ledgers.tentatively():
            if entry.ordering == "ledger":
                _require_own_ledger(entry, journal_keys.ledger_of(instruction, known=entry.organization_id))
            settlement = await _APPLY[instruction.op](uow, entry, source)
    except (Refused, Invalid) as refusal:
        reason = refusal.reason if isinstance(refusal, Refused) else refusal.detail
        settlement = Settlement("refused", reason=reason, hold_id=getattr(instruction, "hold_id", None))
        if isinstance(instruction, contract.PayMany):
            settlement.lines = [
                contract.LineSettlement(hold_id=l.hold_id, reference=l.reference, outcome="refused", reason=reason)
                for l in instruction.lines
            ]
        if entry.leg_of is not None and entry.leg_of.posting_id is not None and isinstance(instruction, contract.Post):
            _undo_first_side(settlement, entry, instruction, delivery, reason)
    for leg_id, leg in settlement.legs:
        uow.emit(leg, event_id=leg_id)
    if entry.ordering == "ledger":
        # Kept in the books, so a rebuild from the journal keys the federation's next entries by ledger too.
        await uow.journal_keys.key_by_ledger(entry.federation_id)
    # A leg is its own request: the instruction it continues was answered when it was applied.
    request_event_id = entry.source.event_id if entry.source and not entry.leg_of else delivery.envelope.id
    uow.outcomes.record(
        {
            "journal_event_id": delivery.envelope.id,
            "request_event_id": request_event_id,
            "federation_id": entry.federation_id,
            "requested_by": entry.requested_by,
            "operation": instruction.op,
            "outcome": settlement.outcome,
            "reason": settlement.reason,
            "warnings": settlement.warnings,
            "reference": entry.reference,
            "hold_id": settlement.hold_id,
            "posting_ids": settlement.posting_ids,
        }
    )
    answer = {
        "organization_id": entry.requested_by,
        "federation_id": entry.federation_id,
        "request_event_id": request_event_id,
        "journal_event_id": delivery.envelope.id,
        "operation": instruction.op,
        "outcome": settlement.outcome,
        "reason": settlement.reason,
        "warnings": settlement.warnings,
        "reference": entry.reference,
        "posting_ids": settlement.posting_ids,
    }
    if entry.leg_of is not None:
        return
    # A chunk (PayMany) is answered once with each member's line; anything else with its one hold.
    settled = (
        contract.MoneyRequestsSettledV1(**answer, lines=settlement.lines)
        if settlement.lines is not None
        else contract.MoneyRequestSettledV1(**answer, hold_id=settlement.hold_id)
    )
    uow.emit(settled, event_id=str(derived_id(delivery.envelope.id, "settled")))


def _undo_first_side(
    settlement: Settlement, entry: contract.JournalEntryV1, leg: contract.Post, delivery: Delivery, reason: str
) -> None:
    """A movement's other side was refused in its ledger (a closed period there): reverse the first
    side, by a leg keyed by its ledger, so the two ledgers still mirror each other."""
    assert entry.leg_of is not None and entry.leg_of.posting_id is not None  # only a posting leg is undone
    undo = contract.Reverse(
        posting_id=entry.leg_of.posting_id,
        effective_date=leg.postings[0].effective_date,
        reason=reason[:300],
        description=f"冲销：对方账簿未能入账 / Reversal: the other side was refused: {reason}"[:300],
    )
    settlement.legs.append(
        (
            str(derived_id(delivery.envelope.id, "undo")),
            entry.model_copy(
                update={
                    "organization_id": entry.leg_of.organization_id,
                    "instruction": undo,
                    "leg_of": contract.LegOf(
                        journal_event_id=delivery.envelope.id, organization_id=entry.organization_id
                    ),
                    # Caused by the refused leg: the first side's ledger holds a posting of the first cause.
                    "source": source_ref(delivery),
                }
            ),
        )
    )


def source_of(entry: contract.JournalEntryV1, delivery: Delivery) -> SourceEvent:
    """The event behind the instruction: the other service's event, or the journal entry itself."""
    envelope = delivery.envelope
    journal: dict[str, Any] = {
        "journal_event_id": envelope.id,
        "journal_partition": delivery.partition,
        "journal_offset": delivery.offset,
        "recorded_at": envelope.time,
    }
    if entry.source is not None:
        s = entry.source
        return SourceEvent(
            s.event_id,
            s.event_type,
            s.topic,
            s.partition,
            s.offset,
            s.actor,
            s.causation_id,
            s.correlation_id,
            s.trace_id,
            occurred_at=s.occurred_at,
            **journal,
        )
    return SourceEvent(
        envelope.id,
        envelope.type,
        delivery.topic,
        delivery.partition,
        delivery.offset,
        envelope.actor,
        envelope.causation_id,
        envelope.correlation_id,
        trace_id_of(envelope.trace_headers),
        occurred_at=envelope.time,
        **journal,
    )


async def _post_all(
    uow: FinanceUnitOfWork, federation_id: str, postings: list[Posting], source: SourceEvent
) -> Settlement:
    settlement = Settlement("posted")
    assert source.journal_event_id is not None  # source_of sets it
    ids = [derived_id(source.journal_event_id, "posting", str(i)) for i in range(len(postings))]
    # Lock ledgers in one order whatever the instruction's order, so two writers never deadlock.
    for posting_id, posting in sorted(zip(ids, postings), key=lambda pair: pair[1].organization_id):
        await uow.ledgers.open(posting.organization_id, federation_id)
        for category, spent in _spending_by_category(posting).items():
            warning = await uow.budgets.consume(
                posting.organization_id, posting.effective_date.year, category, spent_fen=spent
            )
            if warning:
                settlement.warnings.append(warning)
        await uow.ledgers.append(posting, source, posting_id)
    settlement.posting_ids = ids
    return settlement


def _spending_by_category(posting: Posting) -> dict[str, int]:
    spent: dict[str, int] = defaultdict(int)
    for line in posting.lines:
        if line.account_code.startswith("5"):
            spent[line.account_code] += line.debit_fen - line.credit_fen
    return {code: amount for code, amount in spent.items() if amount}


def _posting_of(spec: contract.PostingSpec) -> Posting:
    return Posting.balanced(
        spec.organization_id,
        spec.effective_date,
        spec.description,
        [Line(l.account, l.debit_fen, l.credit_fen, l.counterparty_id) for l in spec.lines],
    )


async def _post(uow, entry: contract.JournalEntryV1, source: SourceEvent) -> Settlement:
    assert isinstance(entry.instruction, contract.Post)  # the dispatch went by its kind
    specs = entry.instruction.postings
    if len({spec.organization_id for spec in specs}) != len(specs):
        raise Refused("an instruction posts at most once in each ledger")
    if entry.ordering == "federation":
        return await _post_all(uow, entry.federation_id, [_posting_of(spec) for spec in specs], source)
    settlement = await _post_all(uow, entry.federation_id, [_posting_of(specs[0])], source)
    posted = settlement.posting_ids[0]
    if entry.leg_of is not None and entry.leg_of.posting_id is not None:
        # A movement's other side: this ledger knows its counterpart, for a reversal here later.
        await uow.journal_keys.link(
            specs[0].organization_id, posted, entry.leg_of.organization_id, entry.leg_of.posting_id
        )
    for number, spec in enumerate(journal_keys.legs(entry.instruction), start=1):
        leg_of = contract.LegOf(
            journal_event_id=_journal_id(source), organization_id=specs[0].organization_id, posting_id=posted
        )
        other = _leg(settlement, entry, source, number, spec.organization_id, contract.Post(postings=[spec]), leg_of)
        await uow.journal_keys.link(specs[0].organization_id, posted, spec.organization_id, other)
    return settlement


def _journal_id(source: SourceEvent) -> str:
    assert source.journal_event_id is not None  # source_of sets it
    return source.journal_event_id


def _require_own_ledger(entry: contract.JournalEntryV1, ledger: str) -> None:
    """Under ledger keys an entry changes only the ledger it is keyed by: nothing else is in its order."""
    if entry.organization_id != ledger:
        raise Refused(f"an entry keyed by ledger {entry.organization_id} cannot change ledger {ledger}")


def _leg(
    settlement: Settlement,
    entry: contract.JournalEntryV1,
    source: SourceEvent,
    number: int,
    ledger: str,
    instruction,
    leg_of: contract.LegOf,
) -> uuid.UUID:
    """Add a leg to ``settlement``; returns the id its posting will have when applied in ``ledger``."""
    leg_id = str(derived_id(_journal_id(source), "leg", str(number)))
    leg = contract.JournalEntryV1(
        organization_id=ledger,
        federation_id=entry.federation_id,
        instruction=instruction,
        ordering="ledger",
        leg_of=leg_of,
        # The cause stays the first entry's cause (or the first entry itself, for a command).
        source=contract.SourceRef(
            event_id=source.event_id,
            event_type=source.event_type,
            topic=source.topic,
            partition=source.partition,
            offset=source.offset,
            occurred_at=source.occurred_at,
            actor=source.actor,
            causation_id=source.causation_id,
            correlation_id=source.correlation_id,
            trace_id=source.trace_id,
        ),
        requested_by=entry.requested_by,
        reference=entry.reference,
    )
    settlement.legs.append((leg_id, leg))
    posting_id = derived_id(leg_id, "posting", "0")
    settlement.posting_ids.append(posting_id)
    return posting_id


async def _reserve(uow, entry: contract.JournalEntryV1, source: SourceEvent) -> Settlement:
    reserve = entry.instruction
    assert isinstance(reserve, contract.Reserve)  # the dispatch went by its kind
    _require_spending_account(reserve.category_account)
    fiscal_year = reserve.fiscal_year or source.fiscal_year(await uow.directory.time_zone_of(reserve.organization_id))
    await uow.ledgers.open(reserve.organization_id, entry.federation_id)
    await uow.ledgers.lock_head(reserve.organization_id)
    await uow.holds.add(
        {
            "id": reserve.hold_id,
            "organization_id": reserve.organization_id,
            "account_code": BANK,
            "category_account": reserve.category_account,
            "fiscal_year": fiscal_year,
            "amount_fen": reserve.amount_fen,
            "description": reserve.description,
            "reference": reserve.reference,
            "requested_by_event_id": source.event_id,
        }
    )
    await uow.ledgers.reserve(reserve.organization_id, BANK, reserve.amount_fen)
    warning = await uow.budgets.consume(
        reserve.organization_id, fiscal_year, reserve.category_account, reserved_fen=reserve.amount_fen
    )
    return Settlement("reserved", hold_id=reserve.hold_id, warnings=[warning] if warning else [])


async def _capture(uow, entry: contract.JournalEntryV1, source: SourceEvent) -> Settlement:
    capture = entry.instruction
    assert isinstance(capture, contract.Capture)  # the dispatch went by its kind
    hold = await uow.holds.get(capture.hold_id)
    if hold is not None and entry.ordering == "ledger":
        _require_own_ledger(entry, hold["organization_id"])
    if hold is not None and capture.amount_fen > hold["amount_fen"]:
        raise Refused(
            f"hold {capture.hold_id} reserved {hold['amount_fen']} fen; {capture.amount_fen} fen cannot be posted"
        )
    hold = await uow.holds.settle(
        capture.hold_id, "posted", source.event_id, posted_fen=capture.amount_fen, posted_goods_fen=capture.goods_fen
    )
    await _release(uow, hold)
    posting = Posting.balanced(
        hold["organization_id"],
        capture.effective_date,
        capture.description,
        [Line(hold["category_account"], debit_fen=capture.amount_fen), Line(BANK, credit_fen=capture.amount_fen)],
    )
    settlement = await _post_all(uow, entry.federation_id, [posting], source)
    await uow.holds.link_posting(capture.hold_id, settlement.posting_ids[0])
    settlement.outcome, settlement.hold_id = "captured", capture.hold_id
    return settlement


async def _pay_many(uow, entry: contract.JournalEntryV1, source: SourceEvent) -> Settlement:
    """Reserve and post a chunk of members' money in one step: one posting, a line and a hold each.

    Which lines are paid is decided in memory (``domain/batch_payments.py``) against the bank
    money available and a stop budget's room, so a refusal is the line's alone; the paid lines
    then make one posting (expense per member, the bank credited once with their total, last),
    through the same append as every posting, so the chain covers every line. Each paid member
    gets their hold row, born posted: its reference names the member, ``requested_by_event_id``
    the request, ``posting_id`` and ``line_no`` their line.
    """
    pay = entry.instruction
    assert isinstance(pay, contract.PayMany)  # the dispatch went by its kind
    _require_spending_account(pay.category_account)
    organization_id, fiscal_year = pay.organization_id, pay.effective_date.year
    await uow.ledgers.open(organization_id, entry.federation_id)
    await uow.ledgers.lock_head(organization_id)
    known = {l.hold_id: hold for l in pay.lines if (hold := await uow.holds.get(l.hold_id)) is not None}
    decisions = batch_payments.decide(
        [batch_payments.LineRequest(l.hold_id, l.reference, l.amount_fen) for l in pay.lines],
        known,
        bank_available_fen=await uow.ledgers.available_fen(organization_id, BANK),
        budget_left_fen=await uow.budgets.left_under_stop(organization_id, fiscal_year, pay.category_account),
        organization_id=organization_id,
        bank_account=BANK,
        budget_name=f"{fiscal_year}/{pay.category_account}",
    )
    paid = [d.line for d in decisions if d.decision == batch_payments.PAY]
    settlement = Settlement("captured")
    posting_id = None
    if paid:
        assert source.journal_event_id is not None  # source_of sets it
        total = sum(line.amount_fen for line in paid)
        posting = Posting.balanced(
            organization_id,
            pay.effective_date,
            pay.description,
            [Line(pay.category_account, debit_fen=line.amount_fen) for line in paid] + [Line(BANK, credit_fen=total)],
        )
        for number, line in enumerate(paid, start=1):
            await uow.holds.add(
                {
                    "id": line.hold_id,
                    "organization_id": organization_id,
                    "account_code": BANK,
                    "category_account": pay.category_account,
                    "fiscal_year": fiscal_year,
                    "amount_fen": line.amount_fen,
                    "description": pay.description,
                    "reference": line.reference,
                    "requested_by_event_id": source.event_id,
                    "line_no": number,
                }
            )
            await uow.holds.settle(line.hold_id, "posted", source.event_id, posted_fen=line.amount_fen)
        settlement = await _post_all(uow, entry.federation_id, [posting], source)
        settlement.outcome = "captured"
        posting_id = settlement.posting_ids[0]
        for line in paid:
            await uow.holds.link_posting(line.hold_id, posting_id)
    line_of = {line.hold_id: number for number, line in enumerate(paid, start=1)}
    settlement.lines = []
    for decision in decisions:
        line = decision.line
        if decision.decision == batch_payments.REFUSE:
            settlement.lines.append(
                contract.LineSettlement(
                    hold_id=line.hold_id, reference=line.reference, outcome="refused", reason=decision.reason
                )
            )
            continue
        hold = known.get(line.hold_id)
        settlement.lines.append(
            contract.LineSettlement(
                hold_id=line.hold_id,
                reference=line.reference,
                outcome="captured",
                posting_id=posting_id if hold is None else hold["posting_id"],
                line_no=line_of[line.hold_id] if hold is None else hold.get("line_no"),
            )
        )
    if all(line.outcome == "refused" for line in settlement.lines):
        settlement.outcome = "refused"
        settlement.reason = settlement.lines[0].reason
    return settlement


async def _collect_dues(uow, entry: contract.JournalEntryV1, source: SourceEvent) -> Settlement:
    """Book a chunk of members' dues as one posting: a 4101 credit per member, the bank debited once.

    A payment already booked by a chunk (``dues_receipts``) is left out, so a chunk sent again
    books nobody twice; the new lines make one posting (``flows.dues_chunk``, the accounts of the
    per-member dues posting), and each of their members gets a receipt naming its posting and
    line and their dues account grows by their amount, as one DuesCollectedV1 grows it.
    """
    collect = entry.instruction
    assert isinstance(collect, contract.CollectDues)  # the dispatch went by its kind
    payment_ids = [line.payment_id for line in collect.lines]
    booked = await uow.dues_accounts.booked_receipts(payment_ids)
    to_book = [collect.lines[i] for i in flows.dues_lines_to_book(payment_ids, set(booked))]
    if not to_book:
        return Settlement("posted", posting_ids=sorted({row["posting_id"] for row in booked.values()}))
    assert source.journal_event_id is not None  # source_of sets it
    posting = flows.dues_chunk(
        collect.organization_id, [line.amount_fen for line in to_book], collect.effective_date, collect.description
    )
    settlement = await _post_all(uow, entry.federation_id, [posting], source)
    [posting_id] = settlement.posting_ids
    await uow.dues_accounts.open_many(
        [(line.member_id, collect.member_organization_id, entry.federation_id) for line in to_book]
    )
    await uow.dues_accounts.record_payments(collect.period, [(line.member_id, line.amount_fen) for line in to_book])
    await uow.dues_accounts.add_receipts(
        [
            {
                "payment_id": line.payment_id,
                "member_id": line.member_id,
                "organization_id": collect.organization_id,
                "period": collect.period,
                "amount_fen": line.amount_fen,
                "posting_id": posting_id,
                "line_no": number,
                "journal_event_id": source.journal_event_id,
            }
            for number, line in enumerate(to_book, start=1)
        ]
    )
    return settlement


async def _void(uow, entry: contract.JournalEntryV1, source: SourceEvent) -> Settlement:
    void = entry.instruction
    assert isinstance(void, contract.Void)  # the dispatch went by its kind
    if entry.ordering == "ledger" and (held := await uow.holds.get(void.hold_id)) is not None:
        _require_own_ledger(entry, held["organization_id"])
    hold = await uow.holds.settle(void.hold_id, "voided", source.event_id)
    await _release(uow, hold)
    return Settlement("voided", hold_id=void.hold_id)


async def _release(uow: FinanceUnitOfWork, hold: dict) -> None:
    await uow.ledgers.lock_head(hold["organization_id"])
    await uow.ledgers.release(hold["organization_id"], hold["account_code"], hold["amount_fen"])
    await uow.budgets.consume(
        hold["organization_id"], hold["fiscal_year"], hold["category_account"], reserved_fen=-hold["amount_fen"]
    )


async def _reverse(uow, entry: contract.JournalEntryV1, source: SourceEvent) -> Settlement:
    """Reverse an entry; an inter-union movement is reversed on every side it was posted on."""
    reverse = entry.instruction
    assert isinstance(reverse, contract.Reverse)  # the dispatch went by its kind
    found = await uow.ledgers.get_posting(reverse.posting_id)
    if found is None:
        raise Refused(f"posting {reverse.posting_id} does not exist")
    if entry.ordering == "ledger":
        return await _reverse_in_ledger(uow, entry, source, found[1])
    corrections = []
    for posting_id in await uow.ledgers.applied_together(reverse.posting_id):
        reversed_by = await uow.ledgers.reversal_of(posting_id)
        if reversed_by is not None:
            raise Refused(f"posting {posting_id} was already reversed by posting {reversed_by}")
        _row, original = await uow.ledgers.get_posting(posting_id)
        corrections.append(original.reversal(posting_id, reverse.effective_date, _reversal_description(reverse)))
    return await _post_all(uow, entry.federation_id, corrections, source)


async def _reverse_in_ledger(uow, entry: contract.JournalEntryV1, source: SourceEvent, original: Posting) -> Settlement:
    """Reverse a posting in its ledger; the other sides of a movement are reversed by legs in theirs."""
    reverse = entry.instruction
    assert isinstance(reverse, contract.Reverse)  # the dispatch went by its kind
    _require_own_ledger(entry, original.organization_id)
    reversed_by = await uow.ledgers.reversal_of(reverse.posting_id)
    if reversed_by is not None:
        raise Refused(f"posting {reverse.posting_id} was already reversed by posting {reversed_by}")
    correction = original.reversal(reverse.posting_id, reverse.effective_date, _reversal_description(reverse))
    settlement = await _post_all(uow, entry.federation_id, [correction], source)
    if entry.leg_of is None:
        leg_of = contract.LegOf(journal_event_id=_journal_id(source), organization_id=original.organization_id)
        for number, (ledger, other) in enumerate(await uow.journal_keys.other_sides(reverse.posting_id), start=1):
            instruction = reverse.model_copy(update={"posting_id": other})
            _leg(settlement, entry, source, number, ledger, instruction, leg_of)
    return settlement


def _reversal_description(reverse: contract.Reverse) -> str:
    # The words come with the instruction, so a replay posts what was posted; entries journaled
    # before they did replay with the words they were posted with then.
    return reverse.description or f"Reversal: {reverse.reason}"


async def _close_period(uow, entry: contract.JournalEntryV1, source: SourceEvent) -> Settlement:
    close = entry.instruction
    assert isinstance(close, contract.ClosePeriod)  # the dispatch went by its kind
    if close.starts_on > close.ends_on:
        raise Refused("a period ends on or after the day it starts")
    await uow.ledgers.open(close.organization_id, entry.federation_id)
    await uow.ledgers.lock_head(close.organization_id)  # no posting slips in while it closes
    await uow.periods.close(
        close.organization_id, close.label, close.starts_on, close.ends_on, source.actor, source.journal_event_id
    )
    return Settlement("posted")


async def _set_budget(uow, entry: contract.JournalEntryV1, source: SourceEvent) -> Settlement:
    budget = entry.instruction
    assert isinstance(budget, contract.SetBudget)  # the dispatch went by its kind
    _require_spending_account(budget.category_account)
    await uow.ledgers.open(budget.organization_id, entry.federation_id)
    await uow.budgets.set(
        budget.organization_id, budget.fiscal_year, budget.category_account, budget.amount_fen, budget.policy
    )
    return Settlement("posted")


def _require_spending_account(code: str) -> None:
    if not account_spec(code).type.debit_normal or not code.startswith("5"):
        raise Refused(f"{code} is not an expense account")


_APPLY = {
    "post": _post,
    "reserve": _reserve,
    "capture": _capture,
    "void": _void,
    "pay_many": _pay_many,
    "collect_dues": _collect_dues,
    "reverse": _reverse,
    "close_period": _close_period,
    "set_budget": _set_budget,
}
