"""Use cases of surveys and democratic evaluations: draft, send, respond, close, results.

Anonymity is kept by the storage (see ``adapters.survey_repository``): who responded and what was
answered are stored apart, and results are shown only for groups big enough to hide a respondent.
"""

import dataclasses
import uuid
from typing import Literal

from unionfed_events.domain import surveys as rules
from unionfed_events.domain.surveys import Answers, Recipient, Survey
from unionfed_events.service_layer import commands
from unionfed_events.service_layer.union_scope import OFFICERS, acting_member, now, organization_in_scope
from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import NotFound

RESULT_READERS = (*OFFICERS, Role.AUDITOR)


async def draft_survey(
    uow: EventsUnitOfWork, principal: Principal, organization_id: str, command: commands.DraftSurvey
) -> dict:
    scope = await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*OFFICERS)
    questions = [rules.Question.of(q.kind, q.text, q.options, q.required) for q in command.questions]
    rules.check_questions(questions)
    survey = Survey(
        id=uuid.uuid4(),
        organization_id=scope.id,
        federation_id=scope.federation_id,
        kind=command.kind,
        title=rules.clean_title(command.title),
        questions=tuple(questions),
        status=rules.DRAFT,
        created_by=principal.subject,
    )
    await uow.surveys.add(survey)
    await uow.commit()
    return await survey_view(uow, survey.id)


async def _survey(
    uow: EventsUnitOfWork, principal: Principal, survey_id: uuid.UUID, *, lock: Literal["update", "share"] | None = None
) -> Survey:
    """The survey, if the caller sees its scope or was sent it; else the same 404 as a missing one."""
    survey = await uow.surveys.get(survey_id, lock=lock)
    path = await uow.unions.path_of(survey.organization_id) if survey else None
    visible = (
        survey is not None
        and path is not None
        and (principal.can_see(path) or await _is_recipient(uow, principal, survey_id))
    )
    if not visible:
        raise NotFound(
            "survey_not_found", zh="未找到该问卷，或不在您的范围内", en="survey not found or outside your scope"
        )
    assert survey is not None
    return survey


async def _is_recipient(uow: EventsUnitOfWork, principal: Principal, survey_id: uuid.UUID) -> bool:
    if principal.role != Role.MEMBER:
        return False
    try:
        member_id = uuid.UUID(principal.member_id or "")
    except ValueError:
        return False
    return await uow.surveys.recipient(survey_id, member_id) is not None


async def send_survey(uow: EventsUnitOfWork, principal: Principal, survey_id: uuid.UUID) -> dict:
    survey = await _survey(uow, principal, survey_id, lock="update")
    principal.require_role(*OFFICERS)
    sent = survey.sent(principal.subject, now())
    members = await uow.unions.active_members_under(survey.organization_id)
    rules.check_has_recipients(survey.organization_id, len(members))
    await uow.surveys.add_recipients(Recipient(survey_id, m.id, m.branch_of(survey.organization_id)) for m in members)
    await uow.surveys.save_state(sent)
    await uow.commit()
    return await survey_view(uow, survey_id)


async def respond(uow: EventsUnitOfWork, principal: Principal, survey_id: uuid.UUID, answers: list) -> None:
    survey = await _survey(uow, principal, survey_id, lock="share")
    member_id = acting_member(principal)
    stored = rules.check_answers(list(survey.questions), answers)
    # Locking the recipient, and marking them as they answer, is what lets each one answer at most once.
    recipient = await uow.surveys.recipient(survey_id, member_id, lock=True)
    rules.check_can_respond(survey.status, recipient is not None, recipient is not None and recipient.responded)
    assert recipient is not None  # check_can_respond refused a stranger
    await uow.surveys.record_answers(recipient, Answers(uuid.uuid4(), survey_id, recipient.group_id, stored))
    await uow.commit()


async def close_survey(uow: EventsUnitOfWork, principal: Principal, survey_id: uuid.UUID) -> dict:
    survey = await _survey(uow, principal, survey_id, lock="update")
    principal.require_role(*OFFICERS)
    await uow.surveys.save_state(survey.closed(principal.subject, now()))
    await uow.commit()
    return await survey_view(uow, survey_id)


async def get_survey(uow: EventsUnitOfWork, principal: Principal, survey_id: uuid.UUID) -> dict:
    return await _view(uow, await _survey(uow, principal, survey_id))


async def surveys_of(uow: EventsUnitOfWork, principal: Principal, organization_id: str) -> list[dict]:
    await organization_in_scope(uow, principal, organization_id)
    return [await _view(uow, survey) for survey in await uow.surveys.of_organization(organization_id)]


async def survey_view(uow: EventsUnitOfWork, survey_id: uuid.UUID) -> dict:
    """The survey as the API shows it, with how many were asked and answered."""
    survey = await uow.surveys.get(survey_id)
    assert survey is not None  # the callers have just read or made it
    return await _view(uow, survey)


async def _view(uow: EventsUnitOfWork, survey: Survey) -> dict:
    recipients, responses = await uow.surveys.counts(survey.id)
    return {
        **dataclasses.asdict(survey),
        "recipients": recipients,
        "responses": responses,
        "return_rate": rules.return_rate(responses, recipients),
    }


async def results(uow: EventsUnitOfWork, principal: Principal, survey_id: uuid.UUID) -> dict:
    survey = await _survey(uow, principal, survey_id)
    principal.require_role(*RESULT_READERS)
    view = await _view(uow, survey)
    questions = list(survey.questions)
    given = await uow.surveys.answers(survey_id)
    view.update(results=None, breakdown=[], withheld=None)
    if len(given) < rules.MIN_GROUP:
        view["withheld"] = f"results are shown from {rules.MIN_GROUP} responses on"
        return view
    view["results"] = rules.summarize(questions, [g.answers for g in given])
    sizes: dict[str, int] = {}
    for g in given:
        sizes[g.group_id] = sizes.get(g.group_id, 0) + 1
    shown, pooled = rules.groups_to_show(sizes)
    # Free texts are never broken down: a sentence plus a small group can name its writer.
    for group in shown:
        answer_sets = [g.answers for g in given if g.group_id == group]
        view["breakdown"].append(
            {
                "group": group,
                "responses": len(answer_sets),
                "results": rules.summarize(questions, answer_sets, with_texts=False),
            }
        )
    if pooled:
        answer_sets = [g.answers for g in given if g.group_id not in shown]
        view["breakdown"].append(
            {
                "group": rules.OTHERS,
                "responses": pooled,
                "results": rules.summarize(questions, answer_sets, with_texts=False),
            }
        )
    return view
