"""Use cases of the mutual-aid fund (互助金): each one transaction, each money movement sent to finance.

Scope: a fund belongs to the organization that keeps it, a loan to the fund that lent it.
Callers outside its tree get the same 404 as for a missing loan; members get 403. Welfare
officers, union officers and federation admins record; auditors read.

Every movement (money paid in, a loan paid out, a repayment) is staged in the outbox with the
change it records, so finance books it exactly once: the fund's cash (1002), the loans receivable
(1141) and the fund (3101), never income or expense. The fund's row, locked while a loan is
approved, keeps the running totals, so a loan beyond what the fund may lend is refused here before
anything is sent (finance's floor on the fund's cash would refuse it as well).

Finance answers each movement (``on_finance_answer``): the answer is kept on the movement once,
and a refusal takes the movement out of the fund's totals (see the domain's docstring for what
the fund may lend while answers are pending).
"""

import dataclasses
import datetime as dt
import uuid

from unionfed_shared import business_time
from unionfed_shared.auth import Principal
from unionfed_shared.contracts import mutual_aid as contract
from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_shared.contracts.mutual_aid import MutualAidContributedV1, MutualAidLoanDisbursedV1, MutualAidRepaidV1
from unionfed_shared.errors import Invalid, NotFound
from unionfed_welfare.domain import mutual_aid as rules
from unionfed_welfare.domain.mutual_aid import Contribution, FinanceAnswer, FundFigures, Instalment, Loan, Repayment
from unionfed_welfare.service_layer.commands import ApplyForLoan, DecideLoan, RecordContribution, RecordRepayment
from unionfed_welfare.service_layer.hardship import member_in_scope
from unionfed_welfare.service_layer.unit_of_work import WelfareUnitOfWork


