"""Finance's own series on /metrics (unionfed_shared.metrics): what the journal's instructions came
to, and the verdicts of reconcile and of ledger chain verifications run in this process.

Read from ``money_outcomes`` (every journal entry's one outcome, never deleted) when scraped, so
they are counters that survive a restart and agree between instances (aggregate with max, not
sum); a rebuild into an empty database starts them again, which Prometheus reads as a reset.
"""

from prometheus_client.metrics_core import CounterMetricFamily, Metric
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters.chain import ChainReport
from unionfed_finance.adapters.reconciliation import ReconcileReport
from unionfed_finance.adapters.tables import money_outcomes
from unionfed_shared.metrics import ServiceMetrics

REFUSED = "refused"


async def money_outcome_counts(session: AsyncSession) -> list[Metric]:
    o = money_outcomes
    rows = await session.execute(
        select(o.c.operation, o.c.outcome, func.count(), func.coalesce(func.sum(func.cardinality(o.c.posting_ids)), 0))
        .group_by(o.c.operation, o.c.outcome)
        .order_by(o.c.operation, o.c.outcome)
    )
    instructions = CounterMetricFamily(
        "unionfed_finance_money_instructions",
        "Journal instructions applied, by operation and outcome (posted, reserved, captured, voided, refused)",
        labels=["operation", "outcome"],
    )
    postings: dict[str, int] = {}
    refusals: dict[str, int] = {}
    for operation, outcome, count, posted in rows:
        instructions.add_metric([operation, outcome], count)
        postings[operation] = postings.get(operation, 0) + posted
        refusals.setdefault(operation, 0)
        if outcome == REFUSED:
            refusals[operation] = refusals.get(operation, 0) + count
    posting_family = CounterMetricFamily(
        "unionfed_finance_postings",
        "Postings written to the ledgers, by the operation that wrote them",
        labels=["operation"],
    )
    for operation, n in postings.items():
        posting_family.add_metric([operation], n)
    refusal_family = CounterMetricFamily(
        "unionfed_finance_refusals", "Journal instructions finance refused, by operation", labels=["operation"]
    )
    for operation, n in refusals.items():
        refusal_family.add_metric([operation], n)
    return [instructions, posting_family, refusal_family]


def record_reconcile(metrics: ServiceMetrics, report: ReconcileReport) -> None:
    """A reconcile ran in this process: its verdict, and each check's (subject: the check's name)."""
    metrics.record_check("reconcile", report.ok, failures=len(report.failed))
    for check in report.checks:
        metrics.record_check("reconcile", check.passed, subject=check.name, failures=check.offender_count)


def record_chain(metrics: ServiceMetrics, report: ChainReport) -> None:
    """A ledger's hash chain was verified in this process (subject: the ledger's organization)."""
    metrics.record_check("ledger_chain", report.ok, subject=report.organization_id, failures=0 if report.ok else 1)
