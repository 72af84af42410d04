"""The audit committee's log (``audit_records``): appending to a ledger's audit chain, reading it back,
and the ledger heads a sign-off records and is later checked against."""

import uuid
from dataclasses import asdict, fields

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters.chain import verify_chain
from unionfed_finance.adapters.signed_head import head_problem, voucher_head, voucher_head_problems
from unionfed_finance.adapters.tables import audit_records, ledgers, postings
from unionfed_finance.domain.audit_findings import AuditRecord, ChainCheck, verify_records
from unionfed_finance.domain.ledger import GENESIS_HASH

_FIELDS = tuple(f.name for f in fields(AuditRecord))


def _record(row) -> AuditRecord:
    return AuditRecord(**{name: getattr(row, name) for name in _FIELDS})


class AuditRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def lock_chain(self, ledger_id: str) -> tuple[int, str]:
        """One writer per ledger's audit chain until the transaction ends; its head (sequence, hash)."""
        await self._session.execute(select(func.pg_advisory_xact_lock(func.hashtext("audit_records:" + ledger_id))))
        row = (
            await self._session.execute(
                select(audit_records.c.sequence, audit_records.c.hash)
                .where(audit_records.c.ledger_id == ledger_id)
                .order_by(audit_records.c.sequence.desc())
                .limit(1)
            )
        ).first()
        return (0, GENESIS_HASH) if row is None else (row.sequence, row.hash)

    async def append(self, record: AuditRecord) -> AuditRecord:
        await self._session.execute(audit_records.insert().values(**asdict(record)))
        return record

    async def records(self, ledger_ids: list[str]) -> list[AuditRecord]:
        """Every record of these ledgers, each ledger's in sequence order."""
        if not ledger_ids:
            return []
        rows = await self._session.execute(
            select(audit_records)
            .where(audit_records.c.ledger_id.in_(ledger_ids))
            .order_by(audit_records.c.ledger_id, audit_records.c.sequence)
        )
        return [_record(r) for r in rows]

    async def federation_ledgers(self, federation_id: str) -> list[str]:
        """The ledgers of a federation that have audit records."""
        rows = await self._session.scalars(
            select(audit_records.c.ledger_id).where(audit_records.c.federation_id == federation_id).distinct()
        )
        return sorted(rows)

    async def ledger_of_finding(self, finding_id: uuid.UUID) -> str | None:
        return await self._session.scalar(
            select(audit_records.c.ledger_id).where(audit_records.c.finding_id == finding_id).limit(1)
        )

    async def ledger_of_sign_off(self, sign_off_id: uuid.UUID) -> str | None:
        return await self._session.scalar(
            select(audit_records.c.ledger_id).where(
                audit_records.c.id == sign_off_id, audit_records.c.kind == "term_signed_off"
            )
        )

    async def verify(self, ledger_id: str) -> ChainCheck:
        rows = await self._session.execute(
            select(audit_records).where(audit_records.c.ledger_id == ledger_id).order_by(audit_records.c.sequence)
        )
        return verify_records(ledger_id, rows)

    # ------------------------------------------------------------ the ledger itself

    async def posting_ledger(self, posting_id: uuid.UUID):
        """(ledger, effective date) of an entry, or None."""
        row = (
            await self._session.execute(
                select(postings.c.organization_id, postings.c.effective_date).where(postings.c.id == posting_id)
            )
        ).first()
        return None if row is None else (row.organization_id, row.effective_date)

    async def ledger_federation(self, ledger_id: str) -> str | None:
        return await self._session.scalar(select(ledgers.c.federation_id).where(ledgers.c.organization_id == ledger_id))

    async def verified_head(self, ledger_id: str) -> tuple[int, str, str | None]:
        """The ledger's head (sequence, hash) held still until the transaction ends, and why its chain
        does not verify (None when it does)."""
        await self._session.execute(
            select(ledgers.c.organization_id).where(ledgers.c.organization_id == ledger_id).with_for_update(read=True)
        )
        report = await verify_chain(self._session, ledger_id)
        return report.last_sequence, report.last_hash, None if report.ok else str(report)

    async def head_problem(self, ledger_id: str, sequence: int, head_hash: str) -> str | None:
        """None when the ledger still reaches ``head_hash`` at ``sequence`` from entry 1."""
        return await head_problem(self._session, ledger_id, sequence, head_hash)

    async def voucher_head(self, ledger_id: str) -> tuple[int, str]:
        """The voucher chain's head (sequence, hash); :meth:`verified_head` has verified every voucher."""
        return await voucher_head(self._session, ledger_id)

    async def voucher_head_problems(self, ledger_id: str, sequence: int, head_hash: str) -> list[str]:
        """Empty when the voucher chain still reaches ``head_hash`` at ``sequence``, each voucher up to it intact."""
        return await voucher_head_problems(self._session, ledger_id, sequence, head_hash)