def _hidden() -> NotFound:
    return NotFound(
        "mutual_aid_loan_not_found",
        zh="未找到该互助金借款，或不在您的管辖范围内",
        en="mutual-aid loan not found or outside your scope",
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def _today(uow: WelfareUnitOfWork, organization_id: str) -> dt.date:
    return business_time.today(await uow.directory.time_zone_of(organization_id), _now)


async def _fund_keeper(uow: WelfareUnitOfWork, principal: Principal, organization_id: str, roles) -> list[str]:
    """The organization's path, when the caller acts within its tree in one of ``roles``."""
    path = await uow.directory.path_of(organization_id)
    principal.require_scope(path)
    assert path is not None  # require_scope refused an unknown organization
    principal.require_role(*roles)
    return path


async def contribute(
    uow: WelfareUnitOfWork, principal: Principal, organization_id: str, command: RecordContribution
) -> dict:
    path = await _fund_keeper(uow, principal, organization_id, rules.RECORDERS)
    if command.member_id is not None:
        await member_in_scope(uow, principal, command.member_id, organization_id)
    contribution = Contribution(
        id=uuid.uuid4(),
        organization_id=organization_id,
        contributor=command.contributor,
        member_id=command.member_id,
        amount_fen=command.amount_fen,
        received_on=command.received_on or await _today(uow, organization_id),
        note=command.note,
        recorded_by=principal.subject,
    )
    fund = await uow.mutual_aid.fund(organization_id, path[0], for_update=True)
    fund.receive(contribution)
    await uow.mutual_aid.add_contribution(contribution)
    await uow.mutual_aid.save_fund(fund)
    language = await uow.directory.language_of(organization_id)
    uow.emit(
        MutualAidContributedV1(
            organization_id=organization_id,
            federation_id=path[0],
            contribution_id=contribution.id,
            contributor=command.contributor,
            amount_fen=contribution.amount_fen,
            received_on=contribution.received_on,
            label=rules.contribution_label(contribution.contributor, contribution.note, language),
        )
    )
    await uow.commit()
    return _contribution(contribution)


async def contributions(uow: WelfareUnitOfWork, principal: Principal, organization_id: str) -> list[dict]:
    await _fund_keeper(uow, principal, organization_id, rules.READERS)
    return [_contribution(c) for c in await uow.mutual_aid.contributions_of(organization_id)]


async def apply(uow: WelfareUnitOfWork, principal: Principal, organization_id: str, command: ApplyForLoan) -> dict:
    """A member's application, recorded by an officer; nothing is lent until it is approved."""
    path = await _fund_keeper(uow, principal, organization_id, rules.RECORDERS)
    member = await member_in_scope(uow, principal, command.member_id, organization_id)
    loan = Loan.apply(
        organization_id=organization_id,
        federation_id=path[0],
        member_id=member["id"],
        amount_fen=command.amount_fen,
        purpose=command.purpose,
        months=command.months,
        applied_on=command.applied_on or await _today(uow, organization_id),
        applied_by=principal.subject,
    )
    await uow.mutual_aid.add_loan(loan)
    await uow.commit()
    return await read(uow, principal, loan.id)


async def approve(uow: WelfareUnitOfWork, principal: Principal, loan_id: uuid.UUID, command: DecideLoan) -> dict:
    """Lend: refused beyond what the fund holds; the schedule is fixed and finance is told, together."""
    loan = await _load(uow, principal, loan_id, keep=True)
    # The fund's row lock makes two approvals at once check the balance one after the other.
    fund = await uow.mutual_aid.fund(loan.organization_id, loan.federation_id, for_update=True)
    lent_on = command.on or await _today(uow, loan.organization_id)
    await _not_after_today(uow, loan.organization_id, lent_on)
    schedule = loan.approve(fund, lent_on, principal.subject, command.note)
    await uow.mutual_aid.save_loan(loan)
    await uow.mutual_aid.save_fund(fund)
    await uow.mutual_aid.save_instalments(schedule)
    uow.emit(
        MutualAidLoanDisbursedV1(
            organization_id=loan.organization_id,
            federation_id=loan.federation_id,
            loan_id=loan.id,
            amount_fen=loan.amount_fen,
            paid_on=lent_on,
            borrower=loan.borrower_pseudonym(await uow.directory.language_of(loan.organization_id)),
        )
    )
    await uow.commit()
    return await read(uow, principal, loan_id)


async def reject(uow: WelfareUnitOfWork, principal: Principal, loan_id: uuid.UUID, command: DecideLoan) -> dict:
    loan = await _load(uow, principal, loan_id, keep=True)
    decided_on = command.on or await _today(uow, loan.organization_id)
    await _not_after_today(uow, loan.organization_id, decided_on)
    loan.reject(decided_on, principal.subject, command.note)
    await uow.mutual_aid.save_loan(loan)
    await uow.commit()
    return await read(uow, principal, loan_id)


async def repay(uow: WelfareUnitOfWork, principal: Principal, loan_id: uuid.UUID, command: RecordRepayment) -> dict:
    """A repayment, in part or in full, paid against the oldest instalments first."""
    loan = await _load(uow, principal, loan_id, keep=True)
    repayment = Repayment(
        id=uuid.uuid4(),
        loan_id=loan.id,
        amount_fen=command.amount_fen,
        repaid_on=command.repaid_on or await _today(uow, loan.organization_id),
        recorded_by=principal.subject,
    )
    await _not_after_today(uow, loan.organization_id, repayment.repaid_on)
    instalments = loan.repay(repayment, await uow.mutual_aid.instalments_of([loan.id]))
    fund = await uow.mutual_aid.fund(loan.organization_id, loan.federation_id, for_update=True)
    fund.take_back(repayment.amount_fen)
    await uow.mutual_aid.add_repayment(repayment)
    await uow.mutual_aid.save_instalments(instalments)
    await uow.mutual_aid.save_loan(loan)
    await uow.mutual_aid.save_fund(fund)
    uow.emit(
        MutualAidRepaidV1(
            organization_id=loan.organization_id,
            federation_id=loan.federation_id,
            repayment_id=repayment.id,
            loan_id=loan.id,
            amount_fen=repayment.amount_fen,
            repaid_on=repayment.repaid_on,
            borrower=loan.borrower_pseudonym(await uow.directory.language_of(loan.organization_id)),
        )
    )
    await uow.commit()
    return await read(uow, principal, loan_id)


async def read(uow: WelfareUnitOfWork, principal: Principal, loan_id: uuid.UUID) -> dict:
    loan = await _load(uow, principal, loan_id, keep=False)
    instalments = await uow.mutual_aid.instalments_of([loan.id])
    view = await _view(uow, loan, instalments)
    view["instalments"] = [_instalment(i, await _today(uow, loan.organization_id)) for i in instalments]
    view["repayments"] = [_movement(r) for r in await uow.mutual_aid.repayments_of(loan.id)]
    return view


async def loans(
    uow: WelfareUnitOfWork, principal: Principal, organization_id: str, *, status: str | None = None
) -> list[dict]:
    """The loans of the organization's subtree, by application date."""
    await _fund_keeper(uow, principal, organization_id, rules.READERS)
    found = await uow.mutual_aid.loans_of_subtree(organization_id, status=status)
    instalments = await uow.mutual_aid.instalments_of([loan.id for loan in found])
    return [await _view(uow, loan, [i for i in instalments if i.loan_id == loan.id]) for loan in found]


async def overdue(uow: WelfareUnitOfWork, principal: Principal, organization_id: str) -> list[dict]:
    """Every instalment of the subtree due before today (the federation's calendar) and not fully repaid."""
    await _fund_keeper(uow, principal, organization_id, rules.READERS)
    today = await _today(uow, organization_id)
    lent = {loan.id: loan for loan in await uow.mutual_aid.loans_of_subtree(organization_id, status=rules.LENT)}
    late = [i for i in await uow.mutual_aid.instalments_of(list(lent)) if i.overdue_on(today)]
    rows = []
    for instalment in sorted(late, key=lambda i: (i.due_on, str(i.loan_id), i.number)):
        loan = lent[instalment.loan_id]
        member = await uow.directory.member(loan.member_id)
        rows.append(
            _instalment(instalment, today)
            | {
                "organization_id": loan.organization_id,
                "member_id": loan.member_id,
                "borrower": member["display_name"] if member else None,
                "days_overdue": (today - instalment.due_on).days,
            }
        )
    return rows


async def statement(uow: WelfareUnitOfWork, principal: Principal, organization_id: str) -> dict:
    """The fund of the organization itself, and the roll-up of every fund in its subtree, as of today."""
    await _fund_keeper(uow, principal, organization_id, rules.READERS)
    today = await _today(uow, organization_id)
    funds = {fund.organization_id: fund for fund in await uow.mutual_aid.funds_of_subtree(organization_id)}
    found = await uow.mutual_aid.loans_of_subtree(organization_id)
    instalments = await uow.mutual_aid.instalments_of([loan.id for loan in found])
    by_fund: dict[str, FundFigures] = {}
    for keeper in sorted(set(funds) | {loan.organization_id for loan in found}):
        own_loans = [loan for loan in found if loan.organization_id == keeper]
        own_ids = {loan.id for loan in own_loans}
        by_fund[keeper] = rules.figures(
            funds.get(keeper), own_loans, [i for i in instalments if i.loan_id in own_ids], today
        )
    subtree = sum(by_fund.values(), FundFigures())
    return {
        "organization_id": organization_id,
        "as_of": today,
        "own": _figures(by_fund.get(organization_id, FundFigures())),
        "subtree": _figures(subtree),
        "funds": [{"organization_id": keeper, **_figures(f)} for keeper, f in by_fund.items()],
        "refused_by_finance": await _refused(uow, organization_id, found),
    }


async def on_finance_answer(uow: WelfareUnitOfWork, answer: MoneyRequestSettledV1) -> None:
    """Finance's answer to one movement of a fund, kept once: the first answer settles the movement,
    the same answer delivered again (or any later one) finds it answered and changes nothing."""
    named = contract.movement_of(answer.reference)
    if named is None or answer.outcome not in ("posted", "refused"):
        return
    kind, movement_id = named
    said = FinanceAnswer(posted=answer.outcome == "posted", reason=answer.reason)
    if kind == "contribution":
        await _contribution_answered(uow, movement_id, said, answer.federation_id)
    elif kind == "loan":
        await _loan_answered(uow, movement_id, said)
    else:
        await _repayment_answered(uow, movement_id, said)


async def _contribution_answered(
    uow: WelfareUnitOfWork, contribution_id: uuid.UUID, answer: FinanceAnswer, federation_id: str
) -> None:
    contribution = await uow.mutual_aid.get_contribution(contribution_id, for_update=True)
    if contribution is None or contribution.finance_status != rules.PENDING:
        return
    fund = await uow.mutual_aid.fund(contribution.organization_id, federation_id, for_update=True)
    fund.contribution_answered(contribution.amount_fen, answer)
    await uow.mutual_aid.save_contribution_answer(contribution.answered(answer))
    await uow.mutual_aid.save_fund(fund)


async def _loan_answered(uow: WelfareUnitOfWork, loan_id: uuid.UUID, answer: FinanceAnswer) -> None:
    loan = await uow.mutual_aid.get_loan(loan_id, for_update=True)
    if loan is None or loan.finance_status != rules.PENDING:
        return
    fund = await uow.mutual_aid.fund(loan.organization_id, loan.federation_id, for_update=True)
    loan.answered(fund, answer)
    if loan.status == rules.REFUSED:
        await uow.mutual_aid.drop_schedule(loan.id)  # void: nothing falls due on money never lent
    await uow.mutual_aid.save_loan(loan)
    await uow.mutual_aid.save_fund(fund)


async def _repayment_answered(uow: WelfareUnitOfWork, repayment_id: uuid.UUID, answer: FinanceAnswer) -> None:
    repayment = await uow.mutual_aid.get_repayment(repayment_id, for_update=True)
    if repayment is None or repayment.finance_status != rules.PENDING:
        return
    # The loan first, then the fund: the order repaying takes them in.
    loan = await uow.mutual_aid.get_loan(repayment.loan_id, for_update=True)
    assert loan is not None  # a repayment's loan is kept
    fund = await uow.mutual_aid.fund(loan.organization_id, loan.federation_id, for_update=True)
    fund.repayment_answered(repayment.amount_fen, answer)
    if not answer.posted:
        instalments = loan.repayment_refused(repayment, await uow.mutual_aid.instalments_of([loan.id]))
        await uow.mutual_aid.save_instalments(instalments)
        await uow.mutual_aid.save_loan(loan)
    await uow.mutual_aid.save_repayment_answer(repayment.answered(answer))
    await uow.mutual_aid.save_fund(fund)


# Helpers


async def _load(uow: WelfareUnitOfWork, principal: Principal, loan_id: uuid.UUID, *, keep: bool) -> Loan:
    """The loan, if the caller may see it (``keep``: held until commit, for a change)."""
    loan = await uow.mutual_aid.get_loan(loan_id, for_update=keep)
    path = await uow.directory.path_of(loan.organization_id) if loan else None
    if loan is None or path is None or not principal.can_see(path):
        raise _hidden()
    principal.require_role(*(rules.RECORDERS if keep else rules.READERS))
    return loan


async def _not_after_today(uow: WelfareUnitOfWork, organization_id: str, day: dt.date) -> None:
    """Money lent or repaid is recorded when it has moved, not ahead of it."""
    if day > await _today(uow, organization_id):
        raise Invalid(
            "mutual_aid_date_in_future",
            zh="借出、审批或还款日期不能晚于今天",
            en="a loan is decided, lent or repaid on or before today",
        )


async def _refused(uow: WelfareUnitOfWork, organization_id: str, loans: list[Loan]) -> list[dict]:
    """What finance refused in the subtree (``loans``: the subtree's), with finance's reason, by date."""
    organization_of = {loan.id: loan.organization_id for loan in loans}
    contributions = await uow.mutual_aid.contributions_of_subtree(organization_id, finance_status=rules.REFUSED)
    repayments = await uow.mutual_aid.repayments_of_subtree(organization_id, finance_status=rules.REFUSED)
    rows = [
        *(
            _refusal("contribution", c.id, c.organization_id, None, c.amount_fen, c.received_on, c.finance_reason)
            for c in contributions
        ),
        *(
            _refusal(
                "loan", loan.id, loan.organization_id, loan.id, loan.amount_fen, loan.decided_on, loan.finance_reason
            )
            for loan in loans
            if loan.status == rules.REFUSED
        ),
        *(
            _refusal(
                "repayment", r.id, organization_of[r.loan_id], r.loan_id, r.amount_fen, r.repaid_on, r.finance_reason
            )
            for r in repayments
        ),
    ]
    return sorted(rows, key=lambda row: (row["on"], row["movement"], str(row["id"])))


def _refusal(movement: str, movement_id, organization_id, loan_id, amount_fen, on, finance_reason) -> dict:
    return {
        "movement": movement,
        "id": movement_id,
        "organization_id": organization_id,
        "loan_id": loan_id,
        "amount_fen": amount_fen,
        "on": on,
        "finance_reason": finance_reason,
    }


def _contribution(contribution: Contribution) -> dict:
    return _movement(contribution) | {"contributor_label": rules.CONTRIBUTORS[contribution.contributor]}


def _movement(movement: Contribution | Repayment) -> dict:
    return dataclasses.asdict(movement) | {"finance_status_label": rules.finance_label(movement.finance_status)}


async def _view(uow: WelfareUnitOfWork, loan: Loan, instalments: list[Instalment]) -> dict:
    today = await _today(uow, loan.organization_id)
    member = await uow.directory.member(loan.member_id)
    late = [i for i in instalments if i.overdue_on(today)]
    return {
        **dataclasses.asdict(loan),
        "borrower": member["display_name"] if member else None,
        "status_label": rules.STATUSES[loan.status],
        "finance_status_label": rules.finance_label(loan.finance_status),
        "outstanding_fen": loan.outstanding_fen if loan.status in (rules.LENT, rules.REPAID) else 0,
        "overdue_fen": sum(i.unpaid_fen for i in late),
        "next_due_on": min((i.due_on for i in instalments if i.unpaid_fen), default=None),
    }


def _instalment(instalment: Instalment, today: dt.date) -> dict:
    return dataclasses.asdict(instalment) | {
        "unpaid_fen": instalment.unpaid_fen,
        "overdue": instalment.overdue_on(today),
    }


def _figures(figures: FundFigures) -> dict:
    return dataclasses.asdict(figures) | {
        "outstanding_fen": figures.outstanding_fen,
        "available_fen": figures.available_fen,
    }
