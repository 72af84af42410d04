"""Real PostgreSQL and Kafka for the test-suite.

``start_infra(state_dir)`` returns an :class:`Infra` with the endpoints of a PostgreSQL 15
server and a single-node Kafka 3.9.1 (KRaft) broker:

* **docker** mode, when a Docker engine answers ``docker info``: a ``postgres:15`` and an
  ``apache/kafka:3.9.1`` container started with testcontainers (and removed by
  :func:`stop_infra`, or by testcontainers' reaper when the test process exits).
* **native** mode otherwise: ``deploy/local/infra.sh up`` with ``UNIONFED_STATE_DIR=state_dir``
  on the *test* ports (25532 / 29192 by default), distinct from the dev platform's
  25432 / 29092 so tests never touch the demo data. The servers keep running, and keep their
  data, until :func:`stop_infra`.

``UNIONFED_INFRA_MODE=native|docker`` forces a mode; ``UNIONFED_TEST_PG_PORT`` and
``UNIONFED_TEST_KAFKA_PORT`` change the test ports (used in both modes: the containers
publish on them too, so a killed and restarted broker keeps its advertised address).

Fault injection for resilience tests: :func:`kill_kafka` (SIGKILL), :func:`start_kafka`
(same data, waits until the broker answers metadata requests again) and
:func:`restart_postgres`.

Only the standard library is needed in native mode; ``testcontainers`` is imported only in
docker mode.
"""

from __future__ import annotations

import collections
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

