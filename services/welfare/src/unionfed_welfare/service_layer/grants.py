"""Use cases of visits and grants, and the saga with finance through :mod:`money`.

Recording a grant inserts it and its hold and stages WelfareHoldRequestedV1 in one transaction:
there is never a grant without a hold request, nor a hold request without its grant. Approving
stages the payment and cancelling the void in the grant's own transaction in the same way;
finance's answers land on the hold (``welfare_holds``), from which the grant's status is read.
"""

import dataclasses
import datetime as dt
import uuid

from unionfed_shared import business_time, finance_holds
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_shared.errors import Conflict, Invalid, NotFound
from unionfed_shared.paging import DEFAULT_LIMIT, MAX_LIMIT, cursor_refusal, decode_cursor, page_of
from unionfed_welfare.domain import grants as rules
from unionfed_welfare.domain.grants import GoodsLine, Grant, GrantFilter, OccasionTaken, VisitPolicy
from unionfed_welfare.service_layer import money
from unionfed_welfare.service_layer.hardship import member_in_scope
from unionfed_welfare.service_layer.unit_of_work import WelfareUnitOfWork

RECORDERS = (Role.WELFARE_OFFICER, Role.UNION_OFFICER, Role.FEDERATION_ADMIN)
READERS = (*RECORDERS, Role.AUDITOR)
EVERY_GRANT = GrantFilter()


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


async def federation_today(uow: WelfareUnitOfWork, organization_id: str) -> dt.date:
    """Today on the calendar of the organization's federation (by ``_now``, which tests move)."""
    return business_time.today(await uow.directory.time_zone_of(organization_id), _now)


# The federation's policy


async def set_policy(uow: WelfareUnitOfWork, principal: Principal, federation_id: str, command) -> dict:
    path = await uow.directory.path_of(federation_id)
    principal.require_scope(path)
    principal.require_role(Role.FEDERATION_ADMIN)
    if path != [federation_id]:
        raise Invalid(
            "not_a_federation",
            zh=f"{federation_id} 不是最上级的联合会，慰问标准由联合会设定",
            en=f"{federation_id} is not a federation at the root of its tree",
        )
    rules.check_policy(command.amounts_fen, command.yearly_cap_fen)
    await uow.visit_policies.save(
        VisitPolicy(
            federation_id=federation_id,
            amounts_fen=command.amounts_fen,
            yearly_cap_fen=command.yearly_cap_fen,
            updated_by=principal.subject,
            updated_at=_now(),
        )
    )
    await uow.commit()
    return await policy(uow, principal, federation_id)


async def policy(uow: WelfareUnitOfWork, principal: Principal, federation_id: str) -> dict:
    if principal.federation_id != federation_id:
        raise _no_policy()
    found = await uow.visit_policies.get(federation_id)
    if found is None:
        raise _no_policy()
    return dataclasses.asdict(found)


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
    def member_id(self) -> uuid.UUID:
        return self.member["id"]

    @property
    def amount_fen(self) -> int:
        return self.money_fen + self.goods_fen


async def _assess(uow: WelfareUnitOfWork, principal: Principal, organization_id: str, command) -> _Assessed:
    """Scope, role, member, policy and amounts: what recording and its preview check alike."""
    org_path = await uow.directory.path_of(organization_id)
    principal.require_scope(org_path)
    assert org_path is not None  # require_scope refused an unknown organization
    principal.require_role(*RECORDERS)
    rules.check_visit_type(command.visit_type)
    member = await member_in_scope(uow, principal, command.member_id, organization_id)
    federation_id = org_path[0]
    standard = await _policy_of(uow, federation_id)
    money_fen, goods_fen = rules.amounts(
        standard.amounts_fen.get(command.visit_type),
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
        yearly_cap_fen=standard.yearly_cap_fen,
    )


async def preview(uow: WelfareUnitOfWork, principal: Principal, organization_id: str, command) -> dict:
    """What recording ``command`` now would give: the amounts, the member's cap left, and what stands in the way.

    Nothing is written. The same checks as :func:`record` (``_assess``, the yearly cap rule, the
    occasion key); a refusal of the input itself (no policy, over the standard …) is raised as there.
    """
    assessed = await _assess(uow, principal, organization_id, command)
    year_grants = await uow.grants.year_of_member(assessed.federation_id, assessed.member_id, assessed.year)
    granted = rules.granted_in_year(year_grants)
    same_visit = await uow.grants.of_visit_in_year(
        assessed.federation_id, assessed.member_id, command.visit_type, assessed.year
    )
    return {
        "member_id": assessed.member_id,
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
                "id": g.id,
                "organization_id": g.organization_id,
                "occasion_on": g.occasion_on,
                "occasion_ref": g.occasion_ref,
                "amount_fen": g.amount_fen,
                "status": g.status,
                "taken": g.occasion_key == assessed.occasion_key,
            }
            for g in same_visit
        ],
    }


