"""Festival greetings as a resumable batch.

Creating a batch freezes its recipients (one row each, with a hold id derived from the batch and
the member). Running it walks the pending rows in chunks, one transaction per chunk: each
recipient is checked again, then either skipped with the reason or given a hold request through
the outbox, and marked as such — in the same transaction. A crash loses at most the chunk in
progress, which is rolled back whole and done again by the next run; nobody is asked for twice.
Finance's answer "reserved" is turned into the payment here, the batch being approved by the
command that created it. Running a batch again asks once more for the recipients finance
refused (with a new hold each); the paid are never paid twice.
"""

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy import bindparam, func, insert, literal, select, tuple_, update

from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_shared.errors import Invalid, NotFound
from unionfed_shared.failpoints import failpoint
from unionfed_shared.paging import cursor_refusal, decode_cursor, page_of
from unionfed_welfare.adapters.campaign_tables import greeting_batches, greeting_recipients
from unionfed_welfare.adapters.tables import directory
from unionfed_welfare.domain import greetings as rules
from unionfed_welfare.service_layer import money
from unionfed_welfare.service_layer.unit_of_work import WelfareUnitOfWork

MANAGERS = (Role.FEDERATION_ADMIN, Role.UNION_OFFICER, Role.WELFARE_OFFICER)
READERS = (*MANAGERS, Role.AUDITOR)
CHUNK = 200

members_t, organizations_t = directory.members, directory.organizations


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
) -> tuple[list[str], list]:
    """The organization's path and the members a greeting of ``eligibility`` would reach now, by id."""
    path = await directory.path_of(uow.session, organization_id)
    principal.require_scope(path)
    assert path is not None  # require_scope refused an unknown organization
    principal.require_role(*MANAGERS)
    query = (
        select(members_t.c.id, members_t.c.display_name, members_t.c.organization_id)
        .join(organizations_t, organizations_t.c.id == members_t.c.organization_id)
        .where(organizations_t.c.path.any_() == organization_id, members_t.c.status.in_(eligibility.statuses))
        .order_by(members_t.c.id)
    )
    if eligibility.gender:
        query = query.where(members_t.c.gender == eligibility.gender)
    return path, list((await uow.session.execute(query)).all())


async def preview(
    uow: WelfareUnitOfWork, principal: Principal, organization_id: str, command: rules.CreateGreeting
) -> dict:
    """How many a greeting would reach if created now, and what it would cost: creating selects the same."""
    _path, recipients = await _eligible(uow, principal, organization_id, command.eligibility)
    return {
        "recipients": len(recipients),
        "amount_fen": command.amount_fen,
        "total_fen": len(recipients) * command.amount_fen,
    }


async def create(
    uow: WelfareUnitOfWork, principal: Principal, organization_id: str, command: rules.CreateGreeting
) -> uuid.UUID:
    eligibility = command.eligibility
    path, recipients = await _eligible(uow, principal, organization_id, eligibility)
    if not recipients:
        raise Invalid(
            "no_eligible_members",
            zh="本单位及下属单位没有符合本次节日慰问条件的会员",
            en="no member of this organization's subtree is eligible for this greeting",
        )
    batch_id = uuid.uuid4()
    await uow.session.execute(
        insert(greeting_batches).values(
            id=batch_id,
            organization_id=organization_id,
            federation_id=path[0],
            festival=command.festival,
            amount_fen=command.amount_fen,
            eligible_gender=eligibility.gender,
            eligible_statuses=list(dict.fromkeys(eligibility.statuses)),
            paid_on=command.paid_on,
            total=len(recipients),
            created_by=principal.subject,
        )
    )
    await uow.session.execute(
        insert(greeting_recipients),
        [
            {
                "batch_id": batch_id,
                "member_id": r.id,
                "display_name": r.display_name,
                "organization_id": r.organization_id,
                "hold_id": rules.hold_id(batch_id, r.id),
            }
            for r in recipients
        ],
    )
    await uow.commit()
    return batch_id


