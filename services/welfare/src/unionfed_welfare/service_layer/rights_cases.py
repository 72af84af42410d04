"""Use cases of workers' rights cases (维权): each one transaction.

Scope: a case belongs to the organization that opened it. Callers outside its tree get the same
404 as for a missing case; members get 403. Inside it, every reading role sees the case, and the
workers' names and phones only the officer handling it, federation admins and auditors.
"""

import dataclasses
import datetime as dt
import uuid

from unionfed_shared import business_time
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import NotFound
from unionfed_welfare.domain import rights_cases as rules
from unionfed_welfare.domain.rights_cases import RightsCase, Worker
from unionfed_welfare.domain.rights_weeks import week_for_case
from unionfed_welfare.domain.welfare_report import require_period
from unionfed_welfare.service_layer.commands import HandRightsCase, MoveRightsCase, OpenRightsCase
from unionfed_welfare.service_layer.hardship import member_in_scope
from unionfed_welfare.service_layer.unit_of_work import WelfareUnitOfWork


def _hidden() -> NotFound:
    return NotFound(
        "rights_case_not_found",
        zh="未找到该维权案件，或不在您的管辖范围内",
        en="rights case not found or outside your scope",
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def _today(uow: WelfareUnitOfWork, organization_id: str) -> dt.date:
    return business_time.today(await uow.directory.time_zone_of(organization_id), _now)


async def open_case(
    uow: WelfareUnitOfWork, principal: Principal, organization_id: str, command: OpenRightsCase
) -> dict:
    await uow.directory.require_in_scope(principal, organization_id)
    principal.require_role(*rules.OPENERS)
    rules.check_claim_kind(command.claim_kind)
    workers = []
    for given in command.workers:
        if given.member_id is not None:
            member = await member_in_scope(uow, principal, given.member_id, organization_id)
            workers.append(Worker(member["id"], None, None))
        else:
            workers.append(Worker(None, given.name, given.phone))
    rules.require_distinct_workers(workers)
    path = await uow.directory.path_of(organization_id) or [organization_id]
    rights_week = command.rights_week
    if command.rights_week_id is not None:
        week = week_for_case(await uow.rights_weeks.get(command.rights_week_id), path, command.rights_week)
        rights_week = week.month
    case, accepted = RightsCase.accepted(
        organization_id=organization_id,
        federation_id=path[0],
        employer_name=command.employer_name,
        employer_credit_code=command.employer_credit_code,
        claim_kind=command.claim_kind,
        claimed_fen=command.claimed_fen,
        accepted_on=command.accepted_on or await _today(uow, organization_id),
        deadline_on=command.deadline_on,
        rights_week=rights_week,
        rights_week_id=command.rights_week_id,
        opened_by=principal.subject,
        note=command.note,
    )
    await uow.rights_cases.add(case, workers, accepted)
    await uow.commit()
    return await read(uow, principal, case.id)


async def move(uow: WelfareUnitOfWork, principal: Principal, case_id: uuid.UUID, command: MoveRightsCase) -> dict:
    """Move the case forward a stage (mediation, closing, referral), recording what was recovered."""
    case, _path = await _load(uow, principal, case_id, keep=True)
    rules.require_handler(principal, case)
    stages = await uow.rights_cases.stages_of(case.id)
    entry = case.move(
        command.stage,
        command.on or await _today(uow, case.organization_id),
        by=principal.subject,
        last_entered_on=max(s.entered_on for s in stages),
        deadline_on=command.deadline_on,
        recovered_fen=command.recovered_fen,
        outcome=command.outcome,
        note=command.note,
        at=_now(),
    )
    await uow.rights_cases.save(case)
    await uow.rights_cases.add_stage(entry)
    await uow.commit()
    return await read(uow, principal, case_id)


async def hand_over(uow: WelfareUnitOfWork, principal: Principal, case_id: uuid.UUID, command: HandRightsCase) -> dict:
    """A federation admin gives the case to another officer, who then reads its workers' details."""
    case, _path = await _load(uow, principal, case_id, keep=True)
    principal.require_role(Role.FEDERATION_ADMIN)
    case.hand_to(command.handled_by, _now())
    await uow.rights_cases.save(case)
    await uow.commit()
    return await read(uow, principal, case_id)


async def read(uow: WelfareUnitOfWork, principal: Principal, case_id: uuid.UUID) -> dict:
    case, path = await _load(uow, principal, case_id, keep=False)
    workers = (await uow.rights_cases.workers_of([case.id]))[case.id]
    view = await _view(uow, principal, case, path, workers)
    view["stages"] = [dataclasses.asdict(entry) for entry in await uow.rights_cases.stages_of(case.id)]
    return view


async def cases_of(
    uow: WelfareUnitOfWork,
    principal: Principal,
    organization_id: str,
    *,
    rights_week: str | None = None,
    rights_week_id: uuid.UUID | None = None,
) -> list[dict]:
    principal.require_scope(await uow.directory.path_of(organization_id))
    principal.require_role(*rules.READERS)
    found = await uow.rights_cases.of_subtree(organization_id, rights_week=rights_week, rights_week_id=rights_week_id)
    workers = await uow.rights_cases.workers_of([case.id for case in found])
    return [
        await _view(uow, principal, case, await uow.directory.path_of(case.organization_id) or [], workers[case.id])
        for case in found
    ]


async def statistics(
    uow: WelfareUnitOfWork, principal: Principal, organization_id: str, start: dt.date, end: dt.date
) -> dict:
    """The figures of the cases the subtree accepted from ``start`` to ``end`` (inclusive)."""
    principal.require_scope(await uow.directory.path_of(organization_id))
    principal.require_role(*rules.READERS)
    require_period(start, end)
    found = await uow.rights_cases.of_subtree(organization_id, accepted_from=start, accepted_to=end)
    workers = await uow.rights_cases.workers_of([case.id for case in found])
    figures = rules.figures([(case, workers[case.id]) for case in found])
    return {"organization_id": organization_id, "start": start, "end": end, **dataclasses.asdict(figures)}


# Helpers


async def _load(
    uow: WelfareUnitOfWork, principal: Principal, case_id: uuid.UUID, *, keep: bool
) -> tuple[RightsCase, list[str]]:
    """The case and its organization's path, if the caller may see it (``keep``: held until commit)."""
    case = await uow.rights_cases.get(case_id, for_update=keep)
    path = await uow.directory.path_of(case.organization_id) if case else None
    if case is None or path is None or not principal.can_see(path):
        raise _hidden()
    principal.require_role(*(rules.OPENERS if keep else rules.READERS))
    return case, path


async def _view(
    uow: WelfareUnitOfWork, principal: Principal, case: RightsCase, path: list[str], workers: list[Worker]
) -> dict:
    details = rules.may_read_details(principal, case, path)
    shown = []
    for position, worker in enumerate(workers):
        line: dict = {"pseudonym": rules.worker_pseudonym(case.id, position), "is_member": worker.member_id is not None}
        if details:
            member = await uow.directory.member(worker.member_id) if worker.member_id else None
            line |= {
                "member_id": worker.member_id,
                "name": member["display_name"] if member else worker.name,
                "phone": worker.phone,
            }
        shown.append(line)
    return {
        **dataclasses.asdict(case),
        "claim_kind_label": rules.CLAIM_KINDS[case.claim_kind],
        "stage_label": rules.STAGES[case.stage],
        "closed_in_time": case.closed_in_time,
        "overdue": case.stage in (rules.ACCEPTED, rules.MEDIATION)
        and await _today(uow, case.organization_id) > case.deadline_on,
        "workers": shown,
        "details_visible": details,
    }
