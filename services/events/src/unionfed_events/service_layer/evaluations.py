"""Use cases of democratic evaluations (民主评议) of a union's leaders and of the annual 师德
assessment of its teachers.

An evaluation is drafted by the union's officers with its subjects, opened (the union's active
members are its staff forms; ``outside_forms`` one-time codes are printed for parents and other
outside respondents), answered (members through their self-service, outside respondents with a
code on the public route, each once), closed, and its results submitted to the level above, which
reads them in its roll-up — never the answers. Who answered and what was answered are stored apart
(``adapters.evaluation_repository``), and a form kind's tallies show only from MIN_GROUP answers on.

师德: the union's officers assess each member for the year (优秀 / 合格 / 基本合格 / 不合格, a note
for the last two) and submit the year's list to the county, which reads per school the counts per
result and the members not yet assessed. Officers write; officers and auditors in scope read.
"""

import dataclasses
import secrets
import uuid
from typing import Literal

from unionfed_events.domain import evaluations as rules
from unionfed_events.domain.evaluations import EthicsAssessment, EthicsSubmission, Evaluation, EvaluationAnswers
from unionfed_events.domain.union_directory import GRASSROOTS_UNION, Organization
from unionfed_events.service_layer import commands
from unionfed_events.service_layer.self_service import my_member
from unionfed_events.service_layer.union_scope import OFFICERS, now, organization_in_scope
from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_shared import business_time
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Invalid, NotFound

READERS = (*OFFICERS, Role.AUDITOR)


async def _year(uow: EventsUnitOfWork, organization_id: str, year: int | None) -> int:
    return year or business_time.business_year(now(), await uow.unions.time_zone_of(organization_id))


def _not_found() -> NotFound:
    return NotFound(
        "evaluation_not_found", zh="未找到该评议，或不在您的范围内", en="evaluation not found or outside your scope"
    )


async def _evaluation(
    uow: EventsUnitOfWork,
    principal: Principal,
    evaluation_id: uuid.UUID,
    *roles: Role,
    lock: Literal["update", "share"] | None = None,
) -> Evaluation:
    """The evaluation, if the caller's scope holds its union; else the same 404 as a missing one."""
    evaluation = await uow.evaluations.get(evaluation_id, lock=lock)
    path = await uow.unions.path_of(evaluation.organization_id) if evaluation else None
    if evaluation is None or path is None or not principal.can_see(path):
        raise _not_found()
    principal.require_role(*roles)
    return evaluation


async def draft_evaluation(
    uow: EventsUnitOfWork, principal: Principal, organization_id: str, command: commands.DraftEvaluation
) -> dict:
    union = await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*OFFICERS)
    evaluation = Evaluation(
        id=uuid.uuid4(),
        organization_id=union.id,
        federation_id=union.federation_id,
        title=rules.clean_title(command.title),
        year=await _year(uow, union.id, command.year),
        scale=command.scale,
        subjects=rules.check_subjects([rules.Subject.of(s.name, s.post) for s in command.subjects]),
        status=rules.DRAFT,
        created_by=principal.subject,
    )
    await uow.evaluations.add(evaluation)
    await uow.commit()
    return await _view(uow, evaluation.id)


def new_codes(count: int) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        codes.add("".join(secrets.choice(rules.CODE_ALPHABET) for _ in range(rules.CODE_LENGTH)))
    return sorted(codes)


async def open_evaluation(
    uow: EventsUnitOfWork, principal: Principal, evaluation_id: uuid.UUID, command: commands.OpenEvaluation
) -> dict:
    """The union's active members at this moment get staff forms; ``outside_forms`` codes are issued."""
    evaluation = await _evaluation(uow, principal, evaluation_id, *OFFICERS, lock="update")
    opened = evaluation.opened(now(), command.outside_forms)
    members = await uow.unions.active_members_under(evaluation.organization_id)
    if not members and not command.outside_forms:
        raise Invalid(
            "evaluation_no_respondents",
            zh="该工会没有在职会员，也未发放校外评议表，无人可评议",
            en="the union has no active members and no outside forms were issued",
        )
    await uow.evaluations.add_staff(evaluation.id, (m.id for m in members))
    await uow.evaluations.add_codes(evaluation.id, new_codes(command.outside_forms))
    await uow.evaluations.save_state(opened)
    await uow.commit()
    return await _view(uow, evaluation.id)