async def require_visible(uow: WelfareUnitOfWork, principal: Principal, batch_id: uuid.UUID, roles=READERS) -> dict:
    batch = (
        (await uow.session.execute(select(greeting_batches).where(greeting_batches.c.id == batch_id)))
        .mappings()
        .first()
    )
    if batch is None or not principal.can_see(await directory.path_of(uow.session, batch["organization_id"]) or []):
        raise hidden()
    principal.require_role(*roles)
    return dict(batch)


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
    while True:
        async with uow_factory() as uow:
            more = await _process_chunk(uow, batch_id, chunk_size)
            await uow.commit()
        # Between chunks: everything so far is committed, the rest still pending.
        failpoint("greetings.after_chunk")
        async with uow_factory() as uow:
            progress = await progress_of(uow, batch_id)
        if on_chunk is not None:
            result = on_chunk(progress)
            if result is not None:
                await result
        if not more:
            return progress


async def _requeue_refused(uow: WelfareUnitOfWork, batch_id: uuid.UUID) -> int:
    """Put the recipients finance refused back to pending, each with a new hold; how many.

    Their old hold is over (a refused reservation holds nothing; a refused payment's hold was
    voided), so the new one is a new request, e.g. once the union has been funded. Done once at
    the start of a run, so recipients refused again during the run wait for the next one.
    """
    batch = (
        (await uow.session.execute(select(greeting_batches).where(greeting_batches.c.id == batch_id).with_for_update()))
        .mappings()
        .first()
    )
    if batch is None:
        raise hidden()
    refused = (
        await uow.session.execute(
            select(greeting_recipients.c.member_id, greeting_recipients.c.hold_id).where(
                greeting_recipients.c.batch_id == batch_id, greeting_recipients.c.status == rules.REFUSED
            )
        )
    ).all()
    if not refused:
        return 0
    await uow.session.execute(
        update(greeting_recipients)
        .where(
            greeting_recipients.c.batch_id == batch_id,
            greeting_recipients.c.member_id == bindparam("b_member"),
            greeting_recipients.c.status == rules.REFUSED,
        )
        .values(status=rules.PENDING, hold_id=bindparam("b_hold"), reason=None, processed_at=None, settled_at=None)
        .execution_options(synchronize_session=False),
        [{"b_member": r.member_id, "b_hold": rules.retry_hold_id(r.hold_id)} for r in refused],
    )
    await uow.session.execute(
        update(greeting_batches).where(greeting_batches.c.id == batch_id).values(status="running", processed_at=None)
    )
    return len(refused)


async def _process_chunk(uow: WelfareUnitOfWork, batch_id: uuid.UUID, chunk_size: int) -> bool:
    """Handle the next chunk of pending recipients; False once none was left."""
    batch = (
        (await uow.session.execute(select(greeting_batches).where(greeting_batches.c.id == batch_id).with_for_update()))
        .mappings()
        .first()
    )
    if batch is None:
        raise hidden()
    chunk = (
        (
            await uow.session.execute(
                select(greeting_recipients)
                .where(greeting_recipients.c.batch_id == batch_id, greeting_recipients.c.status == rules.PENDING)
                .order_by(greeting_recipients.c.member_id)
                .limit(chunk_size)
            )
        )
        .mappings()
        .all()
    )
    if not chunk:
        if batch["processed_at"] is None:
            await uow.session.execute(
                update(greeting_batches)
                .where(greeting_batches.c.id == batch_id)
                .values(status="processed", processed_at=_now())
            )
        return False
    eligibility = rules.Eligibility(gender=batch["eligible_gender"], statuses=batch["eligible_statuses"])
    now = await _members_now(uow, [row["member_id"] for row in chunk])
    # What finance will write into the books, in the federation's language; paying reuses it.
    language = await directory.language_of(uow.session, batch["organization_id"])
    purpose = rules.festival_name(batch["festival"], language)
    changes = []
    for row in chunk:
        member, member_path = now.get(row["member_id"], (None, None))
        refusal = eligibility.refusal(member, member_path, batch["organization_id"])
        if refusal is None:
            await money.reserve(
                uow,
                hold_id=row["hold_id"],
                organization_id=batch["organization_id"],
                federation_id=batch["federation_id"],
                category="welfare",
                amount_fen=batch["amount_fen"],
                purpose=purpose,
                reference=rules.reference(batch_id, row["member_id"], row["hold_id"]),
            )
        changes.append(
            {
                "b_member": row["member_id"],
                "b_status": rules.SKIPPED if refusal else rules.REQUESTED,
                "b_reason": f"not eligible at payment time: {refusal.en}" if refusal else None,
            }
        )
    await uow.session.execute(
        update(greeting_recipients)
        .where(greeting_recipients.c.batch_id == batch_id, greeting_recipients.c.member_id == bindparam("b_member"))
        .values(status=bindparam("b_status"), reason=bindparam("b_reason"), processed_at=_now())
        .execution_options(synchronize_session=False),
        changes,
    )
    return True


