"""Festival greetings as a resumable batch.

Creating a batch freezes its recipients (one row each, with a hold id derived from the batch and
the member). Running it walks the pending rows in chunks, one transaction per chunk: each
recipient is checked again, then either skipped with the reason or given a hold request through
the outbox, and marked as such — in the same transaction. A crash loses at most the chunk in
progress, which is rolled back whole and done again by the next run; nobody is asked for twice.
The batch being approved by the command that created it, a chunk's recipients are paid in one
request (``money.pay_many``): finance reserves and posts them in one step, as one multi-line
journal entry, and answers the chunk with one event naming each recipient's outcome, applied
here in two statements (``on_chunk_settled``). Recipients of batches run before that (a hold
each, reserved then paid) are still answered by ``on_greeting_settled``. Running a batch again
asks once more for the recipients finance refused (with a new hold each); the paid are never
paid twice.
"""

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable

from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.finance import LineSettlement, MoneyRequestSettledV1, MoneyRequestsSettledV1
from unionfed_shared.contracts.spending import PaymentLine
from unionfed_shared.errors import Invalid, NotFound
from unionfed_shared.failpoints import failpoint
from unionfed_shared.paging import cursor_refusal, decode_cursor, page_of
from unionfed_welfare.domain import greetings as rules
from unionfed_welfare.domain.greetings import EligibleMember, GreetingBatch, Recipient
from unionfed_welfare.service_layer import money
from unionfed_welfare.service_layer.commands import CreateGreeting
from unionfed_welfare.service_layer.unit_of_work import WelfareUnitOfWork

MANAGERS = (Role.FEDERATION_ADMIN, Role.UNION_OFFICER, Role.WELFARE_OFFICER)
READERS = (*MANAGERS, Role.AUDITOR)
# Recipients per chunk: one transaction, one payment request, one journal entry in finance and one
# answer each. As many as one request may carry (the contract's limit on a batch payment's lines).
CHUNK = money.LINES_PER_REQUEST


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def hidden() -> NotFound:
    """A batch the caller may not see answers as one that does not exist."""
    return NotFound(
        "greeting_not_found",
        zh="未找到该节日慰问，或不在您的管辖范围内",
        en="festival greeting not found or outside your scope",
    )


async def _eligible(
    uow: WelfareUnitOfWork, principal: Principal, organization_id: str, eligibility: rules.Eligibility
) -> tuple[list[str], list[EligibleMember]]:
    """The organization's path and the members a greeting of ``eligibility`` would reach now, by id."""
    path = await uow.directory.path_of(organization_id)
    principal.require_scope(path)
    assert path is not None  # require_scope refused an unknown organization
    principal.require_role(*MANAGERS)
    return path, await uow.greetings.eligible(organization_id, eligibility)


async def preview(uow: WelfareUnitOfWork, principal: Principal, organization_id: str, command: CreateGreeting) -> dict:
    """How many a greeting would reach if created now, and what it would cost: creating selects the same."""
    _path, recipients = await _eligible(uow, principal, organization_id, command.eligibility)
    return {
        "recipients": len(recipients),
        "amount_fen": command.amount_fen,
        "total_fen": len(recipients) * command.amount_fen,
    }


async def create(
    uow: WelfareUnitOfWork, principal: Principal, organization_id: str, command: CreateGreeting
) -> uuid.UUID:
    eligibility = command.eligibility
    path, members = await _eligible(uow, principal, organization_id, eligibility)
    if not members:
        raise Invalid(
            "no_eligible_members",
            zh="本单位及下属单位没有符合本次节日慰问条件的会员",
            en="no member of this organization's subtree is eligible for this greeting",
        )
    batch = GreetingBatch(
        id=uuid.uuid4(),
        organization_id=organization_id,
        federation_id=path[0],
        festival=command.festival,
        amount_fen=command.amount_fen,
        eligible_gender=eligibility.gender,
        eligible_statuses=list(dict.fromkeys(eligibility.statuses)),
        paid_on=command.paid_on,
        total=len(members),
        created_by=principal.subject,
    )
    recipients = [
        Recipient(batch.id, m.id, m.display_name, m.organization_id, rules.hold_id(batch.id, m.id)) for m in members
    ]
    await uow.greetings.add(batch, recipients)
    await uow.commit()
    return batch.id


async def require_visible(
    uow: WelfareUnitOfWork, principal: Principal, batch_id: uuid.UUID, roles=READERS
) -> GreetingBatch:
    batch = await uow.greetings.get(batch_id)
    if batch is None or not principal.can_see(await uow.directory.path_of(batch.organization_id) or []):
        raise hidden()
    principal.require_role(*roles)
    return batch


