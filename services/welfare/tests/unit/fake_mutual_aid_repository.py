"""An in-memory mutual-aid fund repository, for ``fake_unit_of_work``."""

import dataclasses
import datetime as dt
import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.welfare.tests.unit.fake_unit_of_work import FakeDirectory

from unionfed_welfare.domain.mutual_aid import Contribution, Fund, Instalment, Loan, Repayment


class FakeMutualAid:
    def __init__(self, directory: "FakeDirectory") -> None:
        self.funds: dict[str, Fund] = {}
        self.contributions: dict[uuid.UUID, Contribution] = {}
        self.loans: dict[uuid.UUID, Loan] = {}
        self.instalments: dict[tuple[uuid.UUID, int], Instalment] = {}
        self.repayments: dict[uuid.UUID, Repayment] = {}
        self._directory = directory

    async def _in_subtree(self, organization_id: str, of: str) -> bool:
        return organization_id in (await self._directory.path_of(of) or [])

    async def fund(self, organization_id: str, federation_id: str, *, for_update: bool = False) -> Fund:
        self.funds.setdefault(organization_id, Fund(organization_id, federation_id))
        return dataclasses.replace(self.funds[organization_id])

    async def save_fund(self, fund: Fund) -> None:
        self.funds[fund.organization_id] = dataclasses.replace(fund)

    async def funds_of_subtree(self, organization_id: str) -> list[Fund]:
        return [
            dataclasses.replace(f)
            for key, f in sorted(self.funds.items())
            if await self._in_subtree(organization_id, key)
        ]

    async def add_contribution(self, contribution: Contribution) -> None:
        self.contributions[contribution.id] = dataclasses.replace(contribution, created_at=dt.datetime.now(dt.UTC))

    async def contributions_of(self, organization_id: str) -> list[Contribution]:
        return sorted(
            (c for c in self.contributions.values() if c.organization_id == organization_id),
            key=lambda c: c.received_on,
        )

    async def contributions_of_subtree(self, organization_id: str, *, finance_status: str) -> list[Contribution]:
        found = [
            c
            for c in self.contributions.values()
            if await self._in_subtree(organization_id, c.organization_id) and c.finance_status == finance_status
        ]
        return sorted(found, key=lambda c: c.received_on)

    async def get_contribution(self, contribution_id: uuid.UUID, *, for_update: bool = False) -> Contribution | None:
        return self.contributions.get(contribution_id)

    async def save_contribution_answer(self, contribution: Contribution) -> None:
        self.contributions[contribution.id] = contribution

    async def add_loan(self, loan: Loan) -> None:
        self.loans[loan.id] = dataclasses.replace(loan, created_at=dt.datetime.now(dt.UTC))

    async def get_loan(self, loan_id: uuid.UUID, *, for_update: bool = False) -> Loan | None:
        loan = self.loans.get(loan_id)
        return dataclasses.replace(loan) if loan else None

    async def save_loan(self, loan: Loan) -> None:
        self.loans[loan.id] = dataclasses.replace(loan)

    async def loans_of_subtree(self, organization_id: str, *, status: str | None = None) -> list[Loan]:
        found = [
            dataclasses.replace(loan)
            for loan in self.loans.values()
            if await self._in_subtree(organization_id, loan.organization_id)
            and (status is None or loan.status == status)
        ]
        return sorted(found, key=lambda loan: loan.applied_on)

    async def save_instalments(self, instalments: list[Instalment]) -> None:
        for instalment in instalments:
            self.instalments[instalment.loan_id, instalment.number] = instalment

    async def drop_schedule(self, loan_id: uuid.UUID) -> None:
        self.instalments = {key: i for key, i in self.instalments.items() if key[0] != loan_id}

    async def instalments_of(self, loan_ids: list[uuid.UUID]) -> list[Instalment]:
        return [
            i
            for key, i in sorted(self.instalments.items(), key=lambda kv: (str(kv[0][0]), kv[0][1]))
            if key[0] in loan_ids
        ]

    async def add_repayment(self, repayment: Repayment) -> None:
        self.repayments[repayment.id] = dataclasses.replace(repayment, created_at=dt.datetime.now(dt.UTC))

    async def repayments_of(self, loan_id: uuid.UUID) -> list[Repayment]:
        return sorted((r for r in self.repayments.values() if r.loan_id == loan_id), key=lambda r: r.repaid_on)

    async def repayments_of_subtree(self, organization_id: str, *, finance_status: str) -> list[Repayment]:
        found = [
            r
            for r in self.repayments.values()
            if await self._in_subtree(organization_id, self.loans[r.loan_id].organization_id)
            and r.finance_status == finance_status
        ]
        return sorted(found, key=lambda r: r.repaid_on)

    async def get_repayment(self, repayment_id: uuid.UUID, *, for_update: bool = False) -> Repayment | None:
        return self.repayments.get(repayment_id)

    async def save_repayment_answer(self, repayment: Repayment) -> None:
        self.repayments[repayment.id] = repayment
