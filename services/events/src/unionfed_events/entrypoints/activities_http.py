"""Activities and competitions over HTTP: organize, register, take attendance, award, pay through finance.

Times are answered in Asia/Shanghai (+08:00); they are stored and compared in UTC.
"""

import dataclasses
import datetime as dt
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, PlainSerializer

from unionfed_events.adapters.tables import directory
from unionfed_events.domain.activities import ActivityFilter, local
from unionfed_events.entrypoints.dependencies import CurrentRuntime
from unionfed_events.service_layer import activities as service
from unionfed_events.service_layer import award_notice, commands, event_sheets, printed_names, registrations, results
from unionfed_shared import business_time
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.contracts.events import ActivityKind
from unionfed_shared.documents import downloads, pdf, printed_form, spreadsheet
from unionfed_shared.idempotent_routes import IdempotentRoute
from unionfed_shared.openapi_examples import example
from unionfed_shared.paging import DEFAULT_LIMIT, Cursor, Limit, Page
from unionfed_shared.problems import language_of
from unionfed_shared.wire_values import Moment

router = APIRouter(prefix="/v1", tags=["activities"], route_class=IdempotentRoute)


# A moment answered in Asia/Shanghai local time, offset included.
LocalTime = Annotated[dt.datetime, PlainSerializer(lambda v: local(v).isoformat(), return_type=str, when_used="json")]


class ActivityOut(BaseModel):
    id: uuid.UUID
    organization_id: str
    title: str
    kind: str
    description: str
    scope_organization_ids: list[str]
    starts_at: LocalTime
    ends_at: LocalTime
    registration_deadline: LocalTime
    capacity: int | None
    eligible_gender: str | None
    eligible_statuses: list[str]
    status: str
    cancel_reason: str | None
    awards_published_on: dt.date | None
    confirmed: int
    waitlisted: int
    budget_fen: int
    published_at: LocalTime | None
    cancelled_at: LocalTime | None


class RegistrationOut(BaseModel):
    member_id: uuid.UUID
    display_name: str | None = None
    organization_id: str | None = None
    status: str  # confirmed or waitlisted
    waitlist_position: int | None = None
    team_id: uuid.UUID | None = None
    attended: bool | None = None
    registered_by: str | None
    registered_at: LocalTime
    promoted_at: LocalTime | None = None


class CancellationOut(BaseModel):
    cancelled_member_id: uuid.UUID
    promoted_member_ids: list[uuid.UUID]


class TeamOut(BaseModel):
    id: uuid.UUID
    name: str
    member_ids: list[uuid.UUID]


class AwardOut(BaseModel):
    id: uuid.UUID
    category: str
    level: str
    member_id: uuid.UUID | None
    team_id: uuid.UUID | None
    team_name: str | None
    result: str | None
    prize_fen: int
    recorded_at: LocalTime


class AwardsPublishedOut(BaseModel):
    activity_id: uuid.UUID
    prize_total_fen: int
    paid_on: dt.date
    awards: list[AwardOut]


class FinanceAnswerOut(BaseModel):
    journal_event_id: str
    operation: str
    outcome: str
    reason: str | None
    warnings: list[str]
    received_at: LocalTime


class BudgetItemOut(BaseModel):
    id: uuid.UUID
    kind: str
    label: str
    amount_fen: int
    hold_id: uuid.UUID
    hold_status: str  # not_requested, requested, reserved, refused, capture_requested, captured, void_requested, voided
    finance_reason: str | None  # finance's reason when it refused
    paid_fen: int | None
    paid_on: dt.date | None
    finance_answers: list[FinanceAnswerOut]


class BudgetOut(BaseModel):
    activity_id: uuid.UUID
    organization_id: str
    total_fen: int
    items: list[BudgetItemOut]


