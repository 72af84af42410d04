"""Use cases of visits and grants, and the saga with finance through :mod:`money`.

Recording a grant inserts it and its hold and stages WelfareHoldRequestedV1 in one transaction:
there is never a grant without a hold request, nor a hold request without its grant. Approving
stages the payment and cancelling the void in the grant's own transaction in the same way;
finance's answers land on the hold (``welfare_holds``), from which the grant's status is read.
"""

import dataclasses
import datetime as dt
import uuid

from sqlalchemy import any_, func, insert, literal, select, text, tuple_, update
from sqlalchemy.exc import IntegrityError

from unionfed_shared import business_time, finance_holds
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_shared.errors import Conflict, Invalid, NotFound
from unionfed_shared.messaging.unit_of_work import UnitOfWork
from unionfed_shared.paging import DEFAULT_LIMIT, MAX_LIMIT, cursor_refusal, decode_cursor, page_of
from unionfed_welfare.adapters.grant_tables import grant_goods, grants, hardship_files, visit_policies, welfare_holds
from unionfed_welfare.adapters.tables import directory
from unionfed_welfare.domain import grants as rules
from unionfed_welfare.service_layer import money
from unionfed_welfare.service_layer.hardship import member_in_scope

RECORDERS = (Role.WELFARE_OFFICER, Role.UNION_OFFICER, Role.FEDERATION_ADMIN)
READERS = (*RECORDERS, Role.AUDITOR)
# Holds that no longer count against the cap: nothing was or will be paid.
RELEASED = ("refused", "voided")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _hidden() -> NotFound:
    return NotFound(
        "grant_not_found", zh="未找到该慰问记录，或不在您的管辖范围内", en="grant not found or outside your scope"
    )


def _no_policy() -> NotFound:
    return NotFound(
        "visit_policy_not_found",
        zh="您的范围内没有该联合会的慰问标准",
        en="no visit policy for this federation in your scope",
    )


async def federation_today(uow: UnitOfWork, organization_id: str) -> dt.date:
    """Today on the calendar of the organization's federation (by ``_now``, which tests move)."""
    return business_time.today(await directory.time_zone_of(uow.session, organization_id), _now)


# The federation's policy


async def set_policy(uow: UnitOfWork, principal: Principal, federation_id: str, command) -> dict:
    path = await directory.path_of(uow.session, federation_id)
    principal.require_scope(path)
    principal.require_role(Role.FEDERATION_ADMIN)
    if path != [federation_id]:
        raise Invalid(
            "not_a_federation",
            zh=f"{federation_id} 不是最上级的联合会，慰问标准由联合会设定",
            en=f"{federation_id} is not a federation at the root of its tree",
        )
    rules.check_policy(command.amounts_fen, command.yearly_cap_fen)
    values = {
        "amounts_fen": command.amounts_fen,
        "yearly_cap_fen": command.yearly_cap_fen,
        "updated_by": principal.subject,
        "updated_at": _now(),
    }
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    await uow.session.execute(
        pg_insert(visit_policies)
        .values(federation_id=federation_id, **values)
        .on_conflict_do_update(index_elements=[visit_policies.c.federation_id], set_=values)
    )
    await uow.commit()
    return await policy(uow, principal, federation_id)


async def policy(uow: UnitOfWork, principal: Principal, federation_id: str) -> dict:
    if principal.federation_id != federation_id:
        raise _no_policy()
    row = (
        (await uow.session.execute(select(visit_policies).where(visit_policies.c.federation_id == federation_id)))
        .mappings()
        .first()
    )
    if row is None:
        raise _no_policy()
    return dict(row)


# Grants


@dataclasses.dataclass(frozen=True)
class _Assessed:
    """A grant as recording would make it, before the yearly cap and the occasion are checked."""

    member: dict
    federation_id: str
    money_fen: int
    goods_fen: int
    occasion_key: str
    year: int
    yearly_cap_fen: int

    @property
    def amount_fen(self) -> int:
        return self.money_fen + self.goods_fen


