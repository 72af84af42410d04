"""Use cases of skills and jobs (技能与就业): record the people a union helped into work, list
them, and the year's roll-up over a subtree — training courses, labour competitions and skill
contests held with their entrants, attendance and awards, and the people placed in work.

Officers record; officers and auditors read. A year is the federation's calendar year.
"""

import datetime as dt
import uuid

from unionfed_events.domain import skills as rules
from unionfed_events.domain.skills import JobPlacement, SkillsRollup
from unionfed_events.service_layer import commands
from unionfed_events.service_layer.nominations import federation_today
from unionfed_events.service_layer.union_scope import OFFICERS, organization_in_scope
from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_shared import business_time
from unionfed_shared.auth import Principal, Role

READERS = (*OFFICERS, Role.AUDITOR)
MOST_LISTED = 1000


async def record_placement(
    uow: EventsUnitOfWork, principal: Principal, organization_id: str, command: commands.RecordJobPlacement
) -> JobPlacement:
    organization = await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*OFFICERS)
    today = await federation_today(uow, organization.id)
    placed_on = command.placed_on or today
    rules.check_placement(command.people, command.members, placed_on, today)
    if command.training_activity_id is not None:
        course = await uow.activities.get(command.training_activity_id)
        rules.check_training(
            course.kind if course else None,
            course.status if course else None,
            course.federation_id if course else None,
            organization.federation_id,
        )
    stored = await uow.job_placements.add(
        JobPlacement(
            id=uuid.uuid4(),
            organization_id=organization.id,
            federation_id=organization.federation_id,
            placed_on=placed_on,
            employer=command.employer,
            people=command.people,
            members=command.members,
            training_activity_id=command.training_activity_id,
            note=command.note,
            recorded_by=principal.subject,
        )
    )
    await uow.commit()
    return stored


async def placements_of(
    uow: EventsUnitOfWork, principal: Principal, organization_id: str, year: int | None
) -> tuple[int, list[JobPlacement]]:
    """The year's placements recorded in the organization and under it, newest first."""
    await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    year = year or (await federation_today(uow, organization_id)).year
    return year, await uow.job_placements.of_year_under(organization_id, year, MOST_LISTED)


async def rollup(uow: EventsUnitOfWork, principal: Principal, organization_id: str, year: int | None) -> SkillsRollup:
    """An activity counts in the year it starts on the federation's calendar; a placement in the year of its date."""
    await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    zone = await uow.unions.time_zone_of(organization_id)
    year = year or (await federation_today(uow, organization_id)).year
    start = business_time.start_of_day(dt.date(year, 1, 1), zone)
    end = business_time.start_of_day(dt.date(year + 1, 1, 1), zone)
    return SkillsRollup(
        organization_id,
        year,
        by_kind=await uow.skills.activity_figures_under(organization_id, start, end),
        placements=await uow.job_placements.figures_under(organization_id, year),
    )
