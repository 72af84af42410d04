"""Appending postings to a ledger: chain, lines and balances in one transaction."""

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters import posting_search
from unionfed_finance.adapters.tables import accounts, closed_periods, ledgers, posting_lines, postings
from unionfed_finance.adapters.tentative_changes import TentativeChanges
from unionfed_finance.domain.chain import chain_record
from unionfed_finance.domain.ledger import (
    GENESIS_HASH,
    STANDARD_CHART,
    AccountBalance,
    AccountSpec,
    Line,
    Posting,
    Refused,
    SourceEvent,
    account_spec,
)
from unionfed_finance.domain.posting_search import PostingFilter
from unionfed_shared.db import copy_rows


@dataclass(frozen=True)
class Head:
    last_sequence: int
    last_hash: str


def del_from(rows: list, start: int) -> None:
    del rows[start:]


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


_STANDARD_CODES = frozenset(spec.code for spec in STANDARD_CHART)


class LedgerRepository:
    """The ledgers one transaction writes, kept in memory from first use and written at :meth:`flush`.

    A consumer applies a batch of journal entries in one transaction. Reading a ledger's head and
    accounts once (locked), checking every rule in memory, and writing the postings, lines,
    balances and heads in a few multi-row statements is what makes that fast; the rules and the
    order of entries are the same as one statement per change. The locks are taken on first use
    and held to the end of the transaction, so nothing else can move these rows meanwhile.
    """

    def __init__(self, session: AsyncSession):
        self._session = session
        self._opened: set[str] = set()
        self._heads: dict[str, list] = {}  # organization -> [last_sequence, last_hash]
        self._accounts: dict[str, dict[str, AccountBalance]] = {}
        # Ledgers whose every account is in ``_accounts``; the others (prefetched for the accounts a
        # batch names) read, and lock, any other account when it is first asked for.
        self._complete: set[str] = set()
        self._periods: dict[str, list[tuple[str, dt.date, dt.date]]] = {}
        self._new_postings: list[dict] = []
        self._new_lines: list[dict] = []
        self._moved: set[tuple[str, str]] = set()
        self._moved_heads: set[str] = set()
        self._tentative = TentativeChanges(session)

    # ------------------------------------------------------------ tentative changes

    def tentatively(self):
        """Changes that vanish, in the database and in memory, when the block raises (TentativeChanges)."""
        return self._tentative.block()

    def remember(self, undo: Callable[[], object]) -> None:
        """Undo ``undo`` if the tentative block around this change raises."""
        self._tentative.remember(undo)

    # ------------------------------------------------------------ books, heads, accounts

    async def open(self, organization_id: str, federation_id: str) -> bool:
        """Open the books with the standard chart; True when they were not open yet."""
        if organization_id in self._opened:
            return False
        opened = await self._session.scalar(
            pg_insert(ledgers)
            .values(organization_id=organization_id, federation_id=federation_id, last_hash=GENESIS_HASH)
            .on_conflict_do_nothing()
            .returning(ledgers.c.organization_id)
        )
        if opened is not None:
            # Books and chart are opened in one transaction: existing books have their chart.
            await self._session.execute(
                pg_insert(accounts)
                .values([_account_row(organization_id, s) for s in STANDARD_CHART])
                .on_conflict_do_nothing()
            )
        self._opened.add(organization_id)
        self.remember(lambda: self._opened.discard(organization_id))
        return opened is not None

    async def ensure_accounts(self, organization_id: str, codes: set[str]) -> None:
        """Create sub-accounts (2301/<drive>) and the accounts opened on first use (the mutual-aid
        fund's) before anything locks them.

        ``SELECT … FOR UPDATE`` locks nothing for a row that does not exist yet, so two first
        spends could both pass a floor: the row is created first, then every change locks it.
        """
        known = await self._accounts_of(organization_id)
        extra = sorted(code for code in codes if code not in known and code not in _STANDARD_CODES)
        if extra:
            await self._session.execute(
                pg_insert(accounts)
                .values([_account_row(organization_id, account_spec(code)) for code in extra])
                .on_conflict_do_nothing()
            )
            await self._load_accounts(organization_id, extra)

    async def lock_head(self, organization_id: str):
        """Lock the chain head: one writer per ledger, so sequences have no gaps or forks."""
        head = self._heads.get(organization_id)
        if head is None:
            row = (
                await self._session.execute(
                    select(ledgers.c.last_sequence, ledgers.c.last_hash)
                    .where(ledgers.c.organization_id == organization_id)
                    .with_for_update()
                )
            ).first()
            if row is None:
                raise Refused(f"organization {organization_id} keeps no books here")
            head = self._heads[organization_id] = [row.last_sequence, row.last_hash]
            self._forget_if_undone(lambda: self._heads.pop(organization_id, None))
        return Head(*head)

    async def prefetch(self, organization_ids: set[str], codes: dict[str, set[str]] | None = None) -> None:
        """Lock and read the heads, accounts and closed periods of many ledgers at once.

        Heads are locked in organization order, as one writer at a time would lock them, so two
        batches never wait on each other in a cycle. Books not open yet are left to :meth:`open`.
        ``codes`` names, for some ledgers, the only accounts the batch is known to touch: just those
        are locked and read (a batch of dues postings touches two of a ledger's fifteen); any other
        is read and locked when first asked for, always under the ledger's head, which is locked
        first. A ledger ``codes`` does not name has every account read.
        """
        codes = codes or {}
        wanted = sorted(organization_ids - self._heads.keys())
        if not wanted:
            return
        heads = await self._session.execute(
            select(ledgers.c.organization_id, ledgers.c.last_sequence, ledgers.c.last_hash)
            .where(ledgers.c.organization_id.in_(wanted))
            .order_by(ledgers.c.organization_id)
            .with_for_update()
        )
        found = []
        for row in heads:
            self._heads[row.organization_id] = [row.last_sequence, row.last_hash]
            self._opened.add(row.organization_id)
            self._accounts[row.organization_id] = {}
            self._periods[row.organization_id] = []
            found.append(row.organization_id)
        if not found:
            return
        whole = [org for org in found if org not in codes]
        named = sorted((org, code) for org in found if org in codes for code in codes[org])
        self._complete.update(whole)
        # One statement locks both kinds in (organization, code) order. The first condition keeps it
        # to the batch's ledgers' index range (else the OR scans every account); rows the rest
        # filters out are read, not locked.
        balances = await self._session.execute(
            text(
                """
                SELECT a.organization_id, a.code, a.balance_fen, a.pending_fen, a.floor_fen FROM accounts a
                WHERE a.organization_id = ANY(CAST(:found AS text[]))
                  AND (a.organization_id = ANY(CAST(:whole AS text[]))
                       OR (a.organization_id, a.code) IN (
                            SELECT * FROM unnest(CAST(:orgs AS text[]), CAST(:codes AS text[]))))
                ORDER BY a.organization_id, a.code
                FOR UPDATE OF a
                """
            ),
            {"found": found, "whole": whole, "orgs": [org for org, _ in named], "codes": [code for _, code in named]},
        )
        for balance in balances:
            self._accounts[balance.organization_id][balance.code] = AccountBalance(
                balance.balance_fen, balance.pending_fen, balance.floor_fen
            )
        periods = await self._session.execute(
            select(
                closed_periods.c.organization_id,
                closed_periods.c.label,
                closed_periods.c.starts_on,
                closed_periods.c.ends_on,
            ).where(closed_periods.c.organization_id.in_(found))
        )
        for period in periods:
            self._periods[period.organization_id].append((period.label, period.starts_on, period.ends_on))

    async def _accounts_of(self, organization_id: str) -> dict[str, AccountBalance]:
        """The accounts read so far (every one, for a ledger not prefetched by name)."""
        known = self._accounts.get(organization_id)
        if known is None:
            known = await self._load_accounts(organization_id)
        return known

    async def _account(self, organization_id: str, code: str) -> AccountBalance | None:
        """One account, read and locked on first use; None when the ledger has no such account."""
        known = await self._accounts_of(organization_id)
        account = known.get(code)
        if account is None and organization_id not in self._complete:
            known = await self._load_accounts(organization_id, [code])
            account = known.get(code)
        return account

    async def _load_accounts(self, organization_id: str, codes: list[str] | None = None) -> dict[str, AccountBalance]:
        """Read and lock the organization's accounts (or only ``codes``) into memory."""
        query = select(accounts.c.code, accounts.c.balance_fen, accounts.c.pending_fen, accounts.c.floor_fen).where(
            accounts.c.organization_id == organization_id
        )
        if codes is not None:
            query = query.where(accounts.c.code.in_(codes))
        rows = await self._session.execute(query.with_for_update())
        known = self._accounts.setdefault(organization_id, {})
        loaded = {row.code: AccountBalance(row.balance_fen, row.pending_fen, row.floor_fen) for row in rows}
        known.update(loaded)
        completed = codes is None and organization_id not in self._complete
        if completed:
            self._complete.add(organization_id)

        def forget():
            for code in loaded:
                known.pop(code, None)
            if not known:
                self._accounts.pop(organization_id, None)
            if completed:
                self._complete.discard(organization_id)

        self._forget_if_undone(forget)
        return known

    def _forget_if_undone(self, forget: Callable[[], object]) -> None:
        # Rolling back to a savepoint releases the locks taken after it: what was read under
        # them must be read (and locked) again.
        self.remember(forget)

    async def closed_period_containing(self, organization_id: str, day: dt.date) -> str | None:
        periods = self._periods.get(organization_id)
        if periods is None:
            rows = await self._session.execute(
                select(closed_periods.c.label, closed_periods.c.starts_on, closed_periods.c.ends_on).where(
                    closed_periods.c.organization_id == organization_id
                )
            )
            periods = self._periods[organization_id] = [tuple(row) for row in rows]
            self._forget_if_undone(lambda: self._periods.pop(organization_id, None))
        return next((label for label, starts, ends in periods if starts <= day <= ends), None)

    def forget_periods(self, organization_id: str) -> None:
        """A period was closed in this transaction: read them again."""
        self._periods.pop(organization_id, None)

    # ------------------------------------------------------------ appending

    async def append(self, posting: Posting, source: SourceEvent, posting_id: uuid.UUID) -> RecordedPosting:
        """Append one posting: period open, every floor kept, or :class:`Refused` and nothing written."""
        if source.recorded_at is None:
            # Not the clock: a replay of the journal must record (and hash) the same time.
            raise ValueError("a posting is recorded at its journal entry's time, which the source lacks")
        head = await self.lock_head(posting.organization_id)
        closed = await self.closed_period_containing(posting.organization_id, posting.effective_date)
        if closed:
            raise Refused(
                f"period {closed} of {posting.organization_id} is closed; "
                f"date the entry (or its correction) in an open period"
            )
        await self.ensure_accounts(posting.organization_id, {line.account_code for line in posting.lines})
        deltas: dict[str, int] = defaultdict(int)
        for line in posting.lines:
            deltas[line.account_code] += line.signed_for(account_spec(line.account_code).type)
        for code, delta in deltas.items():
            await self._check_move(posting.organization_id, code, delta)
        for code, delta in deltas.items():
            await self._move(posting.organization_id, code, balance_fen=delta)
        sequence = head.last_sequence + 1
        entry = {
            "id": posting_id,
            "organization_id": posting.organization_id,
            "sequence": sequence,
            "effective_date": posting.effective_date,
            "description": posting.description,
            "total_fen": posting.total_fen,
            "source_event_id": source.event_id,
            "source_event_type": source.event_type,
            "source_topic": source.topic,
            "source_partition": source.partition,
            "source_offset": source.offset,
            "actor": source.actor,
            "causation_id": source.causation_id,
            "correlation_id": source.correlation_id,
            "trace_id": source.trace_id,
            "journal_event_id": source.journal_event_id,
            "journal_partition": source.journal_partition,
            "journal_offset": source.journal_offset,
            "reverses_posting_id": posting.reverses_posting_id,
            "previous_hash": head.last_hash,
            "recorded_at": source.recorded_at,
        }
        lines = [
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
        ]
        # The hash covers every column written here; the digests only help name a changed one.
        digest, digests = chain_record(entry, lines)
        self._new_postings.append({**entry, "hash": digest, "field_digests": digests})
        self._new_lines.extend(lines)
        postings_before, lines_before = len(self._new_postings) - 1, len(self._new_lines) - len(posting.lines)

        def undo() -> None:
            del_from(self._new_postings, postings_before)
            del_from(self._new_lines, lines_before)

        self.remember(undo)
        self._set_head(posting.organization_id, sequence, digest)
        return RecordedPosting(posting_id, sequence, digest)

    def _set_head(self, organization_id: str, sequence: int, digest: str) -> None:
        head = self._heads[organization_id]
        before, was_moved = list(head), organization_id in self._moved_heads
        head[:] = [sequence, digest]
        self._moved_heads.add(organization_id)

        def undo():
            head[:] = before
            if not was_moved:
                self._moved_heads.discard(organization_id)

        self.remember(undo)

    async def _check_move(self, organization_id: str, code: str, delta: int) -> None:
        account = await self._account(organization_id, code)
        if account is None:
            raise Refused(f"account {code} is not open in {organization_id}")
        if not account.can_move(delta):
            raise self._below_floor(organization_id, code, account, -delta)

    async def _move(self, organization_id: str, code: str, *, balance_fen: int = 0, pending_fen: int = 0) -> None:
        account = await self._account(organization_id, code)
        assert account is not None  # checked (and locked) before it moves
        key, was_moved = (organization_id, code), (organization_id, code) in self._moved
        account.balance_fen += balance_fen
        account.pending_fen += pending_fen
        self._moved.add(key)

        def undo():
            account.balance_fen -= balance_fen
            account.pending_fen -= pending_fen
            if not was_moved:
                self._moved.discard(key)

        self.remember(undo)

    async def reserve(self, organization_id: str, code: str, amount_fen: int) -> None:
        """Count ``amount_fen`` as pending against the account's floor (a hold)."""
        account = await self._account(organization_id, code)
        if account is None:
            raise Refused(f"account {code} is not open in {organization_id}")
        if not account.can_reserve(amount_fen):
            raise self._below_floor(organization_id, code, account, amount_fen)
        await self._move(organization_id, code, pending_fen=amount_fen)

    async def available_fen(self, organization_id: str, code: str) -> int:
        """What the account may still give: its balance above the floor, net of pending holds."""
        account = await self._account(organization_id, code)
        if account is None:
            raise Refused(f"account {code} is not open in {organization_id}")
        if account.floor_fen is None:
            return 10**18
        return account.available_fen

    async def release(self, organization_id: str, code: str, amount_fen: int) -> None:
        await self._move(organization_id, code, pending_fen=-amount_fen)

    @staticmethod
    def _below_floor(organization_id: str, code: str, account: AccountBalance, wanted_fen: int) -> Refused:
        return Refused(
            f"account {code} of {organization_id} would fall below its floor: "
            f"{wanted_fen} fen wanted, {account.available_fen} fen available ({account.pending_fen} fen reserved by holds)"
        )

    async def flush(self) -> None:
        """Write what this transaction appended and moved, in a few multi-row statements."""
        if self._tentative.inside:
            raise RuntimeError("flush inside a tentative block would outlive its undo")
        if self._new_postings:
            await copy_rows(self._session, postings, self._new_postings)
            await copy_rows(self._session, posting_lines, self._new_lines)
            self._new_postings, self._new_lines = [], []
        if self._moved:
            moved = sorted(self._moved)
            await self._session.execute(
                text(
                    """
                    UPDATE accounts AS a SET balance_fen = m.balance_fen, pending_fen = m.pending_fen
                    FROM unnest(CAST(:orgs AS text[]), CAST(:codes AS text[]),
                                CAST(:balances AS bigint[]), CAST(:pendings AS bigint[]))
                         AS m(organization_id, code, balance_fen, pending_fen)
                    WHERE a.organization_id = m.organization_id AND a.code = m.code
                    """
                ),
                {
                    "orgs": [org for org, _ in moved],
                    "codes": [code for _, code in moved],
                    "balances": [self._accounts[org][code].balance_fen for org, code in moved],
                    "pendings": [self._accounts[org][code].pending_fen for org, code in moved],
                },
            )
            self._moved = set()
        if self._moved_heads:
            heads = sorted(self._moved_heads)
            await self._session.execute(
                text(
                    """
                    UPDATE ledgers AS l SET last_sequence = h.last_sequence, last_hash = h.last_hash
                    FROM unnest(CAST(:orgs AS text[]), CAST(:sequences AS bigint[]), CAST(:hashes AS text[]))
                         AS h(organization_id, last_sequence, last_hash)
                    WHERE l.organization_id = h.organization_id
                    """
                ),
                {
                    "orgs": heads,
                    "sequences": [self._heads[org][0] for org in heads],
                    "hashes": [self._heads[org][1] for org in heads],
                },
            )
            self._moved_heads = set()

    async def get_posting(self, posting_id: uuid.UUID) -> tuple[dict, Posting] | None:
        """The posting, whether written already or appended in this transaction."""
        appended = next((row for row in self._new_postings if row["id"] == posting_id), None)
        if appended is not None:
            lines = [SimpleNamespace(**l) for l in self._new_lines if l["posting_id"] == posting_id]
            return dict(appended), posting_of_rows(SimpleNamespace(**appended), lines)
        row = (await self._session.execute(select(postings).where(postings.c.id == posting_id))).first()
        if row is None:
            return None
        line_rows = await self._session.execute(
            select(posting_lines).where(posting_lines.c.posting_id == posting_id).order_by(posting_lines.c.line_no)
        )
        return dict(row._mapping), posting_of_rows(row, line_rows)

    async def applied_together(self, posting_id: uuid.UUID) -> list[uuid.UUID]:
        """The posting and every other posting its journal entry made (both sides of a transfer)."""
        found = await self.get_posting(posting_id)
        if found is None or found[0]["journal_event_id"] is None:
            return [posting_id]
        journal_event_id = found[0]["journal_event_id"]
        written = await self._session.execute(
            select(postings.c.id, postings.c.organization_id).where(postings.c.journal_event_id == journal_event_id)
        )
        together = {row.id: row.organization_id for row in written}
        together.update(
            {
                row["id"]: row["organization_id"]
                for row in self._new_postings
                if row["journal_event_id"] == journal_event_id
            }
        )
        return sorted(together, key=lambda posting: together[posting])

    async def reversal_of(self, posting_id: uuid.UUID) -> uuid.UUID | None:
        appended = next((row["id"] for row in self._new_postings if row["reverses_posting_id"] == posting_id), None)
        if appended is not None:
            return appended
        return await self._session.scalar(select(postings.c.id).where(postings.c.reverses_posting_id == posting_id))

    async def balances(self, organization_id: str) -> list[dict]:
        await self.flush()
        query = select(accounts).where(accounts.c.organization_id == organization_id).order_by(accounts.c.code)
        return [dict(row._mapping) for row in await self._session.execute(query)]

    async def postings(
        self, organization_id: str, limit: int, after_sequence: int, wanted: PostingFilter = PostingFilter()
    ) -> list[dict]:
        """The organization's entries matching every filter given, in ledger order after ``after_sequence``
        (this transaction's appended ones first written, so they are found too)."""
        await self.flush()
        return await posting_search.find(self._session, organization_id, limit, after_sequence, wanted)
