"""Democratic evaluations (民主评议) and the annual 师德 assessment over HTTP.

Three routers: the officers' and readers' routes under ``/v1``; a member's staff form under
``/v1/me``; and the outside respondents' (parents') form under ``/v1/public``, without sign-in,
opened and answered once with a one-time code. No answer of this module names a respondent.
"""

import datetime as dt
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, Field

from unionfed_events.domain.congress import shown
from unionfed_events.domain.evaluations import ETHICS_RESULTS, SCALES
from unionfed_events.entrypoints.dependencies import CurrentRuntime
from unionfed_events.service_layer import evaluations
from unionfed_events.service_layer.commands import (
    AssessEthics,
    DraftEvaluation,
    EvaluationResponse,
    OpenEvaluation,
    OutsideEvaluationResponse,
)
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.documents import spreadsheet
from unionfed_shared.idempotent_routes import IdempotentRoute, exempt
from unionfed_shared.problems import language_of

router = APIRouter(prefix="/v1", tags=["democratic evaluations and 师德"], route_class=IdempotentRoute)
me_router = APIRouter(prefix="/v1/me", tags=["self-service"], route_class=IdempotentRoute)
public_router = APIRouter(prefix="/v1/public", tags=["public"], route_class=IdempotentRoute)
Year = Annotated[int | None, Query(ge=2000, le=2100, description="Default: this year in the federation's time zone")]
Format = Annotated[Literal["json", "xlsx"], Query(alias="format", description="`xlsx` for an Excel sheet")]


class SubjectOut(BaseModel):
    name: str
    post: str


class FormRateOut(BaseModel):
    form: Literal["staff", "outside"]
    issued: int
    returned: int
    rate: str | None


class ReturnRatesOut(BaseModel):
    forms: list[FormRateOut] = Field(description="staff forms (members) and outside forms (answer codes)")
    issued: int
    returned: int
    rate: str | None = Field(description='all forms: "two kinds of forms, 82.0% returned"')


class EvaluationOut(BaseModel):
    id: uuid.UUID
    organization_id: str
    title: str
    year: int
    scale: Literal["grades", "points"]
    options: list[str] = Field(description="the ratings of the scale, best first")
    subjects: list[SubjectOut]
    status: Literal["draft", "open", "closed"]
    outside_forms: int
    created_at: dt.datetime
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    submitted_at: dt.datetime | None
    return_rates: ReturnRatesOut

    @classmethod
    def of(cls, e: dict) -> "EvaluationOut":
        fields = {k: e[k] for k in cls.model_fields if k in e}
        times = {k: shown(e[k]) for k in ("created_at", "opened_at", "closed_at", "submitted_at")}
        return cls(**{**fields, **times, "options": list(SCALES[e["scale"]])})


class RatingCountsOut(BaseModel):
    answers: int
    counts: dict[str, int] = Field(description="answers per rating")
    approving_share: str | None = Field(description="share of 优秀+称职 (or 5 and 4 points)")


class FormTallyOut(RatingCountsOut):
    form: Literal["staff", "outside"]


class SubjectResultOut(BaseModel):
    name: str
    post: str
    forms: list[FormTallyOut] = Field(description="per form kind with at least min_group answers")
    total: RatingCountsOut | None = Field(description="both kinds together; None when a kind is withheld")
    comments: list[str] = Field(description="unsigned, sorted")


class EvaluationFiguresOut(BaseModel):
    return_rates: ReturnRatesOut
    options: list[str]
    results: list[SubjectResultOut] = Field(description="per subject, in order")
    withheld_forms: list[str] = Field(description="form kinds with answers, but fewer than min_group")
    min_group: int


class EvaluationResultsOut(EvaluationOut, EvaluationFiguresOut):
    pass


class CodeOut(BaseModel):
    code: str
    used: bool


class SubmittedOut(BaseModel):
    evaluation_id: uuid.UUID
    organization_id: str
    organization_name: str
    title: str
    year: int
    scale: str
    submitted_at: dt.datetime
    results: EvaluationFiguresOut


class EvaluationRollupOut(BaseModel):
    organization_id: str
    year: int
    submitted: list[SubmittedOut] = Field(description="the submitted results of the unions of the subtree")