async def _assess(uow: UnitOfWork, principal: Principal, organization_id: str, command) -> _Assessed:
    """Scope, role, member, policy and amounts: what recording and its preview check alike."""
    org_path = await directory.path_of(uow.session, organization_id)
    principal.require_scope(org_path)
    assert org_path is not None  # require_scope refused an unknown organization
    principal.require_role(*RECORDERS)
    rules.check_visit_type(command.visit_type)
    member = await member_in_scope(uow, principal, command.member_id, organization_id)
    federation_id = org_path[0]
    standard = await _policy_row(uow, federation_id)
    money_fen, goods_fen = rules.amounts(
        standard["amounts_fen"].get(command.visit_type),
        command.money_fen,
        [g.value_fen for g in command.goods],
        command.visit_type,
    )
    if command.hardship_file_id is not None:
        await _require_hardship_file(uow, command.hardship_file_id, member["id"])
    return _Assessed(
        member=member,
        federation_id=federation_id,
        money_fen=money_fen,
        goods_fen=goods_fen,
        occasion_key=rules.occasion_key(member["id"], command.visit_type, command.occasion_on, command.occasion_ref),
        year=command.occasion_on.year,
        yearly_cap_fen=standard["yearly_cap_fen"],
    )


async def preview(uow: UnitOfWork, principal: Principal, organization_id: str, command) -> dict:
    """What recording ``command`` now would give: the amounts, the member's cap left, and what stands in the way.

    Nothing is written. The same checks as :func:`record` (``_assess``, the yearly cap rule, the
    occasion key); a refusal of the input itself (no policy, over the standard …) is raised as there.
    """
    assessed = await _assess(uow, principal, organization_id, command)
    member_id = assessed.member["id"]
    granted = await granted_in_year(uow, assessed.federation_id, member_id, assessed.year)
    same_year = (
        (
            await uow.session.execute(
                select(grants)
                .where(
                    grants.c.federation_id == assessed.federation_id,
                    grants.c.member_id == member_id,
                    grants.c.visit_type == command.visit_type,
                    grants.c.year == assessed.year,
                    grants.c.status != "cancelled",
                )
                .order_by(grants.c.occasion_on, grants.c.recorded_at)
            )
        )
        .mappings()
        .all()
    )
    return {
        "member_id": member_id,
        "member_name": assessed.member["display_name"],
        "year": assessed.year,
        "money_fen": assessed.money_fen,
        "goods_fen": assessed.goods_fen,
        "amount_fen": assessed.amount_fen,
        "yearly_cap_fen": assessed.yearly_cap_fen,
        "granted_this_year_fen": granted,
        "cap_left_fen": rules.cap_left(granted, assessed.yearly_cap_fen),
        "cap_refusal": rules.cap_refusal(granted, assessed.amount_fen, assessed.yearly_cap_fen, assessed.year),
        "same_occasion": [
            {
                "id": g["id"],
                "organization_id": g["organization_id"],
                "occasion_on": g["occasion_on"],
                "occasion_ref": g["occasion_ref"],
                "amount_fen": g["amount_fen"],
                "status": g["status"],
                "taken": g["occasion_key"] == assessed.occasion_key,
            }
            for g in same_year
        ],
    }


