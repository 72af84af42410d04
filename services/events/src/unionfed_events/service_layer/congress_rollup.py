"""The congress roll-up: for a union or federation and every union under it, a year's sessions
and proposals, answered and overdue, with totals (the dashboard's 逾期未答复提案 in one read)."""

import datetime as dt
from dataclasses import dataclass

from unionfed_events.domain import congress as rules
from unionfed_events.service_layer.congress_sessions import READERS
from unionfed_events.service_layer.union_scope import now, organization_in_scope
from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_shared import business_time
from unionfed_shared.auth import Principal


@dataclass
class UnionYear:
    organization_id: str
    name: str
    figures: rules.CongressYear


@dataclass
class Rollup:
    organization_id: str
    year: int
    as_of: dt.datetime
    unions: list[UnionYear]
    total: rules.CongressYear


async def congress_rollup(
    uow: EventsUnitOfWork, principal: Principal, organization_id: str, year: int | None, as_of: dt.datetime | None
) -> Rollup:
    """Every union of the subtree gets a row, those without a session that year too (zeros):
    a union that held no congress is itself worth seeing. Sessions count in the year they start."""
    await organization_in_scope(uow, principal, organization_id)  # out of scope answers as missing
    principal.require_role(*READERS)
    as_of = rules.require_aware(as_of, "as_of") if as_of else now()
    zone = await uow.unions.time_zone_of(organization_id)
    year = year or business_time.business_year(now(), zone)
    queries = uow.congress_rollup
    unions = {
        union_id: UnionYear(union_id, name, rules.CongressYear())
        for union_id, name in await queries.unions_under(organization_id)
    }
    sessions_seen = set()
    for group in await queries.proposal_groups(organization_id, dt.date(year, 1, 1), dt.date(year, 12, 31)):
        union = unions.get(group.organization_id)
        if union is None:
            # Only grassroots unions plan sessions; should a union's kind ever change, its old
            # sessions are left out rather than shown under no name.
            continue
        if group.session_id not in sessions_seen:
            sessions_seen.add(group.session_id)
            union.figures.sessions += 1
        if group.status is not None:
            union.figures.count_proposals(group.status, group.count, group.answer_deadline, as_of, group.answered_at)
    total = rules.CongressYear()
    for union in unions.values():
        total.add(union.figures)
    return Rollup(organization_id, year, as_of, list(unions.values()), total)
