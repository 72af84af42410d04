"""Staff and workers' congresses over HTTP; surveys and award nominations are included from their modules.

Times are stored in UTC and answered with Beijing's offset (+08:00); times sent in must carry
their zone. Representatives act with a ``member`` token whose subject is their member id.
"""

import dataclasses
import datetime as dt
import uuid
from typing import Literal

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel

from unionfed_events.adapters.tables import directory
from unionfed_events.domain.congress import CongressSession, Representative, shown
from unionfed_events.entrypoints import nomination_http, survey_http
from unionfed_events.entrypoints.dependencies import CurrentRuntime
from unionfed_events.service_layer import (
    congress_proposals,
    congress_sessions,
    congress_votes,
    event_sheets,
    printed_names,
    proposal_sheet,
)
from unionfed_events.service_layer.commands import (
    AnswerProposal,
    Ballot,
    FileProposal,
    NameRepresentatives,
    OpenVote,
    PlanSession,
)
from unionfed_events.service_layer.union_scope import now
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.documents import downloads, pdf, printed_form, spreadsheet
from unionfed_shared.idempotent_routes import IdempotentRoute, exempt
from unionfed_shared.problems import language_of
from unionfed_shared.wire_values import Moment

router = APIRouter(prefix="/v1", tags=["staff congress"], route_class=IdempotentRoute)


class SessionOut(BaseModel):
    id: uuid.UUID
    organization_id: str
    kind: str
    congress_number: int
    session_number: int
    title: str
    starts_on: dt.date
    ends_on: dt.date
    answer_deadline: dt.datetime
    min_seconders: int
    created_by: str

    @classmethod
    def of(cls, session: CongressSession) -> "SessionOut":
        fields = dataclasses.asdict(session)
        return cls(
            **{k: fields[k] for k in cls.model_fields if k in fields and k != "answer_deadline"},
            title=session.title,
            answer_deadline=shown(session.answer_deadline),
        )


class RepresentativeOut(BaseModel):
    id: uuid.UUID
    display_name: str
    organization_id: str

    @classmethod
    def of(cls, representative: Representative) -> "RepresentativeOut":
        return cls(**dataclasses.asdict(representative))


class ProposalOut(BaseModel):
    id: uuid.UUID
    session_id: uuid.UUID
    number: int
    title: str
    body: str
    proposer_id: uuid.UUID
    seconders: list[uuid.UUID]
    status: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    answer: str | None
    answer_text: str | None
    merged_into: uuid.UUID | None
    department: str | None
    answered_by: str | None
    answered_at: dt.datetime | None

    @classmethod
    def of(cls, p: dict) -> "ProposalOut":
        times = {k: shown(p[k]) for k in ("created_at", "submitted_at", "answered_at")}
        return cls(**{**{k: p[k] for k in cls.model_fields}, **times})


class OverdueOut(BaseModel):
    session_id: uuid.UUID
    answer_deadline: dt.datetime
    as_of: dt.datetime
    proposals: list[ProposalOut]


class MotionOut(BaseModel):
    id: uuid.UUID
    session_id: uuid.UUID
    title: str
    status: str
    quorum: str
    pass_rule: str
    representatives: int
    present: int
    ballots_cast: int
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None
    result: str | None
    opened_by: str
    created_at: dt.datetime
    closed_by: str | None
    closed_at: dt.datetime | None

    @classmethod
    def of(cls, m: dict) -> "MotionOut":
        fields = {k: m[k] for k in cls.model_fields if k in m}
        return cls(
            **{
                **fields,
                "quorum": f"{m['quorum_numerator']}/{m['quorum_denominator']}",
                "created_at": shown(m["created_at"]),
                "closed_at": shown(m["closed_at"]),
            }
        )


