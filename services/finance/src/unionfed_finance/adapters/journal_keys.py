"""Which federations' journals are keyed by ledger, and the sides of movements between ledgers."""

import uuid

from sqlalchemy import exists, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters.tables import journal_keying, ledgers, money_outcomes, outbox, transfer_legs
from unionfed_shared.contracts.topics import FINANCE_JOURNAL


class JournalKeys:
    def __init__(self, session: AsyncSession):
        self._session = session
        self._ordering: dict[str, str] = {}

    async def ordering_of(self, federation_id: str) -> str:
        """``ledger`` once the federation was switched (or a ledger-keyed entry of it applied), else ``federation``."""
        if federation_id not in self._ordering:
            found = await self._session.scalar(
                select(journal_keying.c.ordering).where(journal_keying.c.federation_id == federation_id)
            )
            self._ordering[federation_id] = found or "federation"
        return self._ordering[federation_id]

    async def key_by_ledger(self, federation_id: str) -> None:
        if self._ordering.get(federation_id) == "ledger":
            return
        await self._session.execute(
            pg_insert(journal_keying)
            .values(federation_id=federation_id, ordering="ledger")
            .on_conflict_do_nothing(index_elements=["federation_id"])
        )
        self._ordering[federation_id] = "ledger"

    async def has_history(self, federation_id: str) -> bool:
        """Whether any instruction of the federation was written (even one not applied yet: the outbox
        keeps every entry), applied, or any of its ledgers has an entry."""
        return bool(
            await self._session.scalar(
                select(
                    or_(
                        exists().where(outbox.c.topic == FINANCE_JOURNAL, outbox.c.key == federation_id.encode()),
                        exists().where(money_outcomes.c.federation_id == federation_id),
                        exists().where(ledgers.c.federation_id == federation_id, ledgers.c.last_sequence > 0),
                    )
                )
            )
        )

    async def link(
        self, organization_id: str, posting_id: uuid.UUID, other_organization_id: str, other_posting_id: uuid.UUID
    ) -> None:
        await self._session.execute(
            pg_insert(transfer_legs)
            .values(
                organization_id=organization_id,
                posting_id=posting_id,
                other_organization_id=other_organization_id,
                other_posting_id=other_posting_id,
            )
            .on_conflict_do_nothing()
        )

    async def other_sides(self, posting_id: uuid.UUID) -> list[tuple[str, uuid.UUID]]:
        """The postings in other ledgers this ledger knows as the other sides of ``posting_id``."""
        rows = await self._session.execute(
            select(transfer_legs.c.other_organization_id, transfer_legs.c.other_posting_id)
            .where(transfer_legs.c.posting_id == posting_id)
            .order_by(transfer_legs.c.other_organization_id)
        )
        return [(row.other_organization_id, row.other_posting_id) for row in rows]