async def run(
    uow_factory: Callable[[], WelfareUnitOfWork],
    batch_id: uuid.UUID,
    *,
    chunk_size: int = CHUNK,
    on_chunk: Callable[[rules.Progress], Awaitable[None] | None] | None = None,
) -> rules.Progress:
    """Process every pending recipient; safe to run again, or twice at once (the batch row is locked).

    Recipients finance refused before this run are asked for once more (see ``_requeue_refused``);
    the paid and the skipped are never touched again.
    """
    async with uow_factory() as uow:
        await _requeue_refused(uow, batch_id)
        await uow.commit()
    after: uuid.UUID | None = None  # the last member of the chunk before: the next starts after them
    while True:
        async with uow_factory() as uow:
            after = await _process_chunk(uow, batch_id, chunk_size, after)
            await uow.commit()
        # Between chunks: everything so far is committed, the rest still pending.
        failpoint("greetings.after_chunk")
        if on_chunk is None and after is not None:
            # Counting the batch reads all its recipients: done once at the end, or when asked for
            # after each chunk (the command line shows it), never per chunk for nobody.
            continue
        async with uow_factory() as uow:
            progress = await progress_of(uow, batch_id)
        if on_chunk is not None:
            result = on_chunk(progress)
            if result is not None:
                await result
        if after is None:
            return progress


async def _locked(uow: WelfareUnitOfWork, batch_id: uuid.UUID) -> GreetingBatch:
    batch = await uow.greetings.get(batch_id, for_update=True)
    if batch is None:
        raise hidden()
    return batch


async def _requeue_refused(uow: WelfareUnitOfWork, batch_id: uuid.UUID) -> int:
    """Put the recipients finance refused back to pending, each with a new hold; how many.

    Their old hold is over (a refused reservation holds nothing; a refused payment's hold was
    voided), so the new one is a new request, e.g. once the union has been funded. Done once at
    the start of a run, so recipients refused again during the run wait for the next one.
    """
    batch = await _locked(uow, batch_id)
    refused = await uow.greetings.in_status(batch_id, rules.REFUSED)
    if not refused:
        return 0
    await uow.greetings.save_recipients([r.retried() for r in refused])
    batch.reopen()
    await uow.greetings.save_status(batch)
    return len(refused)


async def _process_chunk(
    uow: WelfareUnitOfWork, batch_id: uuid.UUID, chunk_size: int, after: uuid.UUID | None
) -> uuid.UUID | None:
    """Handle the next chunk of pending recipients (those after member ``after``, when given); the
    last member handled, or None once none was left.

    The batch is finished only when no recipient at all is pending: one put back to pending behind
    ``after`` meanwhile (another run requeueing the refused) is found by looking once from the start.
    """
    batch = await _locked(uow, batch_id)
    chunk = await uow.greetings.in_status(batch_id, rules.PENDING, limit=chunk_size, after=after)
    if not chunk and after is not None:
        chunk = await uow.greetings.in_status(batch_id, rules.PENDING, limit=chunk_size)
    if not chunk:
        if batch.processed_at is None:
            batch.finish(_now())
            await uow.greetings.save_status(batch)
        return None
    eligibility = batch.eligibility
    now = await uow.greetings.members_now([r.member_id for r in chunk])
    # What finance will write into the books, in the federation's language; paying reuses it.
    language = await uow.directory.language_of(batch.organization_id)
    purpose = rules.festival_name(batch.festival, language)
    at = _now()
    reached, lines = [], []
    for recipient in chunk:
        refusal = eligibility.refusal_of(now.get(recipient.member_id), batch.organization_id)
        if refusal is None:
            reference = rules.reference(batch_id, recipient.member_id, recipient.hold_id)
            lines.append(PaymentLine(hold_id=recipient.hold_id, reference=reference, amount_fen=batch.amount_fen))
        reached.append(recipient.asked_to_pay(refusal, at))
    # One request for the whole chunk: finance reserves and pays it in one step.
    await money.pay_many(
        uow,
        batch_id=batch_id,
        organization_id=batch.organization_id,
        federation_id=batch.federation_id,
        category="welfare",
        paid_on=batch.paid_on,
        purpose=purpose,
        description=f"{purpose} {batch.paid_on:%Y-%m-%d}",
        reference=rules.batch_reference(batch_id),
        lines=lines,
    )
    await uow.greetings.save_recipients(reached)
    return chunk[-1].member_id


async def progress_of(uow: WelfareUnitOfWork, batch_id: uuid.UUID) -> rules.Progress:
    progress = await uow.greetings.progress(batch_id)
    if progress is None:
        raise hidden()
    return progress


def _not_paid(recipient: Recipient) -> dict:
    return {
        "member_id": recipient.member_id,
        "display_name": recipient.display_name,
        "status": recipient.status,
        "reason": recipient.reason,
    }


async def report(uow: WelfareUnitOfWork, batch: GreetingBatch, *, with_not_paid: bool = True) -> dict:
    """The batch, its progress, and who was not paid and why."""
    progress = await progress_of(uow, batch.id)
    unpaid = await uow.greetings.by_name(batch.id, rules.SKIPPED, rules.REFUSED) if with_not_paid else []
    counts = progress.counts
    return {
        **batch.as_dict(),
        "festival_name": rules.FESTIVALS[batch.festival],
        "processed": progress.processed,
        "pending": counts.get(rules.PENDING, 0),
        "waiting_for_finance": sum(counts.get(s, 0) for s in rules.IN_FLIGHT),
        "paid": counts.get(rules.PAID, 0),
        "paid_fen": counts.get(rules.PAID, 0) * batch.amount_fen,
        "skipped": counts.get(rules.SKIPPED, 0),
        "refused": counts.get(rules.REFUSED, 0),
        "done": progress.done,
        "not_paid": [_not_paid(r) for r in unpaid],
    }


