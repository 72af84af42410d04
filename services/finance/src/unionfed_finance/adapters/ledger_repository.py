"""Appending postings to a ledger: chain, lines and balances in one transaction."""

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters.tables import accounts, closed_periods, dues_accounts, ledgers, posting_lines, postings
from unionfed_finance.domain.ledger import (
    GENESIS_HASH,
    STANDARD_CHART,
    AccountSpec,
    Line,
    Posting,
    Refused,
    SourceEvent,
    account_spec,
    chain_hash,
)


@dataclass(frozen=True)
class RecordedPosting:
    id: uuid.UUID
    sequence: int
    hash: str


def _account_row(organization_id: str, spec: AccountSpec) -> dict:
    return {
        "organization_id": organization_id,
        "code": spec.code,
        "name": spec.name,
        "name_zh": spec.name_zh,
        "type": spec.type.value,
        "floor_fen": spec.floor_fen,
    }


def posting_of_rows(row, lines) -> Posting:
    """The domain posting a ``postings`` row and its ``posting_lines`` rows (in line order) record."""
    return Posting(
        row.organization_id,
        row.effective_date,
        row.description,
        tuple(Line(l.account_code, l.debit_fen, l.credit_fen, l.counterparty_id) for l in lines),
        row.reverses_posting_id,
    )


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
            pg_insert(accounts).values([_account_row(organization_id, s) for s in STANDARD_CHART]).on_conflict_do_nothing()
        )
        return opened is not None

    async def ensure_accounts(self, organization_id: str, codes: set[str]) -> None:
        """Create sub-accounts (2301/<drive>) on first use, before anything locks them.

        ``SELECT … FOR UPDATE`` locks nothing for a row that does not exist yet, so two first
        spends could both pass a floor: the row is created first, then every change locks it.
        """
        extra = sorted(code for code in codes if "/" in code)
        if extra:
            await self._session.execute(
                pg_insert(accounts)
                .values([_account_row(organization_id, account_spec(code)) for code in extra])
                .on_conflict_do_nothing()
            )

    async def lock_head(self, organization_id: str):
        """Lock the chain head: one writer per ledger, so sequences have no gaps or forks."""
        head = (
            await self._session.execute(
                select(ledgers.c.last_sequence, ledgers.c.last_hash)
                .where(ledgers.c.organization_id == organization_id)
                .with_for_update()
            )
        ).first()
        if head is None:
            raise Refused(f"organization {organization_id} keeps no books here")
        return head

    async def closed_period_containing(self, organization_id: str, day: dt.date) -> str | None:
        return await self._session.scalar(
            select(closed_periods.c.label).where(
                closed_periods.c.organization_id == organization_id,
                closed_periods.c.starts_on <= day,
                closed_periods.c.ends_on >= day,
            )
        )

    async def append(self, posting: Posting, source: SourceEvent, posting_id: uuid.UUID) -> RecordedPosting:
        """Append one posting: period open, every floor kept, or :class:`Refused` and nothing written."""
        head = await self.lock_head(posting.organization_id)
        closed = await self.closed_period_containing(posting.organization_id, posting.effective_date)
        if closed:
            raise Refused(
                f"period {closed} of {posting.organization_id} is closed; "
                f"date the entry (or its correction) in an open period"
            )
        await self.ensure_accounts(posting.organization_id, {line.account_code for line in posting.lines})
        sequence = head.last_sequence + 1
        digest = chain_hash(head.last_hash, sequence, posting, source.event_id)
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
                journal_event_id=source.journal_event_id,
                journal_partition=source.journal_partition,
                journal_offset=source.journal_offset,
                reverses_posting_id=posting.reverses_posting_id,
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
                    "counterparty_id": line.counterparty_id,
                }
                for number, line in enumerate(posting.lines, start=1)
            ],
        )
        for line in posting.lines:
            await self.move_balance(
                posting.organization_id, line.account_code, line.signed_for(account_spec(line.account_code).type)
            )
        await self._session.execute(
            update(ledgers)
            .where(ledgers.c.organization_id == posting.organization_id)
            .values(last_sequence=sequence, last_hash=digest)
        )
        return RecordedPosting(posting_id, sequence, digest)

    async def move_balance(self, organization_id: str, code: str, delta: int) -> None:
        # The floor is checked by the statement that moves the balance, on the row it locks;
        # money reserved by pending holds is not available.
        moved = await self._session.scalar(
            text(
                """
                UPDATE accounts SET balance_fen = balance_fen + :delta
                WHERE organization_id = :org AND code = :code
                  AND (floor_fen IS NULL OR :delta >= 0 OR balance_fen - pending_fen + :delta >= floor_fen)
                RETURNING balance_fen
                """
            ),
            {"delta": delta, "org": organization_id, "code": code},
        )
        if moved is None:
            await self._refuse_account_change(organization_id, code, -delta)

    async def reserve(self, organization_id: str, code: str, amount_fen: int) -> None:
        """Count ``amount_fen`` as pending against the account's floor (a hold)."""
        moved = await self._session.scalar(
            text(
                """
                UPDATE accounts SET pending_fen = pending_fen + :amount
                WHERE organization_id = :org AND code = :code
                  AND (floor_fen IS NULL OR balance_fen - pending_fen - :amount >= floor_fen)
                RETURNING pending_fen
                """
            ),
            {"amount": amount_fen, "org": organization_id, "code": code},
        )
        if moved is None:
            await self._refuse_account_change(organization_id, code, amount_fen)

    async def release(self, organization_id: str, code: str, amount_fen: int) -> None:
        await self._session.execute(
            update(accounts)
            .where(accounts.c.organization_id == organization_id, accounts.c.code == code)
            .values(pending_fen=accounts.c.pending_fen - amount_fen)
        )

    async def _refuse_account_change(self, organization_id: str, code: str, wanted_fen: int) -> None:
        row = (
            await self._session.execute(
                select(accounts.c.balance_fen, accounts.c.pending_fen, accounts.c.floor_fen).where(
                    accounts.c.organization_id == organization_id, accounts.c.code == code
                )
            )
        ).first()
        if row is None:
            raise Refused(f"account {code} is not open in {organization_id}")
        available = row.balance_fen - row.pending_fen - (row.floor_fen or 0)
        raise Refused(
            f"account {code} of {organization_id} would fall below its floor: "
            f"{wanted_fen} fen wanted, {available} fen available ({row.pending_fen} fen reserved by holds)"
        )

    async def get_posting(self, posting_id: uuid.UUID) -> tuple[dict, Posting] | None:
        row = (await self._session.execute(select(postings).where(postings.c.id == posting_id))).first()
        if row is None:
            return None
        lines = await self._session.execute(
            select(posting_lines).where(posting_lines.c.posting_id == posting_id).order_by(posting_lines.c.line_no)
        )
        return dict(row._mapping), posting_of_rows(row, lines)

    async def applied_together(self, posting_id: uuid.UUID) -> list[uuid.UUID]:
        """The posting and every other posting its journal entry made (both sides of a transfer)."""
        journal_event_id = await self._session.scalar(select(postings.c.journal_event_id).where(postings.c.id == posting_id))
        if journal_event_id is None:
            return [posting_id]
        return list(
            await self._session.scalars(
                select(postings.c.id).where(postings.c.journal_event_id == journal_event_id)
                .order_by(postings.c.organization_id)
            )
        )

    async def reversal_of(self, posting_id: uuid.UUID) -> uuid.UUID | None:
        return await self._session.scalar(select(postings.c.id).where(postings.c.reverses_posting_id == posting_id))

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
