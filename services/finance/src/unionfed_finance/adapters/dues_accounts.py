"""Each member's dues account in finance: what they paid in all, and the union that holds it."""

import uuid

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters.tables import dues_accounts, dues_receipts


class DuesAccountRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def open(self, member_id: uuid.UUID, organization_id: str, federation_id: str) -> None:
        await self._session.execute(
            pg_insert(dues_accounts)
            .values(member_id=member_id, organization_id=organization_id, federation_id=federation_id)
            .on_conflict_do_nothing()
        )

    async def open_many(self, accounts: list[tuple[uuid.UUID, str, str]]) -> None:
        """``open`` for many members at once: (member, organization, federation) each."""
        if accounts:
            # executemany: one compiled statement (a multi-row VALUES is compiled anew for each size).
            await self._session.execute(
                pg_insert(dues_accounts).on_conflict_do_nothing(),
                [
                    {"member_id": member_id, "organization_id": organization_id, "federation_id": federation_id}
                    for member_id, organization_id, federation_id in accounts
                ],
            )

    async def record_payment(self, member_id: uuid.UUID, period: str, amount_fen: int) -> None:
        await self._session.execute(
            update(dues_accounts)
            .where(dues_accounts.c.member_id == member_id)
            .values(
                paid_total_fen=dues_accounts.c.paid_total_fen + amount_fen,
                periods_paid=dues_accounts.c.periods_paid + 1,
                last_period=period,
            )
        )

    async def record_payments(self, period: str, paid: list[tuple[uuid.UUID, int]]) -> None:
        """``record_payment`` for a chunk's members at once: (member, amount) each, one statement."""
        if not paid:
            return
        statement = text(
            """
            UPDATE dues_accounts AS a
            SET paid_total_fen = a.paid_total_fen + p.amount_fen, periods_paid = a.periods_paid + 1,
                last_period = :period
            FROM unnest(CAST(:members AS uuid[]), CAST(:amounts AS bigint[])) AS p(member_id, amount_fen)
            WHERE a.member_id = p.member_id
            """
        ).bindparams(bindparam("members"), bindparam("amounts"))
        await self._session.execute(
            statement, {"period": period, "members": [m for m, _ in paid], "amounts": [fen for _, fen in paid]}
        )

    async def booked_receipts(self, payment_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict]:
        """The receipts of those payments already booked by a chunk, by payment id (locked)."""
        if not payment_ids:
            return {}
        query = select(dues_receipts).where(dues_receipts.c.payment_id.in_(payment_ids)).with_for_update()
        return {row.payment_id: dict(row._mapping) for row in await self._session.execute(query)}

    async def add_receipts(self, rows: list[dict]) -> None:
        if rows:
            await self._session.execute(pg_insert(dues_receipts), rows)  # executemany, as open_many

    async def transfer(self, member_id: uuid.UUID, to_organization_id: str, federation_id: str) -> None:
        """Move the account to the member's new union, keeping its totals.

        Called only for the member's newest change (the directory's version decides), so an older
        transfer arriving late never moves it back. It opens one at the new union when the
        member's joining has not arrived yet (another partition); the late joining leaves it alone.
        """
        await self._session.execute(
            pg_insert(dues_accounts)
            .values(member_id=member_id, organization_id=to_organization_id, federation_id=federation_id)
            .on_conflict_do_update(index_elements=["member_id"], set_={"organization_id": to_organization_id})
        )

    async def get(self, member_id: uuid.UUID) -> dict | None:
        row = (await self._session.execute(select(dues_accounts).where(dues_accounts.c.member_id == member_id))).first()
        return dict(row._mapping) if row else None
