"""Dues use cases: the federation's policy, a union's month collected in one command, arrears."""

import datetime as dt
import uuid
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from unionfed_membership.adapters.roster_queries import DuesStore
from unionfed_membership.domain.dues import (
    DEFAULT_RATE_PER_MILLE,
    MAX_RATE_PER_MILLE,
    MEMBER_STATUSES,
    Arrears,
    Assessment,
    DuesPolicy,
    MemberDues,
    arrears,
    assess,
    batch_id_of,
    check_period,
    chunks,
    first_day_of,
    payment_id_of,
    plan_month,
    policy_for,
)
from unionfed_membership.domain.model import (
    MEMBER_HOLDING_KINDS,
    PERIOD_PATTERN,
    DuesPayment,
    Member,
    MemberStatus,
    Organization,
    Period,
)
from unionfed_membership.service_layer import clock, commands, permissions, scope
from unionfed_membership.service_layer.member_changes import apply_due_change
from unionfed_membership.service_layer.permissions import require_officer
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared import business_time
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.membership import DuesBatchCollectedV1, DuesCollectedV1, DuesLine
from unionfed_shared.errors import Conflict, Invalid, NotFound
from unionfed_shared.wire_values import Day, Whole

READERS = (*permissions.OFFICERS, Role.AUDITOR)


class SetDuesPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rate_per_mille: Whole = Field(
        default=DEFAULT_RATE_PER_MILLE,
        gt=0,
        le=MAX_RATE_PER_MILLE,
        description="Per mille of the monthly base salary: 5 = 0.5%",
    )
    exempt_statuses: list[MemberStatus] = Field(default_factory=lambda: ["retired"], examples=[["retired"]])  # type: ignore[arg-type]  # mypy reads the lambda as list[str]
    exempt_member_ids: list[uuid.UUID] = Field(default_factory=list)


