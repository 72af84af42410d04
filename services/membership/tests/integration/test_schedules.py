"""The daily scheduler on real PostgreSQL (membership's database and its 0017_schedules table):
one run per job and business day across racing instances and restarts, a missed day caught up,
failures recorded and retried a bounded number of times, and apply-scheduled run by the service."""

import asyncio
import datetime as dt
import os
import subprocess

import pytest
from sqlalchemy import insert, select

from tests.processes import UNIONFED
from tests.pytest_infra import eventually, service_env
from unionfed_membership.adapters.tables import schedule_runs
from unionfed_membership.entrypoints.app import definition
from unionfed_shared import business_time
from unionfed_shared.schedules import DailyJob, DailyScheduler, JobFailed

pytestmark = pytest.mark.integration

SHANGHAI = business_time.zone("Asia/Shanghai")
AT = dt.time(0, 5)


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


class CountingJob:
    def __init__(self, *, seconds: float = 0.0, failures: int = 0):
        self.days: list[dt.date] = []
        self.seconds, self.failures = seconds, failures

    async def __call__(self, day: dt.date) -> str:
        self.days.append(day)
        await asyncio.sleep(self.seconds)
        if len(self.days) <= self.failures:
            raise JobFailed(f"check {len(self.days)} does not hold")
        return f"ran for {day}"


@pytest.fixture
async def membership(build_service):
    return await build_service(definition, start=False)


def scheduler(runtime, job, clock, *, name="nightly", instance="a", max_attempts=3) -> DailyScheduler:
    return DailyScheduler(
        "membership",
        runtime.engine,
        schedule_runs,
        [DailyJob(name, AT, job)],
        tz=SHANGHAI,
        clock=clock,
        instance=instance,
        max_attempts=max_attempts,
    )


async def runs_of(runtime, job: str = "nightly") -> list[tuple]:
    async with runtime.engine.connect() as conn:
        rows = await conn.execute(
            select(schedule_runs.c.business_day, schedule_runs.c.attempt, schedule_runs.c.outcome)
            .where(schedule_runs.c.job == job)
            .order_by(schedule_runs.c.business_day, schedule_runs.c.attempt)
        )
        return [tuple(row) for row in rows]


async def test_two_instances_racing_on_the_same_day_run_the_job_once(membership):
    clock = Clock(dt.datetime(2026, 12, 6, 2, 0, tzinfo=dt.UTC))  # 10:00 in Beijing
    job = CountingJob(seconds=0.5)
    first, second = scheduler(membership, job, clock, instance="a"), scheduler(membership, job, clock, instance="b")

    made = await asyncio.gather(first.tick(), second.tick(), first.tick(), second.tick())

    assert job.days == [dt.date(2026, 12, 6)]
    assert sum(len(m) for m in made) == 1
    assert await runs_of(membership) == [(dt.date(2026, 12, 6), 1, "succeeded")]
    # Later ticks of either instance the same day find it done.
    assert await first.tick() == [] and await second.tick() == []
    assert len(job.days) == 1


async def test_a_restart_the_same_day_does_not_run_it_again_and_the_next_day_runs(membership):
    clock = Clock(dt.datetime(2026, 12, 6, 2, 0, tzinfo=dt.UTC))
    job = CountingJob()
    await scheduler(membership, job, clock).tick()
    restarted = scheduler(membership, job, clock, instance="a-after-restart")
    clock.now += dt.timedelta(hours=10)  # 20:00 in Beijing, same business day
    assert await restarted.tick() == []
    clock.now += dt.timedelta(hours=4, minutes=5)  # 00:05 on December 7th in Beijing
    await restarted.tick()
    assert job.days == [dt.date(2026, 12, 6), dt.date(2026, 12, 7)]
    (latest,) = await restarted.last_runs()
    assert (latest.job, latest.business_day, latest.outcome, latest.summary) == (
        "nightly",
        dt.date(2026, 12, 7),
        "succeeded",
        "ran for 2026-12-07",
    )
    assert latest.instance == "a-after-restart" and latest.finished_at >= latest.started_at


async def test_a_day_missed_while_down_is_caught_up_when_back(membership):
    clock = Clock(dt.datetime(2026, 12, 4, 2, 0, tzinfo=dt.UTC))  # December 4th in Beijing
    job = CountingJob()
    await scheduler(membership, job, clock).tick()
    # Down through December 5th's 00:05; back at 00:01 on December 6th in Beijing (16:01 UTC on the 5th).
    clock.now = dt.datetime(2026, 12, 5, 16, 1, tzinfo=dt.UTC)
    back = scheduler(membership, job, clock, instance="back")
    await back.tick()
    assert job.days == [dt.date(2026, 12, 4), dt.date(2026, 12, 5)]
    clock.now = dt.datetime(2026, 12, 5, 16, 5, tzinfo=dt.UTC)  # December 6th's time comes
    await back.tick()
    assert job.days[-1] == dt.date(2026, 12, 6)
    assert [day for day, _, outcome in await runs_of(membership) if outcome == "succeeded"] == [
        dt.date(2026, 12, 4),
        dt.date(2026, 12, 5),
        dt.date(2026, 12, 6),
    ]


