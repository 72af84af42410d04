"""``python -m bench``: the performance harness on its own Kafka and PostgreSQL, in under 15 minutes.

Scenarios run round-robin (run 1 of each, then run 2 of each, …), so a machine that slows down
for a while touches every scenario rather than all runs of one. The rebuild runs last: it tops
the journal up to a million events, which the ledger scenario must not see.
"""

import argparse
import asyncio
import dataclasses
import datetime as dt
import importlib
import json
import logging
import sys
import time
import traceback

from bench import table
from bench.events import reset_topics
from bench.harness import STATE_DIR, BenchEnv, Sample

ROUND_ROBIN = ("ledger", "greeting", "latency", "entries")  # greeting and latency: another module's, when present
LAST = ("rebuild",)
# Run only when named with --only (each puts its own events on the journal, which the ledger
# scenario must not see): scenario → module.
ON_REQUEST = {"scaleout": "scale_out"}
TIME_LIMIT_S = 14 * 60  # the harness, infrastructure start included, ends within 15 minutes
REBUILD_RESERVE_S = 5 * 60  # kept from the round-robin scenarios for the rebuild (top-up and replay)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated scenarios: ledger,rebuild,greeting,latency,entries,scaleout")
    parser.add_argument("--runs", type=int, help="runs of each scenario (default: the scenario's own)")
    parser.add_argument("--events", type=int, default=200_000, help="money events for the ledger scenario")
    parser.add_argument("--rebuild-events", type=int, default=1_000_000, help="journal size for the rebuild")
    args = parser.parse_args()
    wanted = [s.strip() for s in args.only.split(",")] if args.only else list(ROUND_ROBIN + LAST)
    unknown = set(wanted) - set(ROUND_ROBIN + LAST) - set(ON_REQUEST)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    # aiokafka logs a new group's first coordinator lookup as an error; real failures raise anyway.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    return asyncio.run(run(wanted, args))


def _modules(names: list[str]) -> dict:
    modules = {}
    for name in names:
        try:
            modules[name] = importlib.import_module(f"bench.{ON_REQUEST.get(name, name)}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bench.{ON_REQUEST.get(name, name)}":
                raise  # the module exists but something it imports does not
            print(f"bench: no bench/{name}.py yet; scenario {name} skipped", flush=True)
    return modules


async def run(wanted: list[str], args) -> int:
    started_utc = dt.datetime.now(dt.UTC)
    modules = _modules(wanted)
    env = BenchEnv.start()
    env.deadline = env.started_at + TIME_LIMIT_S
    env.state.update(events=args.events, rebuild_events=args.rebuild_events)
    if "rebuild" in modules:
        env.state["reserve_s"] = REBUILD_RESERVE_S
    samples: list[Sample] = []
    crashes: list[str] = []
    try:
        env.say("bench: emptying the platform's topics (the bench infrastructure keeps data between runs)")
        await reset_topics(env.infra.kafka_bootstrap)
        plan = [(name, modules[name]) for name in (*ROUND_ROBIN, *ON_REQUEST) if name in modules]
        runs = {name: args.runs or getattr(module, "RUNS", 3) for name, module in plan}
        for number in range(1, max(runs.values(), default=0) + 1):
            for name, module in plan:
                if number > runs[name]:
                    continue
                if number > 1 and env.seconds_left() < env.state.get("reserve_s", 0) + 60:
                    env.say(
                        f"bench: {name} run {number} skipped: {env.seconds_left():.0f} s left of the harness's time"
                    )
                    continue
                await _measure(env, name, module, number, samples, crashes)
        for name in LAST:
            if name in modules:
                await _measure(env, name, modules[name], 1, samples, crashes)
    finally:
        env.stop()

    rows = table.rows_of(samples)
    print()
    print(table.render(rows))
    failures = _failure_lines(samples) + crashes
    for line in failures:
        print(line)
    elapsed = time.monotonic() - env.started_at
    print(
        f"\nbench: {elapsed / 60:.1f} min; {len(failures)} runs did not count"
        if failures
        else f"\nbench: {elapsed / 60:.1f} min"
    )
    path = _write_json(started_utc, args, rows, samples, failures)
    print(f"bench: results in {path}")
    return 1 if failures else 0


async def _measure(env: BenchEnv, name: str, module, number: int, samples: list, crashes: list) -> None:
    env.say(f"bench: {name}, run {number}")
    try:
        got = await module.measure(env, number)
    except Exception as exc:  # a scenario that crashes did not measure anything that counts
        traceback.print_exc()
        crashes.append(f"run {number} of {name} did not count: it raised {exc.__class__.__name__}: {exc}")
        for process in env.processes:
            process.stop()
        env.processes.clear()
        return
    samples.extend(got)


def _failure_lines(samples: list[Sample]) -> list[str]:
    """One line per run that failed a gate (a run's samples share the failure; said once)."""
    lines, seen = [], set()
    counters: dict[tuple[str, str], int] = {}
    for sample in samples:
        key = (sample.scenario, sample.metric)
        counters[key] = counters.get(key, 0) + 1
        if sample.gate_failure and (sample.scenario, counters[key], sample.gate_failure) not in seen:
            seen.add((sample.scenario, counters[key], sample.gate_failure))
            lines.append(f"run {counters[key]} of {sample.scenario} did not count: {sample.gate_failure}")
    return lines


def _write_json(started_utc: dt.datetime, args, rows, samples: list[Sample], failures: list[str]):
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    path = STATE_DIR / f"results-{started_utc.strftime('%Y%m%dT%H%M%SZ')}.json"
    document = {
        "started": started_utc.isoformat(),
        "options": {"only": args.only, "runs": args.runs, "events": args.events, "rebuild_events": args.rebuild_events},
        "table": [dataclasses.asdict(row) for row in rows],
        "samples": [dataclasses.asdict(sample) for sample in samples],
        "did_not_count": failures,
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False))
    return path


if __name__ == "__main__":
    sys.exit(main())
