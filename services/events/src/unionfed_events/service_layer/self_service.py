"""A member's self-service (``/v1/me``): activities to join, surveys to answer, proposals to second,
the union's public notices — all for the member the token names, through the officers' use cases.

The member is ``Principal.own_member_id`` (403 for every other role), never a parameter, and is
looked up in the directory: a member of another federation than the token's answers as missing.
The lists read only what concerns that member (their union's activities and notices, the surveys
sent to them, the sessions they represent); the actions (register, cancel, answer, second) are the
officers' use cases called with the member's own id, so every rule of theirs applies unchanged.
"""

import dataclasses
import datetime as dt
import uuid

from sqlalchemy import and_, select

from unionfed_events.adapters.activity_tables import activities
from unionfed_events.adapters.congress_tables import (
    congress_proposals,
    congress_representatives,
    congress_sessions,
    survey_recipients,
    surveys,
)
from unionfed_events.adapters.tables import directory
from unionfed_events.domain import activity_commands as commands
from unionfed_events.domain import congress as congress_rules
from unionfed_events.service_layer import activities as activity_cases
from unionfed_events.service_layer import congress as congress_cases
from unionfed_events.service_layer import nominations
from unionfed_events.service_layer import registrations as registration_cases
from unionfed_events.service_layer import surveys as survey_cases
from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_shared.auth import Principal
from unionfed_shared.errors import NotFound
from unionfed_shared.messaging.unit_of_work import UnitOfWork

members, orgs = directory.members, directory.organizations


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def my_member(uow: UnitOfWork, principal: Principal) -> dict:
    """The signed-in member's directory row with its organization's ``path`` and ``union_id``."""
    member_id = principal.own_member_id()
    row = (await uow.session.execute(select(members).where(members.c.id == member_id))).mappings().first()
    path = await directory.path_of(uow.session, row["organization_id"]) if row else None
    if row is None or path is None or row["federation_id"] != principal.federation_id:
        raise NotFound(
            "member_not_found",
            zh="未找到与您账号关联的会员档案，请联系工会干部",
            en="the member this account is linked to is not found; ask a union officer",
        )
    kind = await uow.session.scalar(select(orgs.c.kind).where(orgs.c.id == row["organization_id"]))
    # A union group's member belongs to the grassroots union above the group.
    union_id = path[-2] if kind == "union_group" and len(path) > 1 else path[-1]
    return {**row, "path": path, "union_id": union_id}


def acting_as(principal: Principal, member: dict) -> Principal:
    """The member acting for the union the directory places them in now (a union group's member,
    for the grassroots union above the group: its congress, its surveys, its notices).

    The account's token names the union it was opened in, and a transfer (教师交流) does not
    reissue it: the directory, which follows membership's events, is where the member is.
    """
    return dataclasses.replace(principal, organization_id=member["union_id"])


# Activities


async def my_activities(uow: EventsUnitOfWork, principal: Principal, now: dt.datetime | None = None) -> list[dict]:
    """Published activities open to the member's organization that have not ended, by start time:
    those the member may join (eligible, registration open) and those they registered for, each
    with ``my_registration`` (their live registration or None) and ``registration_open``."""
    member = await my_member(uow, principal)
    now = now or _now()
    rows = (
        (
            await uow.session.execute(
                select(activities)
                .where(
                    activities.c.status == "published",
                    activities.c.ends_at > now,
                    activities.c.scope_organization_ids.overlap(member["path"]),
                )
                .order_by(activities.c.starts_at, activities.c.id)
            )
        )
        .mappings()
        .all()
    )
    registrations = await _registrations(uow, member["id"], [r["id"] for r in rows])
    found = []
    for activity in rows:
        mine = registrations.get(activity["id"])
        eligible = (
            activity_cases.eligibility_of(dict(activity)).refusal(member["gender"], member["status"], member["path"])
            is None
        )
        open_ = now <= activity["registration_deadline"]
        if mine is None and not (eligible and open_):
            continue
        view = await activity_cases.summary(uow, activity["id"])
        found.append({**view, "my_registration": mine, "registration_open": open_})
    return found