async def record(uow: UnitOfWork, principal: Principal, organization_id: str, command) -> dict:
    assessed = await _assess(uow, principal, organization_id, command)
    member, federation_id, key, year = assessed.member, assessed.federation_id, assessed.occasion_key, assessed.year
    money_fen, goods_fen = assessed.money_fen, assessed.goods_fen
    # One member's grants in a year are checked one at a time across all unions of the
    # federation, so two unions granting at once cannot both slip under the cap.
    await uow.session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"grant-cap:{federation_id}:{member['id']}:{year}"}
    )
    await _require_new_occasion(uow, key)
    rules.check_cap(
        await granted_in_year(uow, federation_id, member["id"], year),
        assessed.amount_fen,
        assessed.yearly_cap_fen,
        year,
    )
    grant_id, hold_id = uuid.uuid4(), uuid.uuid4()
    amount = money_fen + goods_fen
    language = await directory.language_of(uow.session, organization_id)
    await money.reserve(
        uow,
        hold_id=hold_id,
        organization_id=organization_id,
        federation_id=federation_id,
        category="welfare",
        amount_fen=amount,
        purpose=f"{rules.visit_label(command.visit_type, language)} {command.occasion_on}",
        reference=f"{rules.REFERENCE_PREFIX}{grant_id}",
    )
    try:
        await uow.session.execute(
            insert(grants).values(
                id=grant_id,
                organization_id=organization_id,
                federation_id=federation_id,
                member_id=member["id"],
                visit_type=command.visit_type,
                occasion_on=command.occasion_on,
                occasion_ref=command.occasion_ref.strip(),
                occasion_key=key,
                year=year,
                money_fen=money_fen,
                goods_fen=goods_fen,
                amount_fen=amount,
                hardship_file_id=command.hardship_file_id,
                note=command.note,
                hold_id=hold_id,
                recorded_by=principal.subject,
            )
        )
    except IntegrityError as exc:  # recorded by someone else since the check above
        await uow.session.rollback()
        await _require_new_occasion(uow, key)
        raise Conflict(
            "grant_occasion_taken", zh="该慰问事由刚刚已由他人登记", en="this occasion was just granted by someone else"
        ) from exc
    if command.goods:
        await uow.session.execute(
            insert(grant_goods),
            [
                {
                    "id": uuid.uuid4(),
                    "grant_id": grant_id,
                    "item": g.item,
                    "quantity": g.quantity,
                    "unit": g.unit,
                    "value_fen": g.value_fen,
                }
                for g in command.goods
            ],
        )
    await uow.commit()
    return await read(uow, principal, grant_id)


async def approve(uow: UnitOfWork, principal: Principal, grant_id: uuid.UUID, command) -> dict:
    """Pay the grant: the hold is posted in full (money and goods at value)."""
    grant = await _load(uow, principal, grant_id, manage=True)
    if grant["status"] != "recorded":
        raise Conflict(
            "grant_not_recorded",
            zh=f"该慰问{rules.GRANT_STATUS_ZH.get(grant['status'], grant['status'])}，只有待审批的慰问可以审批发放",
            en=f"the grant is {grant['status']}",
        )
    paid_on = command.paid_on or await federation_today(uow, grant["organization_id"])
    language = await directory.language_of(uow.session, grant["organization_id"])
    # Finance is told which part was goods, so its disclosure shows cash and goods apart.
    await money.pay(
        uow,
        hold_id=grant["hold_id"],
        amount_fen=grant["amount_fen"],
        paid_on=paid_on,
        description=rules.paid_grant_description(grant["visit_type"], grant_id, language),
        goods_fen=grant["goods_fen"],
    )
    await uow.session.execute(
        update(grants)
        .where(grants.c.id == grant_id)
        .values(status="approved", approved_by=principal.subject, approved_at=_now())
    )
    await uow.commit()
    return await read(uow, principal, grant_id)


async def cancel(uow: UnitOfWork, principal: Principal, grant_id: uuid.UUID, command) -> dict:
    grant = await _load(uow, principal, grant_id, manage=True)
    if grant["status"] == "cancelled":
        raise Conflict("grant_already_cancelled", zh="该慰问已取消", en="the grant is already cancelled")
    hold = (await money.holds(uow.session, [grant["hold_id"]]))[grant["hold_id"]]
    if hold["status"] in finance_holds.OPEN:
        await money.cancel(uow, hold_id=grant["hold_id"], reason=f"grant cancelled: {command.reason}")
    elif hold["status"] != "refused":  # a refused grant reserved nothing: nothing to release
        raise Conflict(
            "grant_not_cancellable",
            zh=f"该慰问的款项{finance_holds.STATUS_ZH.get(hold['status'], hold['status'])}，只有未支付的慰问可以取消",
            en=f"the grant's money is {hold['status']}; only an unpaid grant is cancelled",
        )
    await uow.session.execute(
        update(grants)
        .where(grants.c.id == grant_id)
        .values(status="cancelled", cancelled_by=principal.subject, cancelled_at=_now(), cancel_reason=command.reason)
    )
    await uow.commit()
    return await read(uow, principal, grant_id)


async def read(uow: UnitOfWork, principal: Principal, grant_id: uuid.UUID) -> dict:
    return await _view(uow, await _load(uow, principal, grant_id, manage=False))