async def _members_now(uow: WelfareUnitOfWork, member_ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[dict, list[str]]]:
    query = (
        select(members_t, organizations_t.c.path)
        .join(organizations_t, organizations_t.c.id == members_t.c.organization_id, isouter=True)
        .where(members_t.c.id.in_(member_ids))
    )
    return {row["id"]: (dict(row), row["path"]) for row in (await uow.session.execute(query)).mappings()}


async def progress_of(uow: WelfareUnitOfWork, batch_id: uuid.UUID) -> rules.Progress:
    total = await uow.session.scalar(select(greeting_batches.c.total).where(greeting_batches.c.id == batch_id))
    if total is None:
        raise hidden()
    rows = await uow.session.execute(
        select(greeting_recipients.c.status, func.count())
        .where(greeting_recipients.c.batch_id == batch_id)
        .group_by(greeting_recipients.c.status)
    )
    return rules.Progress(total=total, counts=dict(rows.all()))


async def report(uow: WelfareUnitOfWork, batch: dict, *, with_not_paid: bool = True) -> dict:
    """The batch, its progress, and who was not paid and why."""
    progress = await progress_of(uow, batch["id"])
    unpaid = (
        []
        if not with_not_paid
        else (
            await uow.session.execute(
                select(
                    greeting_recipients.c.member_id,
                    greeting_recipients.c.display_name,
                    greeting_recipients.c.status,
                    greeting_recipients.c.reason,
                )
                .where(
                    greeting_recipients.c.batch_id == batch["id"],
                    greeting_recipients.c.status.in_((rules.SKIPPED, rules.REFUSED)),
                )
                .order_by(greeting_recipients.c.display_name, greeting_recipients.c.member_id)
            )
        )
        .mappings()
        .all()
    )
    counts = progress.counts
    return {
        **batch,
        "festival_name": rules.FESTIVALS[batch["festival"]],
        "processed": progress.processed,
        "pending": counts.get(rules.PENDING, 0),
        "waiting_for_finance": sum(counts.get(s, 0) for s in rules.IN_FLIGHT),
        "paid": counts.get(rules.PAID, 0),
        "paid_fen": counts.get(rules.PAID, 0) * batch["amount_fen"],
        "skipped": counts.get(rules.SKIPPED, 0),
        "refused": counts.get(rules.REFUSED, 0),
        "done": progress.done,
        "not_paid": [dict(row) for row in unpaid],
    }


async def batches_of(
    uow: WelfareUnitOfWork, principal: Principal, organization_id: str, cursor: str | None, limit: int
) -> tuple[list[dict], str | None]:
    """The greetings of the organization's subtree, newest first, a page at a time."""
    await directory.require_in_scope(uow.session, principal, organization_id)
    principal.require_role(*READERS)
    query = (
        select(greeting_batches)
        .join(organizations_t, organizations_t.c.id == greeting_batches.c.organization_id)
        .where(organizations_t.c.path.any_() == organization_id)
    )
    key = (greeting_batches.c.created_at, greeting_batches.c.id)
    if cursor:
        created_at, batch_id = _after(cursor)
        query = query.where(tuple_(*key) < tuple_(literal(created_at, key[0].type), literal(batch_id, key[1].type)))
    query = query.order_by(*(c.desc() for c in key)).limit(limit + 1)
    rows = [dict(r) for r in (await uow.session.execute(query)).mappings()]
    page, next_cursor = page_of(rows, limit, key=lambda b: (b["created_at"].isoformat(), b["id"]))
    return [await report(uow, batch, with_not_paid=False) for batch in page], next_cursor


