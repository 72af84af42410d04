"""Treasurers' and the federation's money commands. Each is checked, then written to the journal.

A command answers with the journal entry's id at once (202): the entry is applied in its
federation's order, and its outcome — posted, or refused with the reason — is read back with
``GET /v1/money-requests/{id}``.
"""

import uuid

from unionfed_finance.domain import flows
from unionfed_finance.domain.ledger import BOOKKEEPING_KINDS, SPENDING_ACCOUNTS
from unionfed_finance.domain.texts import describe
from unionfed_finance.service_layer import journal
from unionfed_finance.service_layer.commands import (
    ClosePeriod,
    DisburseDonations,
    PayRemittance,
    RecordDonation,
    RecordEmployerFunds,
    RecordExpense,
    ReversePosting,
    SetBudget,
    SetFundPolicy,
)
from unionfed_finance.service_layer.locale import language_of
from unionfed_finance.service_layer.permissions import TREASURERS
from unionfed_finance.service_layer.unit_of_work import FinanceUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts import finance as contract
from unionfed_shared.errors import Invalid, NotFound


class Books:
    """An organization that keeps books, as the caller may act on it."""

    def __init__(self, organization_id: str, path: list[str], kinds: dict[str, str]):
        self.id = organization_id
        self.path = path
        self.federation_id = path[0]
        self.upper = next((o for o in reversed(path[:-1]) if kinds.get(o) in BOOKKEEPING_KINDS), None)


async def books_in_scope(uow: FinanceUnitOfWork, principal: Principal, organization_id: str, *roles: Role) -> Books:
    path = await uow.directory.path_of(organization_id)
    principal.require_scope(path)
    assert path is not None  # require_scope refused an unknown organization
    principal.require_role(*(roles or TREASURERS))
    kinds = await uow.directory.kinds_of(path)
    if kinds.get(organization_id) not in BOOKKEEPING_KINDS:
        raise Invalid(
            "organization_keeps_no_books",
            zh=f"{organization_id} 不独立建账，其经费记在所属工会的账上",
            en=f"{organization_id} keeps no books of its own; its union's books hold its money",
        )
    return Books(organization_id, path, kinds)


async def _submit(uow: FinanceUnitOfWork, books: Books, instruction, reference: str | None = None) -> str:
    # Under ledger keys a command's instruction extends its own books' chain (a reversal: the posting's).
    request_id = await journal.write(
        uow, books.federation_id, books.id, instruction, reference=reference, ledger=books.id
    )
    await uow.commit()
    return request_id


async def record_employer_funds(uow, principal, organization_id: str, command: RecordEmployerFunds) -> str:
    books = await books_in_scope(uow, principal, organization_id)
    policy = await fund_policy(uow, books.federation_id)
    language = await language_of(uow, books.id)
    postings = flows.employer_funds(
        books.id, books.upper, command.amount_fen, command.received_on, policy, command.note, language
    )
    return await _submit(uow, books, journal.post(*postings))


async def pay_remittance(uow, principal, organization_id: str, command: PayRemittance) -> str:
    books = await books_in_scope(uow, principal, organization_id)
    if books.upper is None:
        raise Invalid(
            "no_upper_union",
            zh=f"{organization_id} 没有上级工会，无从上解",
            en=f"{organization_id} has no upper union to remit to",
        )
    language = await language_of(uow, books.id)
    postings = flows.remittance_paid(books.id, books.upper, command.amount_fen, command.paid_on, language)
    return await _submit(uow, books, journal.post(*postings))


async def record_expense(uow, principal, organization_id: str, command: RecordExpense) -> str:
    books = await books_in_scope(uow, principal, organization_id)
    posting = flows.expense(books.id, command.category, command.amount_fen, command.spent_on, command.description)
    return await _submit(uow, books, journal.post(posting))


