"""Loading and saving the mutual-aid fund: the fund's totals, contributions, loans, instalments, repayments."""

import dataclasses
import uuid

from sqlalchemy import any_, delete, insert, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_welfare.adapters.mutual_aid_tables import (
    mutual_aid_contributions,
    mutual_aid_funds,
    mutual_aid_instalments,
    mutual_aid_loans,
    mutual_aid_repayments,
)
from unionfed_welfare.adapters.tables import directory
from unionfed_welfare.domain.mutual_aid import Contribution, Fund, Instalment, Loan, Repayment

_FUND_FIELDS = tuple(f.name for f in dataclasses.fields(Fund))
_LOAN_FIELDS = tuple(f.name for f in dataclasses.fields(Loan))
_CONTRIBUTION_FIELDS = tuple(f.name for f in dataclasses.fields(Contribution))
_INSTALMENT_FIELDS = tuple(f.name for f in dataclasses.fields(Instalment))
_REPAYMENT_FIELDS = tuple(f.name for f in dataclasses.fields(Repayment))


def _in_subtree(table, organization_id: str):
    """``table``'s rows of the organization and everything below it."""
    return (
        select(table)
        .join(directory.organizations, directory.organizations.c.id == table.c.organization_id)
        .where(literal(organization_id) == any_(directory.organizations.c.path))
    )


class MutualAidRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def fund(self, organization_id: str, federation_id: str, *, for_update: bool = False) -> Fund:
        """The union's fund, opened empty on first use; ``for_update`` holds its row until commit."""
        await self._session.execute(
            pg_insert(mutual_aid_funds)
            .values(organization_id=organization_id, federation_id=federation_id)
            .on_conflict_do_nothing()
        )
        query = select(mutual_aid_funds).where(mutual_aid_funds.c.organization_id == organization_id)
        row = (await self._session.execute(query.with_for_update() if for_update else query)).mappings().one()
        return Fund(**{f: row[f] for f in _FUND_FIELDS})

    async def save_fund(self, fund: Fund) -> None:
        await self._session.execute(
            update(mutual_aid_funds)
            .where(mutual_aid_funds.c.organization_id == fund.organization_id)
            .values(**{f: getattr(fund, f) for f in _FUND_FIELDS if f.endswith("_fen")})
        )

    async def funds_of_subtree(self, organization_id: str) -> list[Fund]:
        rows = await self._session.execute(
            _in_subtree(mutual_aid_funds, organization_id).order_by(mutual_aid_funds.c.organization_id)
        )
        return [Fund(**{f: row[f] for f in _FUND_FIELDS}) for row in rows.mappings()]

    async def add_contribution(self, contribution: Contribution) -> None:
        values = {f: getattr(contribution, f) for f in _CONTRIBUTION_FIELDS if getattr(contribution, f) is not None}
        await self._session.execute(insert(mutual_aid_contributions).values(**values))

    async def contributions_of(self, organization_id: str) -> list[Contribution]:
        rows = await self._session.execute(
            select(mutual_aid_contributions)
            .where(mutual_aid_contributions.c.organization_id == organization_id)
            .order_by(mutual_aid_contributions.c.received_on, mutual_aid_contributions.c.created_at)
        )
        return [Contribution(**{f: row[f] for f in _CONTRIBUTION_FIELDS}) for row in rows.mappings()]

    async def contributions_of_subtree(self, organization_id: str, *, finance_status: str) -> list[Contribution]:
        rows = await self._session.execute(
            _in_subtree(mutual_aid_contributions, organization_id)
            .where(mutual_aid_contributions.c.finance_status == finance_status)
            .order_by(mutual_aid_contributions.c.received_on, mutual_aid_contributions.c.created_at)
        )
        return [Contribution(**{f: row[f] for f in _CONTRIBUTION_FIELDS}) for row in rows.mappings()]

    async def get_contribution(self, contribution_id: uuid.UUID, *, for_update: bool = False) -> Contribution | None:
        query = select(mutual_aid_contributions).where(mutual_aid_contributions.c.id == contribution_id)
        row = (await self._session.execute(query.with_for_update() if for_update else query)).mappings().first()
        return Contribution(**{f: row[f] for f in _CONTRIBUTION_FIELDS}) if row else None

    async def save_contribution_answer(self, contribution: Contribution) -> None:
        await self._session.execute(
            update(mutual_aid_contributions)
            .where(mutual_aid_contributions.c.id == contribution.id)
            .values(finance_status=contribution.finance_status, finance_reason=contribution.finance_reason)
        )

    async def add_loan(self, loan: Loan) -> None:
        values = {f: getattr(loan, f) for f in _LOAN_FIELDS if getattr(loan, f) is not None}
        await self._session.execute(insert(mutual_aid_loans).values(**values))

    async def get_loan(self, loan_id: uuid.UUID, *, for_update: bool = False) -> Loan | None:
        query = select(mutual_aid_loans).where(mutual_aid_loans.c.id == loan_id)
        row = (await self._session.execute(query.with_for_update() if for_update else query)).mappings().first()
        return Loan(**{f: row[f] for f in _LOAN_FIELDS}) if row else None

    async def save_loan(self, loan: Loan) -> None:
        await self._session.execute(
            update(mutual_aid_loans)
            .where(mutual_aid_loans.c.id == loan.id)
            .values(
                status=loan.status,
                decided_on=loan.decided_on,
                decided_by=loan.decided_by,
                decision_note=loan.decision_note,
                repaid_fen=loan.repaid_fen,
                finance_status=loan.finance_status,
                finance_reason=loan.finance_reason,
            )
        )

    async def loans_of_subtree(self, organization_id: str, *, status: str | None = None) -> list[Loan]:
        query = _in_subtree(mutual_aid_loans, organization_id).order_by(
            mutual_aid_loans.c.applied_on, mutual_aid_loans.c.created_at
        )
        if status is not None:
            query = query.where(mutual_aid_loans.c.status == status)
        return [Loan(**{f: row[f] for f in _LOAN_FIELDS}) for row in (await self._session.execute(query)).mappings()]

    async def save_instalments(self, instalments: list[Instalment]) -> None:
        """Add a new schedule, or keep what was repaid on each instalment of an existing one."""
        for instalment in instalments:
            await self._session.execute(
                pg_insert(mutual_aid_instalments)
                .values(**{f: getattr(instalment, f) for f in _INSTALMENT_FIELDS})
                .on_conflict_do_update(
                    index_elements=[mutual_aid_instalments.c.loan_id, mutual_aid_instalments.c.number],
                    set_={"repaid_fen": instalment.repaid_fen},
                )
            )

    async def drop_schedule(self, loan_id: uuid.UUID) -> None:
        await self._session.execute(delete(mutual_aid_instalments).where(mutual_aid_instalments.c.loan_id == loan_id))

    async def instalments_of(self, loan_ids: list[uuid.UUID]) -> list[Instalment]:
        if not loan_ids:
            return []
        rows = await self._session.execute(
            select(mutual_aid_instalments)
            .where(mutual_aid_instalments.c.loan_id.in_(loan_ids))
            .order_by(mutual_aid_instalments.c.loan_id, mutual_aid_instalments.c.number)
        )
        return [Instalment(**{f: row[f] for f in _INSTALMENT_FIELDS}) for row in rows.mappings()]

    async def add_repayment(self, repayment: Repayment) -> None:
        values = {f: getattr(repayment, f) for f in _REPAYMENT_FIELDS if getattr(repayment, f) is not None}
        await self._session.execute(insert(mutual_aid_repayments).values(**values))

    async def repayments_of(self, loan_id: uuid.UUID) -> list[Repayment]:
        rows = await self._session.execute(
            select(mutual_aid_repayments)
            .where(mutual_aid_repayments.c.loan_id == loan_id)
            .order_by(mutual_aid_repayments.c.repaid_on, mutual_aid_repayments.c.created_at)
        )
        return [Repayment(**{f: row[f] for f in _REPAYMENT_FIELDS}) for row in rows.mappings()]

    async def repayments_of_subtree(self, organization_id: str, *, finance_status: str) -> list[Repayment]:
        loans = _in_subtree(mutual_aid_loans, organization_id).with_only_columns(mutual_aid_loans.c.id)
        rows = await self._session.execute(
            select(mutual_aid_repayments)
            .where(mutual_aid_repayments.c.loan_id.in_(loans), mutual_aid_repayments.c.finance_status == finance_status)
            .order_by(mutual_aid_repayments.c.repaid_on, mutual_aid_repayments.c.created_at)
        )
        return [Repayment(**{f: row[f] for f in _REPAYMENT_FIELDS}) for row in rows.mappings()]

    async def get_repayment(self, repayment_id: uuid.UUID, *, for_update: bool = False) -> Repayment | None:
        query = select(mutual_aid_repayments).where(mutual_aid_repayments.c.id == repayment_id)
        row = (await self._session.execute(query.with_for_update() if for_update else query)).mappings().first()
        return Repayment(**{f: row[f] for f in _REPAYMENT_FIELDS}) if row else None

    async def save_repayment_answer(self, repayment: Repayment) -> None:
        await self._session.execute(
            update(mutual_aid_repayments)
            .where(mutual_aid_repayments.c.id == repayment.id)
            .values(finance_status=repayment.finance_status, finance_reason=repayment.finance_reason)
        )
