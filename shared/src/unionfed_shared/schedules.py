"""Daily jobs a service runs itself (no cron, no Kubernetes CronJob): once per business day, on
one instance, recorded.

A service declares its jobs where it is assembled (``ServiceDefinition.daily_jobs`` in its
``entrypoints/app.py``); the runtime starts a ``DailyScheduler`` beside the outbox relay when
``<PREFIX>_SCHEDULES_ENABLED`` is on (the default). Every ``schedule_tick_s`` it looks at each job:

- **Which day.** A job runs at a wall-clock time (``at``) in the scheduler's time zone (the
  federation's, Asia/Shanghai by default). The *due day* is the latest business day whose run
  time has passed (``due_day``): today once today's time has come, else yesterday. A service
  that was down at that time runs the missed day as soon as it is back; days before the due day
  are not run one by one, because every job here is cumulative (``apply-scheduled`` applies all
  that is due by then, ``reconcile`` and ``verify-chain`` check the whole books), so the due day's
  run covers them.
- **One instance.** The run happens under a session-level PostgreSQL advisory lock per job
  (``pg_try_advisory_lock``): a second instance ticking at the same moment does not get it and
  skips. Under the lock the instance reads ``schedule_runs``; a day with a succeeded run is done.
  The lock is a session lock on an otherwise idle connection, not a transaction held open for
  the job's length, so the outbox relay (which waits for the oldest running transaction) is not
  held up by a long job. A unique index on succeeded runs per (job, day) is the last guard.
- **Recorded.** Each attempt is a row: job, business day, attempt, instance, started and finished
  (UTC), outcome (``running``, ``succeeded``, ``failed``, ``interrupted``) and a summary. A run left
  ``running`` by an instance that died is found under the lock (its holder is gone, or we would not
  hold it) and marked ``interrupted``.
- **Retried, bounded.** A job that raises is recorded ``failed`` and tried again on the next tick,
  at most ``max_attempts`` times a day (interrupted runs count); then it waits for the next day,
  and the log says so once.

``DailyScheduler.last_runs()`` returns each job's latest run (for /metrics and the logs).
"""

import asyncio
import datetime as dt
import hashlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from unionfed_shared.business_time import Clock, business_date, utc_now

log = logging.getLogger(__name__)

Outcome = Literal["running", "succeeded", "failed", "interrupted"]
OUTCOMES: tuple[Outcome, ...] = ("running", "succeeded", "failed", "interrupted")
SUMMARY_LIMIT = 4000


# --- The time rules (pure) ----------------------------------------------------------------------


def run_moment(day: dt.date, at: dt.time, tz: ZoneInfo) -> dt.datetime:
    """The UTC moment ``day``'s run is due: ``at`` on the wall clock of ``tz`` on ``day``."""
    return dt.datetime.combine(day, at, tzinfo=tz).astimezone(dt.UTC)


def due_day(now: dt.datetime, at: dt.time, tz: ZoneInfo) -> dt.date:
    """The latest business day whose run time has come by ``now``: today in ``tz`` once ``at``
    has passed there, else yesterday (never computed from the server's own date)."""
    today = business_date(now, tz)
    return today if now >= run_moment(today, at, tz) else today - dt.timedelta(days=1)


def next_run(now: dt.datetime, at: dt.time, tz: ZoneInfo) -> dt.datetime:
    """The first run moment after ``now`` (UTC)."""
    return run_moment(due_day(now, at, tz) + dt.timedelta(days=1), at, tz)


@dataclass(frozen=True)
class Decision:
    """What a tick does about a job's due day, given that day's earlier attempts."""

    action: Literal["run", "done", "gave_up"]
    attempt: int = 0  # the number of the attempt to make, when action == "run"


def decide(outcomes: Sequence[str], max_attempts: int) -> Decision:
    """Run again unless the day succeeded or has used its ``max_attempts`` (failed and interrupted)."""
    if "succeeded" in outcomes:
        return Decision("done")
    tried = sum(1 for o in outcomes if o in ("failed", "interrupted", "running"))
    if tried >= max_attempts:
        return Decision("gave_up")
    return Decision("run", attempt=len(outcomes) + 1)