async def record_donation(uow, principal, organization_id: str, command: RecordDonation) -> str:
    books = await books_in_scope(uow, principal, organization_id, *TREASURERS, Role.WELFARE_OFFICER)
    language = await language_of(uow, books.id)
    posting = flows.donation_received(
        books.id, command.drive, command.amount_fen, command.received_on, command.donor, language
    )
    return await _submit(uow, books, journal.post(posting), reference=f"drive/{command.drive}")


async def disburse_donations(uow, principal, organization_id: str, command: DisburseDonations) -> str:
    books = await books_in_scope(uow, principal, organization_id, *TREASURERS, Role.WELFARE_OFFICER)
    language = await language_of(uow, books.id)
    posting = flows.donation_disbursed(
        books.id, command.drive, command.amount_fen, command.paid_on, command.beneficiary, language
    )
    return await _submit(uow, books, journal.post(posting), reference=f"drive/{command.drive}")


async def reverse_posting(uow, principal, posting_id: uuid.UUID, command: ReversePosting) -> str:
    found = await uow.ledgers.get_posting(posting_id)
    path = await uow.directory.path_of(found[0]["organization_id"]) if found else None
    if found is None or path is None or not principal.can_see(path):  # no existence oracle
        raise NotFound(
            "posting_not_found",
            zh="未找到该分录，或该分录不在您的管理范围内",
            en="posting not found or outside your scope",
        )
    row, _posting = found
    books = await books_in_scope(uow, principal, row["organization_id"])
    description = describe(await language_of(uow, books.id), "reversal", reason=command.reason)
    instruction = contract.Reverse(
        posting_id=posting_id, effective_date=command.effective_date, reason=command.reason, description=description
    )
    return await _submit(uow, books, instruction, reference=f"posting/{posting_id}")


async def close_period(uow, principal, organization_id: str, command: ClosePeriod) -> str:
    books = await books_in_scope(uow, principal, organization_id)
    if command.starts_on > command.ends_on:
        raise Invalid(
            "date_range_reversed",
            zh="会计期间的结束日期不能早于开始日期",
            en="a period ends on or after the day it starts",
        )
    instruction = contract.ClosePeriod(
        organization_id=books.id, label=command.label, starts_on=command.starts_on, ends_on=command.ends_on
    )
    return await _submit(uow, books, instruction)


async def set_budget(uow, principal, organization_id: str, year: int, category: str, command: SetBudget) -> str:
    books = await books_in_scope(uow, principal, organization_id)
    if category not in SPENDING_ACCOUNTS:
        raise Invalid(
            "budget_category_unknown",
            zh=f"预算类别须为以下之一：{', '.join(SPENDING_ACCOUNTS)}",
            en=f"budget categories are {', '.join(SPENDING_ACCOUNTS)}",
        )
    instruction = contract.SetBudget(
        organization_id=books.id,
        fiscal_year=year,
        category_account=SPENDING_ACCOUNTS[category],
        amount_fen=command.amount_fen,
        policy=command.policy,
    )
    return await _submit(uow, books, instruction)


async def fund_policy(uow: FinanceUnitOfWork, federation_id: str) -> flows.FundPolicy:
    share = await uow.fund_policies.remit_per_mille(federation_id)
    return flows.FundPolicy() if share is None else flows.FundPolicy(share)


async def set_fund_policy(uow, principal: Principal, federation_id: str, command: SetFundPolicy) -> flows.FundPolicy:
    path = await uow.directory.path_of(federation_id)
    principal.require_scope(path)
    principal.require_role(Role.FEDERATION_ADMIN)
    if path is None or len(path) != 1:
        raise Invalid(
            "organization_not_root_federation",
            zh="经费上解比例由最高一级联合会设定",
            en="a fund policy is set by a root federation",
        )
    await uow.fund_policies.set(federation_id, command.employer_funds_remit_per_mille, principal.subject)
    await uow.commit()
    return flows.FundPolicy(command.employer_funds_remit_per_mille)