async def batches_of(
    uow: WelfareUnitOfWork, principal: Principal, organization_id: str, cursor: str | None, limit: int
) -> tuple[list[dict], str | None]:
    """The greetings of the organization's subtree, newest first, a page at a time."""
    await uow.directory.require_in_scope(principal, organization_id)
    principal.require_role(*READERS)
    found = await uow.greetings.page_of_subtree(organization_id, _after(cursor) if cursor else None, limit + 1)
    page, next_cursor = page_of(found, limit, key=lambda b: (b.created_at.isoformat(), b.id))
    return [await report(uow, batch, with_not_paid=False) for batch in page], next_cursor


async def recipients_of(
    uow: WelfareUnitOfWork, batch: GreetingBatch, status: str | None, cursor: str | None, limit: int
) -> tuple[list[dict], str | None]:
    """A page of the batch's recipients, each with their state, by name."""
    after = _after_recipient(cursor) if cursor else None
    statuses = () if status is None else (status,)
    found = await uow.greetings.by_name(batch.id, *statuses, after=after, limit=limit + 1)
    rows = [
        {
            "member_id": r.member_id,
            "display_name": r.display_name,
            "organization_id": r.organization_id,
            "status": r.status,
            "reason": r.reason,
            "settled_at": r.settled_at,
        }
        for r in found
    ]
    return page_of(rows, limit, key=lambda r: (r["display_name"], r["member_id"]))


def _after_recipient(cursor: str) -> tuple[str, uuid.UUID]:
    name, member_id = decode_cursor(cursor, 2)
    try:
        after = uuid.UUID(member_id)
    except (TypeError, ValueError, AttributeError):
        raise cursor_refusal() from None
    if not isinstance(name, str):
        raise cursor_refusal()
    return name, after


def _after(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    created_at, batch_id = decode_cursor(cursor, 2)
    try:
        after = dt.datetime.fromisoformat(created_at), uuid.UUID(batch_id)
    except (TypeError, ValueError, AttributeError):
        raise cursor_refusal() from None
    if after[0].tzinfo is None:
        raise cursor_refusal()
    return after


async def on_greeting_settled(uow: WelfareUnitOfWork, hold: dict, settled: MoneyRequestSettledV1) -> None:
    """Finance answered about a recipient's hold: pay it once reserved, record the end otherwise."""
    batch_id, member_id = rules.parse_reference(hold["reference"])
    recipient = await uow.greetings.recipient(batch_id, member_id, for_update=True)
    if recipient is None or recipient.hold_id != hold["hold_id"]:
        return  # an answer about an earlier hold of a recipient asked for again
    answered = recipient.answered(settled.outcome, settled.reason, _now())
    if answered is None:
        return
    if answered.status == rules.REFUSED and hold["status"] == "reserved":
        # A refused payment leaves the money reserved in finance: release it, so the recipient
        # can be asked for again with a new hold (running the batch again).
        await money.cancel(uow, hold_id=hold["hold_id"], reason=f"greeting payment refused: {settled.reason}")
    if answered.status == rules.PAY_REQUESTED:
        batch = await uow.greetings.get(batch_id)
        assert batch is not None  # a recipient's batch is stored before it (a foreign key)
        # The hold's purpose is the festival's name in the federation's language (see _process_chunk).
        await money.pay(
            uow,
            hold_id=hold["hold_id"],
            amount_fen=batch.amount_fen,
            paid_on=batch.paid_on,
            description=f"{hold['purpose']} {batch.paid_on:%Y-%m-%d}",
        )
    await uow.greetings.save_recipients([answered])


async def on_chunk_settled(
    uow: WelfareUnitOfWork, settled: MoneyRequestsSettledV1, lines: list[LineSettlement]
) -> None:
    """Finance answered a chunk's payment: its recipients paid or refused, in one statement.

    ``lines`` are those whose hold moved (``money.batch_answers_to``); a recipient moves only from
    ``pay_requested``, so a repeated or late answer changes nothing.
    """
    await uow.greetings.settle_lines(
        [
            (
                line.hold_id,
                rules.line_status(line.outcome),
                rules.refusal_reason(line.reason, line.outcome) if line.outcome != "captured" else None,
            )
            for line in lines
        ],
        _now(),
    )


async def sign_sheet_rows(uow: WelfareUnitOfWork, batch: GreetingBatch) -> list[rules.SignSheetLine]:
    """Every recipient of the batch with their union's name, by union then name: the 签收单's rows."""
    return await uow.greetings.sign_sheet(batch.id)
