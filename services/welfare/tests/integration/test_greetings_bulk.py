"""A festival greeting paid a chunk at a time, through welfare's and finance's real handlers on
Kafka and PostgreSQL: one request and one answer per chunk, one multi-line posting per chunk,
a line and a hold per member; a stop budget refuses the members beyond it (named, in recipient
order) while the others are paid; a redelivered or re-sent chunk pays nobody twice. Run with small
chunks, and with chunks as large as one request may be (1,000 lines, the run's default)."""

import datetime as dt
import uuid

import httpx
import pytest
from sqlalchemy import insert, text

from tests.finance_tools import balances
from tests.kafka_tools import deliver, envelope_for
from tests.pytest_infra import bearer, eventually
from unionfed_finance.adapters.chain import verify_chain
from unionfed_finance.entrypoints.app import definition as finance_definition
from unionfed_shared.auth import Role
from unionfed_shared.contracts.finance import MoneyRequestsSettledV1
from unionfed_shared.contracts.membership import OrganizationRegisteredV1
from unionfed_shared.contracts.spending import WelfareBatchPaymentRequestedV1
from unionfed_shared.http import create_app
from unionfed_shared.messaging.consumer import IncomingMessage
from unionfed_welfare.adapters.tables import directory
from unionfed_welfare.entrypoints.app import definition as welfare_definition
from unionfed_welfare.service_layer import greetings

pytestmark = pytest.mark.integration

AMOUNT = 100_00


async def outbox_events(runtime, cls) -> list:
    async with runtime.session_factory() as session:
        rows = await session.execute(
            text("SELECT event_id, payload FROM outbox WHERE event_type = :t ORDER BY id"), {"t": cls.event_type}
        )
        return [(row.event_id, cls.model_validate_json(row.payload)) for row in rows]


async def redeliver(runtime, event, event_id: str):
    """Hand ``event`` to the consumer again under ``event_id`` (the same record, as after a crash)."""
    envelope = envelope_for(event, id=event_id)
    message = IncomingMessage(
        event.topic,
        0,
        10**9,
        envelope.key,
        envelope.data,
        tuple((k, v.encode()) for k, v in envelope.headers().items()),
    )
    return await runtime.consumer.handle(message, to_dlq_topic=False)


@pytest.mark.parametrize(
    ("members", "chunk", "budget_for"),
    [(30, 10, 25), (2_000, greetings.CHUNK, 1_900)],
    ids=["chunks-of-10", "chunks-of-1000"],
)
async def test_a_greeting_paid_per_chunk_refuses_beyond_the_budget_by_name_and_pays_nobody_twice(
    build_service, members, chunk, budget_for
):
    welfare = await build_service(welfare_definition)
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
    member_ids = sorted(uuid.uuid4() for _ in range(members))
    names = {m: f"教师{i:04d}" for i, m in enumerate(member_ids)}
    async with welfare.session_factory() as session, session.begin():
        await session.execute(
            insert(directory.members),
            [
                {
                    "id": m,
                    "organization_id": school,
                    "federation_id": federation,
                    "display_name": names[m],
                    "gender": "female",
                    "joined_on": dt.date(2015, 9, 1),
                    "status": "active",
                    "version": 1,
                }
                for m in member_ids
            ],
        )

    officer = bearer(Role.UNION_OFFICER, school, federation)
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(welfare)), base_url="http://w") as api,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(finance)), base_url="http://f") as fi,
    ):
        funded = await fi.post(
            f"/v1/organizations/{school}/employer-funds",
            json={"amount_fen": 500_000_00, "received_on": dt.date.today().isoformat()},
            headers=officer,
        )
        assert funded.status_code == 202, funded.text
        budget = await fi.put(
            f"/v1/organizations/{school}/budgets/2027/welfare",
            json={"amount_fen": budget_for * AMOUNT, "policy": "stop"},
            headers=officer,
        )
        assert budget.status_code == 202, budget.text

        async def ready():
            budgets = (await fi.get(f"/v1/organizations/{school}/budgets", headers=officer)).json()
            return (await balances(finance, school)).get("1001") == 500_000_00 and len(budgets) == 1

        await eventually(ready, timeout=60)

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
        batch_id, status_url = uuid.UUID(created.json()["id"]), created.json()["status_url"]
        await greetings.run(welfare.uow, batch_id, chunk_size=chunk)

        async def settled():
            report = (await api.get(status_url, headers=officer)).json()
            return report if report["paid"] + report["refused"] == members else None

        report = await eventually(settled, timeout=90)
        # The budget covers budget_for: those after them in recipient order are refused, by name, with the reason.
        refused = members - budget_for
        assert (report["paid"], report["refused"], report["paid_fen"]) == (budget_for, refused, budget_for * AMOUNT)
        assert sorted(p["display_name"] for p in report["not_paid"]) == [names[m] for m in member_ids[budget_for:]]
        assert all("budget 2027/5101" in p["reason"] for p in report["not_paid"])

    requests = await outbox_events(welfare, WelfareBatchPaymentRequestedV1)
    answers = await outbox_events(finance, MoneyRequestsSettledV1)
    assert (len(requests), len(answers)) == (members // chunk, members // chunk)  # one each per chunk
    assert [line.outcome for _id, a in answers for line in a.lines].count("refused") == members - budget_for

    async def books():
        async with finance.session_factory() as session:
            row = (
                await session.execute(
                    text(
                        "SELECT (SELECT count(*) FROM postings WHERE organization_id = :o AND description LIKE '中秋%'),"
                        " (SELECT count(*) FROM posting_lines WHERE organization_id = :o AND account_code = '5101'),"
                        " (SELECT count(DISTINCT (posting_id, line_no)) FROM holds"
                        "   WHERE reference LIKE :r AND status = 'posted'),"
                        " (SELECT spent_fen FROM budgets WHERE organization_id = :o)"
                    ),
                    {"o": school, "r": f"greeting/{batch_id}/%"},
                )
            ).one()
            chain = await verify_chain(session, school)
        return (*row, (await balances(finance, school))["1001"], chain.ok)

    expected = (members // chunk, budget_for, budget_for, budget_for * AMOUNT, 500_000_00 - budget_for * AMOUNT, True)
    assert await books() == expected

    # The same records again (a crash before the offsets were committed): the inbox drops them.
    for event_id, request in requests:
        await redeliver(finance, request, event_id)
    # The same chunks re-sent under new event ids: each member's hold is answered again, not paid again.
    await deliver(finance, [request for _id, request in requests])

    async def answered_again():
        return len(await outbox_events(finance, MoneyRequestsSettledV1)) == 2 * (members // chunk)

    await eventually(answered_again, timeout=60)
    again = (await outbox_events(finance, MoneyRequestsSettledV1))[members // chunk :]
    first = {line.hold_id: line for _id, a in answers for line in a.lines}
    for _id, answer in again:
        for line in answer.lines:
            if first[line.hold_id].outcome == "captured":
                assert (line.outcome, line.posting_id, line.line_no) == (
                    "captured",
                    first[line.hold_id].posting_id,
                    first[line.hold_id].line_no,
                )
            else:
                assert line.outcome == "refused"
    # Finance's first answers handed to welfare once more change nothing either.
    for event_id, answer in answers:
        await redeliver(welfare, answer, event_id)
    assert await books() == expected
    async with welfare.session_factory() as session:
        statuses = dict(
            (
                await session.execute(
                    text("SELECT status, count(*) FROM greeting_recipients WHERE batch_id = :b GROUP BY status"),
                    {"b": batch_id},
                )
            ).all()
        )
    assert statuses == {"paid": budget_for, "refused": members - budget_for}
