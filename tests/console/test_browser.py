"""The console in Debian's Chromium against the real platform (Keycloak's sign-in page, the four
services, Kafka): the Playwright scenarios of console/e2e, each page checked with axe-core and
photographed into console/screenshots/run/."""

import os
import re
import warnings
from pathlib import Path

import pytest

from tests.console.conftest import CONSOLE, run

# What the API answered with other than success, in the gateway's access log: method, path, status.
REFUSED = re.compile(r'"(POST|PUT|PATCH|DELETE|GET) (\S+) HTTP/[\d.]+" ([45]\d\d) ')


def what_the_failures_saw(platform_root: Path) -> str:
    """When a scenario fails in CI its trace is gone with the clone: keep what explains it in the
    assertion's message — each failure's page snapshot (a refusal shown in the form is there), the
    API's last refusals through the gateway and the services' errors."""
    parts: list[str] = []
    for context in sorted((CONSOLE / "test-results").glob("*/error-context.md")):
        parts.append(f"--- {context.parent.name}\n{context.read_text(encoding='utf-8')[:2500]}")
    access_log = platform_root / ".run/dev/gateway/access.log"
    if access_log.exists():
        refusals = [
            f"{m.group(3)} {m.group(1)} {m.group(2)}"
            for line in access_log.read_text(encoding="utf-8", errors="replace").splitlines()
            if (m := REFUSED.search(line)) and m.group(3) not in {"401", "404"}
        ]
        parts.append("--- the gateway's last refusals (status method path)\n" + "\n".join(refusals[-25:]))
    for log in sorted((platform_root / ".run/dev/logs").glob("*.log")):
        errors = [
            line[:400] for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if '"ERROR"' in line
        ]
        if errors:
            parts.append(f"--- {log.name}: errors\n" + "\n".join(errors[-8:]))
    return "\n".join(parts)


# `make up` in a fresh copy (packages, the console's build, Keycloak, the demo) takes 4-5 minutes
# here, and the browser scenarios (six desks' workflows) about 12 more on a quiet machine.
@pytest.mark.timeout(3600)
def test_console_in_chromium(console_packages, chromium, running_platform):
    env = {
        **os.environ,
        "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1",
        "CHROMIUM_PATH": chromium,
        "UNIONFED_CONSOLE_URL": os.environ.get("UNIONFED_CONSOLE_URL", "http://localhost:8080"),
        "UNIONFED_DEMO_ACCOUNTS": str(running_platform.state_dir / "demo-accounts.txt"),
        "CI": "1",
    }
    done = run(["npx", "playwright", "test"], CONSOLE, timeout=2700, env=env)
    assert done.returncode == 0, (
        f"browser tests failed:\n{done.stdout[-9000:]}\n{done.stderr[-2000:]}\n"
        f"{what_the_failures_saw(running_platform.root)[-9000:]}"
    )
    assert " passed" in done.stdout
    if " flaky" in done.stdout:
        # Passed on its retry: not a failure, but never silent.
        flaky = done.stdout[done.stdout.rindex(" flaky") - 200 :]
        warnings.warn(
            f"flaky browser scenarios:\n{flaky}\n{what_the_failures_saw(running_platform.root)[-6000:]}", stacklevel=1
        )