# --- Jobs and their record ----------------------------------------------------------------------


@dataclass(frozen=True)
class DailyJob:
    """A job run once per business day at ``at`` (wall clock of the scheduler's zone).

    ``run(day)`` returns a one-line summary; raising means the run failed (it is retried).
    """

    name: str
    at: dt.time
    run: Callable[[dt.date], Awaitable[str]]
    enabled: bool = True


class JobFailed(Exception):
    """A job ran to its end and found what it checks not to hold (e.g. a broken chain)."""


@dataclass(frozen=True)
class RunRecord:
    job: str
    business_day: dt.date
    attempt: int
    instance: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    outcome: str
    summary: str


def add_schedule_runs_table(metadata: MetaData) -> Table:
    return Table(
        "schedule_runs",
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("job", Text, nullable=False),
        Column("business_day", Date, nullable=False),
        Column("attempt", Integer, nullable=False),
        Column("instance", Text, nullable=False),
        Column("started_at", DateTime(timezone=True), nullable=False),
        Column("finished_at", DateTime(timezone=True)),
        Column("outcome", Text, nullable=False),
        Column("summary", Text, nullable=False, server_default=""),
        UniqueConstraint("job", "business_day", "attempt", name="uq_schedule_runs_attempt"),
        CheckConstraint(f"outcome IN {OUTCOMES!r}", name="ck_schedule_runs_outcome"),
        Index(
            "uq_schedule_runs_succeeded_once",
            "job",
            "business_day",
            unique=True,
            postgresql_where=text("outcome = 'succeeded'"),
        ),
        Index("ix_schedule_runs_job_started", "job", "started_at"),
    )