async def close_evaluation(uow: EventsUnitOfWork, principal: Principal, evaluation_id: uuid.UUID) -> dict:
    evaluation = await _evaluation(uow, principal, evaluation_id, *OFFICERS, lock="update")
    await uow.evaluations.save_state(evaluation.closed(now()))
    await uow.commit()
    return await _view(uow, evaluation.id)


async def get_evaluation(uow: EventsUnitOfWork, principal: Principal, evaluation_id: uuid.UUID) -> dict:
    evaluation = await _evaluation(uow, principal, evaluation_id, *READERS)
    return await _view(uow, evaluation.id)


async def evaluations_of(uow: EventsUnitOfWork, principal: Principal, organization_id: str) -> list[dict]:
    await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    return [await _view(uow, e.id) for e in await uow.evaluations.of_organization(organization_id)]


async def codes_of(uow: EventsUnitOfWork, principal: Principal, evaluation_id: uuid.UUID) -> list[dict]:
    """The outside answer codes to print, one per form, with whether each was used (not by whom, not how)."""
    evaluation = await _evaluation(uow, principal, evaluation_id, *OFFICERS)
    return [{"code": code, "used": used} for code, used in await uow.evaluations.codes(evaluation.id)]


async def _view(uow: EventsUnitOfWork, evaluation_id: uuid.UUID) -> dict:
    evaluation = await uow.evaluations.get(evaluation_id)
    assert evaluation is not None  # the callers have just read or made it
    view = dataclasses.asdict(evaluation)
    view.pop("submitted_results")
    view["return_rates"] = rules.return_rates(await uow.evaluations.counts(evaluation.id))
    return view


async def _results(uow: EventsUnitOfWork, evaluation: Evaluation) -> dict:
    given = await uow.evaluations.answers(evaluation.id)
    return {
        "return_rates": rules.return_rates(await uow.evaluations.counts(evaluation.id)),
        "options": list(rules.SCALES[evaluation.scale]),
        "results": rules.tally(evaluation, given),
        "withheld_forms": [f for f in rules.withheld_forms(given) if any(a.form == f for a in given)],
        "min_group": rules.MIN_GROUP,
    }


async def results(uow: EventsUnitOfWork, principal: Principal, evaluation_id: uuid.UUID) -> dict:
    """Return rates per form kind and overall; per subject and form kind the counts per rating and
    the approving share, for form kinds with at least MIN_GROUP answers; comments unsigned."""
    evaluation = await _evaluation(uow, principal, evaluation_id, *READERS)
    return {**await _view(uow, evaluation.id), **await _results(uow, evaluation)}


async def submit_results(uow: EventsUnitOfWork, principal: Principal, evaluation_id: uuid.UUID) -> dict:
    """The closed evaluation's results, as they are now, go to the level above (上报)."""
    evaluation = await _evaluation(uow, principal, evaluation_id, *OFFICERS, lock="update")
    submitted = evaluation.submitted(principal.subject, now(), await _results(uow, evaluation))
    await uow.evaluations.save_state(submitted)
    await uow.commit()
    return await _view(uow, evaluation.id)


