"""Ledger consumer: the finance service against a hand-written consumer, on the same journal.

N money events are put on the journal topic once. Each run then measures, on fresh databases,
the hand-written baseline (aiokafka + asyncpg, bench/raw_poster.py) and the full service
(``unionfed finance serve``), one after the other, and the two ceilings: Kafka alone (consume and
commit, no database) and PostgreSQL alone (the baseline's SQL fed from memory). Every baseline
and service run must leave correct books (bench/books.py), and the two must agree on every
ledger's chain head, since both derive everything from the journal's order.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable

import asyncpg
from aiokafka import AIOKafkaConsumer

from bench import books
from bench.events import JOURNAL_TOPIC, JournalLoad, load_journal
from bench.harness import BenchEnv, Sample, rss_peak_mb
from bench.raw_poster import RawPoster, prepare
from unionfed_finance.entrypoints.app import MIGRATIONS_DIR
from unionfed_shared.messaging.kafka import committed_offsets
from unionfed_shared.migrations import upgrade_database

SCENARIO = "ledger"
RUNS = 3
DEFAULT_EVENTS = 200_000
BUDGET_S = 6 * 60  # for all runs together; at least one pair always runs
BATCH = 1000  # records per getmany, and per transaction of the baseline
POLL_S = 0.2
PROGRESS_EVERY_S = 10.0
RATIO_TARGET = ">= 0.8"  # issue 20 (issue 7 asked for 0.5)
POSTINGS_TARGET = ">= 5000"


async def measure(env: BenchEnv, run: int) -> list[Sample]:
    state = await _prepared(env)
    budget_end = min(state["budget_start"] + BUDGET_S, env.deadline - env.state.get("reserve_s", 0))
    if run > 1 and state["run_seconds"]:
        needed = max(state["run_seconds"])
        left = budget_end - time.monotonic()
        if needed > left:
            env.say(
                f"ledger: run {run} skipped: a run takes {needed:.0f} s, {max(left, 0):.0f} s left of the ledger budget"
            )
            return []
    started = time.monotonic()
    expected = state["expected_bank_fen"]
    samples: list[Sample] = []

    env.say(f"ledger run {run}: baseline (aiokafka + asyncpg) on {state['events']:,} events")
    base = await _baseline(env, state, budget_end)
    env.say(f"ledger run {run}: full service (unionfed finance serve)")
    # A slow service is stopped early enough to leave the ceilings (about a baseline's time each) their turn.
    service = await _service(env, state, budget_end - 2 * base.seconds - 10)

    base_failure = await _gate(env, base, state["events"], expected)
    service_failure = await _gate(env, service, state["events"], expected)
    if not (base_failure or service_failure or base.incomplete or service.incomplete):
        base_heads, service_heads = (
            await books.heads(env.pg_url(base.database)),
            await books.heads(env.pg_url(service.database)),
        )
        differing = sum(
            1 for org in base_heads.keys() | service_heads.keys() if base_heads.get(org) != service_heads.get(org)
        )
        if differing:
            service_failure = f"{differing} ledgers' chain heads differ from the baseline's"
    await env.drop_database(base.database)
    await env.drop_database(service.database)

    samples.append(
        Sample(
            f"{SCENARIO}/baseline",
            "events/s",
            base.rate,
            "events/s",
            gate_failure=base_failure,
            incomplete=base.incomplete,
        )
    )
    samples.append(
        Sample(
            f"{SCENARIO}/full-service",
            "events/s",
            service.rate,
            "events/s",
            gate_failure=service_failure,
            incomplete=service.incomplete,
        )
    )
    samples.append(
        Sample(
            f"{SCENARIO}/full-service",
            "postings/s",
            service.postings / service.seconds,
            "postings/s",
            POSTINGS_TARGET,
            gate_failure=service_failure,
            incomplete=service.incomplete,
        )
    )
    if service.rss_mb is not None:
        samples.append(
            Sample(f"{SCENARIO}/full-service", "RSS peak", service.rss_mb, "MB", gate_failure=service_failure)
        )
    samples.append(
        Sample(
            SCENARIO,
            "ratio service ÷ baseline",
            service.rate / base.rate,
            "",
            RATIO_TARGET,
            gate_failure=service_failure or base_failure,
            incomplete=service.incomplete or base.incomplete,
        )
    )
    env.say(
        f"ledger run {run}: baseline {base.rate:,.0f} events/s, service {service.rate:,.0f} events/s "
        f"({service.postings / service.seconds:,.0f} postings/s), ratio {service.rate / base.rate:.2f}"
    )

    # The ceilings are quick next to the service; they run while the budget allows.
    if time.monotonic() < budget_end or run == 1:
        budget_end = max(budget_end, time.monotonic() + 2 * base.seconds + 10)
        env.say(f"ledger run {run}: Kafka-only ceiling")
        kafka, batches = await _kafka_only(env, state, budget_end)
        samples.append(
            Sample(f"{SCENARIO}/kafka-only", "events/s", kafka.rate, "events/s", incomplete=kafka.incomplete)
        )
        env.say(f"ledger run {run}: PostgreSQL-only ceiling ({sum(map(len, batches)):,} events from memory)")
        postgres = await _postgres_only(env, batches, budget_end)
        samples.append(
            Sample(f"{SCENARIO}/postgres-only", "events/s", postgres.rate, "events/s", incomplete=postgres.incomplete)
        )
        env.say(
            f"ledger run {run}: Kafka alone {kafka.rate:,.0f} events/s, PostgreSQL alone {postgres.rate:,.0f} events/s"
        )
    state["run_seconds"].append(time.monotonic() - started)
    return samples


class _Run:
    """One timed consumer run: how many events it applied in how long, and on which database."""

    def __init__(self, database: str | None, events: int, seconds: float, total: int, postings: int | None = None):
        self.database = database
        self.events = events
        self.seconds = max(seconds, 1e-9)
        self.postings = events if postings is None else postings
        self.rss_mb: float | None = None
        self.incomplete = (
            None
            if events >= total
            else f"stopped at its time budget after {seconds:.0f} s: {events:,} of {total:,} events"
        )

    @property
    def rate(self) -> float:
        return self.events / self.seconds


async def _prepared(env: BenchEnv) -> dict:
    """Put the N events on the journal once, and remember what the books must show afterwards."""
    state = env.state.get(SCENARIO)
    if state is None:
        events = env.state.get("events") or DEFAULT_EVENTS
        load: JournalLoad = env.state.setdefault("journal", JournalLoad())
        if load.events:
            raise RuntimeError(
                f"the journal already holds {load.events:,} bench events; the ledger scenario loads first"
            )
        env.say(f"ledger: producing {events:,} money events onto {JOURNAL_TOPIC}")
        seconds = await load_journal(env.infra.kafka_bootstrap, load, events, say=env.say)
        env.say(f"ledger: {events:,} events produced in {seconds:.1f} s")
        state = env.state[SCENARIO] = {
            "events": events,
            "load": load,
            "targets": dict(load.end_offsets),
            "expected_bank_fen": dict(load.bank_fen),
            "budget_start": time.monotonic(),
            "run_seconds": [],
        }
    return state


async def _fresh_finance_database(env: BenchEnv) -> str:
    database = await env.fresh_database("bench_finance")
    await upgrade_database(env.infra.pg_dsn(database), MIGRATIONS_DIR)
    return database


async def _baseline(env: BenchEnv, state: dict, budget_end: float) -> _Run:
    database = await _fresh_finance_database(env)
    conn = await asyncpg.connect(env.pg_url(database))
    try:
        await prepare(conn)
        poster = RawPoster(conn)
        return await _drain(env, state, f"bench-raw-{database}", database, poster.apply, budget_end, "baseline")
    finally:
        await conn.close()


async def _kafka_only(env: BenchEnv, state: dict, budget_end: float) -> tuple[_Run, list[list]]:
    batches: list[list] = []

    async def keep(records: list) -> int:
        batches.append(records)  # for the PostgreSQL-only ceiling; appending costs next to nothing
        return len(records)

    run = await _drain(env, state, f"bench-kafka-{time.time_ns()}", None, keep, budget_end, "Kafka only")
    return run, batches


async def _postgres_only(env: BenchEnv, batches: list[list], budget_end: float) -> _Run:
    database = await _fresh_finance_database(env)
    conn = await asyncpg.connect(env.pg_url(database))
    total = sum(len(b) for b in batches)
    try:
        await prepare(conn)
        poster = RawPoster(conn)
        applied, started, reported = 0, time.monotonic(), time.monotonic()
        for batch in batches:
            applied += await poster.apply(batch)
            now = time.monotonic()
            if now - reported > PROGRESS_EVERY_S:
                env.say(f"  PostgreSQL only: {applied:,} of {total:,} events ({applied / (now - started):,.0f}/s)")
                reported = now
            if now > budget_end:
                break
        return _Run(database, applied, time.monotonic() - started, total)
    finally:
        await conn.close()
        await env.drop_database(database)


async def _drain(
    env: BenchEnv,
    state: dict,
    group: str,
    database: str | None,
    apply: Callable[[list], Awaitable[int]],
    budget_end: float,
    label: str,
) -> _Run:
    """Consume the journal up to the load's end offsets in batches, apply each, then commit it."""
    targets = dict(state["targets"])
    total = sum(targets.values())
    consumer = AIOKafkaConsumer(
        JOURNAL_TOPIC,
        bootstrap_servers=env.infra.kafka_bootstrap,
        group_id=group,
        enable_auto_commit=False,  # offsets only after the batch's transaction committed
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        started = reported = time.monotonic()
        done: dict[tuple[str, int], int] = dict.fromkeys(targets, 0)
        applied = 0
        while sum(min(done[tp], end) for tp, end in targets.items()) < total:
            fetched = await consumer.getmany(timeout_ms=500, max_records=BATCH)
            records = [
                r for tp, rs in fetched.items() for r in rs if r.offset < targets.get((tp.topic, tp.partition), 0)
            ]
            if records:
                applied += await apply(records)
            if fetched:
                await consumer.commit({tp: rs[-1].offset + 1 for tp, rs in fetched.items()})
                for tp, rs in fetched.items():
                    done[(tp.topic, tp.partition)] = rs[-1].offset + 1
            now = time.monotonic()
            if now - reported > PROGRESS_EVERY_S:
                env.say(f"  {label}: {applied:,} of {total:,} events ({applied / (now - started):,.0f}/s)")
                reported = now
            if now > budget_end:
                break
        return _Run(database, applied, time.monotonic() - started, total)
    finally:
        await consumer.stop()


async def _service(env: BenchEnv, state: dict, budget_end: float) -> _Run:
    database = await _fresh_finance_database(env)
    process = env.service("finance", database)
    group = process.env["FINANCE_CONSUMER_GROUP_ID"]  # new, so it reads the journal from offset 0
    targets = state["targets"]
    total = sum(targets.values())
    bootstrap = env.infra.kafka_bootstrap
    process.start()
    try:
        await process.wait_ready()
        started = reported = time.monotonic()
        applied = 0
        while True:
            committed = await committed_offsets(bootstrap, group)
            applied = sum(min(committed.get(tp, 0), end) for tp, end in targets.items())
            now = time.monotonic()
            if applied >= total or now > budget_end:
                break
            if now - reported > PROGRESS_EVERY_S:
                env.say(f"  service: {applied:,} of {total:,} events committed ({applied / (now - started):,.0f}/s)")
                reported = now
            await asyncio.sleep(POLL_S)
        seconds = time.monotonic() - started
        rss = rss_peak_mb(process.process.pid)
    finally:
        process.stop()
        env.processes.remove(process)
    errors = _error_lines(process.log_path)
    if errors:
        env.say(f"  service log {process.log_path}: {errors} error lines")
    conn = await asyncpg.connect(env.pg_url(database))
    try:
        # Postings the service wrote by the time its offsets showed the whole journal applied.
        postings = await conn.fetchval("SELECT count(*) FROM postings WHERE organization_id LIKE $1", books.BENCH_ORGS)
    finally:
        await conn.close()
    run = _Run(database, applied, seconds, total, postings=min(postings, applied))
    run.rss_mb = rss
    return run


def _error_lines(log_path) -> int:
    try:
        return sum(
            1 for line in log_path.read_text(errors="replace").splitlines() if '"ERROR"' in line or "Traceback" in line
        )
    except FileNotFoundError:
        return 0


async def _gate(env: BenchEnv, run: _Run, events: int, expected_bank_fen: dict[str, int]) -> str | None:
    complete = run.incomplete is None
    problems = await books.books_problems(
        env.pg_url(run.database),
        env.infra.pg_dsn(run.database),
        expected_events=events if complete else None,
        expected_bank_fen=expected_bank_fen if complete else None,
    )
    return "; ".join(problems) or None