class CollectDues(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    period: Period = Field(json_schema_extra={"pattern": PERIOD_PATTERN}, examples=["2026-11"])
    collected_on: Day | None = Field(
        default=None,
        description="The business day the dues were collected (handed over on paper, entered later): "
        "not after today, not before the month's first day; today when left out. Finance books them on it.",
        examples=["2026-11-28"],
    )


def collected_moment(zone: ZoneInfo, now: dt.datetime, period: str, collected_on: dt.date | None) -> dt.datetime:
    """When a collection took place: now, or noon of the business day it names (so finance books the
    dues on that day). A day after today, or before the month it collects, is refused."""
    today = business_time.business_date(now, zone)
    if collected_on is None or collected_on == today:
        return now
    if collected_on > today:
        raise Invalid(
            "dues_collected_on_future",
            zh=f"收缴日期 {collected_on} 晚于今天",
            en=f"collected_on {collected_on} is after today",
            pointer="#/collected_on",
        )
    if collected_on < first_day_of(period):
        raise Invalid(
            "dues_collected_before_period",
            zh=f"收缴日期 {collected_on} 早于 {period} 的第一天：会费不能在该月开始前收取",
            en=f"collected_on {collected_on} is before {period} begins",
            pointer="#/collected_on",
        )
    return business_time.start_of_day(collected_on, zone) + dt.timedelta(hours=12)


def current_period(zone: ZoneInfo, now: dt.datetime | None = None) -> str:
    """The month as the unions live it: in their federation's time zone, not UTC."""
    return business_time.business_period(now or clock.now(), zone)


async def set_policy(
    uow: MembershipUnitOfWork, principal: Principal, federation_id: str, valid_from: dt.date, command: SetDuesPolicy
) -> DuesPolicy:
    """Set (or correct) the policy in force from ``valid_from``; a month is charged at the policy
    in force on its first day."""
    federation = await _federation_in_scope(uow, principal, federation_id)
    principal.require_role(Role.FEDERATION_ADMIN)
    unknown = set(command.exempt_statuses) - set(MEMBER_STATUSES)
    if unknown:
        raise Invalid(
            "member_status_unknown",
            zh=f"未知的会员状态 {sorted(unknown)}；可用状态为 {', '.join(MEMBER_STATUSES)}",
            en=f"unknown member status(es) {sorted(unknown)}; statuses are {', '.join(MEMBER_STATUSES)}",
        )
    policy = DuesPolicy(
        federation_id=federation.id,
        valid_from=valid_from,
        rate_per_mille=command.rate_per_mille,
        exempt_statuses=frozenset(command.exempt_statuses),
        exempt_member_ids=frozenset(command.exempt_member_ids),
    )
    await uow.dues_collection.save_policy(policy, principal.subject)
    await uow.commit()
    return policy


async def policies(uow: MembershipUnitOfWork, principal: Principal, federation_id: str) -> list[DuesPolicy]:
    """The federation's policies, read by anyone of the federation: a school's treasurer collects by
    the rule the county set, though the county's own books are out of their scope."""
    if principal.federation_id != federation_id:
        await _federation_in_scope(uow, principal, federation_id)
    return await uow.dues_collection.policies(federation_id)


async def assessments(
    uow: MembershipUnitOfWork, principal: Principal, organization_id: str, period: str
) -> list[tuple[MemberDues, Assessment, bool]]:
    """Each member of the subtree, what they owe for ``period``, and whether they paid it."""
    root, organizations = await _subtree(uow, principal, organization_id)
    principal.require_role(*READERS)
    store = uow.dues_collection
    policy = policy_for(await store.policies(root.federation_id), check_period(period))
    members = await store.members_in([o.id for o in organizations])
    paid = await store.paid_periods(m.id for m in members)
    return [(m, assess(m, period, policy), period in paid[m.id]) for m in members]


@dataclass
class Collection:
    organization_id: str
    period: str
    rate_per_mille: int
    collected: list[tuple[MemberDues, DuesPayment]] = field(default_factory=list)
    already_paid: list[MemberDues] = field(default_factory=list)
    not_collected: list[tuple[MemberDues, Assessment]] = field(default_factory=list)

    @property
    def total_fen(self) -> int:
        return sum(p.amount_fen for _, p in self.collected)


async def collect_month(
    uow: MembershipUnitOfWork,
    principal: Principal,
    organization_id: str,
    command: CollectDues,
    now: dt.datetime | None = None,
) -> Collection:
    """Record a month's dues for every active, non-exempt member of a union not yet paid for it.

    Set-based: the roster, who paid and the payments are one statement each whatever the union's
    size, and finance hears the month in chunks (DuesBatchCollectedV1, up to DUES_CHUNK members of
    one organization each, every member on their own line). Idempotent per (member, period): a
    payment's id is derived from its member and month, so running it again (or redoing it after
    a crash) records and sends nobody twice.
    """
    now = now or clock.now()
    root, organizations = await _subtree(uow, principal, organization_id)
    # The same right as recording one payment (a committee's chair or treasurer, when it has one).
    await require_officer(uow, principal, "record_dues")
    root.check_can_hold_members()
    period, now, policy = await _month_to_collect(uow, root, command, now)
    collection = await _collect_union(uow, principal, root, organizations, period, policy, now)
    await uow.commit()
    return collection


async def collect_federation_month(
    uow: MembershipUnitOfWork,
    principal: Principal,
    federation_id: str,
    command: CollectDues,
    now: dt.datetime | None = None,
) -> list[Collection]:
    """Collect a month for every union of a federation in one command and one transaction: each
    union as :func:`collect_month` collects it (its subtree, its chunks), all of them or none."""
    now = now or clock.now()
    federation = await _federation_in_scope(uow, principal, federation_id)
    await require_officer(uow, principal, "record_dues")
    period, now, policy = await _month_to_collect(uow, federation, command, now)
    tree = await uow.organizations.subtree(federation)
    collections = []
    for union in collected_unions(tree):
        organizations = [o for o in tree if union.id in o.path]
        collections.append(await _collect_union(uow, principal, union, organizations, period, policy, now))
    await uow.commit()
    return collections


def collected_unions(tree: list[Organization]) -> list[Organization]:
    """The unions a federation-wide collection collects: each organization that holds members and
    has no such organization above it (its groups, and unions under it, are in its subtree)."""
    holders = {o.id for o in tree if o.kind in MEMBER_HOLDING_KINDS}
    return [o for o in tree if o.id in holders and not any(a in holders for a in o.path[:-1])]


async def _month_to_collect(
    uow: MembershipUnitOfWork, root: Organization, command: CollectDues, now: dt.datetime
) -> tuple[str, dt.datetime, DuesPolicy]:
    """The month asked for, the moment it is collected at, and the policy it is charged by."""
    period = check_period(command.period)
    now = collected_moment(root.zone, now, period, command.collected_on)
    if period > current_period(root.zone, now):
        raise Invalid(
            "period_not_begun",
            zh=f"{period} 尚未开始；只能收取本月及以前月份的会费",
            en=f"{period} has not begun; dues are collected for this month or earlier ones",
        )
    policy = policy_for(await uow.dues_collection.policies(root.federation_id), period)
    if policy is None:
        raise Conflict(
            "dues_policy_missing",
            zh=f"{root.federation_id} 在 {first_day_of(period)} 没有生效的会费标准，请先设定",
            en=f"no dues policy of {root.federation_id} is in force on {first_day_of(period)}; set one first",
        )
    return period, now, policy


async def _collect_union(
    uow: MembershipUnitOfWork,
    principal: Principal,
    root: Organization,
    organizations: list[Organization],
    period: str,
    policy: DuesPolicy,
    now: dt.datetime,
) -> Collection:
    """One union's month, set-based, in the caller's transaction (the caller commits)."""
    store = uow.dues_collection
    await store.lock_collection(root.id, period)
    in_subtree = [o.id for o in organizations]
    members = await store.members_in(in_subtree)
    # As for a single payment: a transfer or retirement that fell due applies first, so a member
    # who moved is collected by the union they are in now. Few members have one: found in one
    # statement, applied one by one, then the roster is read again.
    today = business_time.business_date(now, root.zone)
    listed = {m.id for m in members}
    changing = [m for m in await uow.scheduled_changes.due_member_ids(today) if m in listed]
    for member_id in changing:
        member = await uow.members.get_for_update(member_id)
        if member is not None:
            await apply_due_change(uow, member, today, principal.subject)
    if changing:
        members = await store.members_in(in_subtree)
    plan = plan_month(members, period, policy, await store.paid_for([m.id for m in members], period))
    payments = [
        DuesPayment(
            id=payment_id_of(m.id, period),
            member_id=m.id,
            organization_id=m.organization_id,
            federation_id=root.federation_id,
            period=period,
            amount_fen=amount,
            collected_at=now,
        )
        for m, amount in plan.due
    ]
    batch_of: dict[uuid.UUID, uuid.UUID] = {}
    for chunk in chunks(plan.due):
        batch_id = batch_id_of(chunk[0][0].organization_id, period, payment_id_of(chunk[0][0].id, period))
        batch_of.update((payment_id_of(m.id, period), batch_id) for m, _ in chunk)
    # One statement for the whole union; a member paid meanwhile (or moved, or no longer active)
    # is not recorded, and is answered as already paid.
    recorded = await store.add_payments(payments, batch_of)
    collection = Collection(root.id, period, policy.rate_per_mille)
    collection.already_paid = list(plan.already_paid)
    collection.not_collected = list(plan.not_collected)
    for (slim, _), payment in zip(plan.due, payments, strict=True):
        if payment.id in recorded:
            collection.collected.append((slim, payment))
        else:
            collection.already_paid.append(slim)
    for event in dues_batches(collection.collected, root.federation_id, period, now, batch_of):
        uow.emit(event, event_id=str(event.batch_id))
    return collection


def dues_batches(
    collected: list[tuple[MemberDues, DuesPayment]],
    federation_id: str,
    period: str,
    collected_at: dt.datetime,
    batch_of: dict[uuid.UUID, uuid.UUID],
) -> list[DuesBatchCollectedV1]:
    """What finance hears of a month's collection: one event per chunk (at most DUES_CHUNK members
    of one organization), each member on their own line with their payment id."""
    events: dict[uuid.UUID, list[DuesPayment]] = {}
    for _, payment in collected:
        events.setdefault(batch_of[payment.id], []).append(payment)
    return [
        DuesBatchCollectedV1(
            organization_id=lines[0].organization_id,
            federation_id=federation_id,
            batch_id=batch_id,
            period=period,
            collected_at=collected_at,
            lines=[DuesLine(payment_id=p.id, member_id=p.member_id, amount_fen=p.amount_fen) for p in lines],
        )
        for batch_id, lines in events.items()
    ]


async def organization_arrears(
    uow: MembershipUnitOfWork, principal: Principal, organization_id: str, through: str | None
) -> tuple[list[Organization], list[Arrears]]:
    """Every member of the subtree with unpaid months up to ``through`` (default: this month)."""
    root, organizations = await _subtree(uow, principal, organization_id)
    principal.require_role(*READERS)
    store = uow.dues_collection
    members = await store.members_in([o.id for o in organizations])
    found = await _arrears(store, root.federation_id, root.zone, members, through)
    return organizations, found


async def member_arrears(
    uow: MembershipUnitOfWork, principal: Principal, member_id: uuid.UUID, through: str | None
) -> Arrears:
    member = await uow.members.get(member_id)
    organization = await uow.organizations.get(member.organization_id) if member else None
    if member is None or organization is None or not principal.can_see(organization.path):
        raise NotFound(
            "member_not_found",
            zh="未找到该会员，或该会员不在您的管理范围内",
            en="member not found or outside your scope",
        )
    principal.require_role(*READERS)
    return await arrears_of(uow, member, organization, through)


async def arrears_of(
    uow: MembershipUnitOfWork, member: Member, organization: Organization, through: str | None
) -> Arrears:
    """The member's unpaid months through ``through`` (default this month); the caller checked who asks."""
    store = uow.dues_collection
    [slim] = [m for m in await store.members_in([organization.id]) if m.id == member.id]
    found = await _arrears(store, member.federation_id, organization.zone, [slim], through, keep_empty=True)
    return found[0]


async def _arrears(store: DuesStore, federation_id, zone, members, through, keep_empty=False) -> list[Arrears]:
    through = check_period(through) if through else current_period(zone)
    policies = await store.policies(federation_id)
    paid = await store.paid_periods(m.id for m in members)
    found = [arrears(m, policies, paid[m.id], through) for m in members]
    return [a for a in found if a.unpaid or keep_empty]


async def _subtree(uow, principal, organization_id) -> tuple[Organization, list[Organization]]:
    root = await scope.organization_in_scope(uow, principal, organization_id)
    return root, await uow.organizations.subtree(root)


async def _federation_in_scope(uow, principal, federation_id) -> Organization:
    federation = await scope.organization_in_scope(uow, principal, federation_id)
    if federation.parent_id is not None:
        # Dues are the whole federation's rule: set at its root, applied to every union in it.
        raise Invalid(
            "organization_not_root_federation",
            zh=f"{federation_id} 不是最高一级联合会；会费标准在 {federation.federation_id} 设定",
            en=f"{federation_id} is not a root federation; dues policies are set on {federation.federation_id}",
        )
    return federation


async def record_dues_payment(
    uow: MembershipUnitOfWork, principal: Principal, organization_id: str, command: commands.RecordDuesPayment
) -> DuesPayment:
    organization = await scope.organization_in_scope(uow, principal, organization_id)
    await require_officer(uow, principal, "record_dues")
    member = await uow.members.get_for_update(command.member_id)
    if member is not None:
        # A transfer that fell due moves whose union collects these dues.
        member = await apply_due_change(uow, member, clock.today(organization.zone), principal.subject)
    if member is None or member.organization_id != organization.id:
        raise NotFound(
            "member_not_found",
            zh=f"在 {organization.id} 中未找到会员 {command.member_id}",
            en=f"member {command.member_id} not found in {organization.id}",
        )
    payment = DuesPayment.collect(
        member,
        command.period,
        command.amount_fen,
        await uow.dues.paid_periods(member.id),
        clock.now(),
    )
    await uow.dues.add(payment)
    uow.emit(dues_collected(payment))
    await uow.commit()
    return payment


def dues_collected(payment: DuesPayment) -> DuesCollectedV1:
    """What finance hears of a payment: the same whether collected one by one or a month at once."""
    return DuesCollectedV1(
        organization_id=payment.organization_id,
        federation_id=payment.federation_id,
        payment_id=payment.id,
        member_id=payment.member_id,
        period=payment.period,
        amount_fen=payment.amount_fen,
        collected_at=payment.collected_at,
    )
