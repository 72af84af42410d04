"""Rebuild: replay the whole journal (1,000,000 events) into an empty database with the real CLI.

``unionfed finance rebuild --into URL --no-compare`` runs as its own process, so its peak RSS is
its own. The journal is topped up to the size first (the ledger scenario's events count). A
rebuild slower than its budget is stopped; its rate so far is reported and the run is marked as
not meeting the target, which is a missed target, not a failed gate.
"""

import asyncio
import os
import re
import signal
import sys
import time
from pathlib import Path

import asyncpg

from bench import books
from bench.events import JournalLoad, load_journal
from bench.harness import PROFILE_STOP_S, PROFILER, BenchEnv, Sample, profiled, rss_peak_mb
from tests.pytest_infra import service_env

SCENARIO = "rebuild"
RUNS = 1
DEFAULT_EVENTS = 1_000_000
BUDGET_S = 6 * 60
MARGIN_S = 30  # left for stopping it, the gates and the table
WALL_TARGET = "< 300"  # for the 1,000,000 events
RATE_TARGET = ">= 3334"  # the same target at any size: 1,000,000 events in 300 s
UNIONFED = str(Path(sys.executable).with_name("unionfed"))
_PROGRESS = re.compile(r"rebuild: ([\d,]+) of ([\d,]+) messages applied")
_DONE = re.compile(r"rebuild: ([\d,]+) messages in ([\d.]+) s")
_SNAPSHOT = re.compile(r"took snapshot .* in ([\d.]+) s")
_SNAPSHOT_BEGINS = b"rebuild: taking a snapshot"
# After the full rebuild (which then takes a snapshot), this many more events go on the journal and
# a second rebuild starts from the snapshot and replays only them (0: no snapshot row).
TAIL_EVENTS = int(os.environ.get("BENCH_REBUILD_TAIL", "10000"))
# Processes replaying in parallel (`rebuild --workers`): one per core unless BENCH_REBUILD_WORKERS says.
WORKERS = int(os.environ.get("BENCH_REBUILD_WORKERS", str(os.cpu_count() or 1)))


async def measure(env: BenchEnv, run: int) -> list[Sample]:
    # The plan's size (--rebuild-events sets it), else 1,000,000. Every run replays the same topics.
    wanted = env.size(DEFAULT_EVENTS)
    load: JournalLoad = env.state.setdefault("journal", JournalLoad())
    if env.processes:
        # The services of the scenarios before are done with, but each of their finance instances
        # consumes the journal too, and their queues may still be draining: inside `make bench` a
        # rebuild beside them ran at a third of its rate alone.
        env.say(f"rebuild: stopping the {len(env.processes)} service processes the scenarios before started")
        await asyncio.to_thread(env.stop, infra=False)
    if load.events < wanted:
        env.say(f"rebuild: topping the journal up from {load.events:,} to {wanted:,} events")
        with env.setting_up():
            seconds = await load_journal(env.infra.kafka_bootstrap, load, wanted - load.events, say=env.say)
        env.say(f"rebuild: {wanted:,} events on the journal ({seconds:.1f} s to produce)")
    budget = min(env.budget(BUDGET_S), env.seconds_left() - MARGIN_S)
    if budget < 30:
        env.say(f"rebuild: skipped, {env.seconds_left():.0f} s left of the harness's time")
        return []
    database = await env.fresh_database("bench_rebuild")
    try:
        # The snapshot and its tail once a harness run: what they measure does not change between runs.
        with_tail = run == 1 and TAIL_EVENTS > 0
        samples = await _rebuild(env, database, load, budget, take_snapshot=with_tail)
        if with_tail and not any(s.incomplete or s.gate_failure for s in samples):
            with env.setting_up():
                samples += await _from_snapshot(env, database, load)
        return samples
    finally:
        await env.drop_database(database)