class EthicsRowOut(BaseModel):
    member_id: uuid.UUID
    display_name: str
    organization_id: str
    result: str | None = Field(description="优秀 / 合格 / 基本合格 / 不合格; None: not yet assessed")
    note: str
    assessed_at: dt.datetime | None


class EthicsCountsOut(BaseModel):
    members: int
    assessed: int
    not_assessed: int
    counts: dict[str, int]


class EthicsListOut(BaseModel):
    organization_id: str
    year: int
    submitted_at: dt.datetime | None = Field(description="when the year's list was submitted to the county")
    summary: EthicsCountsOut
    members: list[EthicsRowOut]


class EthicsAssessmentOut(BaseModel):
    organization_id: str
    year: int
    member_id: uuid.UUID
    result: str
    note: str
    assessed_by: str
    assessed_at: dt.datetime


class EthicsUnionOut(EthicsCountsOut):
    organization_id: str
    name: str
    submitted_at: dt.datetime | None


class EthicsTotalOut(EthicsCountsOut):
    submitted: int = Field(description="unions that submitted the year's list")


class EthicsRollupOut(BaseModel):
    organization_id: str
    year: int
    unions: list[EthicsUnionOut]
    total: EthicsTotalOut


class EthicsYear(BaseModel):
    year: int | None = Field(default=None, ge=2000, le=2100, description="Default: this year")


class OutsideFormOut(BaseModel):
    title: str
    organization_name: str
    scale: Literal["grades", "points"]
    options: list[str]
    subjects: list[SubjectOut]


