"""A Mid-Autumn greeting for 2,000 members, killed halfway and resumed, pays everyone exactly once.

The batch runs as the real command (`greet`) in its own process; a failpoint kills it with
``os._exit`` after its third chunk, as ``kill -9`` would. Welfare's relay and consumer and
finance run in this process on real Kafka and PostgreSQL; the ledger must end with one posting
per recipient and a welfare expense of recipients × amount.
"""

import asyncio
import datetime as dt
import os
import subprocess
import uuid

import httpx
import pytest
from sqlalchemy import func, insert, select, text

from tests.finance_tools import balances
from tests.kafka_tools import deliver
from tests.processes import UNIONFED
from tests.pytest_infra import bearer, eventually, service_env
from unionfed_finance.entrypoints.app import definition as finance_definition
from unionfed_shared.auth import Role
from unionfed_shared.contracts.membership import OrganizationRegisteredV1
from unionfed_shared.http import create_app
from unionfed_welfare.adapters.campaign_tables import greeting_recipients
from unionfed_welfare.adapters.tables import directory
from unionfed_welfare.entrypoints.app import definition as welfare_definition

pytestmark = pytest.mark.integration

MEMBERS, AMOUNT, CHUNK = 2_000, 100_00, 200


async def greet(env: dict, batch_id: str, failpoints: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **env}
    env.pop("UNIONFED_FAILPOINTS", None)
    if failpoints:
        env["UNIONFED_FAILPOINTS"] = failpoints
    args = [UNIONFED, "welfare", "greet", "--batch", batch_id, "--chunk-size", str(CHUNK)]
    return await asyncio.to_thread(subprocess.run, args, env=env, capture_output=True, text=True, timeout=120)