async def record(uow: WelfareUnitOfWork, principal: Principal, organization_id: str, command) -> dict:
    assessed = await _assess(uow, principal, organization_id, command)
    # One member's grants of a year are recorded one at a time across all unions of the federation,
    # so two unions granting at once cannot both slip under the cap.
    await uow.grants.lock_member_year(assessed.federation_id, assessed.member_id, assessed.year)
    await _require_new_occasion(uow, assessed.occasion_key)
    await _require_room_under_cap(uow, assessed)
    grant = _new_grant(principal, organization_id, command, assessed)
    await _reserve_money_for(uow, grant, command.occasion_on)
    await _store(uow, grant, [GoodsLine(g.item, g.quantity, g.unit, g.value_fen) for g in command.goods])
    await uow.commit()
    return await read(uow, principal, grant.id)


async def _require_room_under_cap(uow: WelfareUnitOfWork, assessed: _Assessed) -> None:
    """Refused before finance hears of it: the member's grants of the year leave room for this one."""
    year_grants = await uow.grants.year_of_member(assessed.federation_id, assessed.member_id, assessed.year)
    rules.check_yearly_cap(year_grants, assessed.amount_fen, assessed.yearly_cap_fen, assessed.year)


def _new_grant(principal: Principal, organization_id: str, command, assessed: _Assessed) -> Grant:
    return Grant(
        id=uuid.uuid4(),
        organization_id=organization_id,
        federation_id=assessed.federation_id,
        member_id=assessed.member_id,
        visit_type=command.visit_type,
        occasion_on=command.occasion_on,
        occasion_ref=command.occasion_ref.strip(),
        occasion_key=assessed.occasion_key,
        year=assessed.year,
        money_fen=assessed.money_fen,
        goods_fen=assessed.goods_fen,
        amount_fen=assessed.amount_fen,
        hardship_file_id=command.hardship_file_id,
        note=command.note,
        hold_id=uuid.uuid4(),
        recorded_by=principal.subject,
    )


async def _reserve_money_for(uow: WelfareUnitOfWork, grant: Grant, occasion_on: dt.date) -> None:
    """Ask finance to reserve the grant's amount, in the words of the federation's books."""
    language = await uow.directory.language_of(grant.organization_id)
    await money.reserve(
        uow,
        hold_id=grant.hold_id,
        organization_id=grant.organization_id,
        federation_id=grant.federation_id,
        category="welfare",
        amount_fen=grant.amount_fen,
        purpose=f"{rules.visit_label(grant.visit_type, language)} {occasion_on}",
        reference=f"{rules.REFERENCE_PREFIX}{grant.id}",
    )


async def _store(uow: WelfareUnitOfWork, grant: Grant, goods: list[GoodsLine]) -> None:
    try:
        await uow.grants.add(grant, goods)
    except OccasionTaken as exc:  # recorded by someone else since the check
        await _require_new_occasion(uow, grant.occasion_key)
        raise Conflict(
            "grant_occasion_taken", zh="该慰问事由刚刚已由他人登记", en="this occasion was just granted by someone else"
        ) from exc


async def approve(uow: WelfareUnitOfWork, principal: Principal, grant_id: uuid.UUID, command) -> dict:
    """Pay the grant: the hold is posted in full (money and goods at value)."""
    grant = await _load(uow, principal, grant_id, manage=True)
    if grant.status != rules.RECORDED:
        raise Conflict(
            "grant_not_recorded",
            zh=f"该慰问{rules.GRANT_STATUS_ZH.get(grant.status, grant.status)}，只有待审批的慰问可以审批发放",
            en=f"the grant is {grant.status}",
        )
    paid_on = command.paid_on or await federation_today(uow, grant.organization_id)
    language = await uow.directory.language_of(grant.organization_id)
    # Finance is told which part was goods, so its disclosure shows cash and goods apart.
    await money.pay(
        uow,
        hold_id=grant.hold_id,
        amount_fen=grant.amount_fen,
        paid_on=paid_on,
        description=rules.paid_grant_description(grant.visit_type, grant_id, language),
        goods_fen=grant.goods_fen,
    )
    grant.approve(principal.subject, _now())
    await uow.grants.save_status(grant)
    await uow.commit()
    return await read(uow, principal, grant_id)


async def cancel(uow: WelfareUnitOfWork, principal: Principal, grant_id: uuid.UUID, command) -> dict:
    grant = await _load(uow, principal, grant_id, manage=True)
    if grant.status == rules.CANCELLED:
        raise Conflict("grant_already_cancelled", zh="该慰问已取消", en="the grant is already cancelled")
    hold = await money.hold_of(uow, grant.hold_id)
    if hold["status"] in finance_holds.OPEN:
        await money.cancel(uow, hold_id=grant.hold_id, reason=f"grant cancelled: {command.reason}")
    elif hold["status"] != finance_holds.REFUSED:  # a refused grant reserved nothing: nothing to release
        raise Conflict(
            "grant_not_cancellable",
            zh=f"该慰问的款项{finance_holds.STATUS_ZH.get(hold['status'], hold['status'])}，只有未支付的慰问可以取消",
            en=f"the grant's money is {hold['status']}; only an unpaid grant is cancelled",
        )
    grant.cancel(principal.subject, _now(), command.reason)
    await uow.grants.save_status(grant)
    await uow.commit()
    return await read(uow, principal, grant_id)


