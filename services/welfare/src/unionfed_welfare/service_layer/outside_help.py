"""Use cases of help beyond the members (送温暖 to non-members and organizations), with finance through :mod:`money`.

The saga is a grant's: recording inserts the help and its hold and stages WelfareHoldRequestedV1 in
one transaction; approving stages the payment (money and goods at value) and cancelling the void
in the help's own transaction; finance's answers land on the hold, from which the state is read.
Scope: the help belongs to the organization that gave it; callers outside its tree get the same
404 as for missing help, members 403.
"""

import dataclasses
import datetime as dt
import uuid

from unionfed_shared import finance_holds
from unionfed_shared.auth import Principal
from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_shared.errors import Conflict, NotFound
from unionfed_welfare.domain import grants as grant_rules
from unionfed_welfare.domain import outside_help as rules
from unionfed_welfare.domain.grants import GoodsLine
from unionfed_welfare.domain.outside_help import ORGANIZATION, OutsideGrant
from unionfed_welfare.service_layer import money
from unionfed_welfare.service_layer.commands import ApproveGrant, CancelGrant, RecordOutsideGrant
from unionfed_welfare.service_layer.grants import federation_today
from unionfed_welfare.service_layer.unit_of_work import WelfareUnitOfWork


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _hidden() -> NotFound:
    return NotFound(
        "outside_grant_not_found",
        zh="未找到该帮扶记录，或不在您的管辖范围内",
        en="help record not found or outside your scope",
    )


async def record(
    uow: WelfareUnitOfWork, principal: Principal, organization_id: str, command: RecordOutsideGrant
) -> dict:
    await uow.directory.require_in_scope(principal, organization_id)
    principal.require_role(*rules.RECORDERS)
    money_fen, goods_fen = rules.amounts(command.money_fen, [g.value_fen for g in command.goods])
    path = await uow.directory.path_of(organization_id) or [organization_id]
    recipient = command.recipient
    grant = OutsideGrant(
        id=uuid.uuid4(),
        organization_id=organization_id,
        federation_id=path[0],
        recipient_kind=recipient.kind,
        organization_kind=recipient.organization_kind,
        recipient_name=recipient.name,
        phone=recipient.phone,
        id_number=recipient.id_number,
        recipient_note=recipient.note,
        people_reached=(recipient.headcount or 1) if recipient.kind == ORGANIZATION else 1,
        given_on=command.given_on or await federation_today(uow, organization_id),
        purpose=command.purpose,
        money_fen=money_fen,
        goods_fen=goods_fen,
        amount_fen=money_fen + goods_fen,
        hold_id=uuid.uuid4(),
        recorded_by=principal.subject,
        note=command.note,
    )
    language = await uow.directory.language_of(organization_id)
    await money.reserve(
        uow,
        hold_id=grant.hold_id,
        organization_id=organization_id,
        federation_id=grant.federation_id,
        category="welfare",
        amount_fen=grant.amount_fen,
        purpose=f"{rules.reserved_purpose(grant.purpose, grant, language)} {grant.given_on}",
        reference=f"{rules.REFERENCE_PREFIX}{grant.id}",
    )
    await uow.outside_grants.add(grant, [GoodsLine(g.item, g.quantity, g.unit, g.value_fen) for g in command.goods])
    await uow.commit()
    return await read(uow, principal, grant.id)


async def approve(uow: WelfareUnitOfWork, principal: Principal, grant_id: uuid.UUID, command: ApproveGrant) -> dict:
    """Pay the help: the hold is posted in full, finance told which part was goods."""
    grant, _path = await _load(uow, principal, grant_id, manage=True)
    if grant.status != grant_rules.RECORDED:
        raise Conflict(
            "outside_grant_not_recorded",
            zh=f"该帮扶{rules.STATUS_ZH.get(grant.status, grant.status)}，只有待审批的帮扶可以审批发放",
            en=f"the help is {grant.status}; only recorded help is approved",
        )
    language = await uow.directory.language_of(grant.organization_id)
    await money.pay(
        uow,
        hold_id=grant.hold_id,
        amount_fen=grant.amount_fen,
        paid_on=command.paid_on or await federation_today(uow, grant.organization_id),
        description=rules.paid_description(grant, language),
        goods_fen=grant.goods_fen,
    )
    grant.approve(principal.subject, _now())
    await uow.outside_grants.save_status(grant)
    await uow.commit()
    return await read(uow, principal, grant_id)


