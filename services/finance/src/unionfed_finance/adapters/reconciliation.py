"""Reconciliation: every invariant of the books, re-checked from the rows over all ledgers.

Each check is named and reports pass or fail with its first few offenders, so a treasurer or
auditor reads what is wrong without a query of their own. Where an offender is one ledger (or one
account of it), the check also gives it as a :class:`Finding`: the organization, the account, the
kind of mismatch and the expected against the stored figure, so the HTTP answer can name, to each
federation's auditors, the offenders of their own books. The checks read one snapshot, so
postings appended while it runs cannot make a consistent database look inconsistent.
"""

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import Row, text
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters.chain import verify_chain
from unionfed_finance.domain.ledger import account_spec
from unionfed_shared import db
from unionfed_shared.contracts.donations import DonationReceivedV1, DonationsDisbursedV1
from unionfed_shared.contracts.finance import JournalEntryV1
from unionfed_shared.contracts.membership import DuesBatchCollectedV1, DuesCollectedV1
from unionfed_shared.contracts.mutual_aid import MutualAidContributedV1, MutualAidLoanDisbursedV1, MutualAidRepaidV1
from unionfed_shared.contracts.spending import (
    HOLD_CANCELLED,
    HOLD_PAID,
    HOLD_REQUESTED,
    WelfareBatchPaymentRequestedV1,
)
from unionfed_shared.errors import Invalid

SHOWN = 5  # offenders named per failing check; the count says how many there are in all

# Inter-organization accounts that must mirror each other between two organizations:
# (account of one, account of the other), each read in its normal direction.
MIRRORED_ACCOUNTS = (("1131", "2201"), ("4104", "5202"), ("4103", "5201"))


@dataclass(frozen=True)
class Finding:
    """One offending ledger or account: what disagrees with what."""

    kind: str  # stable, snake_case: balance_not_sum_of_lines, pending_not_open_holds, flow_not_mirrored, …
    organization_id: str
    detail: str  # the offender line, as the CLI prints it (English)
    account_code: str | None = None
    counterparty_id: str | None = None
    expected_fen: int | None = None  # what the rows say it must be
    stored_fen: int | None = None  # what is stored (or found on the other side)


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    detail: str
    offenders: list[str] = field(default_factory=list)
    offender_count: int = 0
    findings: list[Finding] = field(default_factory=list)  # every offender that is one ledger, none left out

    def __str__(self) -> str:
        line = f"{'PASS' if self.passed else 'FAIL'}  {self.name}: {self.detail}"
        if self.passed:
            return line
        shown = "".join(f"\n      - {o}" for o in self.offenders[:SHOWN])
        more = self.offender_count - min(len(self.offenders), SHOWN)
        return line + shown + (f"\n      … and {more} more" if more > 0 else "")


