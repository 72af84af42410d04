"""Scale-out of the finance consumer: 1, 2 and 3 instances in one group on the same journal.

For each shape of load and K = 1, 2, 3: K ``unionfed finance serve`` processes on a fresh database
in one new consumer group (started at the journal's end), and once the group is stable with K
members the ledger scenario's dues entries (``BENCH_SCALEOUT_EVENTS``, default 40,000) are put on
the journal. The shapes (``BENCH_SCALEOUT_SHAPES``, all three by default):

- ``federations``: the 8 bench federations, each keyed by federation, over the topic's 6 partitions;
- ``one-federation``: one federation's 25 unions keyed by the federation: one partition, so one
  instance does all the work whatever the group's size;
- ``one-federation-by-ledger``: the same federation keyed by ledger (``ordering="ledger"``): its
  load spreads over the partitions its unions' ledgers hash to.

Timed from the first event produced to the last one's offset committed: events/s, each instance's
CPU (utime + stime from /proc, as a share of one core and per 1,000 events), PostgreSQL's CPU, the
partitions each member holds and how many events each instance applied (its /metrics).
The books must be right as in the ledger scenario (one posting per event, balances, no
``journal_event_id`` twice, chains). The load average is printed beside every figure: on a
shared machine a figure means nothing without it.

Run alone (it shares the journal topic with the ledger scenario): ``python -m bench --only scaleout``.
"""

import asyncio
import os
import re
import time

import httpx

from bench import books, seed
from bench.events import FEDERATIONS, JOURNAL_TOPIC, JournalLoad, load_journal
from bench.harness import BenchEnv, Sample
from tests.kafka_tools import describe_groups, skip_history
from unionfed_finance.entrypoints.app import MIGRATIONS_DIR
from unionfed_shared.contracts.finance import Ordering
from unionfed_shared.messaging.kafka import committed_offsets, end_offsets
from unionfed_shared.migrations import upgrade_database

SCENARIO = "scaleout"
RUNS = 1
INSTANCES = (1, 2, 3)
# shape: (federations, how the journal is keyed)
SHAPES: dict[str, tuple[int, Ordering]] = {
    "federations": (FEDERATIONS, "federation"),
    "one-federation": (1, "federation"),
    "one-federation-by-ledger": (1, "ledger"),
}
DEFAULT_EVENTS = 40_000
BUDGET_S = 150  # per instance count, from the first event produced
POLL_S = 0.2
_PROCESSED = re.compile(r"^unionfed_consumer_messages_total\{([^}]*)\} ([0-9.e+]+)$", re.M)


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.1f} {five:.1f} {fifteen:.1f}"


async def measure(env: BenchEnv, run: int) -> list[Sample]:
    load: JournalLoad = env.state.setdefault("journal", JournalLoad())
    if load.events and SCENARIO not in env.state:
        raise RuntimeError("the journal already holds other scenarios' bench events: run the scaleout scenario alone")
    env.state[SCENARIO] = True
    events = int(os.environ.get("BENCH_SCALEOUT_EVENTS", DEFAULT_EVENTS))
    shapes = os.environ.get("BENCH_SCALEOUT_SHAPES", ",".join(SHAPES)).split(",")
    unknown = [shape for shape in shapes if shape not in SHAPES]
    if unknown:
        raise ValueError(f"unknown BENCH_SCALEOUT_SHAPES {unknown}; known: {', '.join(SHAPES)}")
    samples: list[Sample] = []
    for shape in shapes:
        for count in INSTANCES:
            samples += await _one(env, load, events, shape, count, run)
    return samples


