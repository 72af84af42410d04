"""The four services as real processes on the chaos infrastructure, and ways to hurt them."""

import asyncio
import os
import signal
import subprocess
import time
from pathlib import Path

from tests.chaos.pgproxy import CommitCutter
from tests.chaos.workload import Expected
from tests.infra import Infra
from tests.processes import UNIONFED, ServiceProcess
from unionfed_events.entrypoints.app import MIGRATIONS_DIR as EVENTS_MIGRATIONS
from unionfed_finance.entrypoints.app import MIGRATIONS_DIR as FINANCE_MIGRATIONS
from unionfed_membership.entrypoints.app import MIGRATIONS_DIR as MEMBERSHIP_MIGRATIONS
from unionfed_welfare.entrypoints.app import MIGRATIONS_DIR as WELFARE_MIGRATIONS

MIGRATIONS = {
    "membership": MEMBERSHIP_MIGRATIONS,
    "welfare": WELFARE_MIGRATIONS,
    "events": EVENTS_MIGRATIONS,
    "finance": FINANCE_MIGRATIONS,
}


def _definition(module: str):
    import importlib

    return importlib.import_module(f"unionfed_{module}.entrypoints.app").definition


_DEFINITIONS = {name: _definition(name) for name in MIGRATIONS}
# The services whose consumer applies events (membership consumes none).
CONSUMERS = ("welfare", "events", "finance")


def log(line: str) -> None:
    print(f"chaos [{time.strftime('%H:%M:%S')}]: {line}", flush=True)


class Platform:
    def __init__(self, infra: Infra, run: str, log_dir: Path):
        self.infra = infra
        self.run = run
        self.log_dir = log_dir
        self.services = {name: ServiceProcess(infra, name, f"chaos_{name}_{run}", log_dir) for name in MIGRATIONS}
        self.extra: list[ServiceProcess] = []  # second instances started by a test
        self.expected = Expected()
        self.pending_dead_letters: dict[str, int] = dict.fromkeys(CONSUMERS, 0)
        self.restarting: set[str] = set()
        self.poison: set[tuple[str, int, int]] = set()  # (topic, partition, offset) a test made unreadable

    def is_poison(self, record) -> bool:
        return (record.topic, record.partition, record.offset) in self.poison

    def __getitem__(self, name: str) -> ServiceProcess:
        return self.services[name]

    async def start(self) -> None:
        # The consumers reach PostgreSQL through a proxy that can cut a COMMIT (fault 4); disarmed
        # it only forwards.
        self.cutter = CommitCutter(self.infra.pg_host, self.infra.pg_port)
        await self.cutter.start()
        for name, service in self.services.items():
            await service.migrate(MIGRATIONS[name])
            if name in CONSUMERS:
                key = f"{name.upper()}_DATABASE_URL"
                service.env[key] = service.env[key].replace(f":{self.infra.pg_port}/", f":{self.cutter.port}/")
            service.start()
        for service in self.services.values():
            await service.wait_ready(timeout=120)

    async def stop(self) -> None:
        for service in [*self.extra, *self.services.values()]:
            await asyncio.to_thread(service.stop)
        await self.cutter.close()

    def topics_of(self, name: str) -> list[str]:
        """The topics ``name``'s consumer subscribes to."""
        definition = _DEFINITIONS[name]()
        return sorted({cls.topic for cls in definition.handlers})

    def instance(self, name: str, label: str) -> ServiceProcess:
        """Another instance of ``name`` (not started): its database, consumer group and settings, its own port.

        Kept in ``extra``, so the platform stops it at the end of the session if a test did not."""
        process = ServiceProcess(self.infra, name, f"chaos_{name}_{self.run}", self.log_dir)
        process.env = {**self.services[name].env, f"{name.upper()}_HTTP_PORT": str(process.port)}
        process.log_path = self.log_dir / f"{name}-{label}.log"
        self.extra.append(process)
        return process

    def alive(self, name: str) -> bool:
        process = self.services[name].process
        return process is not None and process.poll() is None

    async def restart(self, name: str, failpoints: str | None = None, *, wait: bool = True) -> None:
        """Stop (SIGTERM) and start again, with ``failpoints`` armed in the new process."""
        service = self.services[name]
        self.restarting.add(name)
        try:
            await asyncio.to_thread(service.stop)
            service.start(failpoints=failpoints)
        finally:
            self.restarting.discard(name)
        if wait:
            await service.wait_ready(timeout=120)

    def kill(self, name: str) -> None:
        """kill -9: no shutdown, no offset commit, no flush."""
        process = self.services[name].process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()

    async def ensure_running(self) -> list[str]:
        """Start every service that is not running (what a supervisor such as systemd does)."""
        restarted = []
        for name, service in self.services.items():
            if not self.alive(name):
                service.start()
                restarted.append(name)
        for name in restarted:
            await self.services[name].wait_ready(timeout=120)
        return restarted

    async def supervise(self, stop: asyncio.Event, restarts: list[tuple[str, int]]) -> None:
        """Restart any service that dies (a failpoint fired) until ``stop``; records (name, exit code)."""
        while not stop.is_set():
            for name, service in self.services.items():
                process = service.process
                if name in self.restarting:
                    continue
                if process is not None and process.poll() is not None:
                    restarts.append((name, process.returncode))
                    log(f"{name} exited with {process.returncode}; supervisor restarts it")
                    service.start()
            try:
                await asyncio.wait_for(stop.wait(), timeout=0.2)
            except TimeoutError:
                pass

    def cli(self, service: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """``unionfed SERVICE ARGS…`` with the service's own environment."""
        env = dict(self.services[service].env)
        env.pop("UNIONFED_FAILPOINTS", None)
        return subprocess.run([UNIONFED, service, *args], env=env, capture_output=True, text=True, timeout=timeout)

    # ------------------------------------------------------------------ infrastructure faults

    def kafka_pid(self) -> int:
        return int((self.infra.state_dir / "kafka" / "kafka.pid").read_text().strip())

    def stop_kafka_cleanly(self, grace: float = 60) -> None:
        """SIGTERM: a controlled shutdown, as a rolling restart does."""
        pid = self.kafka_pid()
        os.kill(pid, signal.SIGTERM)
        for _ in range(int(grace * 10)):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        raise RuntimeError(f"Kafka (pid {pid}) still running {grace}s after SIGTERM")
