"""Use cases of rationalization proposals and technical innovations: file, decide, implement,
record the value created, list, and the roll-up over a subtree.

Officers of the union (or of a federation above it) keep the register; auditors read it. The
proposers are members of the union, named by the directory when the proposal is filed.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from unionfed_events.domain import improvements as rules
from unionfed_events.domain.improvements import Improvement, ImprovementFigures, ImprovementFilter
from unionfed_events.service_layer import commands
from unionfed_events.service_layer.nominations import federation_today
from unionfed_events.service_layer.union_scope import OFFICERS, now, organization_in_scope
from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import NotFound
from unionfed_shared.paging import DEFAULT_LIMIT, cursor_refusal, decode_cursor, page_of

READERS = (*OFFICERS, Role.AUDITOR)
EVERY_IMPROVEMENT = ImprovementFilter()


async def file(
    uow: EventsUnitOfWork, principal: Principal, organization_id: str, command: commands.FileImprovement
) -> Improvement:
    union = await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*OFFICERS)
    rules.check_filing_union(union.kind)
    today = await federation_today(uow, union.id)
    filed_on = command.filed_on or today
    rules.check_day(filed_on, "filed_on", not_before=None, today=today)
    found = {m.id: m.display_name for m in await uow.unions.active_members_under(union.id, command.proposer_ids)}
    rules.check_proposers(command.proposer_ids, set(found), union.id)
    stored = await uow.improvements.add(
        Improvement(
            id=uuid.uuid4(),
            organization_id=union.id,
            federation_id=union.federation_id,
            kind=command.kind.value,
            title=command.title,
            content=command.content,
            department=command.department,
            proposer_ids=tuple(command.proposer_ids),
            proposer_names=tuple(found[i] for i in command.proposer_ids),
            filed_on=filed_on,
            filed_by=principal.subject,
        )
    )
    await uow.commit()
    return stored


async def _improvement(
    uow: EventsUnitOfWork, principal: Principal, improvement_id: uuid.UUID, *, lock: bool = False
) -> Improvement:
    improvement = await uow.improvements.get(improvement_id, lock=lock)
    path = await uow.unions.path_of(improvement.organization_id) if improvement else None
    if improvement is None or path is None or not principal.can_see(path):
        raise NotFound(
            "improvement_not_found",
            zh="未找到该合理化建议，或不在您的范围内",
            en="proposal not found or outside your scope",
        )
    return improvement


async def get(uow: EventsUnitOfWork, principal: Principal, improvement_id: uuid.UUID) -> Improvement:
    improvement = await _improvement(uow, principal, improvement_id)
    principal.require_role(*READERS)
    return improvement


async def decide(
    uow: EventsUnitOfWork, principal: Principal, improvement_id: uuid.UUID, command: commands.DecideImprovement
) -> Improvement:
    """Adopted or not (采纳); an adopted one may carry its value at once."""
    improvement = await _improvement(uow, principal, improvement_id, lock=True)
    principal.require_role(*OFFICERS)
    today = await federation_today(uow, improvement.organization_id)
    decided = improvement.decided(command.adopted, command.decided_on or today, principal.subject, command.note, today)
    return await _save(uow, principal, decided, command.value)


async def implement(
    uow: EventsUnitOfWork, principal: Principal, improvement_id: uuid.UUID, command: commands.ImplementImprovement
) -> Improvement:
    improvement = await _improvement(uow, principal, improvement_id, lock=True)
    principal.require_role(*OFFICERS)
    today = await federation_today(uow, improvement.organization_id)
    implemented = improvement.implemented(command.implemented_on or today, principal.subject, today)
    return await _save(uow, principal, implemented, command.value)


async def record_value(
    uow: EventsUnitOfWork, principal: Principal, improvement_id: uuid.UUID, command: commands.ValueFigure
) -> Improvement:
    """The value created, first recorded or revised (the earlier figures stay in its history)."""
    improvement = await _improvement(uow, principal, improvement_id, lock=True)
    principal.require_role(*OFFICERS)
    return await _save(uow, principal, improvement, command)


async def _save(
    uow: EventsUnitOfWork, principal: Principal, improvement: Improvement, value: commands.ValueFigure | None
) -> Improvement:
    if value is not None:
        improvement = improvement.valued(value.value_fen, value.note, principal.subject, now())
    await uow.improvements.save_step(improvement)
    await uow.commit()
    return improvement


async def improvements_of(
    uow: EventsUnitOfWork,
    principal: Principal,
    organization_id: str,
    wanted: ImprovementFilter = EVERY_IMPROVEMENT,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> tuple[list[Improvement], str | None]:
    """A page of the proposals filed in the organization and the unions under it, by filing date."""
    await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    found = await uow.improvements.page_under(organization_id, wanted, _after(cursor) if cursor else None, limit + 1)
    return page_of(found, limit, key=lambda i: (i.filed_on.isoformat(), i.id))


def _after(cursor: str) -> tuple[dt.date, uuid.UUID]:
    filed_on, improvement_id = decode_cursor(cursor, 2)
    try:
        return dt.date.fromisoformat(filed_on), uuid.UUID(improvement_id)
    except (TypeError, ValueError):
        raise cursor_refusal() from None


@dataclass
class UnionImprovements:
    organization_id: str
    name: str
    figures: ImprovementFigures
    by_kind: dict[str, ImprovementFigures]


@dataclass
class ImprovementRollup:
    organization_id: str
    year: int
    unions: list[UnionImprovements]
    total: ImprovementFigures
    by_kind: dict[str, ImprovementFigures]


def _kinds() -> dict[str, ImprovementFigures]:
    return {kind.value: ImprovementFigures() for kind in rules.ImprovementKind}


async def rollup(
    uow: EventsUnitOfWork, principal: Principal, organization_id: str, year: int | None
) -> ImprovementRollup:
    """Every grassroots union of the subtree gets a row (zeros too: a union with no proposals is
    worth seeing); a proposal counts in the year it was filed."""
    await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    year = year or (await federation_today(uow, organization_id)).year
    unions = {
        union_id: UnionImprovements(union_id, name, ImprovementFigures(), _kinds())
        for union_id, name in await uow.unions.grassroots_unions_under(organization_id)
    }
    total, by_kind = ImprovementFigures(), _kinds()
    for group in await uow.improvements.groups_under(organization_id, year):
        union = unions.get(group.organization_id)
        if union is None:
            continue  # filed only in grassroots unions; a union whose kind changed since is left out
        union.figures.count(group.status, group.count, group.value_fen)
        union.by_kind[group.kind].count(group.status, group.count, group.value_fen)
        total.count(group.status, group.count, group.value_fen)
        by_kind[group.kind].count(group.status, group.count, group.value_fen)
    return ImprovementRollup(organization_id, year, list(unions.values()), total, by_kind)