async def _from_snapshot(env: BenchEnv, snapshot: str, load: JournalLoad) -> list[Sample]:
    """The tail: TAIL_EVENTS more events, rebuilt from the first rebuild's snapshot into a new database."""
    env.say(f"rebuild: {TAIL_EVENTS:,} more events after the snapshot")
    await load_journal(env.infra.kafka_bootstrap, load, TAIL_EVENTS, say=env.say)
    target = f"bench_rebuild_tail_{snapshot.rsplit('_', 1)[-1]}"
    environment = {**os.environ, **service_env(env.infra, "finance", target)}
    log_path = env.log_dir / f"rebuild-{target}.log"
    env.say(f"rebuild: unionfed finance rebuild --from-snapshot …/{snapshot} --into …/{target} (log {log_path})")
    started = time.monotonic()
    try:
        process = await asyncio.create_subprocess_exec(
            *_command(f"rebuild-{target}"),
            "finance",
            "rebuild",
            "--into",
            env.infra.pg_dsn(target),
            "--from-snapshot",
            env.infra.pg_dsn(snapshot),
            "--no-compare",
            "--workers",
            str(WORKERS),
            env=environment,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await asyncio.wait_for(process.communicate(), max(60.0, env.seconds_left() - MARGIN_S))
        wall = time.monotonic() - started
        log_path.write_bytes(out)
        done = _DONE.search(out.decode(errors="replace"))
        failure = None
        if process.returncode != 0 or not done:
            failure = f"the rebuild from the snapshot exited with {process.returncode}; see {log_path}"
        else:
            failure = (
                "; ".join(
                    await books.books_problems(
                        env.pg_url(target),
                        env.infra.pg_dsn(target),
                        expected_events=load.events,
                        expected_bank_fen=dict(load.bank_fen),
                    )
                )
                or None
            )
        tail = int(done.group(1).replace(",", "")) if done else 0
        env.say(
            f"rebuild: from the snapshot, {tail:,} tail messages, {wall:.1f} s wall "
            f"(verify-chain of the snapshot, copy, replay)"
        )
        return [
            Sample(SCENARIO, f"snapshot + {TAIL_EVENTS:,}-event tail, wall time", wall, "s", gate_failure=failure),
        ]
    finally:
        await env.drop_database(target)


async def _rebuild(
    env: BenchEnv, database: str, load: JournalLoad, budget: float, *, take_snapshot: bool
) -> list[Sample]:
    url = env.infra.pg_dsn(database)
    environment = {**os.environ, **service_env(env.infra, "finance", database)}
    log_path = env.log_dir / f"rebuild-{database}.log"
    env.say(
        f"rebuild: unionfed finance rebuild --into …/{database} --workers {WORKERS} (budget {budget:.0f} s, log {log_path})"
    )
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        *_command(f"rebuild-{database}"),
        "finance",
        "rebuild",
        "--into",
        url,
        "--no-compare",
        "--workers",
        str(WORKERS),
        *(["--snapshot"] if take_snapshot else []),
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        # Its own process group: the snapshot's verify-chain workers are killed with it, where they
        # outlived a killed rebuild and held its output open (the harness waited on them).
        start_new_session=True,
    )
    output = bytearray()
    rss_mb = 0.0
    stopped = False
    consumed_until = None  # when it was stopped: the rate counts up to then, not its shutdown

    async def read() -> None:
        while chunk := await process.stdout.read(65536):
            output.extend(chunk)

    reader = asyncio.create_task(read())
    reported = started
    replayed_at = None  # when the CLI said the replay was done and the snapshot began
    while process.returncode is None:
        rss_mb = max(rss_mb, _vm_hwm_mb(process.pid))
        now = time.monotonic()
        if replayed_at is None and _SNAPSHOT_BEGINS in output:
            replayed_at = now
        # The budget bounds the replay. A replay done in time takes its snapshot (its own row) in
        # whatever the harness has left: a snapshot cut short made a replay in time look stopped.
        limit = budget if replayed_at is None else max(budget, env.deadline - MARGIN_S - started)
        if now - started > limit:
            stopped, consumed_until = True, now
            env.say(f"rebuild: stopped at its budget of {limit:.0f} s")
            process.send_signal(signal.SIGINT)  # KeyboardInterrupt: the runtime stops in its finally
            try:
                await asyncio.wait_for(process.wait(), PROFILE_STOP_S if PROFILER else 20)
            except TimeoutError:
                os.killpg(process.pid, signal.SIGKILL)
            break
        if now - reported > 10:
            applied, total = _progress(output)
            env.say(f"  rebuild: {applied:,} of {total:,} messages ({applied / (now - started):,.0f}/s)")
            reported = now
        try:
            await asyncio.wait_for(process.wait(), 0.5)
        except TimeoutError:
            pass
    await process.wait()
    await reader
    wall = time.monotonic() - started
    log_path.write_bytes(bytes(output))
    text = output.decode(errors="replace")

    done = _DONE.search(text)
    if not stopped and (process.returncode != 0 or not done):
        return [
            Sample(
                SCENARIO,
                "wall time",
                wall,
                "s",
                WALL_TARGET,
                gate_failure=f"the rebuild exited with {process.returncode}; see {log_path}",
            )
        ]
    applied, total = (int(done.group(1).replace(",", "")),) * 2 if done else _progress(output)
    incomplete = None
    if stopped:
        incomplete = f"stopped after {wall:.0f} s " + (
            "while taking the snapshot" if replayed_at else f"at {applied:,} of {total:,} messages"
        )
    problems = await books.books_problems(
        env.pg_url(database),
        env.infra.pg_dsn(database),
        expected_events=None if stopped else load.events,
        expected_bank_fen=None if stopped else dict(load.bank_fen),
    )
    failure = "; ".join(problems) or None
    taken = _SNAPSHOT.search(text)
    snapshot_s = float(taken.group(1)) if taken else 0.0
    env.set_up_s += snapshot_s  # only a first run takes one
    # The rebuild's time and rate are the replay's, start-up included: the snapshot taken after it
    # (verify-chain of every ledger) is its own row.
    replay_s = (replayed_at or consumed_until or time.monotonic()) - started if stopped else wall - snapshot_s
    rate = applied / replay_s
    postings = await _postings(env.pg_url(database))
    env.say(
        f"rebuild: {applied:,} messages (every input topic; {load.events:,} bench journal events), {postings:,} postings in {replay_s:.1f} s "
        f"({rate:,.0f} messages/s; {wall:.1f} s wall with the snapshot), RSS peak {rss_mb:,.0f} MB"
        + (f" — {incomplete}" if incomplete else "")
    )
    full_size = load.events == DEFAULT_EVENTS
    return (
        [
            Sample(
                SCENARIO,
                "wall time, start-up to the last commit",
                replay_s,
                "s",
                WALL_TARGET if full_size else "",
                gate_failure=failure,
                incomplete=incomplete,
            ),
            Sample(
                SCENARIO, "messages/s", rate, "messages/s", RATE_TARGET, gate_failure=failure, incomplete=incomplete
            ),
            Sample(SCENARIO, "RSS peak", rss_mb, "MB", gate_failure=failure),
            # Every finance input topic is replayed, not only the bench's journal events: the size in full.
            Sample(SCENARIO, "messages to replay (every finance input topic)", total, "messages", gate_failure=failure),
        ]
        + ([Sample(SCENARIO, "snapshot taken (verify-chain of every ledger)", snapshot_s, "s")] if taken else [])
        + (
            []
            if stopped
            else [
                # The CLI's own clock: from the first poll to the last commit, without start-up and migrations.
                Sample(
                    SCENARIO,
                    "messages/s while consuming",
                    applied / float(done.group(2)),
                    "messages/s",
                    gate_failure=failure,
                ),
            ]
        )
    )


