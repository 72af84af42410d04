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

from unionfed_events.domain import congress as congress_rules
from unionfed_events.domain.registration_model import SignedInMember, union_of
from unionfed_events.service_layer import activities as activity_cases
from unionfed_events.service_layer import commands, congress_proposals, nominations
from unionfed_events.service_layer import registrations as registration_cases
from unionfed_events.service_layer import surveys as survey_cases
from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_shared.auth import Principal
from unionfed_shared.errors import NotFound


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def my_member(uow: EventsUnitOfWork, principal: Principal) -> SignedInMember:
    """The signed-in member, with the union they belong to."""
    member = await uow.directory.member(principal.own_member_id())
    if member is None or member.federation_id != principal.federation_id:
        raise NotFound(
            "member_not_found",
            zh="未找到与您账号关联的会员档案，请联系工会干部",
            en="the member this account is linked to is not found; ask a union officer",
        )
    return SignedInMember(member, union_of(member.path, await uow.directory.kind_of(member.organization_id)))


def acting_as(principal: Principal, member: SignedInMember) -> Principal:
    """The member acting for the union the directory places them in now (a union group's member,
    for the grassroots union above the group: its congress, its surveys, its notices).

    The account's token names the union it was opened in, and a transfer (教师交流) does not
    reissue it: the directory, which follows membership's events, is where the member is.
    """
    return dataclasses.replace(principal, organization_id=member.union_id)


# Activities


async def my_activities(uow: EventsUnitOfWork, principal: Principal, now: dt.datetime | None = None) -> list[dict]:
    """Published activities open to the member's organization that have not ended, by start time:
    those the member may join (eligible, registration open) and those they registered for, each
    with ``my_registration`` (their live registration or None) and ``registration_open``."""
    me = (await my_member(uow, principal)).member
    now = now or _now()
    found_activities = await uow.activities.published_open_to(me.path, ending_after=now)
    registrations = await _registrations(uow, me.id, [activity.id for activity in found_activities])
    found = []
    for activity in found_activities:
        mine = registrations.get(activity.id)
        eligible = activity.eligibility.refusal(me.gender, me.status, me.path) is None
        open_ = now <= activity.registration_deadline
        if mine is None and not (eligible and open_):
            continue
        view = await activity_cases.summary(uow, activity.id)
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
        uow, acting_as(principal, member), activity_id, commands.Register(member_id=member.id)
    )


async def cancel_my_registration(uow: EventsUnitOfWork, principal: Principal, activity_id: uuid.UUID) -> dict:
    member = await my_member(uow, principal)
    return await registration_cases.cancel_registration(uow, acting_as(principal, member), activity_id, member.id)


# Surveys: responses are never tied to the respondent (survey_responses holds no member id)


async def my_surveys(uow: EventsUnitOfWork, principal: Principal) -> list[dict]:
    """Surveys sent to the member, still open, that they have not answered, oldest first."""
    member = await my_member(uow, principal)
    return [await survey_cases.survey_view(uow, i) for i in await uow.member_inbox.surveys_to_answer(member.id)]


async def answer_survey(uow: EventsUnitOfWork, principal: Principal, survey_id: uuid.UUID, answers: list) -> None:
    member = await my_member(uow, principal)
    await survey_cases.respond(uow, acting_as(principal, member), survey_id, answers)


# Congress proposals: a session's representatives second its proposals


async def my_proposals(uow: EventsUnitOfWork, principal: Principal) -> list[dict]:
    """Proposals awaiting seconders or an answer in the sessions the member represents, with
    ``seconded_by_me`` and ``may_second`` (not their own, not yet seconded by them)."""
    member = await my_member(uow, principal)
    ids = await uow.member_inbox.proposals_before(
        member.id, [congress_rules.AWAITING_SECONDERS, congress_rules.SUBMITTED]
    )
    found = []
    for proposal_id in ids:
        view = await congress_proposals.proposal_view(uow, proposal_id)
        mine = member.id in view["seconders"]
        found.append({**view, "seconded_by_me": mine, "may_second": not mine and view["proposer_id"] != member.id})
    return found


async def second(uow: EventsUnitOfWork, principal: Principal, proposal_id: uuid.UUID) -> dict:
    member = await my_member(uow, principal)
    return await congress_proposals.second_proposal(uow, acting_as(principal, member), proposal_id)


# Public notices (公示) of the member's union and the unions under it


async def my_notices(uow: EventsUnitOfWork, principal: Principal) -> list[dict]:
    member = await my_member(uow, principal)
    union = member.union_id
    return await nominations.nominations_under(
        uow,
        acting_as(principal, member),
        union,
        notices_on=await nominations.federation_today(uow, union),
    )