async def evaluation_rollup(
    uow: EventsUnitOfWork, principal: Principal, organization_id: str, year: int | None
) -> tuple[int, list[dict]]:
    """The year's submitted results of the unions of the subtree: what was submitted, never the answers."""
    await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    year = await _year(uow, organization_id, year)
    names = dict(await uow.unions.grassroots_unions_under(organization_id))
    return year, [
        {
            "evaluation_id": e.id,
            "organization_id": e.organization_id,
            "organization_name": names.get(e.organization_id, e.organization_id),
            "title": e.title,
            "year": e.year,
            "scale": e.scale,
            "submitted_at": e.submitted_at,
            "results": e.submitted_results,
        }
        for e in await uow.evaluations.submitted_under(organization_id, year)
    ]


# Answering: members through their self-service, outside respondents with a code


async def my_evaluations(uow: EventsUnitOfWork, principal: Principal) -> list[dict]:
    """Open evaluations the signed-in member was asked to answer and has not, with their subjects."""
    member = await my_member(uow, principal)
    return [await _view(uow, i) for i in await uow.evaluations.to_answer(member.id)]


async def answer_as_member(
    uow: EventsUnitOfWork, principal: Principal, evaluation_id: uuid.UUID, command: commands.EvaluationResponse
) -> None:
    """The member answers a staff form, once; the form is stored without their id."""
    member = await my_member(uow, principal)
    evaluation = await uow.evaluations.get(evaluation_id, lock="share")
    # Locking the member's row, and marking it as they answer, lets each answer at most once.
    answered = await uow.evaluations.staff_answered(evaluation_id, member.id, lock=True) if evaluation else None
    if evaluation is None or answered is None:
        raise _not_found()  # not asked: the same answer as for a missing evaluation
    stored = rules.check_ratings(evaluation, [r.model_dump() for r in command.ratings])
    rules.check_staff_can_answer(evaluation, True, answered)
    await uow.evaluations.record_staff_answers(
        member.id, EvaluationAnswers(uuid.uuid4(), evaluation.id, "staff", stored)
    )
    await uow.commit()


async def _by_code(uow: EventsUnitOfWork, code: str, *, lock: bool = False) -> tuple[str, Evaluation]:
    code = rules.normalize_code(code)
    found = await uow.evaluations.code(code, lock=lock)
    rules.check_code(found is not None, found is not None and found[1])
    assert found is not None
    evaluation = await uow.evaluations.get(found[0], lock="share" if lock else None)
    assert evaluation is not None  # a code belongs to its evaluation
    evaluation.check_open()
    return code, evaluation


async def outside_form(uow: EventsUnitOfWork, code: str) -> Evaluation:
    """What an outside respondent's code opens: the evaluation's title, scale and subjects (no sign-in)."""
    return (await _by_code(uow, code))[1]


async def answer_with_code(uow: EventsUnitOfWork, command: commands.OutsideEvaluationResponse) -> None:
    """An outside respondent answers with their code, once: the code is marked used, the form is
    stored without it."""
    code, evaluation = await _by_code(uow, command.code, lock=True)
    stored = rules.check_ratings(evaluation, [r.model_dump() for r in command.ratings])
    await uow.evaluations.record_code_answers(code, EvaluationAnswers(uuid.uuid4(), evaluation.id, "outside", stored))
    await uow.commit()


# 师德考核


async def _union(uow: EventsUnitOfWork, principal: Principal, organization_id: str) -> Organization:
    union = await organization_in_scope(uow, principal, organization_id)
    if union.kind != GRASSROOTS_UNION:
        raise Invalid(
            "ethics_not_a_union",
            zh="师德考核由基层工会（学校）进行，请选择学校工会",
            en="the 师德 assessment is kept by a grassroots union",
        )
    return union