def _command(label: str = "rebuild") -> list[str]:
    """The CLI; with BENCH_REBUILD_PROFILE=FILE under cProfile (its stats written to FILE), with
    BENCH_PYINSTRUMENT=text|html under pyinstrument (bench/harness.py)."""
    profile = os.environ.get("BENCH_REBUILD_PROFILE")
    if not profile:
        return profiled([UNIONFED], label)
    script = (
        "import cProfile, sys; from unionfed_shared.cli import main; sys.argv[0] = 'unionfed'; "
        f"cProfile.run('main()', {profile!r})"
    )
    return [sys.executable, "-c", script]


def _progress(output: bytearray) -> tuple[int, int]:
    """The last progress line the CLI wrote (it rewrites one line with \\r)."""
    matches = _PROGRESS.findall(output[-4096:].decode(errors="replace"))
    if not matches:
        return 0, 0
    applied, total = matches[-1]
    return int(applied.replace(",", "")), int(total.replace(",", ""))


def _vm_hwm_mb(pid: int) -> float:
    # Polled while it runs: once it has exited /proc no longer knows its peak.
    try:
        return rss_peak_mb(pid)
    except (OSError, RuntimeError):  # exited meanwhile
        return 0.0


async def _postings(pg_url: str) -> int:
    conn = await asyncpg.connect(pg_url)
    try:
        return await conn.fetchval("SELECT count(*) FROM postings")
    finally:
        await conn.close()
