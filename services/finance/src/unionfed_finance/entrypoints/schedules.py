"""Finance's nightly jobs, run by the service itself (``unionfed_shared.schedules``): the same
checks as ``unionfed finance reconcile`` and ``unionfed finance verify-chain`` (for every ledger),
once per business day on one instance; a check that does not hold fails the run loudly (logged as
an error, recorded as failed, retried a bounded number of times).
"""

import datetime as dt

from unionfed_finance.adapters.chain import ledger_ids, verify_chain
from unionfed_finance.adapters.metrics import record_chain, record_reconcile
from unionfed_finance.adapters.reconciliation import reconcile
from unionfed_finance.service_layer.unit_of_work import FinanceUnitOfWork
from unionfed_finance.settings import FinanceSettings
from unionfed_shared.runtime import Runtime
from unionfed_shared.schedules import DailyJob, JobFailed

SHOWN = 5


def daily_jobs(runtime: Runtime[FinanceUnitOfWork, FinanceSettings]) -> list[DailyJob]:
    settings = runtime.settings

    async def reconcile_books(_day: dt.date) -> str:
        async with runtime.session_factory() as session:
            report = await reconcile(session)
        record_reconcile(runtime.metrics, report)  # the night's verdict on /metrics
        if not report.ok:
            failing = [str(check) for check in report.checks if not check.passed]
            raise JobFailed(f"{len(failing)} of {len(report.checks)} checks FAIL: " + "; ".join(failing))
        return f"all {len(report.checks)} checks pass"

    async def verify_chains(_day: dt.date) -> str:
        async with runtime.session_factory() as session:
            organizations = await ledger_ids(session)
        broken, entries = [], 0
        for organization_id in organizations:
            # One session per ledger: each walk reads its own snapshot (read_snapshot opens it).
            async with runtime.session_factory() as session:
                report = await verify_chain(session, organization_id)
            record_chain(runtime.metrics, report)
            entries += report.entries_checked
            if not report.ok:
                broken.append(str(report))
        if broken:
            more = f"; … and {len(broken) - SHOWN} more" if len(broken) > SHOWN else ""
            raise JobFailed(
                f"{len(broken)} of {len(organizations)} ledgers broken: " + "; ".join(broken[:SHOWN]) + more
            )
        return f"{len(organizations)} ledgers intact, {entries} entries verified"

    return [
        DailyJob("reconcile", settings.schedule_reconcile_at, reconcile_books, enabled=settings.schedule_reconcile),
        DailyJob(
            "verify-chain", settings.schedule_verify_chain_at, verify_chains, enabled=settings.schedule_verify_chain
        ),
    ]