async def cancel(uow: WelfareUnitOfWork, principal: Principal, grant_id: uuid.UUID, command: CancelGrant) -> dict:
    grant, _path = await _load(uow, principal, grant_id, manage=True)
    if grant.status == grant_rules.CANCELLED:
        raise Conflict("outside_grant_already_cancelled", zh="该帮扶已取消", en="the help is already cancelled")
    hold = await money.hold_of(uow, grant.hold_id)
    if hold["status"] in finance_holds.OPEN:
        await money.cancel(uow, hold_id=grant.hold_id, reason=f"help cancelled: {command.reason}")
    elif hold["status"] != finance_holds.REFUSED:  # a refused hold reserved nothing: nothing to release
        raise Conflict(
            "outside_grant_not_cancellable",
            zh=f"该帮扶的款项{finance_holds.STATUS_ZH.get(hold['status'], hold['status'])}，只有未支付的帮扶可以取消",
            en=f"the help's money is {hold['status']}; only unpaid help is cancelled",
        )
    grant.cancel(principal.subject, _now(), command.reason)
    await uow.outside_grants.save_status(grant)
    await uow.commit()
    return await read(uow, principal, grant_id)


async def read(uow: WelfareUnitOfWork, principal: Principal, grant_id: uuid.UUID) -> dict:
    grant, path = await _load(uow, principal, grant_id, manage=False)
    return await _view(uow, principal, grant, path)


async def given_by(
    uow: WelfareUnitOfWork,
    principal: Principal,
    organization_id: str,
    *,
    given_from: dt.date | None = None,
    given_to: dt.date | None = None,
) -> list[dict]:
    """The help the organization's subtree gave, by date (optionally of a period)."""
    await uow.directory.require_in_scope(principal, organization_id)
    principal.require_role(*rules.READERS)
    found = await uow.outside_grants.of_subtree(organization_id, given_from=given_from, given_to=given_to)
    return [await _view(uow, principal, g, await uow.directory.path_of(g.organization_id) or []) for g in found]


async def report_lines(uow: WelfareUnitOfWork, organization_id: str, start: dt.date, end: dt.date) -> list[dict]:
    """The welfare report's lines of help beyond the members (the report checks scope and role)."""
    lines = rules.report_lines(await uow.outside_grants.counted(organization_id, start, end), start, end)
    return [{**line, "group_label": rules.GROUP_LABELS["zh-CN"][line["group"]]} for line in lines]


async def on_outside_grant_settled(uow: WelfareUnitOfWork, hold: dict, settled: MoneyRequestSettledV1) -> None:
    """A refused payment puts the help back to recorded: its hold is reserved again, to be approved once more."""
    grant_id = money.refused_payment(hold, settled, rules.REFERENCE_PREFIX)
    grant = await uow.outside_grants.get(grant_id, for_update=True) if grant_id else None
    if grant is None or grant.hold_id != hold["hold_id"] or grant.status != grant_rules.APPROVED:
        return
    grant.reopen()
    await uow.outside_grants.save_status(grant)


# Helpers


async def _load(
    uow: WelfareUnitOfWork, principal: Principal, grant_id: uuid.UUID, *, manage: bool
) -> tuple[OutsideGrant, list[str]]:
    grant = await uow.outside_grants.get(grant_id, for_update=manage)
    path = await uow.directory.path_of(grant.organization_id) if grant else None
    if grant is None or path is None or not principal.can_see(path):
        raise _hidden()
    principal.require_role(*(rules.RECORDERS if manage else rules.READERS))
    return grant, path


async def _view(uow: WelfareUnitOfWork, principal: Principal, grant: OutsideGrant, path: list[str]) -> dict:
    hold = await money.hold_of(uow, grant.hold_id)
    view = dataclasses.asdict(grant)
    details = grant.recipient_kind == ORGANIZATION or rules.may_read_details(principal, grant, path)
    if not details:  # a person's name, phone and ID number stay with who may read them
        view |= {"recipient_name": rules.recipient_pseudonym(grant.id), "phone": None, "id_number": None}
    return {
        **view,
        "details_visible": details,
        "recipient_kind_label": rules.RECIPIENT_KINDS[grant.recipient_kind],
        "organization_kind_label": rules.ORGANIZATION_KINDS.get(grant.organization_kind or ""),
        "state": grant_rules.display_status(grant.status, hold["status"]),
        **money.money_fields(hold),
        "goods": [dataclasses.asdict(g) for g in await uow.outside_grants.goods_of(grant.id)],
    }