async def _registrations(uow: EventsUnitOfWork, member_id: uuid.UUID, activity_ids: list[uuid.UUID]) -> dict:
    """The member's live registration per activity, a waitlisted one with its place in the queue."""
    found = {}
    for registration in await uow.registrations.live_of_member(member_id, activity_ids):
        waiting = registration.status == "waitlisted"
        found[registration.activity_id] = {
            "status": registration.status,
            "waitlist_position": await uow.registrations.waitlist_position(registration) if waiting else None,
            "registered_at": registration.registered_at,
        }
    return found


async def register_me(uow: EventsUnitOfWork, principal: Principal, activity_id: uuid.UUID) -> dict:
    member = await my_member(uow, principal)
    return await registration_cases.register(
        uow, acting_as(principal, member), activity_id, commands.Register(member_id=member["id"])
    )


async def cancel_my_registration(uow: EventsUnitOfWork, principal: Principal, activity_id: uuid.UUID) -> dict:
    member = await my_member(uow, principal)
    return await registration_cases.cancel_registration(uow, acting_as(principal, member), activity_id, member["id"])


# Surveys: responses are never tied to the respondent (survey_responses holds no member id)


async def my_surveys(uow: EventsUnitOfWork, principal: Principal) -> list[dict]:
    """Surveys sent to the member, still open, that they have not answered, oldest first."""
    member = await my_member(uow, principal)
    ids = await uow.session.scalars(
        select(surveys.c.id)
        .join(survey_recipients, survey_recipients.c.survey_id == surveys.c.id)
        .where(
            survey_recipients.c.member_id == member["id"],
            survey_recipients.c.responded.is_(False),
            surveys.c.status == "sent",
        )
        .order_by(surveys.c.sent_at, surveys.c.id)
    )
    return [await survey_cases.survey_view(uow, i) for i in ids]


async def answer_survey(uow: EventsUnitOfWork, principal: Principal, survey_id: uuid.UUID, answers: list) -> None:
    member = await my_member(uow, principal)
    await survey_cases.respond(uow, acting_as(principal, member), survey_id, answers)


# Congress proposals: a session's representatives second its proposals


async def my_proposals(uow: EventsUnitOfWork, principal: Principal) -> list[dict]:
    """Proposals awaiting seconders or an answer in the sessions the member represents, with
    ``seconded_by_me`` and ``may_second`` (not their own, not yet seconded by them)."""
    member = await my_member(uow, principal)
    ids = await uow.session.scalars(
        select(congress_proposals.c.id)
        .join(congress_sessions, congress_sessions.c.id == congress_proposals.c.session_id)
        .join(
            congress_representatives,
            and_(
                congress_representatives.c.session_id == congress_sessions.c.id,
                congress_representatives.c.member_id == member["id"],
            ),
        )
        .where(congress_proposals.c.status.in_([congress_rules.AWAITING_SECONDERS, congress_rules.SUBMITTED]))
        .order_by(congress_sessions.c.starts_on, congress_proposals.c.number)
    )
    found = []
    for proposal_id in ids:
        view = await congress_cases.proposal_view(uow, proposal_id)
        mine = member["id"] in view["seconders"]
        found.append({**view, "seconded_by_me": mine, "may_second": not mine and view["proposer_id"] != member["id"]})
    return found


async def second(uow: EventsUnitOfWork, principal: Principal, proposal_id: uuid.UUID) -> dict:
    member = await my_member(uow, principal)
    return await congress_cases.second_proposal(uow, acting_as(principal, member), proposal_id)


# Public notices (公示) of the member's union and the unions under it


async def my_notices(uow: EventsUnitOfWork, principal: Principal) -> list[dict]:
    member = await my_member(uow, principal)
    union = member["union_id"]
    return await nominations.nominations_under(
        uow,
        acting_as(principal, member),
        union,
        notices_on=await nominations.federation_today(uow, union),
    )
