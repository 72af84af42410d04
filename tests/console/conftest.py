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


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium (Playwright's own browser download cannot work on these machines), with
    CJK fonts so the screenshots show the Chinese pages as a person sees them."""
    done = run(
        ["bash", str(REPO / "deploy/local/ensure-debian-packages.sh"), "chromium", "fonts-noto-cjk"], REPO, timeout=1800
    )
    assert done.returncode == 0, f"installing chromium and fonts-noto-cjk failed:\n{done.stdout}\n{done.stderr}"
    found = shutil.which("chromium")
    assert found, "chromium is not on PATH"
    return found
