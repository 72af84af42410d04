"""Services as real processes (``unionfed NAME serve``), for crash and end-to-end tests."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from tests.infra import Infra
from tests.kafka_tools import skip_history
from tests.pytest_infra import service_env
from unionfed_shared.migrations import upgrade_database

UNIONFED = str(Path(sys.executable).with_name("unionfed"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServiceProcess:
    def __init__(self, infra: Infra, name: str, database: str, log_dir: Path, **overrides: str):
        self.name = name
        self.port = free_port()
        self.env = {
            **os.environ,
            **service_env(infra, name, database, http_port=str(self.port), **overrides),
        }
        self.database_url = self.env[f"{name.upper()}_DATABASE_URL"]
        self.kafka_bootstrap = infra.kafka_bootstrap
        self.log_path = log_dir / f"{name}-{database}.log"
        self.process: subprocess.Popen | None = None
        # What runs; the bench may put the service under a profiler (bench/harness.py, BENCH_PYINSTRUMENT).
        self.command = [UNIONFED, name, "serve"]
        # A profiled process writes its profile after it stopped: it is given longer, and SIGINT
        # (uvicorn re-raises the signal it stopped on; SIGINT's KeyboardInterrupt lets the profiler write).
        self.stop_timeout_s = 20.0
        self.stop_signal = signal.SIGTERM

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def migrate(self, migrations_dir: Path) -> None:
        """Create the service's database, and start its consumer group after earlier tests' events."""
        await upgrade_database(self.database_url, migrations_dir)
        await skip_history(self.kafka_bootstrap, self.env[f"{self.name.upper()}_CONSUMER_GROUP_ID"])

    def start(self, failpoints: str | None = None) -> None:
        env = dict(self.env)
        env.pop("UNIONFED_FAILPOINTS", None)
        if failpoints:
            env["UNIONFED_FAILPOINTS"] = failpoints
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(self.command, env=env, stdout=log, stderr=subprocess.STDOUT)

    async def wait_ready(self, timeout: float = 60) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        async with httpx.AsyncClient(base_url=self.url, timeout=2) as client:
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                if asyncio.get_running_loop().time() > deadline:
                    raise TimeoutError(f"{self.name} not ready after {timeout}s:\n{self.log_tail()}")
                await asyncio.sleep(0.2)

    async def wait_exit(self, timeout: float = 60) -> int:
        deadline = asyncio.get_running_loop().time() + timeout
        while self.process.poll() is None:
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"{self.name} still running after {timeout}s:\n{self.log_tail()}")
            await asyncio.sleep(0.1)
        return self.process.returncode

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(self.stop_signal)
            try:
                self.process.wait(timeout=self.stop_timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"