@router.post(
    "/organizations/{organization_id}/congress-sessions", status_code=status.HTTP_201_CREATED, response_model=SessionOut
)
async def plan_session(
    organization_id: str, body: PlanSession, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> SessionOut:
    """Plan a session of the union's congress, e.g. the 3rd session of the 14th 教代会."""
    async with runtime.uow() as uow:
        return SessionOut.of(await congress_sessions.plan_session(uow, principal, organization_id, body))


@router.get("/organizations/{organization_id}/congress-sessions", response_model=list[SessionOut])
async def list_sessions(organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[SessionOut]:
    async with runtime.uow() as uow:
        return [SessionOut.of(s) for s in await congress_sessions.sessions_of(uow, principal, organization_id)]


@router.get("/congress-sessions/{session_id}", response_model=SessionOut)
async def get_session(session_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> SessionOut:
    async with runtime.uow() as uow:
        return SessionOut.of(await congress_sessions.session_in_scope(uow, principal, session_id))


@router.post("/congress-sessions/{session_id}/representatives", response_model=list[RepresentativeOut])
async def name_representatives(
    session_id: uuid.UUID, body: NameRepresentatives, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[RepresentativeOut]:
    """Add elected representatives (members of the union); answers the whole list."""
    async with runtime.uow() as uow:
        return [
            RepresentativeOut.of(r)
            for r in await congress_sessions.add_representatives(uow, principal, session_id, body.member_ids)
        ]


@router.get("/congress-sessions/{session_id}/representatives", response_model=list[RepresentativeOut])
async def list_representatives(
    session_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[RepresentativeOut]:
    async with runtime.uow() as uow:
        return [RepresentativeOut.of(r) for r in await congress_sessions.representatives_of(uow, principal, session_id)]


@router.post(
    "/congress-sessions/{session_id}/proposals", status_code=status.HTTP_201_CREATED, response_model=ProposalOut
)
async def file_proposal(
    session_id: uuid.UUID, body: FileProposal, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> ProposalOut:
    """A representative files a proposal (提案); it stands once enough other representatives second it."""
    async with runtime.uow() as uow:
        return ProposalOut.of(await congress_proposals.file_proposal(uow, principal, session_id, body))


@router.get(
    "/congress-sessions/{session_id}/proposals",
    response_model=list[ProposalOut],
    responses=downloads.file_responses(
        "The proposals (JSON); with `format=pdf` the answer sheet to print (each proposal with its proposer, "
        "seconders, state and answer, the overdue ones marked); with `format=xlsx` an Excel sheet (proposer by "
        "name, seconders counted, the answer and its date, overdue or not)",
        pdf.MEDIA_TYPE,
        spreadsheet.MEDIA_TYPE,
    ),
)
async def list_proposals(
    session_id: uuid.UUID,
    request: Request,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    output: Literal["json", "pdf", "xlsx"] = Query(
        default="json",
        alias="format",
        description="`json` (default), `pdf` for the answer sheet (提案答复情况表), `xlsx` for an Excel sheet",
    ),
) -> list[ProposalOut] | Response:
    if output == "xlsx":
        language = language_of(request)
        async with runtime.uow() as uow:
            title, rows = await event_sheets.proposal_rows(uow, principal, session_id, language, now())
        sheet_title = event_sheets.PROPOSALS_TITLE[language]
        return spreadsheet.xlsx_download(
            f"{sheet_title}-{title}.xlsx", sheet_title, event_sheets.PROPOSAL_HEADERS[language], rows
        )
    async with runtime.uow() as uow:
        proposals = await congress_proposals.proposals_of(uow, principal, session_id)
        if output == "pdf":
            return await _proposal_sheet(uow, principal, session_id, proposals)
        return [ProposalOut.of(p) for p in proposals]


async def _proposal_sheet(uow, principal, session_id: uuid.UUID, proposals: list[dict]) -> Response:
    session = await congress_sessions.session_in_scope(uow, principal, session_id)
    head = await printed_form.letterhead(directory, uow.session, session.organization_id)
    people = {p["proposer_id"] for p in proposals} | {s for p in proposals for s in p["seconders"]}
    names = await printed_names.member_names(uow, people)
    page = proposal_sheet.render_proposal_sheet(session, proposals, names, head, printed_at=now())
    return downloads.attachment(
        await pdf.render_pdf(page), pdf.MEDIA_TYPE, proposal_sheet.file_name(session, head.lang)
    )


@router.get("/congress-sessions/{session_id}/overdue-proposals", response_model=OverdueOut)
async def overdue_proposals(
    session_id: uuid.UUID,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    as_of: Moment | None = Query(default=None),
) -> OverdueOut:
    """Proposals that stand and have no answer after the session's deadline (as of now, or ``as_of``)."""
    async with runtime.uow() as uow:
        session, proposals = await congress_proposals.overdue_proposals(uow, principal, session_id, as_of)
    return OverdueOut(
        session_id=session_id,
        answer_deadline=shown(session.answer_deadline),
        as_of=shown(as_of or now()),
        proposals=[ProposalOut.of(p) for p in proposals],
    )


@router.post(
    "/congress-proposals/{proposal_id}/seconders", status_code=status.HTTP_201_CREATED, response_model=ProposalOut
)
async def second_proposal(proposal_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> ProposalOut:
    """Second (附议) another representative's proposal, once."""
    async with runtime.uow() as uow:
        return ProposalOut.of(await congress_proposals.second_proposal(uow, principal, proposal_id))


@router.post("/congress-proposals/{proposal_id}/answer", response_model=ProposalOut)
async def answer_proposal(
    proposal_id: uuid.UUID, body: AnswerProposal, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> ProposalOut:
    """Answer a proposal once: accepted (立案), merged into another, referred to a department, or rejected with a reason."""
    async with runtime.uow() as uow:
        return ProposalOut.of(await congress_proposals.answer_proposal(uow, principal, proposal_id, body))


@router.post("/congress-sessions/{session_id}/motions", status_code=status.HTTP_201_CREATED, response_model=MotionOut)
async def open_vote(
    session_id: uuid.UUID, body: OpenVote, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> MotionOut:
    """Open a vote on a motion (票决制, e.g. school rules) with the representatives present."""
    async with runtime.uow() as uow:
        return MotionOut.of(await congress_votes.open_vote(uow, principal, session_id, body))


@router.get("/congress-sessions/{session_id}/motions", response_model=list[MotionOut])
async def list_motions(session_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[MotionOut]:
    """The session's votes in the order opened; an open vote shows its ballots cast, not its counts."""
    async with runtime.uow() as uow:
        return [MotionOut.of(m) for m in await congress_votes.motions_of(uow, principal, session_id)]


@router.get("/congress-motions/{motion_id}", response_model=MotionOut)
async def get_motion(motion_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> MotionOut:
    async with runtime.uow() as uow:
        return MotionOut.of(await congress_votes.get_motion(uow, principal, motion_id))


@router.post("/congress-motions/{motion_id}/ballots", status_code=status.HTTP_201_CREATED, response_model=MotionOut)
@exempt(
    "a secret ballot: a stored key and answer would tie the voter to the vote; "
    "one ballot per representative, so a retry is refused, never counted twice"
)
async def cast_ballot(
    motion_id: uuid.UUID, body: Ballot, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> MotionOut:
    """A representative present votes once: for, against or abstain (secret: only counts are kept)."""
    async with runtime.uow() as uow:
        return MotionOut.of(await congress_votes.cast_ballot(uow, principal, motion_id, body.choice))


@router.post("/congress-motions/{motion_id}/close", response_model=MotionOut)
async def close_vote(motion_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> MotionOut:
    """Close the vote and count it: passed, failed, or no_quorum."""
    async with runtime.uow() as uow:
        return MotionOut.of(await congress_votes.close_vote(uow, principal, motion_id))


router.include_router(survey_http.router)
router.include_router(nomination_http.router)
