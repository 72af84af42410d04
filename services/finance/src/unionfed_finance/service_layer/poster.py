"""Applying the journal: every money instruction gets exactly one outcome, in journal order.

The journal topic is keyed by federation, so each federation's instructions arrive in one
order that Kafka keeps. Everything an instruction writes depends only on that order and on the
instruction itself — posting ids, sequences and hashes included — so replaying the journal into
an empty database rebuilds the same ledgers.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from unionfed_finance.domain import batch_payments, flows
from unionfed_finance.domain.ledger import BANK, Invalid, Line, Posting, Refused, SourceEvent, account_spec
from unionfed_finance.service_layer.journal import trace_id_of
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


async def apply_journal_entry(uow: FinanceUnitOfWork, entry: contract.JournalEntryV1, delivery: Delivery) -> None:
    source = source_of(entry, delivery)
    instruction = entry.instruction
    try:
        async with uow.ledgers.tentatively():
            settlement = await _APPLY[instruction.op](uow, entry, source)
    except (Refused, Invalid) as refusal:
        reason = refusal.reason if isinstance(refusal, Refused) else refusal.detail
        settlement = Settlement("refused", reason=reason, hold_id=getattr(instruction, "hold_id", None))
        if isinstance(instruction, contract.PayMany):
            settlement.lines = [
                contract.LineSettlement(hold_id=l.hold_id, reference=l.reference, outcome="refused", reason=reason)
                for l in instruction.lines
            ]
    request_event_id = entry.source.event_id if entry.source else delivery.envelope.id
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
    # A chunk (PayMany) is answered once with each member's line; anything else with its one hold.
    settled = (
        contract.MoneyRequestsSettledV1(**answer, lines=settlement.lines)
        if settlement.lines is not None
        else contract.MoneyRequestSettledV1(**answer, hold_id=settlement.hold_id)
    )
    uow.emit(settled, event_id=str(derived_id(delivery.envelope.id, "settled")))


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
    return await _post_all(uow, entry.federation_id, [_posting_of(spec) for spec in specs], source)


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
    if await uow.ledgers.get_posting(reverse.posting_id) is None:
        raise Refused(f"posting {reverse.posting_id} does not exist")
    corrections = []
    for posting_id in await uow.ledgers.applied_together(reverse.posting_id):
        reversed_by = await uow.ledgers.reversal_of(posting_id)
        if reversed_by is not None:
            raise Refused(f"posting {posting_id} was already reversed by posting {reversed_by}")
        _row, original = await uow.ledgers.get_posting(posting_id)
        corrections.append(original.reversal(posting_id, reverse.effective_date, _reversal_description(reverse)))
    return await _post_all(uow, entry.federation_id, corrections, source)


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
