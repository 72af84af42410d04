"""An activity's attendance, teams, results and awards, and publishing the awards, which pays the
prize money through finance: each one transaction, its events in the outbox.
"""

import dataclasses
import uuid

from unionfed_events.domain import activity_budget
from unionfed_events.domain.activities import Activity
from unionfed_events.domain.activity_results import (
    Award,
    Team,
    check_confirmed,
    check_team_name_free,
    check_teamless,
)
from unionfed_events.domain.registration_model import Registration
from unionfed_events.service_layer import commands
from unionfed_events.service_layer.activities import MANAGERS, hold_cancelled, load_activity
from unionfed_events.service_layer.registrations import registrations
from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_shared.auth import Principal
from unionfed_shared.contracts.events import ActivityAwardsPublishedV1, AwardSummary
from unionfed_shared.contracts.spending import EventsHoldPaidV1
from unionfed_shared.errors import Invalid


async def _managed(uow: EventsUnitOfWork, principal: Principal, activity_id: uuid.UUID) -> Activity:
    """The published activity the caller runs, locked for this transaction."""
    activity = await load_activity(uow, principal, activity_id, manage=True, lock=True)
    principal.require_role(*MANAGERS)
    activity.require_published()
    return activity


async def _confirmed(uow: EventsUnitOfWork, activity_id: uuid.UUID, member_ids: list[uuid.UUID]) -> list[Registration]:
    confirmed = await uow.registrations.confirmed_among(activity_id, member_ids)
    check_confirmed(member_ids, confirmed)
    return confirmed


async def record_attendance(
    uow: EventsUnitOfWork, principal: Principal, activity_id: uuid.UUID, command: commands.RecordAttendance
) -> list[dict]:
    await _managed(uow, principal, activity_id)
    await uow.registrations.mark_attended(await _confirmed(uow, activity_id, command.member_ids), command.attended)
    await uow.commit()
    return await registrations(uow, principal, activity_id)


async def create_team(
    uow: EventsUnitOfWork, principal: Principal, activity_id: uuid.UUID, command: commands.CreateTeam
) -> dict:
    await _managed(uow, principal, activity_id)
    check_team_name_free(command.name, await uow.teams.exists(activity_id, name=command.name))
    joining = await _confirmed(uow, activity_id, command.member_ids)
    check_teamless(joining)
    team = Team(uuid.uuid4(), activity_id, command.name, tuple(dict.fromkeys(command.member_ids)))
    await uow.teams.add(team)
    await uow.registrations.join_team(joining, team.id)
    await uow.commit()
    return {"id": team.id, "name": team.name, "member_ids": list(team.member_ids)}


async def teams(uow: EventsUnitOfWork, principal: Principal, activity_id: uuid.UUID) -> list[dict]:
    await load_activity(uow, principal, activity_id, manage=False)
    return [
        {"id": team.id, "name": team.name, "member_ids": list(team.member_ids)}
        for team in await uow.teams.of_activity(activity_id)
    ]


async def record_award(
    uow: EventsUnitOfWork, principal: Principal, activity_id: uuid.UUID, command: commands.RecordAward
) -> dict:
    activity = await _managed(uow, principal, activity_id)
    activity.require_awards_open()
    if command.member_id is not None:
        await _confirmed(uow, activity_id, [command.member_id])
    elif not await uow.teams.exists(activity_id, team_id=command.team_id):
        raise Invalid(
            "team_not_in_activity",
            zh=f"队伍 {command.team_id} 不是本活动的队伍",
            en=f"team {command.team_id} is not a team of this activity",
        )
    prizes = activity_budget.prizes_line(await uow.budget.lines_of(activity_id))
    activity_budget.check_prize_total(
        await uow.awards.prize_total(activity_id) + command.prize_fen, prizes.amount_fen if prizes else None
    )
    award = Award(
        id=uuid.uuid4(),
        activity_id=activity_id,
        category=command.category,
        level=command.level,
        member_id=command.member_id,
        team_id=command.team_id,
        result=command.result,
        prize_fen=command.prize_fen,
        recorded_by=principal.subject,
    )
    await uow.awards.add(award)
    await uow.commit()
    return next(a for a in await awards(uow, principal, activity_id) if a["id"] == award.id)


async def awards(uow: EventsUnitOfWork, principal: Principal, activity_id: uuid.UUID) -> list[dict]:
    await load_activity(uow, principal, activity_id, manage=False)
    return [dataclasses.asdict(award) for award in await uow.awards.of_activity(activity_id)]


async def publish_awards(
    uow: EventsUnitOfWork, principal: Principal, activity_id: uuid.UUID, command: commands.PublishAwards
) -> dict:
    """Announce the results and pay the prize money: the prize hold is posted for what was awarded."""
    activity = await _managed(uow, principal, activity_id)
    activity.publish_awards(command.paid_on)
    recorded = await uow.awards.of_activity(activity_id)
    if not recorded:
        raise Invalid("no_awards_recorded", zh="尚未登记任何奖项", en="no awards recorded yet")
    total = sum(award.prize_fen for award in recorded)
    prizes = activity_budget.prizes_line(await uow.budget.lines_of(activity_id))
    if total:
        assert prizes is not None  # awards are checked against the prize budget
        prizes.pay(total, command.paid_on)
        language = await uow.directory.language_of(activity.organization_id)
        uow.emit(
            EventsHoldPaidV1(
                organization_id=activity.organization_id,
                federation_id=activity.federation_id,
                hold_id=prizes.hold_id,
                amount_fen=total,
                paid_on=command.paid_on,
                description=activity_budget.prize_description(activity.title, language),
            )
        )
        await uow.budget.save_hold(prizes)
    elif prizes is not None and prizes.is_open:
        # Nothing awarded: the prize money held is released.
        uow.emit(hold_cancelled(activity, prizes, "no prize money awarded"))
        prizes.release()
        await uow.budget.save_hold(prizes)
    await uow.activities.save_state(activity)
    uow.emit(
        ActivityAwardsPublishedV1(
            organization_id=activity.organization_id,
            federation_id=activity.federation_id,
            activity_id=activity_id,
            prize_total_fen=total,
            paid_on=command.paid_on,
            awards=[
                AwardSummary(
                    award_id=a.id,
                    category=a.category,
                    level=a.level,
                    member_id=a.member_id,
                    team_id=a.team_id,
                    team_name=a.team_name,
                    prize_fen=a.prize_fen,
                )
                for a in recorded
            ],
        )
    )
    await uow.commit()
    return {
        "activity_id": activity_id,
        "prize_total_fen": total,
        "paid_on": command.paid_on,
        "awards": [dataclasses.asdict(award) for award in recorded],
    }
