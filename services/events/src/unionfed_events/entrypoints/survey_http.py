"""Surveys and democratic evaluations over HTTP (included by congress_http's router, under /v1).

No answer of this module names a respondent: results are counts, averages and unsigned texts.
"""

import datetime as dt
import uuid

from fastapi import APIRouter, status
from pydantic import BaseModel

from unionfed_events.domain.congress import shown
from unionfed_events.entrypoints.dependencies import CurrentRuntime
from unionfed_events.service_layer import surveys
from unionfed_events.service_layer.commands import DraftSurvey, Response
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.idempotent_routes import IdempotentRoute, exempt

router = APIRouter(tags=["surveys and democratic evaluations"], route_class=IdempotentRoute)


class QuestionOut(BaseModel):
    kind: str
    text: str
    options: list[str]
    required: bool


class SurveyOut(BaseModel):
    id: uuid.UUID
    organization_id: str
    kind: str
    title: str
    questions: list[QuestionOut]
    status: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    closed_at: dt.datetime | None
    recipients: int
    responses: int
    return_rate: str | None  # responses / recipients, e.g. "82.0%"

    @classmethod
    def of(cls, s: dict) -> "SurveyOut":
        fields = {k: s[k] for k in cls.model_fields if k in s}
        return cls(**{**fields, **{k: shown(s[k]) for k in ("created_at", "sent_at", "closed_at")}})


class ResultsOut(SurveyOut):
    results: list[dict] | None  # None while fewer than 3 responses
    breakdown: list[dict]  # per branch of the scope with at least 3 respondents; smaller ones pooled as "others"
    withheld: str | None


@router.post("/organizations/{organization_id}/surveys", status_code=status.HTTP_201_CREATED, response_model=SurveyOut)
async def draft_survey(
    organization_id: str, body: DraftSurvey, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> SurveyOut:
    """Draft a questionnaire for the organization's subtree (single, multiple choice, rating 1–5, free text)."""
    async with runtime.uow() as uow:
        return SurveyOut.of(await surveys.draft_survey(uow, principal, organization_id, body))


@router.get("/organizations/{organization_id}/surveys", response_model=list[SurveyOut])
async def list_surveys(organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[SurveyOut]:
    async with runtime.uow() as uow:
        return [SurveyOut.of(s) for s in await surveys.surveys_of(uow, principal, organization_id)]


@router.post("/surveys/{survey_id}/send", response_model=SurveyOut)
async def send_survey(survey_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> SurveyOut:
    """Send it: the recipients are the scope's active members at this moment."""
    async with runtime.uow() as uow:
        return SurveyOut.of(await surveys.send_survey(uow, principal, survey_id))


@router.post("/surveys/{survey_id}/close", response_model=SurveyOut)
async def close_survey(survey_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> SurveyOut:
    async with runtime.uow() as uow:
        return SurveyOut.of(await surveys.close_survey(uow, principal, survey_id))


@router.get("/surveys/{survey_id}", response_model=SurveyOut)
async def get_survey(survey_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> SurveyOut:
    async with runtime.uow() as uow:
        return SurveyOut.of(await surveys.get_survey(uow, principal, survey_id))


@router.post("/surveys/{survey_id}/responses", status_code=status.HTTP_204_NO_CONTENT)
@exempt(
    "an anonymous answer: a stored key would tie the recipient to it; "
    "one answer per recipient, so a retry is refused, never counted twice"
)
async def respond(survey_id: uuid.UUID, body: Response, principal: CurrentPrincipal, runtime: CurrentRuntime) -> None:
    """A recipient answers, once. Nothing is answered back: the response is not traceable to them."""
    async with runtime.uow() as uow:
        await surveys.respond(uow, principal, survey_id, body.answers)


@router.get("/surveys/{survey_id}/results", response_model=ResultsOut)
async def results(survey_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> ResultsOut:
    """Return rate and aggregated answers; free texts unsigned; no breakdown of fewer than 3 respondents."""
    async with runtime.uow() as uow:
        view = await surveys.results(uow, principal, survey_id)
    return ResultsOut(
        **{**SurveyOut.of(view).model_dump(), **{k: view[k] for k in ("results", "breakdown", "withheld")}}
    )