@router.post(
    "/organizations/{organization_id}/activities", status_code=status.HTTP_201_CREATED, response_model=ActivityOut
)
async def create_activity(
    organization_id: str,
    body: Annotated[
        commands.CreateActivity,
        example(
            "A badminton contest for every union of the county",
            {
                "title": "教职工羽毛球赛",
                "kind": "sport",
                "starts_at": "2027-04-20T09:00:00+08:00",
                "ends_at": "2027-04-20T17:00:00+08:00",
                "registration_deadline": "2027-04-10T18:00:00+08:00",
                "capacity": 64,
                "budget": [{"kind": "cost", "label": "场地", "amount_fen": 200000}],
            },
        ),
    ],
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> dict:
    """Draft an activity organized by the organization, open to its subtree or to the organizations named."""
    async with runtime.uow() as uow:
        return await service.create(uow, principal, organization_id, body)


@router.get(
    "/organizations/{organization_id}/activities",
    response_model=Page[ActivityOut],
    summary="Activities the organization runs and those its members may join, a page at a time",
    responses=spreadsheet.openapi_responses(
        "A page of activities as JSON, or with `format=xlsx` every activity the filter finds as an Excel sheet"
    ),
)
async def list_activities(
    organization_id: str,
    request: Request,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    status_: Literal["draft", "published", "cancelled"] | None = Query(default=None, alias="status"),
    kind: ActivityKind | None = Query(default=None),
    starts_from: Moment | None = Query(default=None, alias="from", description="Start time, inclusive, with a zone"),
    starts_before: Moment | None = Query(default=None, alias="to", description="Start time, exclusive, with a zone"),
    title: str | None = Query(default=None, min_length=1, max_length=100, description="A part of the title"),
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    output: Literal["json", "xlsx"] = Query(default="json", alias="format", description="`xlsx` for an Excel sheet"),
) -> Page[ActivityOut] | Response:
    """By start time. Pass the answer's `next_cursor` as `cursor` for the next page; null on the last.
    The sheet (`format=xlsx`) holds every activity the filter finds, times on the federation's clock."""
    wanted = ActivityFilter(
        status=status_,
        kind=kind,
        starts_from=starts_from,
        starts_before=starts_before,
        title=title,
    )
    if output == "xlsx":
        language = language_of(request)
        async with runtime.uow() as uow:
            name, rows = await event_sheets.activity_rows(uow, principal, organization_id, wanted, language)
        return spreadsheet.xlsx_download(
            f"{event_sheets.ACTIVITIES_TITLE[language]}-{name}.xlsx",
            event_sheets.ACTIVITIES_TITLE[language],
            event_sheets.ACTIVITY_HEADERS[language],
            rows,
        )
    async with runtime.uow() as uow:
        found, next_cursor = await service.activities_of(uow, principal, organization_id, wanted, cursor, limit)
        return Page[ActivityOut](
            items=[await service.summary(uow, a.id) for a in found],
            next_cursor=next_cursor,
        )


@router.get("/activities/{activity_id}", response_model=ActivityOut)
async def get_activity(activity_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> dict:
    async with runtime.uow() as uow:
        await service.load_activity(uow, principal, activity_id, manage=False)
        return await service.summary(uow, activity_id)


@router.post("/activities/{activity_id}/publication", response_model=ActivityOut)
async def publish_activity(activity_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> dict:
    """Open registration and approve the budget: each budget line is reserved in the organizer's books."""
    async with runtime.uow() as uow:
        return await service.publish(uow, principal, activity_id)


@router.post("/activities/{activity_id}/cancellation", response_model=ActivityOut)
async def cancel_activity(
    activity_id: uuid.UUID, body: commands.CancelActivity, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> dict:
    """Call the activity off; money still reserved for it is released."""
    async with runtime.uow() as uow:
        return await service.cancel(uow, principal, activity_id, body)


@router.post(
    "/activities/{activity_id}/registrations", status_code=status.HTTP_201_CREATED, response_model=RegistrationOut
)
async def register(
    activity_id: uuid.UUID,
    body: Annotated[
        commands.Register, example("A member signs up", {"member_id": "0b6f3c5e-5d0a-4c1e-9a57-2f1f4a9b8c11"})
    ],
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> dict:
    """Register a member (a member registers themself): a place if one is free, else the waitlist."""
    async with runtime.uow() as uow:
        return await registrations.register(uow, principal, activity_id, body)


@router.delete("/activities/{activity_id}/registrations/{member_id}", response_model=CancellationOut)
async def cancel_registration(
    activity_id: uuid.UUID, member_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> dict:
    """Withdraw a registration; a freed place goes to the first on the waitlist."""
    async with runtime.uow() as uow:
        return await registrations.cancel_registration(uow, principal, activity_id, member_id)


@router.get("/activities/{activity_id}/registrations", response_model=list[RegistrationOut])
async def list_registrations(
    activity_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[dict]:
    """Confirmed places in the order taken, then the waitlist in order."""
    async with runtime.uow() as uow:
        return await registrations.registrations(uow, principal, activity_id)


@router.get("/activities/{activity_id}/waitlist", response_model=list[RegistrationOut])
async def waitlist(activity_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[dict]:
    async with runtime.uow() as uow:
        return [
            r for r in await registrations.registrations(uow, principal, activity_id) if r["status"] == "waitlisted"
        ]


@router.put("/activities/{activity_id}/attendance", response_model=list[RegistrationOut])
async def record_attendance(
    activity_id: uuid.UUID, body: commands.RecordAttendance, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[dict]:
    async with runtime.uow() as uow:
        return await results.record_attendance(uow, principal, activity_id, body)


@router.post("/activities/{activity_id}/teams", status_code=status.HTTP_201_CREATED, response_model=TeamOut)
async def create_team(
    activity_id: uuid.UUID, body: commands.CreateTeam, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> dict:
    """A team of members holding confirmed places (tug-of-war, relay, choir …)."""
    async with runtime.uow() as uow:
        return await results.create_team(uow, principal, activity_id, body)


@router.get("/activities/{activity_id}/teams", response_model=list[TeamOut])
async def list_teams(activity_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[dict]:
    async with runtime.uow() as uow:
        return await results.teams(uow, principal, activity_id)


@router.post("/activities/{activity_id}/awards", status_code=status.HTTP_201_CREATED, response_model=AwardOut)
async def record_award(
    activity_id: uuid.UUID, body: commands.RecordAward, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> dict:
    """A result and its award (一等奖, 二等奖, 三等奖, 优秀奖) to a member or team, with prize money within budget."""
    async with runtime.uow() as uow:
        return await results.record_award(uow, principal, activity_id, body)


@router.get(
    "/activities/{activity_id}/awards",
    response_model=list[AwardOut],
    responses=pdf.openapi_responses(
        "The awards (JSON), or with `format=pdf` the public notice (公示) of the winners to post"
    ),
)
async def list_awards(
    activity_id: uuid.UUID,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    output: Annotated[pdf.JsonOrPdf, pdf.format_query("the public notice of the winners (获奖名单公示)")] = "json",
) -> list[dict] | Response:
    async with runtime.uow() as uow:
        awards = await results.awards(uow, principal, activity_id)
        if output == "pdf":
            return await _award_notice(uow, principal, activity_id, awards)
        return awards


async def _award_notice(uow, principal, activity_id: uuid.UUID, awards: list[dict]) -> Response:
    activity = dataclasses.asdict(await service.load_activity(uow, principal, activity_id, manage=False))
    head = await printed_form.letterhead(directory, uow.session, activity["organization_id"])
    names = await printed_names.member_names(uow, (a["member_id"] for a in awards if a["member_id"] is not None))
    page = award_notice.render_award_notice(activity, awards, names, head, printed_at=business_time.utc_now())
    return downloads.attachment(await pdf.render_pdf(page), pdf.MEDIA_TYPE, award_notice.file_name(activity, head.lang))


@router.post("/activities/{activity_id}/awards/publication", response_model=AwardsPublishedOut)
async def publish_awards(
    activity_id: uuid.UUID, body: commands.PublishAwards, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> dict:
    """Announce the awards and pay the prize money from the reserved prize budget (activity expense 5102)."""
    async with runtime.uow() as uow:
        return await results.publish_awards(uow, principal, activity_id, body)


@router.get("/activities/{activity_id}/budget", response_model=BudgetOut)
async def get_budget(activity_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> dict:
    """Each budget line with its hold in finance: reserved, refused (with finance's reason), captured, voided."""
    async with runtime.uow() as uow:
        return await service.budget(uow, principal, activity_id)


@router.post("/activities/{activity_id}/budget/{item_id}/payment", response_model=BudgetOut)
async def pay_cost(
    activity_id: uuid.UUID,
    item_id: uuid.UUID,
    body: commands.PayCost,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> dict:
    """Pay a cost line from its reserved money, possibly for less."""
    async with runtime.uow() as uow:
        return await service.pay_cost(uow, principal, activity_id, item_id, body)