def create_schedule_runs_v1(op) -> None:
    """Create ``schedule_runs`` (call from a service's Alembic revision)."""
    import sqlalchemy as sa

    op.create_table(
        "schedule_runs",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("job", sa.Text(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("instance", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False, server_default=""),
        sa.UniqueConstraint("job", "business_day", "attempt", name="uq_schedule_runs_attempt"),
        sa.CheckConstraint(f"outcome IN {OUTCOMES!r}", name="ck_schedule_runs_outcome"),
    )
    op.create_index(
        "uq_schedule_runs_succeeded_once",
        "schedule_runs",
        ["job", "business_day"],
        unique=True,
        postgresql_where=sa.text("outcome = 'succeeded'"),
    )
    op.create_index("ix_schedule_runs_job_started", "schedule_runs", ["job", "started_at"])


def drop_schedule_runs_v1(op) -> None:
    op.drop_table("schedule_runs")


def lock_key(service: str, job: str) -> int:
    """The advisory lock of one job of one service: a stable signed 64-bit number."""
    digest = hashlib.blake2b(f"unionfed-schedule:{service}:{job}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def default_instance() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# --- The scheduler ------------------------------------------------------------------------------


class DailyScheduler:
    def __init__(
        self,
        service: str,
        engine: AsyncEngine,
        runs: Table,
        jobs: Sequence[DailyJob],
        *,
        tz: ZoneInfo,
        tick_s: float = 60.0,
        max_attempts: int = 3,
        clock: Clock = utc_now,
        instance: str | None = None,
    ):
        self.service = service
        self.jobs = [job for job in jobs if job.enabled]
        self.tz = tz
        self.tick_s = tick_s
        self.max_attempts = max_attempts
        self._engine = engine
        self._runs = runs
        self._clock = clock
        self.instance = instance or default_instance()
        self._gave_up_logged: set[tuple[str, dt.date]] = set()

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Tick until ``stop`` is set; a tick that cannot reach the database is logged and retried."""
        if self.jobs:
            log.info(
                "scheduler of %s: %s (zone %s)",
                self.service,
                ", ".join(f"{job.name} at {job.at.isoformat('minutes')}" for job in self.jobs),
                self.tz.key,
            )
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:
                log.exception("scheduler of %s: tick failed; trying again in %ss", self.service, self.tick_s)
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.tick_s)
            except TimeoutError:
                pass

    async def tick(self) -> list[RunRecord]:
        """Run every job whose due day has not succeeded yet (one attempt each); returns the runs made."""
        made = []
        for job in self.jobs:
            record = await self.run_due(job)
            if record is not None:
                made.append(record)
        return made

    async def run_due(self, job: DailyJob) -> RunRecord | None:
        """One attempt at ``job``'s due day, if it is not done and no other instance holds it."""
        day = due_day(self._clock(), job.at, self.tz)
        key = lock_key(self.service, job.name)
        async with self._engine.connect() as conn:
            if not await conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}):
                await conn.rollback()
                return None  # another instance is running it right now
            try:
                await conn.commit()
                return await self._attempt(conn, job, day)
            finally:
                await self._unlock(conn, key)

    async def _attempt(self, conn: AsyncConnection, job: DailyJob, day: dt.date) -> RunRecord | None:
        runs = self._runs
        # Under the lock, a run still "running" belongs to an instance that died mid-run.
        await conn.execute(
            update(runs)
            .where(runs.c.job == job.name, runs.c.business_day == day, runs.c.outcome == "running")
            .values(outcome="interrupted", finished_at=self._clock(), summary="the instance running it stopped")
        )
        outcomes = list(
            (
                await conn.execute(
                    select(runs.c.outcome)
                    .where(runs.c.job == job.name, runs.c.business_day == day)
                    .order_by(runs.c.attempt)
                )
            ).scalars()
        )
        decision = decide(outcomes, self.max_attempts)
        if decision.action != "run":
            await conn.commit()
            if decision.action == "gave_up" and (job.name, day) not in self._gave_up_logged:
                self._gave_up_logged.add((job.name, day))
                log.error(
                    "scheduled %s/%s for %s failed %d times; next try on the next business day",
                    self.service,
                    job.name,
                    day,
                    len(outcomes),
                )
            return None
        started = self._clock()
        run_id = await conn.scalar(
            insert(runs)
            .values(
                job=job.name,
                business_day=day,
                attempt=decision.attempt,
                instance=self.instance,
                started_at=started,
                outcome="running",
            )
            .returning(runs.c.id)
        )
        # Committed at once: no transaction stays open (with its xid) while the job runs.
        await conn.commit()
        log.info("scheduled %s/%s for %s: attempt %d started", self.service, job.name, day, decision.attempt)
        outcome: Outcome
        try:
            summary = await job.run(day)
            outcome = "succeeded"
        except Exception as error:
            outcome, summary = "failed", f"{type(error).__name__}: {error}"
            log.error(
                "scheduled %s/%s for %s: attempt %d failed: %s",
                self.service,
                job.name,
                day,
                decision.attempt,
                summary,
                exc_info=not isinstance(error, JobFailed),
            )
        finished = self._clock()
        await conn.execute(
            update(runs)
            .where(runs.c.id == run_id)
            .values(outcome=outcome, finished_at=finished, summary=summary[:SUMMARY_LIMIT])
        )
        await conn.commit()
        if outcome == "succeeded":
            log.info("scheduled %s/%s for %s succeeded: %s", self.service, job.name, day, summary)
        return RunRecord(job.name, day, decision.attempt, self.instance, started, finished, outcome, summary)

    async def _unlock(self, conn: AsyncConnection, key: int) -> None:
        try:
            if conn.in_transaction():
                await conn.rollback()
            await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            await conn.commit()
        except Exception:
            # A connection we cannot unlock must not go back to the pool holding the lock.
            log.warning("scheduler of %s: could not release lock %s; dropping the connection", self.service, key)
            await conn.invalidate()

    async def last_runs(self) -> list[RunRecord]:
        """Each job's latest run (any instance's): what /metrics and an operator want to see."""
        return await last_runs(self._engine, self._runs)


async def last_runs(engine: AsyncEngine, runs: Table) -> list[RunRecord]:
    """The latest recorded run of every job in ``runs``."""
    latest = select(func.max(runs.c.id)).group_by(runs.c.job)
    query = (
        select(
            runs.c.job,
            runs.c.business_day,
            runs.c.attempt,
            runs.c.instance,
            runs.c.started_at,
            runs.c.finished_at,
            runs.c.outcome,
            runs.c.summary,
        )
        .where(runs.c.id.in_(latest))
        .order_by(runs.c.job)
    )
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    return [RunRecord(*row) for row in rows]
