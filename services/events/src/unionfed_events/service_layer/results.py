"""An activity's attendance, teams, results and awards, and publishing the awards, which pays the
prize money through finance: each one transaction, its events in the outbox.
"""

import uuid

from sqlalchemy import func, insert, select, update

from unionfed_events.adapters.activity_tables import (
    activities,
    activity_awards,
    activity_budget_items,
    activity_registrations,
    activity_teams,
)
from unionfed_events.adapters.tables import directory
from unionfed_events.domain import activity_budget
from unionfed_events.domain import activity_commands as commands
from unionfed_events.service_layer.activities import (
    MANAGERS,
    budget_items,
    hold_cancelled,
    load,
    require_status,
    set_hold_status,
)
from unionfed_events.service_layer.registrations import registrations
from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_shared import finance_holds
from unionfed_shared.auth import Principal
from unionfed_shared.contracts.events import (
    ActivityAwardsPublishedV1,
    AwardSummary,
)
from unionfed_shared.contracts.spending import EventsHoldPaidV1
from unionfed_shared.errors import Conflict, Invalid
from unionfed_shared.messaging.unit_of_work import UnitOfWork


def _already_published() -> Conflict:
    return Conflict(
        "awards_already_published", zh="该活动的获奖结果已公布", en="the awards of this activity are already published"
    )


async def record_attendance(
    uow: EventsUnitOfWork, principal: Principal, activity_id: uuid.UUID, command: commands.RecordAttendance
) -> list[dict]:
    activity = await load(uow, principal, activity_id, manage=True, lock=True)
    principal.require_role(*MANAGERS)
    require_status(activity, "published")
    await _confirmed_registrations(uow, activity_id, command.member_ids)
    await uow.session.execute(
        update(activity_registrations)
        .where(
            activity_registrations.c.activity_id == activity_id,
            activity_registrations.c.status == "confirmed",
            activity_registrations.c.member_id.in_(command.member_ids),
        )
        .values(attended=command.attended)
    )
    await uow.commit()
    return await registrations(uow, principal, activity_id)


async def create_team(
    uow: UnitOfWork, principal: Principal, activity_id: uuid.UUID, command: commands.CreateTeam
) -> dict:
    activity = await load(uow, principal, activity_id, manage=True, lock=True)
    principal.require_role(*MANAGERS)
    require_status(activity, "published")
    if await uow.session.scalar(
        select(activity_teams.c.id).where(
            activity_teams.c.activity_id == activity_id, activity_teams.c.name == command.name
        )
    ):
        raise Conflict("team_name_taken", zh=f"队伍“{command.name}”已存在", en=f"team {command.name} already exists")
    rows = await _confirmed_registrations(uow, activity_id, command.member_ids)
    in_teams = [str(row["member_id"]) for row in rows if row["team_id"] is not None]
    if in_teams:
        raise Invalid(
            "already_in_team",
            zh=f"以下会员已在其他队伍中：{'、'.join(in_teams)}",
            en=f"already in a team: {', '.join(in_teams)}",
        )
    team_id = uuid.uuid4()
    await uow.session.execute(insert(activity_teams).values(id=team_id, activity_id=activity_id, name=command.name))
    await uow.session.execute(
        update(activity_registrations)
        .where(activity_registrations.c.id.in_([row["id"] for row in rows]))
        .values(team_id=team_id)
    )
    await uow.commit()
    return {"id": team_id, "name": command.name, "member_ids": list(dict.fromkeys(command.member_ids))}


async def teams(uow: UnitOfWork, principal: Principal, activity_id: uuid.UUID) -> list[dict]:
    await load(uow, principal, activity_id, manage=False)
    query = (
        select(activity_teams.c.id, activity_teams.c.name, activity_registrations.c.member_id)
        .select_from(
            activity_teams.outerjoin(
                activity_registrations,
                (activity_registrations.c.team_id == activity_teams.c.id)
                & (activity_registrations.c.status == "confirmed"),
            )
        )
        .where(activity_teams.c.activity_id == activity_id)
        .order_by(activity_teams.c.name, activity_registrations.c.sequence)
    )
    found: dict[uuid.UUID, dict] = {}
    for row in await uow.session.execute(query):
        team = found.setdefault(row.id, {"id": row.id, "name": row.name, "member_ids": []})
        if row.member_id is not None:
            team["member_ids"].append(row.member_id)
    return list(found.values())


