"""HTTP for 职工之家 certification (建家达标): the federation's checklist, a union's self-assessment
with evidence, the upper level's review and award, renewals due and the subtree's certification rate."""

import datetime as dt
import uuid
from typing import Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from unionfed_membership.domain.home import AssessmentStatus, Certified, Checklist, Level
from unionfed_membership.entrypoints.dependencies import CurrentRuntime
from unionfed_membership.service_layer import commands, home, home_sheets
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.documents import spreadsheet
from unionfed_shared.idempotent_routes import IdempotentRoute
from unionfed_shared.problems import language_of

router = APIRouter(prefix="/v1", tags=["membership workers' home certification"], route_class=IdempotentRoute)

LEVEL_DESCRIPTION = "qualified 合格职工之家, advanced 先进职工之家, model 模范职工之家; null: 未达标"


class ChecklistItemOut(BaseModel):
    code: str
    section: str
    text: str
    max_points: int
    evidence_required: bool


class ThresholdsOut(BaseModel):
    qualified: int
    advanced: int
    model: int


class ChecklistOut(BaseModel):
    id: uuid.UUID
    federation_id: str
    version: int = Field(description="0: the default offered; the first assessment publishes it as version 1")
    published: bool
    items: list[ChecklistItemOut]
    total_points: int
    thresholds: ThresholdsOut
    valid_years: int

    @classmethod
    def of(cls, c: Checklist) -> "ChecklistOut":
        return cls(
            id=c.id,
            federation_id=c.federation_id,
            version=c.version,
            published=c.version > 0,
            items=[ChecklistItemOut(**i.__dict__) for i in c.items],
            total_points=c.total_points,
            thresholds=ThresholdsOut(**c.thresholds.__dict__),
            valid_years=c.valid_years,
        )


class EvidenceOut(BaseModel):
    id: uuid.UUID
    item_code: str
    title: str
    description: str
    added_on: dt.date
    file_sha256: str | None = Field(description="a stored file's digest, once files can be attached")
    file_name: str | None


class ItemScoreOut(BaseModel):
    code: str
    section: str
    text: str
    max_points: int
    evidence_required: bool
    self_score: int | None
    note: str
    review_score: int | None
    evidence: list[EvidenceOut]


class AssessmentOut(BaseModel):
    id: uuid.UUID
    organization_id: str
    organization_name: str
    year: int
    checklist_id: uuid.UUID
    checklist_version: int
    thresholds: ThresholdsOut = Field(description="of the checklist version it is assessed on")
    valid_years: int
    status: AssessmentStatus = Field(description="draft 填报中, submitted 待审核, returned 已退回, reviewed 已审核")
    total_points: int
    self_total: int
    reviewed_total: int | None
    items: list[ItemScoreOut]
    submitted_on: dt.date | None
    return_reason: str | None
    review_comment: str | None
    level: Level | None = Field(description=LEVEL_DESCRIPTION)
    awarded_on: dt.date | None
    renew_by: dt.date | None = Field(description="the award holds up to the day before")

    @classmethod
    def of(cls, view: home.AssessmentView) -> "AssessmentOut":
        a, c = view.assessment, view.checklist
        items = {i.code: i for i in c.items}
        return cls(
            id=a.id,
            organization_id=a.organization_id,
            organization_name=view.union.name,
            year=a.year,
            checklist_id=c.id,
            checklist_version=c.version,
            thresholds=ThresholdsOut(**c.thresholds.__dict__),
            valid_years=c.valid_years,
            status=a.status,
            total_points=c.total_points,
            self_total=a.self_total,
            reviewed_total=a.reviewed_total,
            items=[
                ItemScoreOut(
                    **items[s.code].__dict__,
                    self_score=s.self_score,
                    note=s.note,
                    review_score=s.review_score,
                    evidence=[EvidenceOut(**e.__dict__) for e in a.evidence_for(s.code)],
                )
                for s in a.scores
            ],
            submitted_on=a.submitted_on,
            return_reason=a.return_reason,
            review_comment=a.review_comment,
            level=a.level,
            awarded_on=a.awarded_on,
            renew_by=a.renew_by,
        )


