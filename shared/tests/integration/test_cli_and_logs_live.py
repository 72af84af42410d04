"""Against the test platform: the README's admin commands with nothing exported, and logs of real requests."""

import asyncio
import io
import json
import logging
import os
import re

import httpx
import pytest
from sqlalchemy import select

from tests.pytest_infra import REPO, bearer, service_env, unique
from unionfed_finance.entrypoints.app import definition as finance_definition
from unionfed_membership.entrypoints.app import definition as membership_definition
from unionfed_membership.service_layer import commands, founding
from unionfed_shared.audit import audit_log
from unionfed_shared.auth import Role, platform_admin
from unionfed_shared.context import Causation, caused_by
from unionfed_shared.http import create_app
from unionfed_shared.observability import configure_tracing, json_log_handler

pytestmark = pytest.mark.integration

SERVICES = ("MEMBERSHIP_", "WELFARE_", "EVENTS_", "FINANCE_", "UNIONFED_")


async def unionfed(*args: str, env: dict[str, str], cwd) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        str(REPO / ".venv" / "bin" / "unionfed"),
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    return process.returncode, output.decode()


async def test_admin_commands_reach_the_platform_through_its_state_directory_with_nothing_exported(
    build_service, infra, tmp_path
):
    database = f"t_finance_{unique('cli').split('-')[1]}"
    await build_service(finance_definition, start=False, database=database)
    # Laid out as deploy/local/platform.sh writes it on `make up`.
    state = tmp_path / "state"
    (state / "env").mkdir(parents=True)
    settings = service_env(infra, "finance", database)
    (state / "env" / "finance.env").write_text("".join(f"{k}={v}\n" for k, v in settings.items()))
    bare = {k: v for k, v in os.environ.items() if not k.startswith(SERVICES)}

    code, output = await unionfed("finance", "reconcile", env={**bare, "UNIONFED_STATE_DIR": str(state)}, cwd=tmp_path)
    assert code == 0, output
    assert output.rstrip().endswith("reconcile: all checks pass")
    code, output = await unionfed(
        "finance", "dead-letters", "list", env={**bare, "UNIONFED_STATE_DIR": str(state)}, cwd=tmp_path
    )
    assert (code, output.strip().splitlines()[-1]) == (0, "no dead letters"), output

    code, output = await unionfed("finance", "reconcile", env=bare, cwd=tmp_path)
    assert code == 1 and "Traceback" not in output, output
    assert output.strip().splitlines() == [
        f"Error: finance: FINANCE_DATABASE_URL, FINANCE_JWT_SECRET not set and no state directory found "
        f"(UNIONFED_STATE_DIR is unset and there is no .run/dev in {tmp_path} or above). Start the platform with "
        "`make up` in the repository, or set UNIONFED_STATE_DIR to the state directory of a running one, "
        "or export the variables."
    ]


@pytest.fixture
def log_lines():
    stream = io.StringIO()
    handler = json_log_handler("membership", stream)
    root = logging.getLogger()
    saved = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(saved)


async def test_reads_and_writes_answer_with_a_request_id_logged_and_audited_under_the_same_id(build_service, log_lines):
    configure_tracing("unionfed-membership", None)  # as build_runtime does for `unionfed NAME serve`
    runtime = await build_service(membership_definition, start=False)
    federation = unique("county")
    with caused_by(Causation.new_command(actor="test")):
        async with runtime.uow() as uow:
            await founding.found_federation(
                uow, platform_admin("ops"), commands.FoundFederation(id=federation, name="某县教育工会")
            )
    admin = bearer(Role.FEDERATION_ADMIN, federation, federation, "admin-wang")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(runtime)), base_url="http://m") as api:
        read = await api.get(f"/v1/organizations/{federation}", headers=admin)
        school = unique("school")
        written = await api.post(
            "/v1/organizations",
            headers=admin,
            json={"id": school, "name": "第一小学工会", "kind": "grassroots_union", "parent_id": federation},
        )
    assert (read.status_code, written.status_code) == (200, 201), written.text
    read_id, write_id = read.headers["x-request-id"], written.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", read_id) and re.fullmatch(r"[0-9a-f]{32}", write_id)

    access = {line["request_id"]: line for line in log_lines() if line["logger"] == "unionfed.access"}
    assert {k: access[read_id][k] for k in ("method", "route", "status")} == {
        "method": "GET",
        "route": "/v1/organizations/{organization_id}",
        "status": 200,
    }
    assert {k: access[write_id][k] for k in ("method", "route", "status")} == {
        "method": "POST",
        "route": "/v1/organizations",
        "status": 201,
    }
    for line in access.values():
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])
        assert re.fullmatch(r"[0-9a-f]{32}", line["trace_id"]) and line["duration_ms"] >= 0
    async with runtime.engine.connect() as connection:
        audited = (
            await connection.execute(
                select(audit_log.c.request_id, audit_log.c.trace_id)
                .where(audit_log.c.route == "/v1/organizations")
                .where(audit_log.c.request_id == write_id)
            )
        ).one()
    assert audited.trace_id == access[write_id]["trace_id"]
