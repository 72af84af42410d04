"""Each service's OpenAPI document is a contract: schemathesis 4 with ``--checks all`` finds nothing.

The four services run as real processes (``unionfed NAME serve``) on the suite's Kafka and
PostgreSQL. A federation with a union and a member is founded through membership and reaches the
others by Kafka, so a federation admin's token (the one every request carries) reaches real
data: schemathesis's settings (``schemathesis.toml`` beside this file) put the seeded ids into
the ``organization_id``, ``federation_id`` and ``member_id`` path parameters. Every phase runs —
examples, coverage, fuzzing, and the stateful phase over the links schemathesis infers (resources
created by one call and read, changed or deleted by the next). The seed and the budget are fixed;
the command, the seed and the number of requests are printed, and any failure fails the test.

The documents themselves are checked in ``test_openapi_documents.py``.
"""

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import MIGRATIONS
from tests.finance_tools import signing_key_file
from tests.processes import UNIONFED, ServiceProcess
from tests.pytest_infra import bearer, eventually, unique
from unionfed_shared.auth import Role

pytestmark = pytest.mark.integration

SERVICES = ("membership", "welfare", "events", "finance")
SEED = 20261205
MAX_EXAMPLES = 5  # per operation and phase: the four services together stay under three minutes
CONFIG = Path(__file__).with_name("schemathesis.toml")
SCHEMATHESIS = str(Path(sys.executable).with_name("st"))
REPO = Path(__file__).resolve().parents[2]  # the hooks module is found from here


@pytest.fixture(scope="module")
async def seeded_platform(infra, keycloak, tmp_path_factory):
    """The four services, with a federation, a union and a member that every service knows; membership
    manages accounts in the test Keycloak (without one its accounts API answers 503 by design)."""
    logs = tmp_path_factory.mktemp("contract")
    run = unique("st").split("-")[1][:8]
    accounts = {"keycloak_url": keycloak.url, "keycloak_client_secret": keycloak.membership_secret}
    overrides = {"membership": accounts, "finance": {"head_signing_key_file": signing_key_file(logs)}}
    services = {
        name: ServiceProcess(infra, name, f"st_{name}_{run}", logs, **overrides.get(name, {})) for name in SERVICES
    }
    for name, service in services.items():
        await service.migrate(MIGRATIONS[name])
        service.start()
    try:
        for service in services.values():
            await service.wait_ready()
        federation, union = unique("stfed"), unique("stunion")
        founded = subprocess.run(
            [
                UNIONFED,
                "membership",
                "found-federation",
                "--id",
                federation,
                "--name",
                "契约测试教育工会",
                "--operator",
                "ops-contract",
            ],
            env=services["membership"].env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert founded.returncode == 0, founded.stderr
        admin = bearer(Role.FEDERATION_ADMIN, federation, federation, "admin-contract")
        async with httpx.AsyncClient(base_url=services["membership"].url, timeout=10, headers=admin) as api:
            created = await api.post(
                "/v1/organizations",
                json={"id": union, "name": "契约小学工会", "kind": "grassroots_union", "parent_id": federation},
            )
            assert created.status_code == 201, created.text
            joined = await api.post(
                f"/v1/organizations/{union}/members",
                json={"display_name": "契约老师", "gender": "female", "joined_on": "2021-09-01"},
            )
            assert joined.status_code == 201, joined.text
            member = joined.json()["id"]
        for name in ("welfare", "events", "finance"):
            async with httpx.AsyncClient(base_url=services[name].url, timeout=10, headers=admin) as api:

                async def member_known(api=api):
                    answer = await api.get(f"/v1/organizations/{union}/members")
                    return answer.status_code == 200 and member in answer.text

                await eventually(member_known, timeout=60)
        yield services, {"federation": federation, "union": union, "member": member, "admin": admin}
    finally:
        for service in services.values():
            service.stop()


def schemathesis_command(url: str, token_header: str, report: Path) -> list[str]:
    return [
        SCHEMATHESIS,
        "--config-file",
        str(CONFIG),
        "run",
        f"{url}/openapi.json",
        "--checks",
        "all",
        "--seed",
        str(SEED),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--workers",
        "1",
        # A disclosure PDF's first rendering loads the CJK fonts: seconds on a loaded machine
        # (13 s seen in CI), beyond `--checks all`'s default 10 s limit.
        "--request-timeout",
        "60",
        "--max-response-time",
        "60",
        "--header",
        token_header,
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
        "--no-color",
    ]


def requests_made(report: Path) -> int:
    """How many HTTP requests the run sent, counted from its event stream."""
    count = 0
    for line in report.read_text().splitlines():
        event = json.loads(line)
        scenario = event.get("ScenarioFinished") or {}
        for interaction in (scenario.get("recorder") or {}).get("interactions", {}).values():
            if interaction.get("response") is not None or interaction.get("request") is not None:
                count += 1
    return count


async def run_schemathesis(service: str, url: str, seeded: dict, report: Path) -> tuple[str, int, float, str]:
    """One service's run: (the command as shown, exit code, seconds, the end of its output)."""
    command = schemathesis_command(url, f"Authorization:{seeded['admin']['Authorization']}", report)
    env = {
        **os.environ,
        "UNIONFED_ST_FEDERATION": seeded["federation"],
        "UNIONFED_ST_ORGANIZATION": seeded["union"],
        "UNIONFED_ST_MEMBER": seeded["member"],
    }
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        *command,
        env=env,
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=480)
    shown = " ".join(
        "'Authorization:Bearer <token>'" if part.startswith("Authorization:") else part for part in command
    )
    return shown, process.returncode, time.monotonic() - started, output.decode(errors="replace")


@pytest.mark.timeout(600)
async def test_schemathesis_finds_no_failure_in_any_service(seeded_platform, tmp_path):
    """The four runs go side by side (each service is its own process): about 80 s on two cores."""
    services, seeded = seeded_platform
    reports = {service: tmp_path / f"{service}.ndjson" for service in SERVICES}
    runs = await asyncio.gather(
        *(run_schemathesis(service, services[service].url, seeded, reports[service]) for service in SERVICES)
    )
    failed = []
    for service, (shown, code, seconds, output) in zip(SERVICES, runs, strict=True):
        requests = requests_made(reports[service]) if reports[service].exists() else 0
        summary = output[output.rfind("SUMMARY") :] if "SUMMARY" in output else output[-3000:]
        print(f"\n{service}: {shown}\n  seed {SEED}, {requests} requests, {seconds:.0f} s, exit {code}\n{summary}")
        if code != 0 or requests == 0:
            failed.append(f"{service} (exit {code}, {requests} requests):\n{output[-20000:]}")
    assert not failed, "\n\n".join(failed)