async def test_at_23_30_utc_the_run_is_recorded_for_beijings_business_day(membership):
    clock = Clock(dt.datetime(2026, 12, 5, 23, 30, tzinfo=dt.UTC))  # 07:30 on December 6th in Beijing
    job = CountingJob()
    (record,) = await scheduler(membership, job, clock).tick()
    assert record.business_day == dt.date(2026, 12, 6) == job.days[0]
    assert await runs_of(membership) == [(dt.date(2026, 12, 6), 1, "succeeded")]


async def test_a_failing_job_is_recorded_retried_next_tick_and_bounded(membership):
    clock = Clock(dt.datetime(2026, 12, 6, 2, 0, tzinfo=dt.UTC))
    job = CountingJob(failures=4)
    nightly = scheduler(membership, job, clock, max_attempts=3)
    for _ in range(5):
        await nightly.tick()
    day = dt.date(2026, 12, 6)
    # Three attempts, each failed and recorded with why; the fourth and fifth ticks wait for tomorrow.
    assert await runs_of(membership) == [(day, 1, "failed"), (day, 2, "failed"), (day, 3, "failed")]
    (latest,) = await nightly.last_runs()
    assert latest.summary == "JobFailed: check 3 does not hold"
    assert len(job.days) == 3
    clock.now += dt.timedelta(days=1)
    await nightly.tick()  # the next business day: a fresh attempt (still failing: the 4th failure)
    await nightly.tick()  # then it succeeds
    assert (await runs_of(membership))[-2:] == [
        (day + dt.timedelta(days=1), 1, "failed"),
        (day + dt.timedelta(days=1), 2, "succeeded"),
    ]


async def test_a_run_left_running_by_a_dead_instance_is_marked_interrupted_and_run_again(membership):
    clock = Clock(dt.datetime(2026, 12, 6, 2, 0, tzinfo=dt.UTC))
    day = dt.date(2026, 12, 6)
    async with membership.engine.begin() as conn:
        await conn.execute(
            insert(schedule_runs).values(
                job="nightly", business_day=day, attempt=1, instance="dead", started_at=clock.now, outcome="running"
            )
        )
    job = CountingJob()
    await scheduler(membership, job, clock).tick()
    assert await runs_of(membership) == [(day, 1, "interrupted"), (day, 2, "succeeded")]


async def test_a_second_success_for_the_same_day_is_refused_by_the_database(membership):
    from sqlalchemy.exc import IntegrityError

    clock = Clock(dt.datetime(2026, 12, 6, 2, 0, tzinfo=dt.UTC))
    await scheduler(membership, CountingJob(), clock).tick()
    with pytest.raises(IntegrityError):
        async with membership.engine.begin() as conn:
            await conn.execute(
                insert(schedule_runs).values(
                    job="nightly",
                    business_day=dt.date(2026, 12, 6),
                    attempt=2,
                    instance="rogue",
                    started_at=clock.now,
                    outcome="succeeded",
                )
            )


async def test_the_service_runs_apply_scheduled_itself_when_started(build_service):
    runtime = await build_service(definition, schedules_enabled="true", schedule_tick_s="0.2")
    assert runtime.scheduler is not None and [job.name for job in runtime.scheduler.jobs] == ["apply-scheduled"]

    async def recorded():
        runs = await runtime.scheduler.last_runs()
        return runs if runs and runs[0].outcome == "succeeded" else None

    (run,) = await eventually(recorded)
    today = business_time.today(SHANGHAI)
    assert run.job == "apply-scheduled"
    # Its day is the latest business day whose 00:05 has come in Beijing.
    assert run.business_day in (today, today - dt.timedelta(days=1))
    assert run.summary == "0 change(s) applied, due by today in each federation"


async def test_the_schedules_command_shows_each_jobs_time_and_latest_run(build_service, infra):
    database = "t_membership_sched_" + os.urandom(4).hex()
    runtime = await build_service(definition, start=False, database=database)
    clock = Clock(dt.datetime(2026, 12, 5, 23, 30, tzinfo=dt.UTC))
    await DailyScheduler(
        "membership", runtime.engine, schedule_runs, runtime.scheduler.jobs, tz=SHANGHAI, clock=clock, instance="i-1"
    ).tick()
    shown = await asyncio.to_thread(
        subprocess.run,
        [UNIONFED, "membership", "schedules"],
        env={**os.environ, **service_env(infra, "membership", database)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.returncode == 0, shown.stderr
    assert "MEMBERSHIP_SCHEDULES_ENABLED is off: this instance runs none" in shown.stdout
    assert "apply-scheduled: daily at 00:05 Asia/Shanghai, next " in shown.stdout
    assert "last: 2026-12-06 attempt 1 succeeded on i-1" in shown.stdout
    assert "0 change(s) applied" in shown.stdout
