"""Use cases of student aid (金秋助学 / 寒窗助学), with finance through :mod:`money`.

A federation admin sets a scheme of a year. A union applies for a member's child or for a
non-member registered poor student: the application and the hold of its level's amount are stored
with WelfareHoldRequestedV1 in one transaction, like a grant. Approving stages the payment,
refusing the void (or nothing, when finance refused the money), each in the application's own
transaction. Scope: an application belongs to the union that applied; callers outside its tree get
the same 404 as for a missing one, members 403.
"""

import dataclasses
import datetime as dt
import uuid

from unionfed_shared import finance_holds
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_shared.errors import Conflict, Invalid, NotFound
from unionfed_welfare.domain import student_aid as rules
from unionfed_welfare.domain.student_aid import AidLevel, Application, Scheme, StudentAlreadyApplied
from unionfed_welfare.service_layer import money
from unionfed_welfare.service_layer.commands import ApplyStudentAid, CreateStudentAidScheme, ReviewStudentAid
from unionfed_welfare.service_layer.grants import federation_today
from unionfed_welfare.service_layer.hardship import member_in_scope
from unionfed_welfare.service_layer.unit_of_work import WelfareUnitOfWork


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _scheme_hidden() -> NotFound:
    return NotFound(
        "student_aid_scheme_not_found",
        zh="未找到该助学项目，或不在您的管辖范围内",
        en="student aid scheme not found or outside your scope",
    )


def _hidden() -> NotFound:
    return NotFound(
        "student_aid_application_not_found",
        zh="未找到该助学申请，或不在您的管辖范围内",
        en="student aid application not found or outside your scope",
    )


# Schemes


async def create_scheme(
    uow: WelfareUnitOfWork, principal: Principal, federation_id: str, command: CreateStudentAidScheme
) -> dict:
    path = await uow.directory.path_of(federation_id)
    principal.require_scope(path)
    principal.require_role(Role.FEDERATION_ADMIN)
    if path != [federation_id]:
        raise Invalid(
            "student_aid_scheme_not_federation",
            zh="助学项目由联合会设立",
            en="a student aid scheme is set by a federation",
        )
    levels = tuple(AidLevel(level.name, level.amount_fen) for level in command.levels)
    rules.check_levels(levels)
    scheme = Scheme(
        id=uuid.uuid4(),
        federation_id=federation_id,
        year=command.year,
        name=command.name,
        criteria=command.criteria,
        levels=levels,
        created_by=principal.subject,
    )
    if not await uow.student_aid.add_scheme(scheme):
        raise Conflict(
            "student_aid_scheme_exists",
            zh=f"{command.year} 年已有名为「{command.name}」的助学项目",
            en=f"the federation already has a scheme named {command.name!r} in {command.year}",
        )
    await uow.commit()
    return await scheme_of(uow, principal, scheme.id)


async def scheme_of(uow: WelfareUnitOfWork, principal: Principal, scheme_id: uuid.UUID) -> dict:
    scheme = await uow.student_aid.scheme(scheme_id)
    if scheme is None or principal.federation_id != scheme.federation_id or principal.role is Role.PLATFORM_ADMIN:
        raise _scheme_hidden()
    principal.require_role(*rules.READERS)
    return _scheme_view(scheme)


async def schemes_of(
    uow: WelfareUnitOfWork, principal: Principal, federation_id: str, year: int | None = None
) -> list[dict]:
    """The federation's schemes, for everyone who applies or reads in it (its unions too)."""
    path = await uow.directory.path_of(federation_id)
    if path is None or path != [federation_id] or principal.federation_id != federation_id:
        raise _scheme_hidden()
    principal.require_role(*rules.READERS)
    return [_scheme_view(scheme) for scheme in await uow.student_aid.schemes_of(federation_id, year)]


def _scheme_view(scheme: Scheme) -> dict:
    return {**dataclasses.asdict(scheme), "levels": [dataclasses.asdict(level) for level in scheme.levels]}


# Applications


async def apply(uow: WelfareUnitOfWork, principal: Principal, organization_id: str, command: ApplyStudentAid) -> dict:
    await uow.directory.require_in_scope(principal, organization_id)
    principal.require_role(*rules.RECORDERS)
    path = await uow.directory.path_of(organization_id) or [organization_id]
    scheme = await uow.student_aid.scheme(command.scheme_id)
    if scheme is None or scheme.federation_id != path[0]:  # another federation's is as if it did not exist
        raise _scheme_hidden()
    amount_fen = scheme.amount_of(command.level)
    if command.member_id is not None:
        await member_in_scope(uow, principal, command.member_id, organization_id)
    await _require_new_student(uow, scheme.id, command.id_number)
    application = Application(
        id=uuid.uuid4(),
        scheme_id=scheme.id,
        organization_id=organization_id,
        federation_id=path[0],
        year=scheme.year,
        student_kind=rules.MEMBER_CHILD if command.member_id else rules.NON_MEMBER,
        member_id=command.member_id,
        student_name=command.student_name,
        id_number=command.id_number,
        school=command.school,
        level=command.level,
        amount_fen=amount_fen,
        applied_on=command.applied_on or await federation_today(uow, organization_id),
        hold_id=uuid.uuid4(),
        recorded_by=principal.subject,
        note=command.note,
    )
    await money.reserve(
        uow,
        hold_id=application.hold_id,
        organization_id=organization_id,
        federation_id=application.federation_id,
        category="welfare",
        amount_fen=amount_fen,
        purpose=f"{scheme.name}（{command.level}）{application.applied_on}",
        reference=f"{rules.REFERENCE_PREFIX}{application.id}",
    )
    try:
        await uow.student_aid.add(application)
    except StudentAlreadyApplied as exc:  # applied for by someone else since the check
        await _require_new_student(uow, scheme.id, command.id_number)
        raise _already_applied() from exc
    await uow.commit()
    return await read(uow, principal, application.id)


