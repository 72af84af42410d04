"""Pytest plugin: the whole platform as a user runs it, ``make up`` in a copy of this repository.

The session fixture ``running_platform`` copies the repository's current files (tracked and
modified, untracked but not ignored; never ``.venv``, ``.run``, ``.cache`` or ``node_modules``)
into a new directory, runs ``make up`` there with nothing exported but ``HOME``, a plain ``PATH``
and the machine's TLS and proxy settings (no ``UNIONFED_*``, no service variables),
yields a :class:`RunningPlatform` (the copy, the services' URLs, the clean environment) and runs
``make down`` at the end, also when ``make up`` or a test failed. Any test may ask for it (the
README's commands, a browser test); the session starts the platform once.

``make up`` binds fixed ports (8001-8004 and the dev infrastructure's 25432/29092): one platform
per machine at a time. Downloads are reused: the copy's ``.cache`` links to this repository's
(or ``UNIONFED_CACHE_DIR``), so Kafka's jars are fetched once; uv and Maven keep theirs in HOME.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SERVICE_PORTS = {"membership": 8001, "welfare": 8002, "events": 8003, "finance": 8004}
# Ports `make up` binds besides the services': the dev PostgreSQL and Kafka (deploy/local/infra.sh).
INFRA_PORTS = (25432, 29092)
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# What the README's reader is assumed to have (README: Python 3.11, Java 17, Maven; uv once installed).
PREREQUISITES = ("uv", "python3", "java", "mvn")
# The machine's own settings a new shell on it has, never the project's: which certificate
# authorities to trust and which proxy to use (uv needs them to reach PyPI behind a TLS proxy).
MACHINE_VARIABLES = (
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
)
NEVER_COPIED = {".venv", ".run", ".cache", "node_modules", ".git", "__pycache__", ".pytest_cache"}
UP_TIMEOUT_S = 900
DOWN_TIMEOUT_S = 300


@dataclass(frozen=True)
class RunningPlatform:
    root: Path  # the copy of the repository `make up` ran in
    urls: dict[str, str]  # service name -> base URL, e.g. "membership": "http://127.0.0.1:8001"
    env: dict[str, str]  # a new shell's environment: HOME, PATH and the machine's TLS/proxy settings
    up_seconds: float

    @property
    def state_dir(self) -> Path:
        return self.root / ".run" / "dev"

    def shell(self, command: str, timeout: float = 300) -> subprocess.CompletedProcess:
        """Run ``command`` with ``bash -c`` in the copy, as typed into a new shell there."""
        return subprocess.run(
            ["bash", "-c", command], cwd=self.root, env=self.env, capture_output=True, text=True, timeout=timeout
        )


def plain_path() -> str:
    """A new login shell's PATH: where the prerequisites live, then the system directories.

    ``UNIONFED_PLAIN_PATH`` overrides it (e.g. in CI, to prove the README on a bare PATH).
    """
    if os.environ.get("UNIONFED_PLAIN_PATH"):
        return os.environ["UNIONFED_PLAIN_PATH"]
    # Not this process's virtual environment (pytest runs under `uv run`): a new shell has none.
    venv = os.environ.get("VIRTUAL_ENV")
    outer = os.pathsep.join(
        p
        for p in os.environ.get("PATH", "").split(os.pathsep)
        if p and not (venv and Path(p).is_relative_to(venv)) and not Path(p).is_relative_to(REPO)
    )
    folders = []
    for tool in PREREQUISITES:
        found = shutil.which(tool, path=outer)
        if found and str(Path(found).parent) not in folders:
            folders.append(str(Path(found).parent))
    return ":".join([*folders, SYSTEM_PATH])


def clean_env() -> dict[str, str]:
    """HOME, a plain PATH and the machine's TLS and proxy settings; nothing of the project's."""
    machine = {name: os.environ[name] for name in MACHINE_VARIABLES if os.environ.get(name)}
    return {"HOME": os.environ.get("HOME", str(Path.home())), "PATH": plain_path(), **machine}


def repository_files(repo: Path = REPO) -> list[str]:
    """Tracked files as they are now (modified included, deleted left out) and untracked files git does not ignore."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=repo,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    return sorted(
        {
            name
            for name in listed
            if name and not NEVER_COPIED.intersection(Path(name).parts) and (repo / name).is_file()
        }
    )


def copy_repository(target: Path, repo: Path = REPO) -> None:
    for name in repository_files(repo):
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / name, destination)
    cache = Path(os.environ.get("UNIONFED_CACHE_DIR") or repo / ".cache")
    cache.mkdir(parents=True, exist_ok=True)
    (target / ".cache").symlink_to(cache.resolve(), target_is_directory=True)


def ports_in_use() -> list[int]:
    busy = []
    for port in (*SERVICE_PORTS.values(), *INFRA_PORTS):
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                busy.append(port)
    return busy


def _make(target: str, root: Path, env: dict[str, str], log: Path, timeout: float) -> float:
    started = time.monotonic()
    with log.open("w") as out:
        done = subprocess.run(
            ["make", target], cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout
        )
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        tail = "".join(log.read_text(errors="replace").splitlines(keepends=True)[-40:])
        raise RuntimeError(
            f"`make {target}` in {root} exited {done.returncode} after {elapsed:.0f} s; last lines:\n{tail}"
        )
    return elapsed


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``demo_as_loaded`` run just before the first other test of the running platform.

    The platform is started once per session and its demo is shared: the browser tests add
    enterprises, inspections, loans and placements to the demo street, so a test that reads the demo's
    figures as loaded must come first. Not at the very start: the platform would then stand beside
    the whole suite for half an hour.
    """
    readers = [item for item in items if item.get_closest_marker("demo_as_loaded")]
    if not readers:
        return
    others = [item for item in items if not item.get_closest_marker("demo_as_loaded")]
    at = next(
        (n for n, item in enumerate(others) if "running_platform" in getattr(item, "fixturenames", ())), len(others)
    )
    items[:] = others[:at] + readers + others[at:]


@pytest.fixture(scope="session")
def running_platform():
    busy = ports_in_use()
    if busy:
        pytest.fail(f"ports {busy} are in use: another platform is running (`make down` there first)", pytrace=False)
    # Under /tmp with o+x: PostgreSQL's initdb runs as another user and must reach the data directory.
    root = Path(tempfile.mkdtemp(prefix="unionfed-platform-")) / "unionfed"
    root.parent.chmod(0o755)
    root.mkdir()
    copy_repository(root)
    env = clean_env()
    logs = root.parent
    try:
        up = _make("up", root, env, logs / "make-up.log", UP_TIMEOUT_S)
        print(f"\nplatform: `make up` in {root} took {up:.1f} s")
        yield RunningPlatform(
            root=root,
            urls={name: f"http://127.0.0.1:{port}" for name, port in SERVICE_PORTS.items()},
            env=env,
            up_seconds=up,
        )
    finally:
        down = _make("down", root, env, logs / "make-down.log", DOWN_TIMEOUT_S)
        print(f"\nplatform: `make down` took {down:.1f} s")
        if not os.environ.get("UNIONFED_KEEP_PLATFORM_COPY"):
            shutil.rmtree(root.parent, ignore_errors=True)