@router.post(
    "/organizations/{organization_id}/evaluations", status_code=status.HTTP_201_CREATED, response_model=EvaluationOut
)
async def draft_evaluation(
    organization_id: str, body: DraftEvaluation, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> EvaluationOut:
    """Draft a democratic evaluation of the union's leaders (校长, 副校长, 中层干部…)."""
    async with runtime.uow() as uow:
        return EvaluationOut.of(await evaluations.draft_evaluation(uow, principal, organization_id, body))


@router.get("/organizations/{organization_id}/evaluations", response_model=list[EvaluationOut])
async def list_evaluations(
    organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[EvaluationOut]:
    async with runtime.uow() as uow:
        return [EvaluationOut.of(e) for e in await evaluations.evaluations_of(uow, principal, organization_id)]


@router.get("/evaluations/{evaluation_id}", response_model=EvaluationOut)
async def get_evaluation(
    evaluation_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> EvaluationOut:
    async with runtime.uow() as uow:
        return EvaluationOut.of(await evaluations.get_evaluation(uow, principal, evaluation_id))


@router.post("/evaluations/{evaluation_id}/open", response_model=EvaluationOut)
async def open_evaluation(
    evaluation_id: uuid.UUID, body: OpenEvaluation, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> EvaluationOut:
    """Open it: the union's active members get staff forms; ``outside_forms`` one-time codes are issued."""
    async with runtime.uow() as uow:
        return EvaluationOut.of(await evaluations.open_evaluation(uow, principal, evaluation_id, body))


@router.get("/evaluations/{evaluation_id}/codes", response_model=list[CodeOut])
async def list_codes(evaluation_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[CodeOut]:
    """The outside forms' answer codes, to print one per form (a used one is marked, not linked to its answers)."""
    async with runtime.uow() as uow:
        return [CodeOut(**c) for c in await evaluations.codes_of(uow, principal, evaluation_id)]


@router.post("/evaluations/{evaluation_id}/close", response_model=EvaluationOut)
async def close_evaluation(
    evaluation_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> EvaluationOut:
    async with runtime.uow() as uow:
        return EvaluationOut.of(await evaluations.close_evaluation(uow, principal, evaluation_id))


@router.get("/evaluations/{evaluation_id}/results", response_model=EvaluationResultsOut)
async def results(
    evaluation_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> EvaluationResultsOut:
    """Return rate per form kind and overall; counts per rating and the approving share per subject
    and form kind (from 3 answers of a kind on); comments unsigned."""
    async with runtime.uow() as uow:
        view = await evaluations.results(uow, principal, evaluation_id)
    return EvaluationResultsOut(**{**EvaluationOut.of(view).model_dump(), **EvaluationFiguresOut(**view).model_dump()})


@router.post("/evaluations/{evaluation_id}/submission", response_model=EvaluationOut)
async def submit_results(
    evaluation_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> EvaluationOut:
    """Submit the closed evaluation's results to the level above (上报), once."""
    async with runtime.uow() as uow:
        return EvaluationOut.of(await evaluations.submit_results(uow, principal, evaluation_id))


EVALUATION_ROLLUP_TITLE = {"zh-CN": "民主评议结果汇总", "en": "Democratic evaluation results roll-up"}
EVALUATION_ROLLUP_HEADERS = {
    "zh-CN": ("学校工会", "评议名称", "评议对象", "职务", "评议表", "有效评议表"),
    "en": ("Union", "Evaluation", "Subject", "Post", "Forms", "Answers"),
}
EVALUATION_ROLLUP_TAIL = {
    "zh-CN": ("满意率（优秀+称职或4、5分）", "回收率", "上报时间"),
    "en": ("Approving share", "Return rate", "Submitted at"),
}
FORM_NAMES = {
    "zh-CN": {"staff": "教职工评议表", "outside": "校外（家长）评议表", "total": "合计"},
    "en": {"staff": "staff forms", "outside": "outside forms", "total": "both"},
}
WITHHELD = {"zh-CN": "（不足 {n} 份，不单列）", "en": " (fewer than {n}, not shown)"}


def evaluation_rollup_sheet(submitted: list[dict], language: str) -> tuple[tuple[str, ...], list[list]]:
    """The submitted results as the county reads them: a line per subject and form kind shown, then
    the subject's total over both; the rating columns are the ratings of the scales used (grades
    first, then points), an empty cell where a scale does not have the rating."""
    options = [o for scale, ratings in SCALES.items() if any(s["scale"] == scale for s in submitted) for o in ratings]
    names = FORM_NAMES[language]
    rows: list[list] = []
    for s in submitted:
        results, rate = s["results"], s["results"]["return_rates"]["rate"]
        submitted_at = shown(s["submitted_at"]).replace(tzinfo=None)
        withheld = "".join(
            names[f] + WITHHELD[language].format(n=results["min_group"]) for f in results["withheld_forms"]
        )
        for subject in results["results"]:
            tallies = [(names[t["form"]], t) for t in subject["forms"]]
            if subject["total"] is not None and len(subject["forms"]) > 1:
                tallies.append((names["total"], subject["total"]))
            if not tallies:
                tallies = [(withheld or "—", {"answers": None, "counts": {}, "approving_share": None})]
            for form, tally in tallies:
                rows.append(
                    [
                        s["organization_name"],
                        s["title"],
                        subject["name"],
                        subject["post"],
                        form,
                        tally["answers"],
                        *(tally["counts"].get(o) if o in SCALES[s["scale"]] else None for o in options),
                        tally["approving_share"],
                        rate,
                        submitted_at,
                    ]
                )
    headers = (*EVALUATION_ROLLUP_HEADERS[language], *options, *EVALUATION_ROLLUP_TAIL[language])
    return headers, rows


@router.get(
    "/organizations/{organization_id}/evaluation-rollup",
    response_model=EvaluationRollupOut,
    responses=spreadsheet.openapi_responses("The roll-up as JSON, or with `format=xlsx` as an Excel sheet"),
)
async def evaluation_rollup(
    organization_id: str,
    request: Request,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    year: Year = None,
    output: Format = "json",
) -> EvaluationRollupOut | Response:
    """The year's submitted results of the unions under the organization: results only, never the
    answers (as an Excel sheet: a line per subject and form kind)."""
    async with runtime.uow() as uow:
        year_, found = await evaluations.evaluation_rollup(uow, principal, organization_id, year)
        name = (await uow.directory.names_of({organization_id})).get(organization_id, organization_id)
    if output == "xlsx":
        language = language_of(request)
        title = EVALUATION_ROLLUP_TITLE[language]
        headers, rows = evaluation_rollup_sheet(found, language)
        return spreadsheet.xlsx_download(f"{title}-{name}-{year_}.xlsx", title, headers, rows)
    return EvaluationRollupOut(
        organization_id=organization_id,
        year=year_,
        submitted=[SubmittedOut(**{**s, "submitted_at": shown(s["submitted_at"])}) for s in found],
    )


# 师德考核

ETHICS_TITLE = {"zh-CN": "师德考核", "en": "Professional ethics assessment"}
ETHICS_HEADERS = {
    "zh-CN": ("姓名", "所在组织", "考核结果", "情况说明"),
    "en": ("Name", "Organization", "Result", "Note"),
}
NOT_ASSESSED = {"zh-CN": "未考核", "en": "not assessed"}
ROLLUP_TITLE = {"zh-CN": "师德考核汇总", "en": "Professional ethics roll-up"}
ROLLUP_HEADERS = {
    "zh-CN": ("学校工会", "在职会员", *ETHICS_RESULTS, "未考核", "是否上报"),
    "en": ("Union", "Members", *ETHICS_RESULTS, "Not assessed", "Submitted"),
}
TOTAL = {"zh-CN": "合计", "en": "Total"}
YES_NO = {"zh-CN": ("已上报", "未上报"), "en": ("yes", "no")}


@router.get(
    "/organizations/{organization_id}/ethics-assessments",
    response_model=EthicsListOut,
    responses=spreadsheet.openapi_responses("The list as JSON, or with `format=xlsx` as an Excel sheet"),
)
async def ethics_list(
    organization_id: str,
    request: Request,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    year: Year = None,
    output: Format = "json",
) -> EthicsListOut | Response:
    """The union's active members with their 师德 result of the year (None: not yet assessed)."""
    async with runtime.uow() as uow:
        found = await evaluations.ethics_list(uow, principal, organization_id, year)
        names = await uow.directory.names_of({organization_id, *(m["organization_id"] for m in found["members"])})
    if output == "xlsx":
        language = language_of(request)
        title = ETHICS_TITLE[language]
        return spreadsheet.xlsx_download(
            f"{title}-{names.get(organization_id, organization_id)}-{found['year']}.xlsx",
            title,
            ETHICS_HEADERS[language],
            [
                [
                    m["display_name"],
                    names.get(m["organization_id"], m["organization_id"]),
                    m["result"] or NOT_ASSESSED[language],
                    m["note"],
                ]
                for m in found["members"]
            ],
        )
    return EthicsListOut(
        **{
            **found,
            "submitted_at": shown(found["submitted_at"]),
            "members": [{**m, "assessed_at": shown(m["assessed_at"])} for m in found["members"]],
        }
    )


@router.post(
    "/organizations/{organization_id}/ethics-assessments",
    status_code=status.HTTP_201_CREATED,
    response_model=EthicsAssessmentOut,
)
async def assess_ethics(
    organization_id: str, body: AssessEthics, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> EthicsAssessmentOut:
    """Record or correct one member's 师德 result of the year (a note for 基本合格 and 不合格), until submitted."""
    async with runtime.uow() as uow:
        found = await evaluations.assess_ethics(uow, principal, organization_id, body)
    return EthicsAssessmentOut(**{**found, "assessed_at": shown(found["assessed_at"])})


@router.post("/organizations/{organization_id}/ethics-submissions", response_model=EthicsListOut)
async def submit_ethics(
    organization_id: str, body: EthicsYear, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> EthicsListOut:
    """Submit the year's list to the county, once every active member is assessed; it is then fixed."""
    async with runtime.uow() as uow:
        found = await evaluations.submit_ethics(uow, principal, organization_id, body.year)
    return EthicsListOut(
        **{
            **found,
            "submitted_at": shown(found["submitted_at"]),
            "members": [{**m, "assessed_at": shown(m["assessed_at"])} for m in found["members"]],
        }
    )


@router.get(
    "/organizations/{organization_id}/ethics-rollup",
    response_model=EthicsRollupOut,
    responses=spreadsheet.openapi_responses("The roll-up as JSON, or with `format=xlsx` as an Excel sheet"),
)
async def ethics_rollup(
    organization_id: str,
    request: Request,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    year: Year = None,
    output: Format = "json",
) -> EthicsRollupOut | Response:
    """Per school of the subtree: members, counts per 师德 result, not yet assessed, list submitted or not."""
    async with runtime.uow() as uow:
        found = await evaluations.ethics_rollup(uow, principal, organization_id, year)
        name = (await uow.directory.names_of({organization_id})).get(organization_id, organization_id)
    if output == "xlsx":
        language = language_of(request)
        title = ROLLUP_TITLE[language]
        yes, no = YES_NO[language]
        rows = [
            [
                u["name"],
                u["members"],
                *(u["counts"][r] for r in ETHICS_RESULTS),
                u["not_assessed"],
                yes if u["submitted_at"] else no,
            ]
            for u in found["unions"]
        ]
        total = found["total"]
        rows.append(
            [
                TOTAL[language],
                total["members"],
                *(total["counts"][r] for r in ETHICS_RESULTS),
                total["not_assessed"],
                total["submitted"],
            ]
        )
        return spreadsheet.xlsx_download(f"{title}-{name}-{found['year']}.xlsx", title, ROLLUP_HEADERS[language], rows)
    return EthicsRollupOut(
        **{**found, "unions": [{**u, "submitted_at": shown(u["submitted_at"])} for u in found["unions"]]}
    )


# A member's staff form


@me_router.get(
    "/evaluations",
    response_model=list[EvaluationOut],
    summary="Democratic evaluations the signed-in member is asked to answer",
)
async def my_evaluations(principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[EvaluationOut]:
    async with runtime.uow() as uow:
        return [EvaluationOut.of(e) for e in await evaluations.my_evaluations(uow, principal)]


@me_router.post("/evaluations/{evaluation_id}/responses", status_code=status.HTTP_204_NO_CONTENT)
@exempt(
    "an anonymous answer: a stored key would tie the member to it; "
    "one answer per member, so a retry is refused, never counted twice"
)
async def answer_evaluation(
    evaluation_id: uuid.UUID, body: EvaluationResponse, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> None:
    """The member rates each subject, once. The form is stored without their id."""
    async with runtime.uow() as uow:
        await evaluations.answer_as_member(uow, principal, evaluation_id, body)


# An outside respondent's form: no sign-in, a one-time code


# Public routes have no bearer and no path id, so the document would not list their refusals by itself.
_CODE_REFUSALS: dict[int | str, dict] = {
    404: {"description": "An unknown answer code (`evaluation_code_unknown`)"},
    409: {"description": "An answer code already used (`evaluation_code_used`), or an evaluation no longer open"},
}


@public_router.get("/evaluation-form", response_model=OutsideFormOut, responses=_CODE_REFUSALS)
async def outside_form(
    runtime: CurrentRuntime, code: Annotated[str, Query(min_length=1, max_length=40)]
) -> OutsideFormOut:
    """What a printed answer code opens: the evaluation's title, union, scale and subjects. An unknown
    code is 404 ``evaluation_code_unknown``, a used one 409 ``evaluation_code_used``."""
    async with runtime.uow() as uow:
        evaluation = await evaluations.outside_form(uow, code)
        name = (await uow.directory.names_of({evaluation.organization_id})).get(evaluation.organization_id, "")
    return OutsideFormOut(
        title=evaluation.title,
        organization_name=name,
        scale=evaluation.scale,
        options=list(SCALES[evaluation.scale]),
        subjects=[SubjectOut(name=s.name, post=s.post) for s in evaluation.subjects],
    )


@public_router.post("/evaluation-responses", status_code=status.HTTP_204_NO_CONTENT, responses=_CODE_REFUSALS)
@exempt("the one-time code is the key: a second answer with it is refused (409 evaluation_code_used)")
async def answer_with_code(body: OutsideEvaluationResponse, runtime: CurrentRuntime) -> None:
    """An outside respondent (a parent…) answers with the code printed on their form, once.
    The code is marked used and the form stored without it: it is not traceable to them."""
    async with runtime.uow() as uow:
        await evaluations.answer_with_code(uow, body)
