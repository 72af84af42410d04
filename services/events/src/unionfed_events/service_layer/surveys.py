"""Use cases of surveys and democratic evaluations: draft, send, respond, close, results.

Anonymity is kept by the storage: ``survey_recipients`` says who was asked and whether they
answered; ``survey_responses`` holds the answers under a random id, with the respondent's branch
of the scope and nothing else (no member, no time), so no query can join one to the other.
Known limit: both rows are written by one transaction, so a database superuser reading system
columns (xmin) could pair them; nothing in the API or schema can.
"""

import dataclasses
import uuid

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from unionfed_events.adapters.congress_tables import survey_recipients, survey_responses, surveys
from unionfed_events.domain import surveys as rules
from unionfed_events.service_layer.congress import (
    OFFICERS,
    acting_member,
    active_members_under,
    now,
    organization_in_scope,
    orgs,
)
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Conflict, Invalid, NotFound
from unionfed_shared.messaging.unit_of_work import UnitOfWork

RESULT_READERS = (*OFFICERS, Role.AUDITOR)


async def draft_survey(uow: UnitOfWork, principal: Principal, organization_id: str, command) -> dict:
    scope = await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*OFFICERS)
    questions = [rules.Question.of(q.kind, q.text, q.options, q.required) for q in command.questions]
    rules.check_questions(questions)
    title = command.title.strip()
    if not 1 <= len(title) <= 200:
        raise Invalid(
            "survey_title_length_invalid",
            zh="问卷标题须为 1 到 200 个字",
            en="a survey's title has 1 to 200 characters",
        )
    survey_id = uuid.uuid4()
    await uow.session.execute(
        pg_insert(surveys).values(
            id=survey_id,
            organization_id=scope.id,
            federation_id=scope.federation_id,
            kind=command.kind,
            title=title,
            questions=[dataclasses.asdict(q) for q in questions],
            status="draft",
            created_by=principal.subject,
        )
    )
    await uow.commit()
    return await survey_view(uow, survey_id)


async def _survey(uow: UnitOfWork, principal: Principal, survey_id: uuid.UUID, *, lock: str | None = None):
    """The survey, if the caller sees its scope or was sent it; else the same 404 as a missing one."""
    query = (
        select(surveys, orgs.c.path).join(orgs, orgs.c.id == surveys.c.organization_id).where(surveys.c.id == survey_id)
    )
    if lock:
        query = query.with_for_update(of=surveys, read=lock == "share")
    row = (await uow.session.execute(query)).first()
    visible = row is not None and (principal.can_see(row.path) or await _is_recipient(uow, principal, survey_id))
    if not visible:
        raise NotFound(
            "survey_not_found", zh="未找到该问卷，或不在您的范围内", en="survey not found or outside your scope"
        )
    return row


async def _is_recipient(uow: UnitOfWork, principal: Principal, survey_id: uuid.UUID) -> bool:
    if principal.role != Role.MEMBER:
        return False
    try:
        member_id = uuid.UUID(principal.member_id or "")
    except ValueError:
        return False
    return bool(
        await uow.session.scalar(
            select(func.count()).where(
                survey_recipients.c.survey_id == survey_id, survey_recipients.c.member_id == member_id
            )
        )
    )


async def send_survey(uow: UnitOfWork, principal: Principal, survey_id: uuid.UUID) -> dict:
    survey = await _survey(uow, principal, survey_id, lock="update")
    principal.require_role(*OFFICERS)
    if survey.status != "draft":
        raise Conflict(
            "survey_already_sent",
            zh=f"该问卷{rules.STATUS_ZH.get(survey.status, survey.status)}，不能再发放",
            en=f"the survey was already {survey.status}",
        )
    # The recipients are fixed now: members who join later are not asked, and do not lower the rate.
    recipients = await active_members_under(uow, survey.organization_id)
    if not recipients:
        raise Invalid(
            "no_eligible_members",
            zh=f"{survey.organization_id} 没有可发放问卷的在职会员",
            en=f"{survey.organization_id} has no active members to send the survey to",
        )
    await uow.session.execute(
        pg_insert(survey_recipients),
        [
            {"survey_id": survey_id, "member_id": m.id, "group_id": _branch(m.path, survey.organization_id)}
            for m in recipients
        ],
    )
    await uow.session.execute(
        update(surveys).where(surveys.c.id == survey_id).values(status="sent", sent_by=principal.subject, sent_at=now())
    )
    await uow.commit()
    return await survey_view(uow, survey_id)


def _branch(path: list[str], scope_id: str) -> str:
    """The scope's child the member belongs under (e.g. their school in a county survey), or the scope."""
    below = path[path.index(scope_id) + 1 :]
    return below[0] if below else scope_id