async def record_award(
    uow: UnitOfWork, principal: Principal, activity_id: uuid.UUID, command: commands.RecordAward
) -> dict:
    activity = await load(uow, principal, activity_id, manage=True, lock=True)
    principal.require_role(*MANAGERS)
    require_status(activity, "published")
    if activity["awards_published_on"] is not None:
        raise _already_published()
    if command.member_id is not None:
        await _confirmed_registrations(uow, activity_id, [command.member_id])
    elif not await uow.session.scalar(
        select(activity_teams.c.id).where(
            activity_teams.c.id == command.team_id, activity_teams.c.activity_id == activity_id
        )
    ):
        raise Invalid(
            "team_not_in_activity",
            zh=f"队伍 {command.team_id} 不是本活动的队伍",
            en=f"team {command.team_id} is not a team of this activity",
        )
    awarded = (
        await uow.session.execute(
            select(func.coalesce(func.sum(activity_awards.c.prize_fen), 0)).where(
                activity_awards.c.activity_id == activity_id
            )
        )
    ).scalar_one()
    activity_budget.check_prize_total(awarded + command.prize_fen, await _prize_budget(uow, activity_id))
    award_id = uuid.uuid4()
    await uow.session.execute(
        insert(activity_awards).values(
            id=award_id,
            activity_id=activity_id,
            category=command.category,
            level=command.level,
            member_id=command.member_id,
            team_id=command.team_id,
            result=command.result,
            prize_fen=command.prize_fen,
            recorded_by=principal.subject,
        )
    )
    await uow.commit()
    return next(a for a in await awards(uow, principal, activity_id) if a["id"] == award_id)


async def awards(uow: UnitOfWork, principal: Principal, activity_id: uuid.UUID) -> list[dict]:
    await load(uow, principal, activity_id, manage=False)
    query = (
        select(activity_awards, activity_teams.c.name.label("team_name"))
        .select_from(activity_awards.outerjoin(activity_teams, activity_teams.c.id == activity_awards.c.team_id))
        .where(activity_awards.c.activity_id == activity_id)
        .order_by(activity_awards.c.category, activity_awards.c.recorded_at)
    )
    return [dict(row) for row in (await uow.session.execute(query)).mappings()]


async def publish_awards(
    uow: UnitOfWork, principal: Principal, activity_id: uuid.UUID, command: commands.PublishAwards
) -> dict:
    """Announce the results and pay the prize money: the prize hold is posted for what was awarded."""
    activity = await load(uow, principal, activity_id, manage=True, lock=True)
    principal.require_role(*MANAGERS)
    require_status(activity, "published")
    if activity["awards_published_on"] is not None:
        raise _already_published()
    recorded = await awards(uow, principal, activity_id)
    if not recorded:
        raise Invalid("no_awards_recorded", zh="尚未登记任何奖项", en="no awards recorded yet")
    total = sum(award["prize_fen"] for award in recorded)
    prizes = next((item for item in await budget_items(uow, activity_id) if item["kind"] == "prizes"), None)
    if total:
        assert prizes is not None  # awards are checked against the prize budget
        finance_holds.require_reserved(prizes["label"], prizes["hold_status"], prizes["finance_reason"])
        language = await directory.language_of(uow.session, activity["organization_id"])
        uow.emit(
            EventsHoldPaidV1(
                organization_id=activity["organization_id"],
                federation_id=activity["federation_id"],
                hold_id=prizes["hold_id"],
                amount_fen=total,
                paid_on=command.paid_on,
                description=activity_budget.prize_description(activity["title"], language),
            )
        )
        await set_hold_status(
            uow, [prizes["id"]], finance_holds.CAPTURE_REQUESTED, paid_fen=total, paid_on=command.paid_on
        )
    elif prizes is not None and prizes["hold_status"] in finance_holds.OPEN:
        uow.emit(hold_cancelled(activity, prizes, "no prize money awarded"))
        await set_hold_status(uow, [prizes["id"]], finance_holds.VOID_REQUESTED)
    await uow.session.execute(
        update(activities).where(activities.c.id == activity_id).values(awards_published_on=command.paid_on)
    )
    uow.emit(
        ActivityAwardsPublishedV1(
            organization_id=activity["organization_id"],
            federation_id=activity["federation_id"],
            activity_id=activity_id,
            prize_total_fen=total,
            paid_on=command.paid_on,
            awards=[
                AwardSummary(
                    award_id=a["id"],
                    category=a["category"],
                    level=a["level"],
                    member_id=a["member_id"],
                    team_id=a["team_id"],
                    team_name=a["team_name"],
                    prize_fen=a["prize_fen"],
                )
                for a in recorded
            ],
        )
    )
    await uow.commit()
    return {"activity_id": activity_id, "prize_total_fen": total, "paid_on": command.paid_on, "awards": recorded}


async def _confirmed_registrations(uow: UnitOfWork, activity_id: uuid.UUID, member_ids: list[uuid.UUID]) -> list[dict]:
    rows = (
        (
            await uow.session.execute(
                select(activity_registrations).where(
                    activity_registrations.c.activity_id == activity_id,
                    activity_registrations.c.status == "confirmed",
                    activity_registrations.c.member_id.in_(member_ids),
                )
            )
        )
        .mappings()
        .all()
    )
    missing = set(member_ids) - {row["member_id"] for row in rows}
    if missing:
        listed = sorted(map(str, missing))
        raise Invalid(
            "registration_not_confirmed",
            zh=f"以下会员在本活动中没有已确认的名额：{'、'.join(listed)}",
            en=f"without a confirmed place in this activity: {', '.join(listed)}",
        )
    return [dict(row) for row in rows]


async def _prize_budget(uow: UnitOfWork, activity_id: uuid.UUID) -> int | None:
    return await uow.session.scalar(
        select(activity_budget_items.c.amount_fen).where(
            activity_budget_items.c.activity_id == activity_id, activity_budget_items.c.kind == "prizes"
        )
    )
