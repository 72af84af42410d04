"""Appending postings to a ledger: chain, lines and balances in one transaction."""

import uuid
from dataclasses import dataclass

from sqlalchemy import insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters.tables import accounts, dues_accounts, ledgers, posting_lines, postings
from unionfed_finance.domain.ledger import (
    CHART_BY_CODE,
    GENESIS_HASH,
    STANDARD_CHART,
    Posting,
    SourceEvent,
    chain_hash,
)
from unionfed_shared.errors import Conflict, NotFound


@dataclass(frozen=True)
class RecordedPosting:
    id: uuid.UUID
    sequence: int
    hash: str


class LedgerRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def open(self, organization_id: str, federation_id: str) -> bool:
        """Open the books with the standard chart; True when they were not open yet."""
        opened = await self._session.scalar(
            pg_insert(ledgers)
            .values(organization_id=organization_id, federation_id=federation_id, last_hash=GENESIS_HASH)
            .on_conflict_do_nothing()
            .returning(ledgers.c.organization_id)
        )
        await self._session.execute(
            pg_insert(accounts)
            .values(
                [
                    {
                        "organization_id": organization_id,
                        "code": spec.code,
                        "name": spec.name,
                        "name_zh": spec.name_zh,
                        "type": spec.type.value,
                        "floor_fen": spec.floor_fen,
                    }
                    for spec in STANDARD_CHART
                ]
            )
            .on_conflict_do_nothing()
        )
        return opened is not None

    async def append(self, posting: Posting, source: SourceEvent) -> RecordedPosting:
        head = (
            await self._session.execute(
                select(ledgers.c.last_sequence, ledgers.c.last_hash)
                .where(ledgers.c.organization_id == posting.organization_id)
                .with_for_update()
            )
        ).first()
        if head is None:
            raise NotFound(f"organization {posting.organization_id} keeps no books here")
        sequence = head.last_sequence + 1
        digest = chain_hash(head.last_hash, sequence, posting, source.event_id)
        posting_id = uuid.uuid4()
        await self._session.execute(
            insert(postings).values(
                id=posting_id,
                organization_id=posting.organization_id,
                sequence=sequence,
                effective_date=posting.effective_date,
                description=posting.description,
                total_fen=posting.total_fen,
                source_event_id=source.event_id,
                source_event_type=source.event_type,
                source_topic=source.topic,
                source_partition=source.partition,
                source_offset=source.offset,
                actor=source.actor,
                causation_id=source.causation_id,
                correlation_id=source.correlation_id,
                trace_id=source.trace_id,
                previous_hash=head.last_hash,
                hash=digest,
            )
        )
        await self._session.execute(
            insert(posting_lines),
            [
                {
                    "posting_id": posting_id,
                    "line_no": number,
                    "organization_id": posting.organization_id,
                    "account_code": line.account_code,
                    "debit_fen": line.debit_fen,
                    "credit_fen": line.credit_fen,
                }
                for number, line in enumerate(posting.lines, start=1)
            ],
        )
        for line in posting.lines:
            await self._apply_to_balance(posting.organization_id, line.account_code, line.signed_for(CHART_BY_CODE[line.account_code].type))
        await self._session.execute(
            update(ledgers)
            .where(ledgers.c.organization_id == posting.organization_id)
            .values(last_sequence=sequence, last_hash=digest)
        )
        return RecordedPosting(posting_id, sequence, digest)

    async def _apply_to_balance(self, organization_id: str, code: str, delta: int) -> None:
        # The floor is checked by the same statement that moves the balance, on the locked row.
        moved = await self._session.scalar(
            text(
                """
                UPDATE accounts SET balance_fen = balance_fen + :delta
                WHERE organization_id = :org AND code = :code
                  AND (floor_fen IS NULL OR balance_fen + :delta >= floor_fen)
                RETURNING balance_fen
                """
            ),
            {"delta": delta, "org": organization_id, "code": code},
        )
        if moved is None:
            exists = await self._session.scalar(
                select(accounts.c.code).where(accounts.c.organization_id == organization_id, accounts.c.code == code)
            )
            if exists is None:
                raise NotFound(f"account {code} is not open in {organization_id}")
            raise Conflict(f"account {code} of {organization_id} would fall below its floor")

    async def balances(self, organization_id: str) -> list[dict]:
        query = select(accounts).where(accounts.c.organization_id == organization_id).order_by(accounts.c.code)
        return [dict(row._mapping) for row in await self._session.execute(query)]

    async def postings(self, organization_id: str, limit: int, after_sequence: int) -> list[dict]:
        query = (
            select(postings)
            .where(postings.c.organization_id == organization_id, postings.c.sequence > after_sequence)
            .order_by(postings.c.sequence)
            .limit(limit)
        )
        rows = [dict(row._mapping) for row in await self._session.execute(query)]
        if rows:
            lines = await self._session.execute(
                select(posting_lines)
                .where(posting_lines.c.posting_id.in_([r["id"] for r in rows]))
                .order_by(posting_lines.c.posting_id, posting_lines.c.line_no)
            )
            by_posting: dict = {}
            for line in lines:
                by_posting.setdefault(line.posting_id, []).append(dict(line._mapping))
            for row in rows:
                row["lines"] = by_posting.get(row["id"], [])
        return rows


class DuesAccountRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def open(self, member_id: uuid.UUID, organization_id: str, federation_id: str) -> None:
        await self._session.execute(
            pg_insert(dues_accounts)
            .values(member_id=member_id, organization_id=organization_id, federation_id=federation_id)
            .on_conflict_do_nothing()
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

    async def get(self, member_id: uuid.UUID) -> dict | None:
        row = (await self._session.execute(select(dues_accounts).where(dues_accounts.c.member_id == member_id))).first()
        return dict(row._mapping) if row else None
