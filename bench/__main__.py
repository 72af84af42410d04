"""``python -m bench``: the performance harness on its own Kafka and PostgreSQL, in a time limit.

``--profile short`` (``make bench``, under 15 minutes): every scenario at a size where three runs
fit once the issue's targets are met. ``--profile long`` (``make bench-long``, under 30 minutes):
the issue's full sizes, once each (the 100,000-member greeting and dues, the million-event rebuild).
The steps and their sizes are in bench/plan.py; the table names the size of every row.

Steps run round-robin (run 1 of each, then run 2 of each, …), so a machine that slows down for a
while touches every scenario rather than all runs of one. A run starts only when the time left,
less what is kept for the first runs still to come, covers it (as long as the longest run of
that step so far). The rebuild runs last: it tops the journal up, which the ledger must not see.
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

from bench import plan, table
from bench.events import reset_topics
from bench.harness import STATE_DIR, BenchEnv, Sample


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=sorted(plan.PROFILES), default="short", help="short (make bench) or long")
    parser.add_argument(
        "--only",
        help=f"comma-separated scenarios ({','.join(plan.SCENARIOS)}) or steps of the profile (e.g. greeting@2000)",
    )
    parser.add_argument("--runs", type=int, help="runs of each step (default: the profile's)")
    parser.add_argument("--events", type=int, help="money events for the ledger scenario (default: the profile's)")
    parser.add_argument("--rebuild-events", type=int, help="journal size for the rebuild (default: the profile's)")
    parser.add_argument("--time-limit", type=float, help="minutes for the whole harness (default: the profile's)")
    args = parser.parse_args()
    profile = plan.PROFILES[args.profile]
    try:
        steps = plan.select(profile, [s.strip() for s in args.only.split(",")] if args.only else None, args.runs)
    except ValueError as exc:
        parser.error(str(exc))
    # --events and --rebuild-events resize those steps (so the table names the size they ran at).
    sizes = {"ledger": args.events, "rebuild": args.rebuild_events}
    steps = [dataclasses.replace(s, size=sizes[s.scenario]) if sizes.get(s.scenario) else s for s in steps]
    # aiokafka logs a new group's first coordinator lookup as an error; real failures raise anyway.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    return asyncio.run(run(profile, steps, args))


# A scenario whose module has another name.
MODULE_OF = {"scaleout": "scale_out", "greeting-crash": "greeting_crash"}


def _modules(steps: list[plan.Step]) -> dict:
    modules = {}
    for name in dict.fromkeys(s.scenario for s in steps):
        try:
            modules[name] = importlib.import_module(f"bench.{MODULE_OF.get(name, name)}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bench.{MODULE_OF.get(name, name)}":
                raise  # the module exists but something it imports does not
            print(f"bench: no bench/{name}.py yet; scenario {name} skipped", flush=True)
    return modules


async def run(profile: plan.Profile, steps: list[plan.Step], args) -> int:
    started_utc = dt.datetime.now(dt.UTC)
    modules = _modules(steps)
    steps = [s for s in steps if s.scenario in modules]
    order = plan.schedule(steps)
    time_limit_s = args.time_limit * 60 if args.time_limit else profile.time_limit_s
    env = BenchEnv.start()
    env.deadline = env.started_at + time_limit_s
    ledger = next((s for s in steps if s.scenario == "ledger"), None)
    env.state.update(events=ledger.size if ledger else None)
    env.say(
        f"bench: profile {profile.name}, {time_limit_s / 60:.0f} min: " + ", ".join(f"{s.key} ×{s.runs}" for s in steps)
    )
    samples: list[Sample] = []
    crashes: list[str] = []
    measured: dict[str, list[float]] = {}
    skipped: list[str] = []
    try:
        env.say("bench: emptying the platform's topics (the bench infrastructure keeps data between runs)")
        await reset_topics(env.infra.kafka_bootstrap)
        for position, (step, number) in enumerate(order):
            reserve = plan.reserve_s(order, position, measured)
            reason = plan.skip_reason(step, number, env.seconds_left(), reserve, measured)
            if reason:
                env.say(f"bench: {step.key} run {number} skipped: {reason}")
                skipped.append(f"{step.key} run {number}")
                continue
            env.step = step
            env.run_budget_s = plan.run_budget_s(step, env.seconds_left(), reserve)
            env.state["reserve_s"] = reserve  # the ledger sizes its own budget by it
            began, env.set_up_s = time.monotonic(), 0.0
            got = await _measure(env, step, module=modules[step.scenario], number=number, crashes=crashes)
            if got:
                # What a later run is expected to take: this one's time without the set-up it reuses.
                measured.setdefault(step.key, []).append(time.monotonic() - began - env.set_up_s)
            label = step.size_label()
            samples.extend(dataclasses.replace(s, size=s.size or label) for s in got)
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
        f"\nbench: profile {profile.name}, {elapsed / 60:.1f} min"
        + (f"; {len(failures)} runs did not count" if failures else "")
        + (f"; skipped for time: {', '.join(skipped)}" if skipped else "")
    )
    path = _write_json(started_utc, profile, steps, args, rows, samples, failures, skipped)
    print(f"bench: results in {path}")
    return 1 if failures else 0


async def _measure(env: BenchEnv, step: plan.Step, *, module, number: int, crashes: list) -> list[Sample]:
    env.say(f"bench: {step.key}, run {number} ({step.size_label() or 'default size'}, budget {env.run_budget_s:.0f} s)")
    try:
        return await module.measure(env, number)
    except Exception as exc:  # a scenario that crashes did not measure anything that counts
        traceback.print_exc()
        crashes.append(f"run {number} of {step.key} did not count: it raised {exc.__class__.__name__}: {exc}")
        for process in env.processes:
            process.stop()
        env.processes.clear()
        return []


def _failure_lines(samples: list[Sample]) -> list[str]:
    """One line per run that failed a gate (a run's samples share the failure; said once)."""
    lines, seen = [], set()
    counters: dict[tuple[str, str, str], int] = {}
    for sample in samples:
        key = (sample.scenario, sample.size, sample.metric)
        counters[key] = counters.get(key, 0) + 1
        if sample.gate_failure and (sample.scenario, sample.size, counters[key], sample.gate_failure) not in seen:
            seen.add((sample.scenario, sample.size, counters[key], sample.gate_failure))
            where = f"{sample.scenario} ({sample.size})" if sample.size else sample.scenario
            lines.append(f"run {counters[key]} of {where} did not count: {sample.gate_failure}")
    return lines


def _write_json(started_utc: dt.datetime, profile, steps, args, rows, samples, failures, skipped):
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    path = STATE_DIR / f"results-{profile.name}-{started_utc.strftime('%Y%m%dT%H%M%SZ')}.json"
    document = {
        "started": started_utc.isoformat(),
        "profile": profile.name,
        "command": " ".join(["python -m bench", *sys.argv[1:]]),
        "steps": [{"key": s.key, "size": s.size_label(), "runs": s.runs} for s in steps],
        "skipped_for_time": skipped,
        "options": {
            "only": args.only,
            "runs": args.runs,
            "events": args.events,
            "rebuild_events": args.rebuild_events,
            "time_limit_min": args.time_limit,
        },
        "table": [dataclasses.asdict(row) for row in rows],
        "samples": [dataclasses.asdict(sample) for sample in samples],
        "did_not_count": failures,
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False))
    return path


if __name__ == "__main__":
    sys.exit(main())
