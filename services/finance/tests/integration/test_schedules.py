"""Finance's nightly jobs on real PostgreSQL: reconcile and verify-chain over every ledger run once
per business day, and a ledger rewritten behind the chain's back fails the night's run by name."""

import asyncio
import datetime as dt
import itertools

import pytest
from click.testing import CliRunner
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import make_url, select, text

from tests.kafka_tools import envelope_for
from tests.pytest_infra import service_env, unique
from unionfed_finance.adapters.tables import postings, schedule_runs
from unionfed_finance.entrypoints import cli as finance_cli
from unionfed_finance.entrypoints import schedules
from unionfed_finance.entrypoints.app import definition
from unionfed_shared import business_time
from unionfed_shared.contracts.finance import JournalEntryV1, LineSpec, Post, PostingSpec
from unionfed_shared.contracts.topics import FINANCE_JOURNAL
from unionfed_shared.messaging.consumer import IncomingMessage, Outcome
from unionfed_shared.schedules import DailyScheduler

pytestmark = pytest.mark.integration

SHANGHAI = business_time.zone("Asia/Shanghai")
_offsets = itertools.count(1)


async def dues(finance, federation: str, school: str, fen: int) -> None:
    entry = JournalEntryV1(
        organization_id=federation,
        federation_id=federation,
        requested_by=school,
        instruction=Post(
            postings=[
                PostingSpec(
                    organization_id=school,
                    effective_date=dt.date(2026, 12, 1),
                    description="会费 Dues",
                    lines=[LineSpec(account="1001", debit_fen=fen), LineSpec(account="4101", credit_fen=fen)],
                )
            ]
        ),
    )
    envelope = envelope_for(entry)
    message = IncomingMessage(
        topic=FINANCE_JOURNAL,
        partition=0,
        offset=next(_offsets),
        key=envelope.key,
        value=envelope.data,
        headers=tuple((k, v.encode()) for k, v in envelope.headers().items()),
    )
    assert await finance.consumer.handle(message) is Outcome.PROCESSED


async def check_ok(finance, check: str, subject: str) -> float | None:
    """The verdict a nightly check left on the service's /metrics."""
    for family in text_string_to_metric_families((await finance.metrics.render()).decode()):
        for sample in family.samples:
            if sample.name == "unionfed_check_ok" and sample.labels == {"check": check, "subject": subject}:
                return sample.value
    return None


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


async def test_reconcile_and_verify_chain_run_nightly_and_a_rewritten_ledger_fails_by_name(build_service):
    finance = await build_service(definition, start=False)
    fed, school = unique("fed"), unique("school")
    await dues(finance, fed, school, 5000)
    await dues(finance, fed, school, 3000)
    # 02:30 in Beijing on December 6th: both nightly jobs (02:00 and 02:30 by default) are due.
    clock = Clock(dt.datetime(2026, 12, 5, 18, 30, tzinfo=dt.UTC))
    nightly = DailyScheduler(
        "finance", finance.engine, schedule_runs, schedules.daily_jobs(finance), tz=SHANGHAI, clock=clock
    )
    assert [job.name for job in nightly.jobs] == ["reconcile", "verify-chain"]

    runs = {run.job: run for run in await nightly.tick()}
    assert runs["reconcile"].outcome == "succeeded" and runs["reconcile"].summary.startswith("all ")
    assert runs["verify-chain"].outcome == "succeeded"
    assert "ledgers intact, 2 entries verified" in runs["verify-chain"].summary
    assert {run.business_day for run in runs.values()} == {dt.date(2026, 12, 6)}
    assert await nightly.tick() == []  # done for the day
    assert await check_ok(finance, "reconcile", "") == 1
    assert await check_ok(finance, "ledger_chain", school) == 1

    async with finance.session_factory() as session:
        second = await session.scalar(
            select(postings.c.id).where(postings.c.organization_id == school, postings.c.sequence == 2)
        )
    async with finance.engine.begin() as conn:  # as a superuser can: the immutability triggers off
        await conn.execute(text("SET LOCAL session_replication_role = replica"))
        await conn.execute(
            text("UPDATE posting_lines SET debit_fen = 30000 WHERE posting_id = :p AND line_no = 1"), {"p": second}
        )
    clock.now += dt.timedelta(days=1)
    runs = {run.job: run for run in await nightly.tick()}
    assert runs["verify-chain"].outcome == "failed"
    assert f"ledger {school}: chain BROKEN at sequence 2" in runs["verify-chain"].summary
    assert runs["verify-chain"].summary.startswith("JobFailed: 1 of ")
    assert await check_ok(finance, "ledger_chain", school) == 0  # the alert's series
    latest = {run.job: run for run in await nightly.last_runs()}
    assert latest["verify-chain"].outcome == "failed" and latest["verify-chain"].business_day == dt.date(2026, 12, 7)


async def test_a_cronjob_runs_a_daily_job_once_through_run_job_and_fails_with_it(build_service, infra):
    """`unionfed finance run-job JOB`, what the chart's CronJobs call when the services' own
    schedules are off: the same run, recorded in schedule_runs, once per day, exit 1 on failure."""
    finance = await build_service(definition, start=False)
    fed, school = unique("fed"), unique("school")
    await dues(finance, fed, school, 5000)
    await dues(finance, fed, school, 3000)
    env = service_env(infra, "finance", make_url(finance.settings.database_url).database)

    async def run_job(*args: str):
        return await asyncio.to_thread(CliRunner().invoke, finance_cli.cli, ["run-job", *args], env=env)

    done = await run_job("reconcile")
    assert done.exit_code == 0 and "reconcile: " in done.output and " succeeded: all " in done.output, done.output
    again = await run_job("reconcile")
    assert again.exit_code == 0 and "not run (already done for its day" in again.output, again.output
    unknown = await run_job("backup")
    assert unknown.exit_code == 2 and "reconcile, verify-chain" in unknown.output, unknown.output

    async with finance.session_factory() as session:
        second = await session.scalar(
            select(postings.c.id).where(postings.c.organization_id == school, postings.c.sequence == 2)
        )
    async with finance.engine.begin() as conn:  # as a superuser can: the immutability triggers off
        await conn.execute(text("SET LOCAL session_replication_role = replica"))
        await conn.execute(
            text("UPDATE posting_lines SET debit_fen = 30000 WHERE posting_id = :p AND line_no = 1"), {"p": second}
        )
    broken = await run_job("verify-chain")
    assert broken.exit_code == 1 and f"ledger {school}: chain BROKEN at sequence 2" in broken.output, broken.output
    async with finance.engine.connect() as conn:
        outcomes = (
            await conn.execute(select(schedule_runs.c.job, schedule_runs.c.outcome).order_by(schedule_runs.c.job))
        ).all()
    assert [tuple(row) for row in outcomes] == [("reconcile", "succeeded"), ("verify-chain", "failed")]
