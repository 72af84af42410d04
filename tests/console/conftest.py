"""The console's tests: its packages installed from the lockfile, Debian's Chromium, a running platform."""

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CONSOLE = REPO / "console"


def run(command: list[str], cwd: Path, timeout: float, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def console_packages() -> Path:
    """console/node_modules from the committed lockfile, and the console built (deploy/local/console.sh)."""
    done = run(["bash", str(REPO / "deploy/local/console.sh")], REPO, timeout=900)
    assert done.returncode == 0, f"building the console failed:\n{done.stdout}\n{done.stderr}"
    return CONSOLE


def _debian_package_installed(name: str) -> bool:
    return run(["dpkg-query", "-W", "-f=${Status}", name], REPO, timeout=60).stdout.endswith("installed")


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium (Playwright's own browser download cannot work on these machines), with
    CJK fonts so the screenshots show the Chinese pages as a person sees them."""
    missing = [p for p in ("chromium", "fonts-noto-cjk") if not _debian_package_installed(p)]
    if missing:
        installed = run(["apt-get", "install", "-y", "-o", "DPkg::Lock::Timeout=600", *missing], REPO, timeout=900)
        if installed.returncode != 0:  # a stale package list: refresh it once
            run(["apt-get", "update"], REPO, timeout=600)
            installed = run(["apt-get", "install", "-y", "-o", "DPkg::Lock::Timeout=600", *missing], REPO, timeout=900)
        assert installed.returncode == 0, f"apt-get install {missing} failed:\n{installed.stdout}\n{installed.stderr}"
    found = shutil.which("chromium")
    assert found, "chromium is not on PATH"
    return found