async def ethics_list(uow: EventsUnitOfWork, principal: Principal, organization_id: str, year: int | None) -> dict:
    """The union's active members with their assessment of the year (None: not yet assessed)."""
    union = await _union(uow, principal, organization_id)
    principal.require_role(*READERS)
    year = await _year(uow, union.id, year)
    members = await uow.unions.active_members_under(union.id)
    assessed = {a.member_id: a for a in await uow.evaluations.ethics_of(union.id, year)}
    submission = await uow.evaluations.ethics_submission(union.id, year)
    rows = [
        {
            "member_id": m.id,
            "display_name": m.display_name,
            "organization_id": m.organization_id,
            "result": assessed[m.id].result if m.id in assessed else None,
            "note": assessed[m.id].note if m.id in assessed else "",
            "assessed_at": assessed[m.id].assessed_at if m.id in assessed else None,
        }
        for m in members
    ]
    results = [assessed[m.id].result for m in members if m.id in assessed]
    return {
        "organization_id": union.id,
        "year": year,
        "submitted_at": submission.submitted_at if submission else None,
        "summary": rules.ethics_counts(results, len(rows)),
        "members": rows,
    }


async def assess_ethics(
    uow: EventsUnitOfWork, principal: Principal, organization_id: str, command: commands.AssessEthics
) -> dict:
    """Record (or correct, until the year's list is submitted) one member's 师德 result."""
    union = await _union(uow, principal, organization_id)
    principal.require_role(*OFFICERS)
    year = await _year(uow, union.id, command.year)
    note = rules.check_ethics(command.result, command.note)
    rules.check_not_submitted(await uow.evaluations.ethics_submission(union.id, year, lock=True), year)
    if not await uow.unions.active_members_under(union.id, [command.member_id]):
        raise NotFound(
            "member_not_found",
            zh="未找到该会员，或该会员不是本工会的在职会员",
            en="member not found among the union's active members",
        )
    assessment = EthicsAssessment(union.id, year, command.member_id, command.result, note, principal.subject)
    await uow.evaluations.save_ethics(assessment)
    await uow.commit()
    return {**dataclasses.asdict(assessment), "assessed_at": now()}


async def submit_ethics(uow: EventsUnitOfWork, principal: Principal, organization_id: str, year: int | None) -> dict:
    """The year's list goes to the county; every active member must be assessed, and it is then fixed."""
    union = await _union(uow, principal, organization_id)
    principal.require_role(*OFFICERS)
    year = await _year(uow, union.id, year)
    rules.check_not_submitted(await uow.evaluations.ethics_submission(union.id, year, lock=True), year)
    members = {m.id for m in await uow.unions.active_members_under(union.id)}
    assessed = {a.member_id for a in await uow.evaluations.ethics_of(union.id, year)}
    rules.check_all_assessed(len(members - assessed), year)
    await uow.evaluations.submit_ethics(EthicsSubmission(union.id, year, principal.subject))
    await uow.commit()
    return await ethics_list(uow, principal, union.id, year)


async def ethics_rollup(uow: EventsUnitOfWork, principal: Principal, organization_id: str, year: int | None) -> dict:
    """Per school (grassroots union) of the subtree: members, counts per result, not yet assessed,
    and whether the year's list was submitted; with the totals."""
    await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    year = await _year(uow, organization_id, year)
    unions = []
    for union_id, name in await uow.unions.grassroots_unions_under(organization_id):
        members = {m.id for m in await uow.unions.active_members_under(union_id)}
        results = [a.result for a in await uow.evaluations.ethics_of(union_id, year) if a.member_id in members]
        submission = await uow.evaluations.ethics_submission(union_id, year)
        unions.append(
            {
                "organization_id": union_id,
                "name": name,
                "submitted_at": submission.submitted_at if submission else None,
                **rules.ethics_counts(results, len(members)),
            }
        )
    total = rules.ethics_counts([], 0)
    for u in unions:
        for key in ("members", "assessed", "not_assessed"):
            total[key] += u[key]
        for result in rules.ETHICS_RESULTS:
            total["counts"][result] += u["counts"][result]
    total["submitted"] = sum(1 for u in unions if u["submitted_at"])
    return {"organization_id": organization_id, "year": year, "unions": unions, "total": total}