@dataclass(frozen=True)
class ReconcileReport:
    checks: list[CheckResult]

    @property
    def ok(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failed(self) -> list[str]:
        return [check.name for check in self.checks if not check.passed]

    def __str__(self) -> str:
        verdict = "all checks pass" if self.ok else f"{len(self.failed)} of {len(self.checks)} checks FAIL"
        return "\n".join([*(str(check) for check in self.checks), f"reconcile: {verdict}"])


def _result(name: str, offenders: list[str], passed_detail: str, failed_detail: str) -> CheckResult:
    if not offenders:
        return CheckResult(name, True, passed_detail)
    return CheckResult(name, False, failed_detail.format(n=len(offenders)), offenders[:SHOWN], len(offenders))


def _found(name: str, findings: list[Finding], passed_detail: str, failed_detail: str) -> CheckResult:
    """A check's result when each of its offenders is one ledger's: the findings are kept whole."""
    result = _result(name, [f.detail for f in findings], passed_detail, failed_detail)
    return result if result.passed else replace(result, findings=findings)


# Sums of bigint are numeric in PostgreSQL (a Decimal, printed as 1E+4): the queries cast them back.
async def _rows(session: AsyncSession, sql: str, **params) -> Sequence[Row]:
    return (await session.execute(text(sql), params)).all()


async def _count(session: AsyncSession, sql: str) -> int:
    return await session.scalar(text(sql))


def _debit_normal(code: str) -> bool | None:
    try:
        return account_spec(code).type.debit_normal
    except Invalid:
        return None  # an account the chart does not know: reported, never guessed


def _normal(code: str, debit_minus_credit: int) -> int:
    return debit_minus_credit if _debit_normal(code) else -debit_minus_credit


# ---------------------------------------------------------------- (a), (b), (e): postings balance


async def postings_balance(session: AsyncSession) -> CheckResult:
    rows = await _rows(
        session,
        """
        SELECT p.organization_id, p.sequence, sum(l.debit_fen)::bigint AS debits, sum(l.credit_fen)::bigint AS credits
        FROM postings p JOIN posting_lines l ON l.posting_id = p.id
        GROUP BY p.id HAVING sum(l.debit_fen) <> sum(l.credit_fen)
        ORDER BY p.organization_id, p.sequence
        """,
    )
    total = await _count(session, "SELECT count(*) FROM postings")
    return _found(
        "debits equal credits per posting",
        [
            Finding(
                "posting_unbalanced",
                r.organization_id,
                f"{r.organization_id} #{r.sequence}: debits {r.debits} fen, credits {r.credits} fen",
                expected_fen=r.debits,
                stored_fen=r.credits,
            )
            for r in rows
        ],
        f"{total} postings balanced",
        "{n} posting(s) unbalanced",
    )


async def ledgers_balance(session: AsyncSession) -> CheckResult:
    rows = await _rows(
        session,
        """
        SELECT g.organization_id, coalesce(sum(l.debit_fen), 0)::bigint AS debits,
               coalesce(sum(l.credit_fen), 0)::bigint AS credits
        FROM ledgers g LEFT JOIN posting_lines l ON l.organization_id = g.organization_id
        GROUP BY g.organization_id
        ORDER BY g.organization_id
        """,
    )
    findings = [
        Finding(
            "ledger_unbalanced",
            r.organization_id,
            f"{r.organization_id}: debits {r.debits} fen, credits {r.credits} fen",
            expected_fen=r.debits,
            stored_fen=r.credits,
        )
        for r in rows
        if r.debits != r.credits
    ]
    return _found(
        "debits equal credits per ledger", findings, f"{len(rows)} ledgers balanced", "{n} ledger(s) unbalanced"
    )


async def postings_well_formed(session: AsyncSession) -> CheckResult:
    rows = await _rows(
        session,
        """
        SELECT p.organization_id, p.sequence, p.total_fen, count(l.line_no) AS lines,
               coalesce(sum(l.debit_fen), 0)::bigint AS debits
        FROM postings p LEFT JOIN posting_lines l ON l.posting_id = p.id
        GROUP BY p.id HAVING count(l.line_no) < 2 OR p.total_fen <> coalesce(sum(l.debit_fen), 0)
        ORDER BY p.organization_id, p.sequence
        """,
    )
    total = await _count(session, "SELECT count(*) FROM postings")
    return _found(
        "every posting has two or more lines and total_fen equals its debits",
        [
            Finding(
                "posting_malformed",
                r.organization_id,
                f"{r.organization_id} #{r.sequence}: {r.lines} line(s), total {r.total_fen} fen, debits {r.debits} fen",
                expected_fen=r.debits,
                stored_fen=r.total_fen,
            )
            for r in rows
        ],
        f"{total} postings well formed",
        "{n} posting(s) malformed",
    )


# ---------------------------------------------------------------- (c), (d): accounts


async def balances_match_lines(session: AsyncSession) -> CheckResult:
    rows = await _rows(
        session,
        """
        SELECT a.organization_id, a.code, a.balance_fen, coalesce(s.net, 0) AS net, s.net IS NOT NULL AS used
        FROM accounts a LEFT JOIN (
            SELECT organization_id, account_code, sum(debit_fen - credit_fen)::bigint AS net
            FROM posting_lines GROUP BY organization_id, account_code
        ) s ON s.organization_id = a.organization_id AND s.account_code = a.code
        ORDER BY a.organization_id, a.code
        """,
    )
    findings = []
    for r in rows:
        if _debit_normal(r.code) is None:
            findings.append(
                Finding(
                    "account_not_in_chart",
                    r.organization_id,
                    f"{r.organization_id} {r.code}: not an account of the chart",
                    r.code,
                )
            )
        elif r.balance_fen != (expected := _normal(r.code, r.net)):
            findings.append(
                Finding(
                    "balance_not_sum_of_lines",
                    r.organization_id,
                    f"{r.organization_id} {r.code}: balance {r.balance_fen} fen, lines sum to {expected} fen",
                    r.code,
                    expected_fen=expected,
                    stored_fen=r.balance_fen,
                )
            )
    return _found(
        "each account's balance equals the sum of its lines",
        findings,
        f"{len(rows)} accounts agree with their lines",
        "{n} account(s) disagree with their lines",
    )


async def floors_kept(session: AsyncSession) -> CheckResult:
    rows = await _rows(
        session,
        """
        SELECT organization_id, code, balance_fen, pending_fen, floor_fen FROM accounts
        WHERE floor_fen IS NOT NULL AND balance_fen - pending_fen < floor_fen
        ORDER BY organization_id, code
        """,
    )
    return _found(
        "no account below its floor, counting pending holds",
        [
            Finding(
                "below_floor",
                r.organization_id,
                f"{r.organization_id} {r.code}: balance {r.balance_fen} − pending {r.pending_fen} < floor {r.floor_fen} fen",
                r.code,
                expected_fen=r.floor_fen,
                stored_fen=r.balance_fen - r.pending_fen,
            )
            for r in rows
        ],
        "every floor kept",
        "{n} account(s) below their floor",
    )


async def pending_matches_holds(session: AsyncSession) -> CheckResult:
    rows = await _rows(
        session,
        """
        SELECT coalesce(a.organization_id, h.organization_id) AS organization_id,
               coalesce(a.code, h.account_code) AS code,
               coalesce(a.pending_fen, 0) AS pending, coalesce(h.held, 0) AS held
        FROM accounts a FULL JOIN (
            SELECT organization_id, account_code, sum(amount_fen)::bigint AS held
            FROM holds WHERE status = 'pending' GROUP BY organization_id, account_code
        ) h ON h.organization_id = a.organization_id AND h.account_code = a.code
        WHERE coalesce(a.pending_fen, 0) <> coalesce(h.held, 0)
        ORDER BY 1, 2
        """,
    )
    return _found(
        "each account's pending equals its pending holds",
        [
            Finding(
                "pending_not_open_holds",
                r.organization_id,
                f"{r.organization_id} {r.code}: pending {r.pending} fen, pending holds {r.held} fen",
                r.code,
                expected_fen=r.held,
                stored_fen=r.pending,
            )
            for r in rows
        ],
        "pending amounts match the pending holds",
        "{n} account(s) with pending not matching their holds",
    )


# ---------------------------------------------------------------- (f), (g): between organizations


async def transfers_mirrored(session: AsyncSession) -> CheckResult:
    """Each side's amount is the larger of its debits and credits on lines naming the other.

    One side may name the counterparty on both legs (expense and payable) and the other on one
    (receivable only), so comparing raw line sums would flag correct books.
    """
    rows = await _rows(
        session,
        """
        SELECT p.organization_id, l.counterparty_id, p.journal_event_id,
               greatest(sum(l.debit_fen), sum(l.credit_fen))::bigint AS amount
        FROM posting_lines l JOIN postings p ON p.id = l.posting_id
        WHERE l.counterparty_id IS NOT NULL
        GROUP BY p.organization_id, l.counterparty_id, p.journal_event_id
        """,
    )
    sides = {(r.organization_id, r.counterparty_id, r.journal_event_id): r.amount for r in rows}
    findings = []
    for (org, other, journal), amount in sorted(sides.items(), key=lambda item: tuple(str(k) for k in item[0])):
        if journal is None:
            findings.append(
                Finding(
                    "flow_without_journal",
                    org,
                    f"{org} names {other} in a posting with no journal entry",
                    counterparty_id=other,
                )
            )
            continue
        mirror = sides.get((other, org, journal))
        if mirror is None:
            detail = f"{org} → {other} {amount} fen (journal {journal}): no mirror posting in {other}"
        elif mirror != amount:
            detail = f"{org} → {other} (journal {journal}): {amount} fen here, {mirror} fen in {other}"
        else:
            continue
        findings.append(
            Finding("flow_not_mirrored", org, detail, counterparty_id=other, expected_fen=amount, stored_fen=mirror)
        )
    return _found(
        "every inter-organization posting has its mirror",
        findings,
        f"{len(sides)} inter-organization sides mirrored",
        "{n} inter-organization side(s) without a matching mirror",
    )


async def consolidation_holds(session: AsyncSession) -> CheckResult:
    """Per federation: consolidated from lines = consolidated from balances; transfers net out."""
    line_rows = await _rows(
        session,
        """
        SELECT g.federation_id, l.organization_id, l.counterparty_id, l.account_code,
               (c.organization_id IS NOT NULL) AS eliminated, sum(l.debit_fen - l.credit_fen)::bigint AS net
        FROM posting_lines l
        JOIN ledgers g ON g.organization_id = l.organization_id
        LEFT JOIN ledgers c ON c.organization_id = l.counterparty_id AND c.federation_id = g.federation_id
        GROUP BY 1, 2, 3, 4, 5
        """,
    )
    balance_rows = await _rows(
        session,
        """
        SELECT g.federation_id, a.code, sum(a.balance_fen)::bigint AS balance
        FROM accounts a JOIN ledgers g ON g.organization_id = a.organization_id
        GROUP BY 1, 2
        """,
    )
    from_lines: dict = defaultdict(int)
    from_accounts: dict = defaultdict(int)
    pair_amounts: dict = defaultdict(int)  # (org, counterparty, account) → normal-direction amount
    for r in line_rows:
        amount = _normal(r.account_code, r.net)
        if r.eliminated:
            from_accounts[r.federation_id, r.account_code] -= amount
            pair_amounts[r.organization_id, r.counterparty_id, r.account_code] += amount
        else:
            from_lines[r.federation_id, r.account_code] += amount
    for r in balance_rows:
        from_accounts[r.federation_id, r.code] += r.balance
    findings = [
        Finding(
            "consolidation_differs",
            fed,
            f"{fed} {code}: {lines} fen from lines, {balances} fen from balances",
            code,
            expected_fen=lines,
            stored_fen=balances,
        )
        for fed, code in sorted(set(from_lines) | set(from_accounts))
        if (lines := from_lines.get((fed, code), 0)) != (balances := from_accounts.get((fed, code), 0))
    ]
    findings += _unnetted_pairs(pair_amounts)
    federations = len({fed for fed, _ in from_accounts})
    return _found(
        "consolidated balances equal the sum of the subtree, inter-organization lines eliminated",
        findings,
        f"{federations} federation(s) consolidate; transfers net to zero pairwise",
        "{n} consolidation difference(s)",
    )


def _unnetted_pairs(pair_amounts: dict) -> list[Finding]:
    offenders = []
    for ours, theirs in MIRRORED_ACCOUNTS:
        pairs = {(org, other) for org, other, code in pair_amounts if code == ours}
        pairs |= {(other, org) for org, other, code in pair_amounts if code == theirs}
        for org, other in sorted(pairs):
            mine, counter = pair_amounts.get((org, other, ours), 0), pair_amounts.get((other, org, theirs), 0)
            if mine != counter:
                offenders.append(
                    Finding(
                        "flow_not_netted",
                        org,
                        f"{org} {ours} with {other}: {mine} fen, but {other} {theirs} with {org}: {counter} fen",
                        ours,
                        counterparty_id=other,
                        expected_fen=counter,
                        stored_fen=mine,
                    )
                )
    return offenders


# ---------------------------------------------------------------- (h): one outcome per instruction


async def outcomes_complete(session: AsyncSession) -> CheckResult:
    journal = {"journal": JournalEntryV1.event_type}
    without_outcome = await _rows(
        session,
        """
        SELECT DISTINCT i.event_id FROM inbox i
        WHERE i.event_type = :journal
          AND NOT EXISTS (SELECT 1 FROM money_outcomes m WHERE m.journal_event_id = i.event_id)
        ORDER BY 1
        """,
        **journal,
    )
    # A dead-lettered journal entry's outcome is its dead letter; settling it as well is two.
    dead_and_settled = await _rows(
        session,
        """
        SELECT DISTINCT d.event_id FROM dead_letters d
        JOIN money_outcomes m ON m.journal_event_id = d.event_id
        WHERE d.status = 'pending' AND d.event_type = :journal
          AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.event_id = d.event_id)
        ORDER BY 1
        """,
        **journal,
    )
    never_consumed = await _rows(
        session,
        """
        SELECT m.journal_event_id FROM money_outcomes m
        WHERE NOT EXISTS (SELECT 1 FROM inbox i WHERE i.event_id = m.journal_event_id AND i.event_type = :journal)
        ORDER BY 1
        """,
        **journal,
    )
    missing_postings = await _rows(
        session,
        """
        SELECT m.journal_event_id, ids.posting_id FROM money_outcomes m
        CROSS JOIN LATERAL unnest(m.posting_ids) AS ids(posting_id)
        WHERE m.outcome IN ('posted', 'captured')
          AND NOT EXISTS (SELECT 1 FROM postings p WHERE p.id = ids.posting_id)
        ORDER BY 1, 2
        """,
    )
    unaccounted = await _rows(
        session,
        """
        SELECT p.organization_id, p.sequence, p.journal_event_id FROM postings p
        WHERE p.journal_event_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM money_outcomes m
            WHERE m.journal_event_id = p.journal_event_id AND p.id = ANY(m.posting_ids)
              AND m.outcome IN ('posted', 'captured')
        )
        ORDER BY 1, 2
        """,
    )
    offenders = [
        *(f"journal entry {r.event_id} was applied but has no outcome" for r in without_outcome),
        *(f"journal entry {r.event_id} is dead-lettered and also settled" for r in dead_and_settled),
        *(f"outcome {r.journal_event_id} answers a journal entry finance never consumed" for r in never_consumed),
        *(f"outcome {r.journal_event_id} names posting {r.posting_id}, which does not exist" for r in missing_postings),
        *(
            f"{r.organization_id} #{r.sequence} (journal {r.journal_event_id}) is in no posted outcome"
            for r in unaccounted
        ),
    ]
    settled = await _count(session, "SELECT count(*) FROM money_outcomes")
    return _result(
        "every consumed journal entry has exactly one outcome",
        offenders,
        f"{settled} journal entries settled, each once, their postings present",
        "{n} outcome problem(s)",
    )


# Events of other services that move money: each must have become a journal entry.
MONEY_EVENT_TYPES = [
    cls.event_type
    for cls in (
        DuesCollectedV1,
        DuesBatchCollectedV1,
        DonationReceivedV1,
        DonationsDisbursedV1,
        MutualAidContributedV1,
        MutualAidLoanDisbursedV1,
        MutualAidRepaidV1,
        *HOLD_REQUESTED,
        *HOLD_PAID,
        *HOLD_CANCELLED,
        WelfareBatchPaymentRequestedV1,
    )
]


async def money_events_journaled(session: AsyncSession) -> CheckResult:
    never_journaled = await _rows(
        session,
        """
        SELECT i.event_id, i.event_type FROM inbox i
        WHERE i.event_type = ANY(:money)
          AND NOT EXISTS (
              SELECT 1 FROM outbox o
              WHERE o.event_type = :journal
                AND convert_from(o.payload, 'UTF8')::jsonb -> 'source' ->> 'event_id' = i.event_id
          )
        ORDER BY 1
        """,
        money=MONEY_EVENT_TYPES,
        journal=JournalEntryV1.event_type,
    )
    consumed = await session.scalar(
        text("SELECT count(*) FROM inbox WHERE event_type = ANY(:money)"), {"money": MONEY_EVENT_TYPES}
    )
    return _result(
        "every consumed money event reached the journal",
        [f"{r.event_type} {r.event_id} was consumed but never journaled" for r in never_journaled],
        f"{consumed} money events of other services journaled",
        "{n} money event(s) lost on the way to the journal",
    )


# ---------------------------------------------------------------- (i): hash chains


async def chains_intact(session: AsyncSession) -> CheckResult:
    organizations = [r.organization_id for r in await _rows(session, "SELECT organization_id FROM ledgers ORDER BY 1")]
    findings = []
    for organization_id in organizations:
        report = await verify_chain(session, organization_id)
        if not report.ok:
            findings.append(
                Finding(
                    "chain_broken",
                    organization_id,
                    f"sequence {report.broken_sequence} of {organization_id}: {report.problem}: {report.detail}",
                )
            )
    return _found(
        "every ledger's hash chain verifies from sequence 1",
        findings,
        f"{len(organizations)} chain(s) intact",
        "{n} chain(s) broken",
    )


CHECKS: tuple[Callable[[AsyncSession], Awaitable[CheckResult]], ...] = (
    postings_balance,
    ledgers_balance,
    balances_match_lines,
    floors_kept,
    pending_matches_holds,
    postings_well_formed,
    transfers_mirrored,
    consolidation_holds,
    money_events_journaled,
    outcomes_complete,
    chains_intact,
)


async def reconcile(session: AsyncSession) -> ReconcileReport:
    """Run every check on one snapshot of the finance database."""
    await db.read_snapshot(session)
    return ReconcileReport([await check(session) for check in CHECKS])
