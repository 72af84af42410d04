"""A member's self-service over HTTP (``/v1/me/…``): activities, surveys, proposals to second, notices.

Only a ``member`` token naming a member is let in (403 ``members_only`` / ``member_account_unlinked``
otherwise); what is read and done is the signed-in member's own, never a member named in the URL.
"""

import uuid

from fastapi import APIRouter, status
from pydantic import BaseModel

from unionfed_events.entrypoints.activities_http import ActivityOut, CancellationOut, LocalTime, RegistrationOut
from unionfed_events.entrypoints.congress_http import ProposalOut
from unionfed_events.entrypoints.dependencies import CurrentRuntime
from unionfed_events.entrypoints.nomination_http import PublicNoticeOut
from unionfed_events.entrypoints.survey_http import SurveyOut
from unionfed_events.service_layer import self_service
from unionfed_events.service_layer.commands import Response
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.idempotent_routes import IdempotentRoute, exempt

router = APIRouter(prefix="/v1/me", tags=["self-service"], route_class=IdempotentRoute)


class MyRegistrationOut(BaseModel):
    status: str  # confirmed or waitlisted
    waitlist_position: int | None
    registered_at: LocalTime


class MyActivityOut(ActivityOut):
    my_registration: MyRegistrationOut | None  # None: not registered
    registration_open: bool  # the registration deadline has not passed


class MyProposalOut(ProposalOut):
    seconded_by_me: bool
    may_second: bool  # not the member's own proposal, not yet seconded by them


@router.get("/activities", response_model=list[MyActivityOut], summary="Activities the signed-in member may join")
async def my_activities(principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[dict]:
    """Published activities open to the member's organization, not yet ended: those the member is
    eligible for while registration is open, and those they registered for; by start time."""
    async with runtime.uow() as uow:
        return await self_service.my_activities(uow, principal)


@router.post(
    "/activities/{activity_id}/registration", status_code=status.HTTP_201_CREATED, response_model=RegistrationOut
)
async def register_me(activity_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> dict:
    """The member registers themself: a place if one is free, else the waitlist."""
    async with runtime.uow() as uow:
        return await self_service.register_me(uow, principal, activity_id)


@router.delete("/activities/{activity_id}/registration", response_model=CancellationOut)
async def cancel_my_registration(activity_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> dict:
    """The member withdraws; a freed place goes to the first on the waitlist."""
    async with runtime.uow() as uow:
        return await self_service.cancel_my_registration(uow, principal, activity_id)


@router.get("/surveys", response_model=list[SurveyOut], summary="Surveys the signed-in member is asked to answer")
async def my_surveys(principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[SurveyOut]:
    """Open surveys sent to the member that they have not answered yet."""
    async with runtime.uow() as uow:
        return [SurveyOut.of(s) for s in await self_service.my_surveys(uow, principal)]


@router.post("/surveys/{survey_id}/responses", status_code=status.HTTP_204_NO_CONTENT)
@exempt(
    "an anonymous answer: a stored key would tie the recipient to it; "
    "one answer per recipient, so a retry is refused, never counted twice"
)
async def answer_survey(
    survey_id: uuid.UUID, body: Response, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> None:
    """The member answers, once. The response is stored without their id: it is not traceable to them."""
    async with runtime.uow() as uow:
        await self_service.answer_survey(uow, principal, survey_id, body.answers)


@router.get(
    "/congress-proposals",
    response_model=list[MyProposalOut],
    summary="Proposals of the sessions the signed-in member represents, open for seconding",
)
async def my_proposals(principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[MyProposalOut]:
    async with runtime.uow() as uow:
        found = await self_service.my_proposals(uow, principal)
    return [
        MyProposalOut(**ProposalOut.of(p).model_dump(), seconded_by_me=p["seconded_by_me"], may_second=p["may_second"])
        for p in found
    ]


@router.post(
    "/congress-proposals/{proposal_id}/seconding", status_code=status.HTTP_201_CREATED, response_model=ProposalOut
)
async def second(proposal_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> ProposalOut:
    """The member seconds (附议) a proposal of a session they represent, once."""
    async with runtime.uow() as uow:
        return ProposalOut.of(await self_service.second(uow, principal, proposal_id))


@router.get("/public-notices", response_model=list[PublicNoticeOut], summary="The member's union's public notices")
async def my_notices(principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[PublicNoticeOut]:
    """Approved awards in public notice today (公示) in the member's union and the unions under it."""
    async with runtime.uow() as uow:
        rows = await self_service.my_notices(uow, principal)
    return [
        PublicNoticeOut(nomination_id=n["id"], **{k: n[k] for k in PublicNoticeOut.model_fields if k in n})
        for n in rows
    ]
