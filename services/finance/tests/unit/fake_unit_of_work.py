"""An in-memory unit of work for finance's use-case unit tests (cosmicpython's fake repositories).

Only what the audit committee's use cases ask of it: the directory's paths, the ledgers kept and
their heads, the entries, and the audit records (``committed`` says whether the use case committed).
"""

import datetime as dt
import uuid

from unionfed_finance.domain.audit_findings import AuditRecord, verify_records
from unionfed_finance.domain.ledger import GENESIS_HASH


class FakeDirectory:
    def __init__(self, paths: dict[str, list[str]]):
        self.paths = paths

    async def path_of(self, organization_id: str) -> list[str] | None:
        return self.paths.get(organization_id)


class FakeAudit:
    def __init__(self) -> None:
        self.rows: list[AuditRecord] = []
        self.ledgers: dict[str, str] = {}  # ledger -> federation
        self.heads: dict[str, tuple[int, str]] = {}  # ledger -> (sequence, hash) of its chain now
        self.signed_heads_changed: set[str] = set()  # ledgers rewritten below a head since
        self.voucher_heads: dict[str, tuple[int, str]] = {}  # ledger → its voucher chain's head
        self.signed_vouchers_changed: set[str] = set()  # ledgers whose vouchers changed below a signed head
        self.broken: dict[str, str] = {}  # ledger -> why its chain does not verify
        self.postings: dict[uuid.UUID, tuple[str, dt.date]] = {}

    async def lock_chain(self, ledger_id: str) -> tuple[int, str]:
        mine = [r for r in self.rows if r.ledger_id == ledger_id]
        return (0, GENESIS_HASH) if not mine else (mine[-1].sequence, mine[-1].hash)

    async def append(self, record: AuditRecord) -> AuditRecord:
        self.rows.append(record)
        return record

    async def records(self, ledger_ids: list[str]) -> list[AuditRecord]:
        return sorted((r for r in self.rows if r.ledger_id in ledger_ids), key=lambda r: (r.ledger_id, r.sequence))

    async def federation_ledgers(self, federation_id: str) -> list[str]:
        return sorted({r.ledger_id for r in self.rows if r.federation_id == federation_id})

    async def ledger_of_finding(self, finding_id: uuid.UUID) -> str | None:
        return next((r.ledger_id for r in self.rows if r.finding_id == finding_id), None)

    async def ledger_of_sign_off(self, sign_off_id: uuid.UUID) -> str | None:
        return next((r.ledger_id for r in self.rows if r.id == sign_off_id and r.kind == "term_signed_off"), None)

    async def verify(self, ledger_id: str):
        return verify_records(ledger_id, await self.records([ledger_id]))

    async def posting_ledger(self, posting_id: uuid.UUID):
        return self.postings.get(posting_id)

    async def ledger_federation(self, ledger_id: str) -> str | None:
        return self.ledgers.get(ledger_id)

    async def verified_head(self, ledger_id: str) -> tuple[int, str, str | None]:
        sequence, head_hash = self.heads.get(ledger_id, (0, GENESIS_HASH))
        return sequence, head_hash, self.broken.get(ledger_id)

    async def head_problem(self, ledger_id: str, sequence: int, head_hash: str) -> str | None:
        if ledger_id in self.signed_heads_changed:
            return f"entry {sequence} now has hash 0bad, not the signed {head_hash}"
        return None

    async def voucher_head(self, ledger_id: str) -> tuple[int, str]:
        return self.voucher_heads.get(ledger_id, (0, GENESIS_HASH))

    async def voucher_head_problems(self, ledger_id: str, sequence: int, head_hash: str) -> list[str]:
        if ledger_id in self.signed_vouchers_changed:
            return [f"voucher link {sequence} now has hash 0bad, not the signed {head_hash}"]
        return []


class FakeFinanceUnitOfWork:
    def __init__(self, paths: dict[str, list[str]]):
        self.directory = FakeDirectory(paths)
        self.audit = FakeAudit()
        self.committed = False

    async def commit(self) -> None:
        self.committed = True
