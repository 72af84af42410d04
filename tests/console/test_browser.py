"""The console in Debian's Chromium against the real platform (Keycloak's sign-in page, the four
services, Kafka): the Playwright scenarios of console/e2e, each page checked with axe-core and
photographed into console/screenshots/run/."""

import os

import pytest

from tests.console.conftest import CONSOLE, run


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
    assert done.returncode == 0, f"browser tests failed:\n{done.stdout[-12000:]}\n{done.stderr[-4000:]}"
    assert " passed" in done.stdout
