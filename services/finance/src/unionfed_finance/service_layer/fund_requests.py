"""Requests for funds from the upper union (经费申请): asked by a union, decided once by its upper union."""

import uuid

from unionfed_finance.domain import flows
from unionfed_finance.domain.fund_requests import FundRequest, require_decidable
from unionfed_finance.service_layer import journal
from unionfed_finance.service_layer.commands import DecideFundRequest, RequestFunds
from unionfed_finance.service_layer.locale import language_of
from unionfed_finance.service_layer.permissions import BOOK_READERS
from unionfed_finance.service_layer.treasury import books_in_scope
from unionfed_finance.service_layer.unit_of_work import FinanceUnitOfWork
from unionfed_shared import business_time
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Invalid, NotFound


async def request_funds(uow, principal: Principal, organization_id: str, command: RequestFunds) -> FundRequest:
    books = await books_in_scope(uow, principal, organization_id)
    if books.upper is None:
        raise Invalid(
            "no_upper_union",
            zh=f"{organization_id} 没有上级工会，无从申请拨款",
            en=f"{organization_id} has no upper union to ask",
        )
    request = await uow.fund_requests.add(
        FundRequest(
            id=uuid.uuid4(),
            organization_id=books.id,
            approver_id=books.upper,
            federation_id=books.federation_id,
            amount_fen=command.amount_fen,
            purpose=command.purpose,
            status="submitted",
            requested_by=principal.subject,
        )
    )
    await uow.commit()
    return request


async def decide_fund_request(
    uow, principal: Principal, request_id: uuid.UUID, command: DecideFundRequest
) -> FundRequest:
    request = await uow.fund_requests.get_for_decision(request_id)
    path = await uow.directory.path_of(request.organization_id) if request else None
    if request is None or path is None or not principal.can_see(path):  # no existence oracle
        raise NotFound(
            "fund_request_not_found",
            zh="未找到该经费申请，或该申请不在您的管理范围内",
            en="fund request not found or outside your scope",
        )
    approver = await books_in_scope(uow, principal, request.approver_id, Role.FEDERATION_ADMIN)
    require_decidable(request, approve=command.approve, reason=command.reason)
    journal_event_id = None
    if command.approve:
        paid_on = command.paid_on or business_time.today(await uow.directory.time_zone_of(approver.id))
        language = await language_of(uow, approver.id)
        postings = flows.allocation(
            approver.id, request.organization_id, request.amount_fen, paid_on, request.purpose, language
        )
        journal_event_id = await journal.write(
            uow,
            approver.federation_id,
            request.organization_id,
            journal.post(*postings),
            reference=f"fund-request/{request_id}",
        )
    decided = await uow.fund_requests.record_decision(
        request_id,
        approve=command.approve,
        decided_by=principal.subject,
        reason=command.reason,
        journal_event_id=journal_event_id,
        decided_at=business_time.utc_now(),
    )
    await uow.commit()
    return decided


async def made_by_or_waiting_for(
    uow: FinanceUnitOfWork, principal: Principal, organization_id: str
) -> list[FundRequest]:
    """Requests made by the organization or waiting for its decision."""
    await uow.directory.require_in_scope(principal, organization_id)
    principal.require_role(*BOOK_READERS)
    return await uow.fund_requests.made_by_or_waiting_for(organization_id)
