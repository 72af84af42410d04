"""Fund policies and fund requests: the federation's split of the 2 % funds, and requests for allocations."""

import datetime as dt
import uuid
from dataclasses import asdict

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters.tables import fund_policies, fund_requests
from unionfed_finance.domain.fund_requests import FundRequest


class FundPolicyRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def remit_per_mille(self, federation_id: str) -> int | None:
        """The share the federation set, or None when it keeps the default."""
        return await self._session.scalar(
            select(fund_policies.c.employer_funds_remit_per_mille).where(fund_policies.c.federation_id == federation_id)
        )

    async def set(self, federation_id: str, remit_per_mille: int, updated_by: str) -> None:
        values = {"employer_funds_remit_per_mille": remit_per_mille, "updated_by": updated_by}
        await self._session.execute(
            pg_insert(fund_policies)
            .values(federation_id=federation_id, **values)
            .on_conflict_do_update(index_elements=["federation_id"], set_=values)
        )


class FundRequestRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def add(self, request: FundRequest) -> FundRequest:
        values = {k: v for k, v in asdict(request).items() if k != "created_at" or v is not None}
        row = (await self._session.execute(pg_insert(fund_requests).values(**values).returning(fund_requests))).one()
        return FundRequest(**row._mapping)

    async def get_for_decision(self, request_id: uuid.UUID) -> FundRequest | None:
        """The request, locked until the transaction ends: two decisions on it queue, the second sees the first."""
        row = (
            await self._session.execute(select(fund_requests).where(fund_requests.c.id == request_id).with_for_update())
        ).first()
        return None if row is None else FundRequest(**row._mapping)

    async def record_decision(
        self,
        request_id: uuid.UUID,
        *,
        approve: bool,
        decided_by: str,
        reason: str | None,
        journal_event_id: str | None,
        decided_at: dt.datetime,
    ) -> FundRequest:
        row = (
            await self._session.execute(
                update(fund_requests)
                .where(fund_requests.c.id == request_id)
                .values(
                    status="approved" if approve else "refused",
                    decided_by=decided_by,
                    decision_reason=reason,
                    journal_event_id=journal_event_id,
                    decided_at=decided_at,
                )
                .returning(fund_requests)
            )
        ).one()
        return FundRequest(**row._mapping)

    async def made_by_or_waiting_for(self, organization_id: str) -> list[FundRequest]:
        rows = await self._session.execute(
            select(fund_requests)
            .where(
                (fund_requests.c.organization_id == organization_id) | (fund_requests.c.approver_id == organization_id)
            )
            .order_by(fund_requests.c.created_at)
        )
        return [FundRequest(**row._mapping) for row in rows]