async def test_a_greeting_killed_halfway_and_resumed_pays_everyone_once_and_the_ledger_matches(build_service, infra):
    database = f"t_welfare_{uuid.uuid4().hex[:8]}"
    welfare = await build_service(welfare_definition, database=database)
    finance = await build_service(finance_definition)
    federation, school = f"county-{uuid.uuid4().hex[:10]}", f"school-{uuid.uuid4().hex[:10]}"
    setup = [
        OrganizationRegisteredV1(
            organization_id=federation,
            federation_id=federation,
            name="县教育工会",
            kind="federation",
            parent_id=None,
            path=[federation],
        ),
        OrganizationRegisteredV1(
            organization_id=school,
            federation_id=federation,
            name="实验中学工会",
            kind="grassroots_union",
            parent_id=federation,
            path=[federation, school],
        ),
    ]
    await deliver(welfare, setup)
    await deliver(finance, setup)
    # The roster goes straight into welfare's read model: 2,000 joins through the consumer would
    # only slow the test down, and the read model's feeding is tested elsewhere.
    async with welfare.session_factory() as session, session.begin():
        await session.execute(
            insert(directory.members),
            [
                {
                    "id": uuid.uuid4(),
                    "organization_id": school,
                    "federation_id": federation,
                    "display_name": f"教师{i:04d}",
                    "gender": "female" if i % 2 else "male",
                    "joined_on": dt.date(2015, 9, 1),
                    "status": "active",
                    "version": 1,
                }
                for i in range(MEMBERS)
            ],
        )

    officer = bearer(Role.UNION_OFFICER, school, federation)
    async with (
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(welfare)), base_url="http://welfare", timeout=60
        ) as api,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(finance)), base_url="http://finance", timeout=30
        ) as fi,
    ):
        funded = await fi.post(
            f"/v1/organizations/{school}/employer-funds",
            json={"amount_fen": 500_000_00, "received_on": dt.date.today().isoformat()},
            headers=officer,
        )
        assert funded.status_code == 202, funded.text
        await eventually(lambda: _bank_is(finance, school, 500_000_00), timeout=60)

        created = await api.post(
            f"/v1/organizations/{school}/festival-greetings",
            headers=officer,
            json={
                "festival": "mid_autumn",
                "amount_fen": AMOUNT,
                "paid_on": "2027-09-15",
                "eligibility": {"statuses": ["active"]},
            },
        )
        assert created.status_code == 202, created.text
        batch_id, status_url = created.json()["id"], created.json()["status_url"]
        assert created.json()["total"] == MEMBERS

        env = service_env(infra, "welfare", database)
        killed = await greet(env, batch_id, failpoints="greetings.after_chunk:3")
        assert killed.returncode == 137, killed.stderr
        assert "failpoint greetings.after_chunk reached" in killed.stderr
        # Progress is shown after each committed chunk; the third was committed, then the process died.
        shown = [line.split(";")[0] for line in killed.stdout.splitlines()]
        assert shown == [f"processed {CHUNK}/{MEMBERS}", f"processed {2 * CHUNK}/{MEMBERS}"], killed.stdout
        halfway = (await api.get(status_url, headers=officer)).json()
        assert (halfway["processed"], halfway["pending"]) == (3 * CHUNK, MEMBERS - 3 * CHUNK), "three chunks committed"

        resumed = await greet(env, batch_id)
        assert resumed.returncode == 0, resumed.stderr
        lines = resumed.stdout.splitlines()
        assert lines[0].startswith(f"processed {4 * CHUNK}/{MEMBERS};"), lines
        assert f"processed {MEMBERS}/{MEMBERS};" in lines[-1], lines

        # One payment request per chunk: how long finance takes is the benchmark's business
        # (bench/); here the payments must keep coming until everyone is paid.
        report = await _paid_while_progressing(api, status_url, officer, stall_s=60)
        assert (report["skipped"], report["refused"], report["done"], report["paid_fen"]) == (
            0,
            0,
            True,
            MEMBERS * AMOUNT,
        )

    # Nobody was asked for twice: one payment request per chunk left welfare, each recipient in one.
    async with welfare.session_factory() as session:
        requests = await session.scalar(
            text("SELECT count(*) FROM outbox WHERE event_type = 'unionfed.welfare.batch_payment_requested.v1'")
        )
        paid_requests = await session.scalar(
            text(
                "SELECT count(DISTINCT line ->> 'hold_id') FROM outbox, "
                "jsonb_array_elements(convert_from(payload, 'UTF8')::jsonb -> 'lines') AS line "
                "WHERE event_type = 'unionfed.welfare.batch_payment_requested.v1'"
            )
        )
        statuses = dict(
            (
                await session.execute(
                    select(greeting_recipients.c.status, func.count()).group_by(greeting_recipients.c.status)
                )
            ).all()
        )
    assert (requests, paid_requests, statuses) == (MEMBERS // CHUNK, MEMBERS, {"paid": MEMBERS})

    # The ledger: each member's grant posted once, and the welfare expense adds up.
    async with finance.session_factory() as session:
        holds = (
            await session.execute(
                text(
                    "SELECT count(*), count(DISTINCT posting_id), count(*) FILTER (WHERE status = 'posted'), sum(posted_fen) "
                    "FROM holds WHERE reference LIKE :prefix"
                ),
                {"prefix": f"greeting/{batch_id}/%"},
            )
        ).one()
        welfare_postings = await session.scalar(
            text("SELECT count(*) FROM posting_lines WHERE organization_id = :org AND account_code = '5101'"),
            {"org": school},
        )
    # One posting per chunk, a line and a hold per member.
    assert tuple(holds) == (MEMBERS, MEMBERS // CHUNK, MEMBERS, MEMBERS * AMOUNT)
    assert welfare_postings == MEMBERS
    books = await balances(finance, school)
    assert books["5101"] == MEMBERS * AMOUNT
    assert books["1001"] == 500_000_00 - MEMBERS * AMOUNT


async def _paid_while_progressing(api, status_url: str, officer: dict, stall_s: float) -> dict:
    """The batch report once every member is paid; fails when no payment lands for ``stall_s``."""
    loop = asyncio.get_running_loop()
    paid, last_progress = -1, loop.time()
    while True:
        report = (await api.get(status_url, headers=officer)).json()
        if report["paid"] == MEMBERS:
            return report
        if report["paid"] > paid:
            paid, last_progress = report["paid"], loop.time()
        assert loop.time() - last_progress < stall_s, f"no payment for {stall_s:.0f} s: {report}"
        await asyncio.sleep(0.2)


async def _bank_is(finance, school: str, amount_fen: int) -> bool:
    return (await balances(finance, school)).get("1001") == amount_fen