async def review(
    uow: WelfareUnitOfWork, principal: Principal, application_id: uuid.UUID, command: ReviewStudentAid
) -> dict:
    """Approve (the level's amount is paid through finance) or refuse with a reason (the hold is released)."""
    application, _path = await _load(uow, principal, application_id, manage=True)
    hold = await money.hold_of(uow, application.hold_id)
    if command.decision == "approve":
        application.approve(principal.subject, _now())
        scheme = await uow.student_aid.scheme(application.scheme_id)
        assert scheme is not None  # an application's scheme is stored before it (a foreign key)
        await money.pay(
            uow,
            hold_id=application.hold_id,
            amount_fen=application.amount_fen,
            paid_on=command.paid_on or await federation_today(uow, application.organization_id),
            description=rules.paid_description(
                scheme, application, await uow.directory.language_of(application.organization_id)
            ),
        )
    else:
        application.refuse(principal.subject, _now(), command.reason or "")
        if hold["status"] in finance_holds.OPEN:
            await money.cancel(uow, hold_id=application.hold_id, reason=f"student aid refused: {command.reason}")
        elif hold["status"] != finance_holds.REFUSED:
            raise Conflict(
                "student_aid_not_refusable",
                zh=f"该申请的款项{finance_holds.STATUS_ZH.get(hold['status'], hold['status'])}，不能再不予批准",
                en=f"the application's money is {hold['status']}; it can no longer be refused",
            )
    await uow.student_aid.save_status(application)
    await uow.commit()
    return await read(uow, principal, application_id)


async def read(uow: WelfareUnitOfWork, principal: Principal, application_id: uuid.UUID) -> dict:
    application, path = await _load(uow, principal, application_id, manage=False)
    return await _view(uow, principal, application, path)


async def applications_of(
    uow: WelfareUnitOfWork,
    principal: Principal,
    organization_id: str,
    *,
    year: int | None = None,
    scheme_id: uuid.UUID | None = None,
) -> list[dict]:
    await uow.directory.require_in_scope(principal, organization_id)
    principal.require_role(*rules.READERS)
    found = await uow.student_aid.of_subtree(organization_id, year=year, scheme_id=scheme_id)
    return [await _view(uow, principal, a, await uow.directory.path_of(a.organization_id) or []) for a in found]


async def rollup(uow: WelfareUnitOfWork, principal: Principal, organization_id: str, year: int) -> dict:
    """The year's applications of the subtree: approved, amounts, by level and by member's child or not."""
    await uow.directory.require_in_scope(principal, organization_id)
    principal.require_role(*rules.READERS)
    counted = await uow.student_aid.counted(organization_id, year)
    return {"organization_id": organization_id, "year": year, **rules.rollup(counted)}


async def on_student_aid_settled(uow: WelfareUnitOfWork, hold: dict, settled: MoneyRequestSettledV1) -> None:
    """A refused payment puts the application back to applied: its hold is reserved again, to be approved once more."""
    application_id = money.refused_payment(hold, settled, rules.REFERENCE_PREFIX)
    application = await uow.student_aid.get(application_id, for_update=True) if application_id else None
    if application is None or application.hold_id != hold["hold_id"] or application.status != rules.APPROVED:
        return
    application.reopen()
    await uow.student_aid.save_status(application)


# Helpers


def _already_applied() -> Conflict:
    return Conflict(
        "student_aid_student_already_applied",
        zh="该学生在本助学项目中已有申请",
        en="the student already has an application in this scheme",
    )


async def _require_new_student(uow: WelfareUnitOfWork, scheme_id: uuid.UUID, id_number: str) -> None:
    if await uow.student_aid.of_student(scheme_id, id_number) is not None:
        raise _already_applied()


async def _load(
    uow: WelfareUnitOfWork, principal: Principal, application_id: uuid.UUID, *, manage: bool
) -> tuple[Application, list[str]]:
    application = await uow.student_aid.get(application_id, for_update=manage)
    path = await uow.directory.path_of(application.organization_id) if application else None
    if application is None or path is None or not principal.can_see(path):
        raise _hidden()
    principal.require_role(*(rules.RECORDERS if manage else rules.READERS))
    return application, path


async def _view(uow: WelfareUnitOfWork, principal: Principal, application: Application, path: list[str]) -> dict:
    hold = await money.hold_of(uow, application.hold_id)
    details = rules.may_read_details(principal, application, path)
    view = dataclasses.asdict(application)
    if not details:  # the student's name and ID number stay with who may read them
        view |= {"student_name": rules.student_pseudonym(application.id), "id_number": None}
    member = await uow.directory.member(application.member_id) if application.member_id else None
    return {
        **view,
        "details_visible": details,
        "member_name": member["display_name"] if member else None,
        "student_kind_label": rules.STUDENT_KINDS[application.student_kind],
        "state": rules.display_state(application.status, hold["status"]),
        **money.money_fields(hold),
    }