async def _one(env: BenchEnv, load: JournalLoad, events: int, shape: str, count: int, run: int) -> list[Sample]:
    database = await env.fresh_database("bench_finance")
    await upgrade_database(env.infra.pg_dsn(database), MIGRATIONS_DIR)
    processes = [env.service("finance", database) for _ in range(count)]
    group = processes[0].env["FINANCE_CONSUMER_GROUP_ID"]  # one group: the same database, the same settings
    bootstrap = env.infra.kafka_bootstrap
    await skip_history(bootstrap, group)  # only this run's events
    postmaster = await seed.postgres_server_pid(env)
    label = f"scaleout run {run}, {shape}, {count} instance{'s' if count > 1 else ''}"
    env.say(f"{label}: starting ({_load()})")
    for process in processes:
        process.start()
    try:
        await asyncio.gather(*(p.wait_ready(timeout=120) for p in processes))
        deadline = time.monotonic() + 120
        while True:
            found = (await describe_groups(bootstrap, [group])).get(group)
            if found and found[0] == "Stable" and len(found[1]) == count:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{label}: the group never held {count} members: {found}")
            await asyncio.sleep(0.5)
        shares = "/".join(str(n) for n in found[1])
        pids = [p.process.pid for p in processes]
        starts = await end_offsets(bootstrap, [JOURNAL_TOPIC])
        bank_before = dict(load.bank_fen)
        cpu_before = [seed.cpu_seconds(pid) for pid in pids]
        pg_before = seed.postgres_cpu_seconds(postmaster) if postmaster else None
        load_before = _load()
        started = time.monotonic()
        federations, ordering = SHAPES[shape]
        await load_journal(bootstrap, load, events, say=lambda _line: None, federations=federations, ordering=ordering)
        produced = time.monotonic() - started
        targets = dict(load.end_offsets)
        total = sum(end - starts.get(tp, 0) for tp, end in targets.items())
        applied = 0
        while applied < total and time.monotonic() - started < BUDGET_S:
            await asyncio.sleep(POLL_S)
            applied = await _applied(bootstrap, group, targets, starts)
        seconds = time.monotonic() - started
        cpu = [seed.cpu_seconds(pid) - b for pid, b in zip(pids, cpu_before)]
        pg_cpu = seed.postgres_cpu_seconds(postmaster) - pg_before if postmaster else None
        per_instance = await _per_instance(processes)
        load_after = _load()
    finally:
        for process in processes:
            process.stop()
            env.processes.remove(process)
    per_partition = {p: end - starts.get((t, p), 0) for (t, p), end in sorted(targets.items())}
    incomplete = None if applied >= total else f"stopped at {BUDGET_S} s: {applied:,} of {total:,} events"
    expected_bank = {org: fen - bank_before.get(org, 0) for org, fen in load.bank_fen.items()}
    problems = await books.books_problems(
        env.pg_url(database),
        env.infra.pg_dsn(database),
        expected_events=total if incomplete is None else None,
        expected_bank_fen=expected_bank if incomplete is None else None,
    )
    await env.drop_database(database)
    failure = "; ".join(problems) or None
    rate = applied / seconds
    per_k = 1000 / max(applied, 1)
    env.say(
        f"{label}: {applied:,} events in {seconds:.1f} s (produced in {produced:.1f} s; per partition "
        f"{per_partition}): {rate:,.0f} events/s; partitions per member {shares}; "
        f"CPU per instance {', '.join(f'{c:.1f} s ({100 * c / seconds:.0f}% of a core)' for c in cpu)}; "
        f"PostgreSQL {pg_cpu or 0:.1f} s ({100 * (pg_cpu or 0) / seconds:.0f}%); "
        f"applied per instance {per_instance}; {load_before} → {load_after}"
        + (f"; GATE FAILED: {failure}" if failure else "")
    )
    name = f"{SCENARIO}/{shape}/{count}"
    samples = [
        Sample(name, "events/s", rate, "events/s", gate_failure=failure, incomplete=incomplete),
        Sample(name, "finance CPU per 1,000 events (all instances)", sum(cpu) * per_k, "s", gate_failure=failure),
        Sample(name, "busiest instance, share of a core", 100 * max(cpu) / seconds, "%", gate_failure=failure),
    ]
    if pg_cpu is not None:
        samples.append(Sample(name, "PostgreSQL CPU per 1,000 events", pg_cpu * per_k, "s", gate_failure=failure))
    return samples


async def _applied(bootstrap: str, group: str, targets: dict, starts: dict) -> int:
    committed = await committed_offsets(bootstrap, group)
    return sum(max(min(committed.get(tp, 0), end) - starts.get(tp, 0), 0) for tp, end in targets.items())


async def _per_instance(processes) -> list[int]:
    """Events each instance applied (processed, not duplicates), from its /metrics."""
    applied = []
    async with httpx.AsyncClient(timeout=10) as client:
        for process in processes:
            text = (await client.get(f"{process.url}/metrics")).text
            applied.append(
                int(sum(float(v) for labels, v in _PROCESSED.findall(text) if 'outcome="processed"' in labels))
            )
    return applied