async def read_with_member_union(uow: UnitOfWork, principal: Principal, grant_id: uuid.UUID) -> tuple[dict, str]:
    """The grant and the name of the member's own union, which need not be the one that granted it
    (the county visits its schools' members): what the printed receipt names."""
    grant = await read(uow, principal, grant_id)
    union = await uow.session.scalar(
        select(directory.members.c.organization_id).where(directory.members.c.id == grant["member_id"])
    )
    name = await directory.name_of(uow.session, union) if union else None
    return grant, name or union or ""


@dataclasses.dataclass(frozen=True)
class GrantFilter:
    status: str | None = None  # recorded, approved, cancelled
    visit_type: str | None = None
    member_id: uuid.UUID | None = None
    occasion_from: dt.date | None = None  # inclusive
    occasion_to: dt.date | None = None  # inclusive


async def grants_of(
    uow: UnitOfWork,
    principal: Principal,
    organization_id: str,
    wanted: GrantFilter = GrantFilter(),
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> tuple[list[dict], str | None]:
    """A page of the grants of the organization's subtree, by occasion date then recording, and the
    cursor after it."""
    await directory.require_in_scope(uow.session, principal, organization_id)
    principal.require_role(*READERS)
    query = (
        select(grants)
        .join(directory.organizations, directory.organizations.c.id == grants.c.organization_id)
        .where(literal(organization_id) == any_(directory.organizations.c.path))
    )
    for column, value in (
        (grants.c.status, wanted.status),
        (grants.c.visit_type, wanted.visit_type),
        (grants.c.member_id, wanted.member_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if wanted.occasion_from is not None:
        query = query.where(grants.c.occasion_on >= wanted.occasion_from)
    if wanted.occasion_to is not None:
        query = query.where(grants.c.occasion_on <= wanted.occasion_to)
    key = (grants.c.occasion_on, grants.c.recorded_at, grants.c.id)
    if cursor:
        query = query.where(tuple_(*key) > tuple_(*(literal(v, c.type) for v, c in zip(_after(cursor), key))))
    query = query.order_by(*key).limit(limit + 1)
    rows = [dict(row) for row in (await uow.session.execute(query)).mappings()]
    page, next_cursor = page_of(rows, limit, key=lambda g: (g["occasion_on"], g["recorded_at"].isoformat(), g["id"]))
    return [await _view(uow, row) for row in page], next_cursor


async def all_grants_of(
    uow: UnitOfWork, principal: Principal, organization_id: str, wanted: GrantFilter = GrantFilter()
) -> list[dict]:
    """Every grant the filter finds, in the list's order: the list downloaded whole, page after page."""
    found, cursor = await grants_of(uow, principal, organization_id, wanted, None, MAX_LIMIT)
    while cursor:
        page, cursor = await grants_of(uow, principal, organization_id, wanted, cursor, MAX_LIMIT)
        found.extend(page)
    return found


def _after(cursor: str) -> tuple[dt.date, dt.datetime, uuid.UUID]:
    occasion_on, recorded_at, grant_id = decode_cursor(cursor, 3)
    try:
        after = dt.date.fromisoformat(occasion_on), dt.datetime.fromisoformat(recorded_at), uuid.UUID(grant_id)
    except (TypeError, ValueError):
        raise cursor_refusal() from None
    if after[1].tzinfo is None:
        raise cursor_refusal()
    return after


async def granted_in_year(uow: UnitOfWork, federation_id: str, member_id: uuid.UUID, year: int) -> int:
    """What counts against the cap: every grant of the year not cancelled and not refused."""
    # sum() of a bigint is numeric in PostgreSQL: back to integer fen before it reaches a message.
    return int(
        (
            await uow.session.execute(
                select(func.coalesce(func.sum(grants.c.amount_fen), 0))
                .select_from(grants.join(welfare_holds, welfare_holds.c.hold_id == grants.c.hold_id))
                .where(
                    grants.c.federation_id == federation_id,
                    grants.c.member_id == member_id,
                    grants.c.year == year,
                    grants.c.status != "cancelled",
                    welfare_holds.c.status.not_in(RELEASED),
                )
            )
        ).scalar_one()
    )


# Helpers


async def _policy_row(uow: UnitOfWork, federation_id: str) -> dict:
    row = (
        (await uow.session.execute(select(visit_policies).where(visit_policies.c.federation_id == federation_id)))
        .mappings()
        .first()
    )
    if row is None:
        raise Invalid(
            "visit_policy_missing",
            zh="本联合会尚未设定慰问标准（PUT /v1/federations/{fed}/visit-policy）",
            en="the federation has no visit policy yet (PUT /v1/federations/{fed}/visit-policy)",
        )
    return dict(row)


async def _require_new_occasion(uow: UnitOfWork, key: str) -> None:
    first = (
        await uow.session.execute(
            select(grants.c.id, grants.c.organization_id, grants.c.recorded_by).where(
                grants.c.occasion_key == key, grants.c.status != "cancelled"
            )
        )
    ).first()
    if first is not None:
        raise Conflict(
            "grant_occasion_taken",
            zh=f"该慰问事由已登记过：慰问单 {first.id}，由 {first.recorded_by} 在 {first.organization_id} 登记",
            en=f"this occasion is already granted: grant {first.id} recorded by {first.recorded_by} in {first.organization_id}",
        )


async def _require_hardship_file(uow: UnitOfWork, file_id: uuid.UUID, member_id: uuid.UUID) -> None:
    owner = await uow.session.scalar(select(hardship_files.c.member_id).where(hardship_files.c.id == file_id))
    if owner != member_id:
        raise Invalid(
            "hardship_file_of_another_member",
            zh="该困难职工档案不属于此会员",
            en="the hardship file is not this member's",
        )


async def _load(uow: UnitOfWork, principal: Principal, grant_id: uuid.UUID, *, manage: bool) -> dict:
    query = select(grants).where(grants.c.id == grant_id)
    row = (await uow.session.execute(query.with_for_update() if manage else query)).mappings().first()
    path = await directory.path_of(uow.session, row["organization_id"]) if row else None
    if row is None or path is None or not principal.can_see(path):
        raise _hidden()
    principal.require_role(*(RECORDERS if manage else READERS))
    return dict(row)


async def _view(uow: UnitOfWork, grant: dict) -> dict:
    hold = (await money.holds(uow.session, [grant["hold_id"]]))[grant["hold_id"]]
    goods = await uow.session.execute(
        select(grant_goods.c.item, grant_goods.c.quantity, grant_goods.c.unit, grant_goods.c.value_fen)
        .where(grant_goods.c.grant_id == grant["id"])
        .order_by(grant_goods.c.item, grant_goods.c.id)
    )
    member_name = await uow.session.scalar(
        select(directory.members.c.display_name).where(directory.members.c.id == grant["member_id"])
    )
    return {
        **{k: v for k, v in grant.items() if k != "occasion_key"},
        "member_name": member_name,
        "visit_label": rules.VISIT_TYPES[grant["visit_type"]],
        "state": rules.display_status(grant["status"], hold["status"]),
        "hold_status": hold["status"],
        "finance_reason": hold["reason"],
        "paid_fen": hold["paid_fen"] if hold["status"] == finance_holds.CAPTURED else None,
        "paid_on": hold["paid_on"] if hold["status"] == finance_holds.CAPTURED else None,
        "goods": [dict(g) for g in goods.mappings()],
    }


async def on_grant_settled(uow: UnitOfWork, hold: dict, settled: MoneyRequestSettledV1) -> None:
    """A refused payment puts the grant back to recorded: its hold is reserved again, to be approved once more.

    Without it the grant stays ``approved`` and approving it again (with another date) is refused.
    """
    if settled.operation != "capture" or settled.outcome != "refused" or hold["status"] != "reserved":
        return
    grant_id = uuid.UUID(hold["reference"].removeprefix(rules.REFERENCE_PREFIX))
    await uow.session.execute(
        update(grants)
        .where(grants.c.id == grant_id, grants.c.hold_id == hold["hold_id"], grants.c.status == "approved")
        .values(status="recorded", approved_by=None, approved_at=None)
    )