async def respond(uow: UnitOfWork, principal: Principal, survey_id: uuid.UUID, answers: list) -> None:
    survey = await _survey(uow, principal, survey_id, lock="share")
    member_id = acting_member(principal)
    stored = rules.check_answers([rules.Question(**q) for q in survey.questions], answers)
    # Marking the recipient first, only if not yet marked, is what lets each one answer at most once.
    recipient = (
        await uow.session.execute(
            select(survey_recipients)
            .where(survey_recipients.c.survey_id == survey_id, survey_recipients.c.member_id == member_id)
            .with_for_update()
        )
    ).first()
    rules.check_can_respond(survey.status, recipient is not None, recipient is not None and recipient.responded)
    assert recipient is not None  # check_can_respond refused a stranger
    await uow.session.execute(
        update(survey_recipients)
        .where(survey_recipients.c.survey_id == survey_id, survey_recipients.c.member_id == member_id)
        .values(responded=True)
    )
    await uow.session.execute(
        pg_insert(survey_responses).values(
            id=uuid.uuid4(), survey_id=survey_id, group_id=recipient.group_id, answers=stored
        )
    )
    await uow.commit()


async def close_survey(uow: UnitOfWork, principal: Principal, survey_id: uuid.UUID) -> dict:
    survey = await _survey(uow, principal, survey_id, lock="update")
    principal.require_role(*OFFICERS)
    if survey.status != "sent":
        raise Conflict(
            "survey_not_open",
            zh=f"该问卷{rules.STATUS_ZH.get(survey.status, survey.status)}，只有正在发放的问卷可以结束",
            en=f"the survey is {survey.status}; only a sent survey is closed",
        )
    await uow.session.execute(
        update(surveys)
        .where(surveys.c.id == survey_id)
        .values(status="closed", closed_by=principal.subject, closed_at=now())
    )
    await uow.commit()
    return await survey_view(uow, survey_id)


async def get_survey(uow: UnitOfWork, principal: Principal, survey_id: uuid.UUID) -> dict:
    await _survey(uow, principal, survey_id)
    return await survey_view(uow, survey_id)


async def surveys_of(uow: UnitOfWork, principal: Principal, organization_id: str) -> list[dict]:
    await organization_in_scope(uow, principal, organization_id)
    ids = await uow.session.scalars(
        select(surveys.c.id).where(surveys.c.organization_id == organization_id).order_by(surveys.c.created_at)
    )
    return [await survey_view(uow, i) for i in ids]


async def survey_view(uow: UnitOfWork, survey_id: uuid.UUID) -> dict:
    row = (await uow.session.execute(select(surveys).where(surveys.c.id == survey_id))).one()
    recipients, responses = await _counts(uow, survey_id)
    return {
        **row._mapping,
        "recipients": recipients,
        "responses": responses,
        "return_rate": rules.return_rate(responses, recipients),
    }


async def _counts(uow: UnitOfWork, survey_id: uuid.UUID) -> tuple[int, int]:
    row = (
        await uow.session.execute(
            select(func.count(), func.count().filter(survey_recipients.c.responded)).where(
                survey_recipients.c.survey_id == survey_id
            )
        )
    ).one()
    return row[0], row[1]


async def results(uow: UnitOfWork, principal: Principal, survey_id: uuid.UUID) -> dict:
    survey = await _survey(uow, principal, survey_id)
    principal.require_role(*RESULT_READERS)
    view = await survey_view(uow, survey_id)
    questions = [rules.Question(**q) for q in survey.questions]
    rows = list(
        await uow.session.execute(
            select(survey_responses.c.group_id, survey_responses.c.answers).where(
                survey_responses.c.survey_id == survey_id
            )
        )
    )
    view.update(results=None, breakdown=[], withheld=None)
    if len(rows) < rules.MIN_GROUP:
        view["withheld"] = f"results are shown from {rules.MIN_GROUP} responses on"
        return view
    view["results"] = rules.summarize(questions, [r.answers for r in rows])
    sizes: dict[str, int] = {}
    for r in rows:
        sizes[r.group_id] = sizes.get(r.group_id, 0) + 1
    shown, pooled = rules.groups_to_show(sizes)
    # Free texts are never broken down: a sentence plus a small group can name its writer.
    for group in shown:
        answer_sets = [r.answers for r in rows if r.group_id == group]
        view["breakdown"].append(
            {
                "group": group,
                "responses": len(answer_sets),
                "results": rules.summarize(questions, answer_sets, with_texts=False),
            }
        )
    if pooled:
        answer_sets = [r.answers for r in rows if r.group_id not in shown]
        view["breakdown"].append(
            {
                "group": rules.OTHERS,
                "responses": pooled,
                "results": rules.summarize(questions, answer_sets, with_texts=False),
            }
        )
    return view