async def recipients_of(
    uow: WelfareUnitOfWork, batch: dict, status: str | None, cursor: str | None, limit: int
) -> tuple[list[dict], str | None]:
    """A page of the batch's recipients, each with their state, by name."""
    query = select(
        greeting_recipients.c.member_id,
        greeting_recipients.c.display_name,
        greeting_recipients.c.organization_id,
        greeting_recipients.c.status,
        greeting_recipients.c.reason,
        greeting_recipients.c.settled_at,
    ).where(greeting_recipients.c.batch_id == batch["id"])
    if status is not None:
        query = query.where(greeting_recipients.c.status == status)
    key = (greeting_recipients.c.display_name, greeting_recipients.c.member_id)
    if cursor:
        name, member_id = decode_cursor(cursor, 2)
        try:
            after = uuid.UUID(member_id)
        except (TypeError, ValueError, AttributeError):
            raise cursor_refusal() from None
        if not isinstance(name, str):
            raise cursor_refusal()
        query = query.where(tuple_(*key) > tuple_(literal(name, key[0].type), literal(after, key[1].type)))
    rows = [dict(r) for r in (await uow.session.execute(query.order_by(*key).limit(limit + 1))).mappings()]
    return page_of(rows, limit, key=lambda r: (r["display_name"], r["member_id"]))


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
    recipient = (
        (
            await uow.session.execute(
                select(greeting_recipients)
                .where(greeting_recipients.c.batch_id == batch_id, greeting_recipients.c.member_id == member_id)
                .with_for_update()
            )
        )
        .mappings()
        .first()
    )
    if recipient is None or recipient["hold_id"] != hold["hold_id"]:
        return  # an answer about an earlier hold of a recipient asked for again
    status = rules.status_after_answer(recipient["status"], settled.outcome)
    if status is None:
        return
    if status == rules.REFUSED and hold["status"] == "reserved":
        # A refused payment leaves the money reserved in finance: release it, so the recipient
        # can be asked for again with a new hold (running the batch again).
        await money.cancel(uow, hold_id=hold["hold_id"], reason=f"greeting payment refused: {settled.reason}")
    if status == rules.PAY_REQUESTED:
        batch = (
            (await uow.session.execute(select(greeting_batches).where(greeting_batches.c.id == batch_id)))
            .mappings()
            .one()
        )
        # The hold's purpose is the festival's name in the federation's language (see _process_chunk).
        await money.pay(
            uow,
            hold_id=hold["hold_id"],
            amount_fen=batch["amount_fen"],
            paid_on=batch["paid_on"],
            description=f"{hold['purpose']} {batch['paid_on']:%Y-%m-%d}",
        )
    values: dict[str, object] = {"status": status}
    if status == rules.REFUSED:
        values["reason"] = f"refused by finance: {settled.reason or settled.outcome}"
    if status in rules.FINAL:
        values["settled_at"] = _now()
    await uow.session.execute(
        update(greeting_recipients)
        .where(greeting_recipients.c.batch_id == batch_id, greeting_recipients.c.member_id == member_id)
        .values(**values)
    )


async def sign_sheet_rows(uow: WelfareUnitOfWork, batch: dict) -> list[dict]:
    """Every recipient of the batch with their union's name, by union then name: the 签收单's rows."""
    query = (
        select(
            greeting_recipients.c.member_id,
            greeting_recipients.c.display_name,
            greeting_recipients.c.organization_id,
            func.coalesce(organizations_t.c.name, greeting_recipients.c.organization_id).label("organization_name"),
            greeting_recipients.c.status,
        )
        .join(organizations_t, organizations_t.c.id == greeting_recipients.c.organization_id, isouter=True)
        .where(greeting_recipients.c.batch_id == batch["id"])
        .order_by(organizations_t.c.path, greeting_recipients.c.display_name, greeting_recipients.c.member_id)
    )
    return [dict(row) for row in (await uow.session.execute(query)).mappings()]