__all__ = [
    "Infra",
    "InfraError",
    "docker_engine_reachable",
    "start_infra",
    "stop_infra",
    "kill_kafka",
    "start_kafka",
    "restart_postgres",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
INFRA_SH = REPO_ROOT / "deploy" / "local" / "infra.sh"
INIT_DATABASES_SQL = REPO_ROOT / "deploy" / "postgres" / "init-databases.sql"

# Below Linux's ephemeral range (32768-60999), where a client connection's local end could hold them.
DEFAULT_TEST_PG_PORT = 25532
DEFAULT_TEST_KAFKA_PORT = 29192

POSTGRES_IMAGE = "postgres:15"
KAFKA_IMAGE = "apache/kafka:3.9.1"

PG_USER = "unionfed"
PG_PASSWORD = "unionfed"

# infra.sh bounds its own waits (PostgreSQL 60 s, Kafka 90 s); a cold `up` may also fetch
# Kafka's jars with Maven and, on a fresh machine, apt-get install PostgreSQL.
INFRA_SH_TIMEOUT = 900.0
KAFKA_READY_TIMEOUT = 120.0
PG_READY_TIMEOUT = 60.0


class InfraError(RuntimeError):
    """Starting, stopping or disturbing the test infrastructure failed."""


@dataclass
class Infra:
    pg_host: str
    pg_port: int
    pg_user: str
    pg_password: str
    kafka_bootstrap: str
    mode: str  # "native" | "docker"
    state_dir: Path | None = field(default=None, repr=False, compare=False)
    # native: the environment infra.sh was run with (state dir and ports).
    _env: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    # docker: the running testcontainers, by component ("postgres", "kafka").
    _containers: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def pg_dsn(self, database: str, driver: str = "postgresql+asyncpg") -> str:
        """URL for ``database`` on this server, e.g. ``postgresql+asyncpg://u:p@h:5432/db``.

        ``driver`` is the URL scheme: ``postgresql+asyncpg`` (SQLAlchemy async),
        ``postgresql+psycopg``, or plain ``postgresql`` for libpq / asyncpg.connect.
        """
        user = quote(self.pg_user, safe="")
        password = quote(self.pg_password, safe="")
        return f"{driver}://{user}:{password}@{self.pg_host}:{self.pg_port}/{quote(database, safe='')}"

    @property
    def kafka_host_port(self) -> tuple[str, int]:
        host, _, port = self.kafka_bootstrap.rpartition(":")
        return host, int(port)


# --------------------------------------------------------------------------- helpers


def docker_engine_reachable(timeout: float = 10.0) -> bool:
    """True if a Docker engine answers ``docker info`` (False if the CLI is missing)."""
    docker = shutil.which("docker")
    if docker is None:
        return False
    try:
        result = subprocess.run(
            [docker, "info"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0


def _test_ports(pg_port: int | None, kafka_port: int | None) -> tuple[int, int]:
    pg = pg_port or int(os.environ.get("UNIONFED_TEST_PG_PORT", DEFAULT_TEST_PG_PORT))
    kafka = kafka_port or int(os.environ.get("UNIONFED_TEST_KAFKA_PORT", DEFAULT_TEST_KAFKA_PORT))
    return pg, kafka


def _choose_mode() -> str:
    forced = os.environ.get("UNIONFED_INFRA_MODE", "").strip().lower()
    if forced in ("native", "docker"):
        return forced
    return "docker" if docker_engine_reachable() else "native"


def _tcp_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _wait_until(what: str, check, timeout: float, interval: float = 0.5) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return
        except Exception:  # a probe failing is just "not yet"
            pass
        if time.monotonic() >= deadline:
            raise InfraError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


# --------------------------------------------------------------------------- native mode


def _native_env(state_dir: Path, pg_port: int, kafka_port: int) -> dict[str, str]:
    return {
        "UNIONFED_STATE_DIR": str(state_dir),
        "UNIONFED_PG_PORT": str(pg_port),
        "UNIONFED_KAFKA_PORT": str(kafka_port),
        "UNIONFED_INFRA_MODE": "native",
    }


def _run_infra_sh(command: str, env: dict[str, str], timeout: float = INFRA_SH_TIMEOUT) -> None:
    """Run ``infra.sh COMMAND``, streaming its output; raise InfraError on failure."""
    full_env = {**os.environ, **env}
    proc = subprocess.Popen(
        ["bash", str(INFRA_SH), command],
        cwd=REPO_ROOT,
        env=full_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        bufsize=1,
        start_new_session=True,  # so a timeout can kill infra.sh and its helpers as a group
    )
    tail: collections.deque[str] = collections.deque(maxlen=80)

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            tail.append(line)
            sys.stdout.write(line)
            sys.stdout.flush()

    reader = threading.Thread(target=pump, name=f"infra.sh {command}", daemon=True)
    reader.start()
    try:
        returncode = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        reader.join(timeout=5)
        if proc.stdout is not None:
            proc.stdout.close()
        raise InfraError(
            f"deploy/local/infra.sh {command} did not finish within {timeout:.0f} s; output:\n" + "".join(tail)
        ) from None
    reader.join(timeout=10)
    if proc.stdout is not None:
        proc.stdout.close()
    if returncode != 0:
        raise InfraError(f"deploy/local/infra.sh {command} failed (exit {returncode}); output:\n" + "".join(tail))


def _read_env_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return values


def _start_native(state_dir: Path, pg_port: int, kafka_port: int) -> Infra:
    env = _native_env(state_dir, pg_port, kafka_port)
    _run_infra_sh("up", env)
    env_file = state_dir / "infra.env"
    try:
        values = _read_env_file(env_file)
        return Infra(
            pg_host=values["UNIONFED_PG_HOST"],
            pg_port=int(values["UNIONFED_PG_PORT"]),
            pg_user=values["UNIONFED_PG_USER"],
            pg_password=values["UNIONFED_PG_PASSWORD"],
            kafka_bootstrap=values["UNIONFED_KAFKA_BOOTSTRAP"],
            mode=values.get("UNIONFED_INFRA_MODE", "native"),
            state_dir=state_dir,
            _env=env,
        )
    except (OSError, KeyError, ValueError) as exc:
        raise InfraError(f"infra.sh up succeeded but {env_file} is unusable: {exc!r}") from exc


# --------------------------------------------------------------------------- docker mode

_KAFKA_ADVERTISED_FILE = "/tmp/unionfed-advertised.env"


def _kafka_container(host_port: int):
    """apache/kafka:3.9.1 as a single KRaft node (broker+controller).

    testcontainers' own KafkaContainer drives the Confluent image's scripts
    (/etc/confluent/docker/...) and refuses KRaft for tags below 7.0.0, so it cannot run
    apache/kafka:3.9.1; this is the equivalent on a plain DockerContainer. The host-facing
    listener's advertised address is only known once the container runs (Docker-in-Docker
    hosts), so the container waits for a small env file written after start, as
    testcontainers' KafkaContainer does.
    """
    from testcontainers.core.container import DockerContainer

    env = {
        "CLUSTER_ID": "dW5pb25mZWQtdGVzdHMtMQ",
        "KAFKA_NODE_ID": "1",
        "KAFKA_PROCESS_ROLES": "broker,controller",
        "KAFKA_LISTENERS": "PLAINTEXT://0.0.0.0:9093,BROKER://0.0.0.0:9092,CONTROLLER://0.0.0.0:9094",
        "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": "PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "KAFKA_INTER_BROKER_LISTENER_NAME": "BROKER",
        "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
        "KAFKA_CONTROLLER_QUORUM_VOTERS": "1@localhost:9094",
        "KAFKA_LOG_DIRS": "/var/lib/kafka/data",
        "KAFKA_NUM_PARTITIONS": "3",
        "KAFKA_AUTO_CREATE_TOPICS_ENABLE": "false",
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
        "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS": "0",
        "KAFKA_BROKER_HEARTBEAT_INTERVAL_MS": "1000",
        "KAFKA_BROKER_SESSION_TIMEOUT_MS": "5000",
        "KAFKA_HEAP_OPTS": "-Xmx512m -Xms512m",
    }
    container = DockerContainer(KAFKA_IMAGE).with_bind_ports(9093, host_port)
    for key, value in env.items():
        container.with_env(key, value)
    container.with_command(
        [
            "sh",
            "-c",
            f"while [ ! -f {_KAFKA_ADVERTISED_FILE} ]; do sleep 0.1; done; "
            f". {_KAFKA_ADVERTISED_FILE}; exec /etc/kafka/docker/run",
        ]
    )
    return container


def _kafka_container_ready(container) -> bool:
    result = container.get_wrapped_container().exec_run(
        [
            "/opt/kafka/bin/kafka-topics.sh",
            "--bootstrap-server",
            "localhost:9092",
            "--list",
        ]
    )
    return result.exit_code == 0


def _wait_kafka_container(container, host: str, port: int) -> None:
    _wait_until(
        f"Kafka on {host}:{port}",
        lambda: _tcp_open(host, port) and _kafka_container_ready(container),
        KAFKA_READY_TIMEOUT,
        interval=1.0,
    )


def _pg_container_ready(container) -> bool:
    result = container.get_wrapped_container().exec_run(
        ["pg_isready", "-q", "-h", "127.0.0.1", "-U", PG_USER, "-d", "postgres"]
    )
    return result.exit_code == 0


def _start_docker(pg_port: int, kafka_port: int) -> Infra:
    try:
        # testcontainers >= 4.14 moved the module; testcontainers.postgres still works there
        # but warns (DeprecationWarning), which -W error test runs would turn into failures.
        from testcontainers.community.postgres import PostgresContainer
    except ImportError:
        try:
            from testcontainers.postgres import PostgresContainer
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise InfraError("a Docker engine is reachable but the 'testcontainers' package is missing") from exc

    containers: dict[str, Any] = {}
    try:
        pg = (
            PostgresContainer(POSTGRES_IMAGE, username=PG_USER, password=PG_PASSWORD, dbname="postgres", driver=None)
            .with_bind_ports(5432, pg_port)
            .with_command("postgres -c max_connections=300")
        )
        if INIT_DATABASES_SQL.is_file():
            pg.with_copy_into_container(INIT_DATABASES_SQL, "/docker-entrypoint-initdb.d/10-init-databases.sql")
        print(f"infra: starting {POSTGRES_IMAGE} container on port {pg_port}…", flush=True)
        pg.start()
        containers["postgres"] = pg
        pg_host = pg.get_container_host_ip()
        pg_mapped = int(pg.get_exposed_port(5432))

        kafka = _kafka_container(kafka_port)
        print(f"infra: starting {KAFKA_IMAGE} container (KRaft) on port {kafka_port}…", flush=True)
        kafka.start()
        containers["kafka"] = kafka
        kafka_host = kafka.get_container_host_ip()
        kafka_mapped = int(kafka.get_exposed_port(9093))
        advertised = (
            f"export KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://{kafka_host}:{kafka_mapped},BROKER://localhost:9092\n"
        )
        kafka.copy_into_container(advertised.encode(), _KAFKA_ADVERTISED_FILE)
        _wait_kafka_container(kafka, kafka_host, kafka_mapped)
        print(f"infra: PostgreSQL ready on {pg_host}:{pg_mapped}", flush=True)
        print(f"infra: Kafka ready on {kafka_host}:{kafka_mapped}", flush=True)
    except BaseException:
        for container in containers.values():
            try:
                container.stop()
            except Exception:
                pass
        raise

    return Infra(
        pg_host=pg_host,
        pg_port=pg_mapped,
        pg_user=PG_USER,
        pg_password=PG_PASSWORD,
        kafka_bootstrap=f"{kafka_host}:{kafka_mapped}",
        mode="docker",
        _containers=containers,
    )


def _container(infra: Infra, name: str):
    try:
        return infra._containers[name]
    except KeyError:
        raise InfraError(f"no {name} container in this Infra (already stopped?)") from None


# --------------------------------------------------------------------------- public API


def start_infra(state_dir: Path, *, pg_port: int | None = None, kafka_port: int | None = None) -> Infra:
    """Start PostgreSQL and Kafka for tests and return their endpoints.

    ``state_dir`` holds data and logs in native mode (reuse it to keep data across runs, or
    pass a fresh temporary directory); docker mode ignores it.
    """
    state_dir = Path(state_dir).resolve()
    pg_port, kafka_port = _test_ports(pg_port, kafka_port)
    mode = _choose_mode()
    if mode == "docker":
        infra = _start_docker(pg_port, kafka_port)
        infra.state_dir = state_dir
        return infra
    return _start_native(state_dir, pg_port, kafka_port)


def stop_infra(infra: Infra) -> None:
    """Stop both servers (native: data stays in the state dir; docker: containers removed)."""
    if infra.mode == "native":
        _run_infra_sh("down", infra._env)
        return
    errors = []
    for name in ("kafka", "postgres"):
        container = infra._containers.pop(name, None)
        if container is None:
            continue
        try:
            container.stop()
        except Exception as exc:  # keep stopping the others
            errors.append(f"{name}: {exc!r}")
    if errors:
        raise InfraError("stopping containers failed: " + "; ".join(errors))


def kill_kafka(infra: Infra) -> None:
    """SIGKILL the broker (no controlled shutdown); its data stays for :func:`start_kafka`."""
    if infra.mode == "native":
        _run_infra_sh("kill-kafka", infra._env)
        return
    wrapped = _container(infra, "kafka").get_wrapped_container()
    wrapped.kill(signal="SIGKILL")
    wrapped.wait(timeout=60)


def start_kafka(infra: Infra) -> None:
    """Start the broker again on its existing data and wait until it serves metadata."""
    if infra.mode == "native":
        _run_infra_sh("start-kafka", infra._env)
        return
    kafka = _container(infra, "kafka")
    kafka.get_wrapped_container().start()
    host, port = infra.kafka_host_port
    _wait_kafka_container(kafka, host, port)


def restart_postgres(infra: Infra) -> None:
    """Restart PostgreSQL (fast shutdown: open connections are terminated) on the same data."""
    if infra.mode == "native":
        _run_infra_sh("restart-postgres", infra._env)
        return
    pg = _container(infra, "postgres")
    pg.get_wrapped_container().restart(timeout=30)
    _wait_until(
        f"PostgreSQL on {infra.pg_host}:{infra.pg_port}",
        lambda: _tcp_open(infra.pg_host, infra.pg_port) and _pg_container_ready(pg),
        PG_READY_TIMEOUT,
    )
