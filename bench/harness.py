"""What every benchmark scenario shares: the infrastructure, service processes, and its results.

A scenario is a module with ``async def measure(env: BenchEnv, run: int) -> list[Sample]``; the
orchestrator (``bench/__main__.py``) calls the scenarios in turn, interleaved, several runs each,
and prints the median and spread of every metric.
"""

import contextlib
import os
import signal
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from tests.infra import Infra, start_infra, stop_infra
from tests.processes import ServiceProcess

REPO = Path(__file__).resolve().parents[1]
STATE_DIR = Path(os.environ.get("UNIONFED_BENCH_STATE_DIR", REPO / ".run" / "bench"))
# Own ports, so a bench never disturbs the dev platform or a test run.
PG_PORT = int(os.environ.get("UNIONFED_BENCH_PG_PORT", "25732"))
KAFKA_PORT = int(os.environ.get("UNIONFED_BENCH_KAFKA_PORT", "29392"))
# BENCH_PYINSTRUMENT=text (or html): every service process and the rebuild run under pyinstrument,
# which writes its profile to .run/bench/profiles/<what>.txt (.html) when the process ends. Unset:
# the processes run as they always do.
PROFILER = os.environ.get("BENCH_PYINSTRUMENT", "")
PROFILE_DIR = STATE_DIR / "profiles"
# After a profiled process stops, pyinstrument renders its profile: give it this long before the kill.
PROFILE_STOP_S = 180.0


def profiled(command: list[str], label: str) -> list[str]:
    """``command`` (a console script and its arguments), under pyinstrument when BENCH_PYINSTRUMENT asks."""
    if not PROFILER:
        return command
    renderer = "html" if PROFILER == "html" else "text"
    PROFILE_DIR.mkdir(parents=True, exist_ok=True)
    output = PROFILE_DIR / f"{label}.{'html' if renderer == 'html' else 'txt'}"
    # The console script is a Python file: pyinstrument runs it as the program, with its arguments.
    return [
        sys.executable,
        "-m",
        "pyinstrument",
        "--renderer",
        renderer,
        "--outfile",
        str(output),
        "--interval",
        "0.01",  # a long run's samples stay few enough to render in PROFILE_STOP_S
        *(["--show-all"] if renderer == "text" else []),
        *command,
    ]


@dataclass(frozen=True)
class Sample:
    """One measured value of one run. ``gate_failure`` set: the run does not count."""

    scenario: str
    metric: str
    value: float
    unit: str
    target: str = ""  # e.g. ">= 5000", "< 60"; checked by the table
    gate_failure: str | None = None
    # Why a value does not meet its target whatever it is (a run stopped at its time budget).
    incomplete: str | None = None
    # The size the run measured at (e.g. "2,000 members"); the orchestrator fills in the step's when empty.
    size: str = ""


@dataclass
class BenchEnv:
    infra: Infra
    log_dir: Path
    processes: list[ServiceProcess] = field(default_factory=list)
    # The whole harness must end in time: scenarios size their work by what is left.
    deadline: float = field(default_factory=lambda: time.monotonic() + 14 * 60)
    # What scenarios share across runs (e.g. what was put on the journal topic).
    state: dict[str, Any] = field(default_factory=dict)
    started_at: float = field(default_factory=time.monotonic)
    # The step being measured (bench.plan.Step: scenario, size, options) and the seconds its run may
    # take; set by the orchestrator before each run, None when a scenario is called on its own.
    step: Any = None
    run_budget_s: float | None = None
    # Seconds the current run spent on work no later run does: set-up the later runs reuse (seeding,
    # writing the entries ledger, topping up the journal) or a part only a first run measures (the
    # rebuild's snapshot and its tail). Left out of the time the plan expects a later run to take.
    set_up_s: float = 0.0

    @contextlib.contextmanager
    def setting_up(self) -> Iterator[None]:
        """Time spent in this block is work no later run does."""
        began = time.monotonic()
        try:
            yield
        finally:
            self.set_up_s += time.monotonic() - began

    @classmethod
    def start(cls) -> "BenchEnv":
        infra = start_infra(STATE_DIR, pg_port=PG_PORT, kafka_port=KAFKA_PORT)
        log_dir = STATE_DIR / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        return cls(infra, log_dir)

    def stop(self, *, infra: bool = True) -> None:
        for process in self.processes:
            process.stop()
        self.processes.clear()
        if infra and os.environ.get("UNIONFED_KEEP_BENCH_INFRA") != "1":
            stop_infra(self.infra)

    def seconds_left(self) -> float:
        return self.deadline - time.monotonic()

    def size(self, default: int) -> int:
        """The size the plan gives the current step, else ``default``."""
        return self.step.size if self.step is not None and self.step.size is not None else default

    def option(self, name: str, default: float) -> float:
        """An option of the current step (e.g. "seconds per read"), else ``default``."""
        return float(self.step.options.get(name, default)) if self.step is not None else default

    def budget(self, default: float) -> float:
        """The seconds the current run may take (the plan's), else ``default``."""
        return self.run_budget_s if self.run_budget_s is not None else default

    def say(self, message: str) -> None:
        """A progress line, stamped with the time since the harness started."""
        elapsed = time.monotonic() - self.started_at
        print(f"[{int(elapsed) // 60:2d}:{int(elapsed) % 60:02d}] {message}", flush=True, file=sys.stdout)

    def pg_url(self, database: str) -> str:
        """For asyncpg.connect."""
        return self.infra.pg_dsn(database, driver="postgresql")

    async def fresh_database(self, prefix: str) -> str:
        """A new empty database; its name."""
        name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(self.pg_url("postgres"))
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        return name

    async def drop_database(self, name: str) -> None:
        """Drop a database a run is done with (a million postings take a gigabyte)."""
        admin = await asyncpg.connect(self.pg_url("postgres"))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()

    def service(self, name: str, database: str, **overrides: str) -> ServiceProcess:
        """A service process (``unionfed NAME serve``) on ``database``; stopped by :meth:`stop`."""
        process = ServiceProcess(self.infra, name, database, self.log_dir, **overrides)
        process.command = profiled(process.command, f"{name}-{database}")
        if PROFILER:
            process.stop_timeout_s, process.stop_signal = PROFILE_STOP_S, signal.SIGINT
        self.processes.append(process)
        return process


def rss_peak_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def median_and_spread(values: list[float]) -> tuple[float, float, float]:
    """(median, min, max)."""
    return statistics.median(values), min(values), max(values)