async def read(uow: WelfareUnitOfWork, principal: Principal, grant_id: uuid.UUID) -> dict:
    return await _view(uow, await _load(uow, principal, grant_id, manage=False))


async def read_with_member_union(uow: WelfareUnitOfWork, principal: Principal, grant_id: uuid.UUID) -> tuple[dict, str]:
    """The grant and the name of the member's own union, which need not be the one that granted it
    (the county visits its schools' members): what the printed receipt names."""
    grant = await read(uow, principal, grant_id)
    member = await uow.directory.member(grant["member_id"])
    union = member["organization_id"] if member else None
    name = await uow.directory.name_of(union) if union else None
    return grant, name or union or ""


async def grants_of(
    uow: WelfareUnitOfWork,
    principal: Principal,
    organization_id: str,
    wanted: GrantFilter = EVERY_GRANT,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> tuple[list[dict], str | None]:
    """A page of the grants of the organization's subtree, by occasion date then recording, and the
    cursor after it."""
    await uow.directory.require_in_scope(principal, organization_id)
    principal.require_role(*READERS)
    found = await uow.grants.page(organization_id, wanted, _after(cursor) if cursor else None, limit + 1)
    page, next_cursor = page_of(found, limit, key=lambda g: (g.occasion_on, g.recorded_at.isoformat(), g.id))
    return [await _view(uow, grant) for grant in page], next_cursor


async def all_grants_of(
    uow: WelfareUnitOfWork, principal: Principal, organization_id: str, wanted: GrantFilter = EVERY_GRANT
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


# Helpers


async def _policy_of(uow: WelfareUnitOfWork, federation_id: str) -> VisitPolicy:
    found = await uow.visit_policies.get(federation_id)
    if found is None:
        raise Invalid(
            "visit_policy_missing",
            zh="本联合会尚未设定慰问标准（PUT /v1/federations/{fed}/visit-policy）",
            en="the federation has no visit policy yet (PUT /v1/federations/{fed}/visit-policy)",
        )
    return found


async def _require_new_occasion(uow: WelfareUnitOfWork, key: str) -> None:
    first = await uow.grants.first_of_occasion(key)
    if first is not None:
        raise Conflict(
            "grant_occasion_taken",
            zh=f"该慰问事由已登记过：慰问单 {first.id}，由 {first.recorded_by} 在 {first.organization_id} 登记",
            en=f"this occasion is already granted: grant {first.id} recorded by {first.recorded_by} in {first.organization_id}",
        )


async def _require_hardship_file(uow: WelfareUnitOfWork, file_id: uuid.UUID, member_id: uuid.UUID) -> None:
    if await uow.hardship_files.owner_of(file_id) != member_id:
        raise Invalid(
            "hardship_file_of_another_member",
            zh="该困难职工档案不属于此会员",
            en="the hardship file is not this member's",
        )


async def load(uow: WelfareUnitOfWork, principal: Principal, grant_id: uuid.UUID, *, manage: bool) -> Grant:
    """The grant if the caller may read it (``manage``: record and change it), else the grant's own refusal."""
    return await _load(uow, principal, grant_id, manage=manage)


async def _load(uow: WelfareUnitOfWork, principal: Principal, grant_id: uuid.UUID, *, manage: bool) -> Grant:
    grant = await uow.grants.get(grant_id, for_update=manage)
    path = await uow.directory.path_of(grant.organization_id) if grant else None
    if grant is None or path is None or not principal.can_see(path):
        raise _hidden()
    principal.require_role(*(RECORDERS if manage else READERS))
    return grant


async def _view(uow: WelfareUnitOfWork, grant: Grant) -> dict:
    hold = await money.hold_of(uow, grant.hold_id)
    member = await uow.directory.member(grant.member_id)
    return {
        **{k: v for k, v in dataclasses.asdict(grant).items() if k != "occasion_key"},
        "member_name": member["display_name"] if member else None,
        "visit_label": rules.VISIT_TYPES[grant.visit_type],
        "state": rules.display_status(grant.status, hold["status"]),
        **money.money_fields(hold),
        "goods": [dataclasses.asdict(g) for g in await uow.grants.goods_of(grant.id)],
    }


async def on_grant_settled(uow: WelfareUnitOfWork, hold: dict, settled: MoneyRequestSettledV1) -> None:
    """A refused payment puts the grant back to recorded: its hold is reserved again, to be approved once more.

    Without it the grant stays ``approved`` and approving it again (with another date) is refused.
    """
    grant_id = money.refused_payment(hold, settled, rules.REFERENCE_PREFIX)
    grant = await uow.grants.get(grant_id, for_update=True) if grant_id else None
    if grant is None or grant.hold_id != hold["hold_id"] or grant.status != rules.APPROVED:
        return
    grant.reopen()
    await uow.grants.save_status(grant)