class AssessmentLineOut(BaseModel):
    id: uuid.UUID
    organization_id: str
    organization_name: str
    year: int
    status: AssessmentStatus
    self_total: int
    reviewed_total: int | None
    submitted_on: dt.date | None
    level: Level | None = Field(description=LEVEL_DESCRIPTION)
    awarded_on: dt.date | None
    renew_by: dt.date | None

    @classmethod
    def of(cls, line: home.Listed) -> "AssessmentLineOut":
        a = line.assessment
        return cls(
            id=a.id,
            organization_id=a.organization_id,
            organization_name=line.union.name,
            year=a.year,
            status=a.status,
            self_total=a.self_total,
            reviewed_total=a.reviewed_total,
            submitted_on=a.submitted_on,
            level=a.level,
            awarded_on=a.awarded_on,
            renew_by=a.renew_by,
        )


@router.get("/federations/{federation_id}/home-checklist", response_model=ChecklistOut)
async def home_checklist(federation_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime) -> ChecklistOut:
    """The federation's current 职工之家 checklist, or the default offered (version 0) when it has none."""
    async with runtime.uow() as uow:
        return ChecklistOut.of(await home.current_checklist(uow, principal, federation_id))


@router.put("/federations/{federation_id}/home-checklist", response_model=ChecklistOut)
async def publish_home_checklist(
    federation_id: str, body: commands.PublishHomeChecklist, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> ChecklistOut:
    """Publish a new version: items, the three levels' thresholds and how long an award holds.
    Assessments already started keep the version they were started on."""
    async with runtime.uow() as uow:
        return ChecklistOut.of(await home.publish_checklist(uow, principal, federation_id, body))


@router.post("/organizations/{organization_id}/home-assessments", response_model=AssessmentOut, status_code=201)
async def start_home_assessment(
    organization_id: str, body: commands.StartHomeAssessment, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> AssessmentOut:
    """A grassroots union starts its self-assessment for a year, on the federation's current checklist."""
    async with runtime.uow() as uow:
        return AssessmentOut.of(await home.start(uow, principal, organization_id, body))


@router.get("/organizations/{organization_id}/home-assessments", response_model=list[AssessmentLineOut])
async def home_assessments(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    year: int | None = Query(default=None, ge=2000, le=2999),
    status: AssessmentStatus | None = Query(default=None, description="submitted: awaiting review"),
) -> list[AssessmentLineOut]:
    """The assessments of the organization and the unions below it, newest year first."""
    async with runtime.uow() as uow:
        found = await home.listed(uow, principal, organization_id, year=year, status=status)
    return [AssessmentLineOut.of(line) for line in found]


@router.get("/home-assessments/{assessment_id}", response_model=AssessmentOut)
async def home_assessment(
    assessment_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> AssessmentOut:
    async with runtime.uow() as uow:
        return AssessmentOut.of(await home.get(uow, principal, assessment_id))


@router.put("/home-assessments/{assessment_id}/scores", response_model=AssessmentOut)
async def score_home_assessment(
    assessment_id: uuid.UUID, body: commands.ScoreHomeAssessment, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> AssessmentOut:
    """Self scores and notes of the items named (a draft or a returned assessment)."""
    async with runtime.uow() as uow:
        return AssessmentOut.of(await home.score(uow, principal, assessment_id, body))


@router.post("/home-assessments/{assessment_id}/evidence", response_model=AssessmentOut, status_code=201)
async def add_home_evidence(
    assessment_id: uuid.UUID, body: commands.AddHomeEvidence, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> AssessmentOut:
    """An evidence entry for one item (a title and a description)."""
    async with runtime.uow() as uow:
        return AssessmentOut.of(await home.add_evidence(uow, principal, assessment_id, body))


@router.post("/home-assessments/{assessment_id}/submission", response_model=AssessmentOut)
async def submit_home_assessment(
    assessment_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> AssessmentOut:
    """Submit for review: every item self-scored, evidence for every item that requires it."""
    async with runtime.uow() as uow:
        return AssessmentOut.of(await home.submit(uow, principal, assessment_id))


@router.post("/home-assessments/{assessment_id}/return", response_model=AssessmentOut)
async def return_home_assessment(
    assessment_id: uuid.UUID, body: commands.ReturnWithReason, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> AssessmentOut:
    """The upper level returns a submitted assessment with its reason; the union edits and submits again."""
    async with runtime.uow() as uow:
        return AssessmentOut.of(await home.return_to_union(uow, principal, assessment_id, body))


@router.post("/home-assessments/{assessment_id}/review", response_model=AssessmentOut)
async def review_home_assessment(
    assessment_id: uuid.UUID, body: commands.ReviewHomeAssessment, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> AssessmentOut:
    """The upper level scores every item; the level follows from the reviewed total by the
    checklist's thresholds (or none: 未达标), with the renewal date from the award's date."""
    async with runtime.uow() as uow:
        return AssessmentOut.of(await home.review(uow, principal, assessment_id, body))


class DueAwardOut(AssessmentLineOut):
    days_left: int = Field(description="to the renewal date; negative: expired that many days ago")


class DueOut(BaseModel):
    today: dt.date = Field(description="today in the federation's time zone")
    awards: list[DueAwardOut]


@router.get("/organizations/{organization_id}/home-awards/due-for-renewal", response_model=DueOut)
async def home_awards_due_for_renewal(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    within_days: int = Query(default=180, ge=0, le=3660),
) -> DueOut:
    """Each union's latest award whose renewal date falls within ``within_days`` or has passed."""
    async with runtime.uow() as uow:
        due = await home.renewals_due(uow, principal, organization_id, within_days)
    return DueOut(
        today=due.today,
        awards=[
            DueAwardOut(
                **AssessmentLineOut.of(line).model_dump(),
                days_left=((line.assessment.renew_by or due.today) - due.today).days,
            )
            for line in due.awards
        ],
    )


class CertifiedOut(BaseModel):
    unions: int = Field(description="grassroots unions counted")
    certified: int = Field(description="of them holding a current award")
    qualified: int
    advanced: int
    model: int
    per_mille: int | None = Field(description="certified of unions, rounded; null without unions")
    percent: float | None = Field(description="for display, one decimal")

    @classmethod
    def of(cls, c: Certified) -> "CertifiedOut":
        pm = c.per_mille
        return cls(
            unions=c.unions,
            certified=c.certified,
            qualified=c.by_level["qualified"],
            advanced=c.by_level["advanced"],
            model=c.by_level["model"],
            per_mille=pm,
            percent=None if pm is None else pm / 10,
        )


class RateLineOut(CertifiedOut):
    organization_id: str
    organization_name: str


class CertificationRateOut(BaseModel):
    organization_id: str
    organization_name: str
    today: dt.date
    total: CertifiedOut
    lines: list[RateLineOut] = Field(description="per organization directly under it with unions below")


@router.get(
    "/organizations/{organization_id}/home-certification-rate",
    response_model=CertificationRateOut,
    responses=spreadsheet.openapi_responses(
        "The rate as JSON, or with `format=xlsx` as an Excel sheet (a line per organization under it and the total)"
    ),
)
async def home_certification_rate(
    organization_id: str,
    request: Request,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    output: Literal["json", "xlsx"] = Query(default="json", alias="format", description="`xlsx` for an Excel sheet"),
) -> CertificationRateOut | Response:
    """建家达标率: grassroots unions holding a current award of the subtree's grassroots unions, by
    level (合格 / 先进 / 模范), in total and per organization directly under it."""
    async with runtime.uow() as uow:
        rate = await home.certification_rate(uow, principal, organization_id)
    if output == "xlsx":
        language = language_of(request)
        filename, rows = home_sheets.rate_sheet(rate, language)
        return spreadsheet.xlsx_download(
            filename, home_sheets.SHEET_TITLE[language], home_sheets.SHEET_HEADERS[language], rows
        )
    return CertificationRateOut(
        organization_id=rate.root.id,
        organization_name=rate.root.name,
        today=rate.today,
        total=CertifiedOut.of(rate.total),
        lines=[
            RateLineOut(
                **CertifiedOut.of(line.rate).model_dump(),
                organization_id=line.organization.id,
                organization_name=line.organization.name,
            )
            for line in rate.lines
        ],
    )
