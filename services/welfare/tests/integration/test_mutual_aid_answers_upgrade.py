"""Migration 0014_mutual_aid_answers on a fund written before it: what was sent before counts as
posted, and going back turns a loan finance refused into one turned down."""

import uuid

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from unionfed_shared.db import ensure_database
from unionfed_shared.migrations import alembic_config
from unionfed_welfare.entrypoints.app import definition

pytestmark = pytest.mark.integration


async def migrate(url: str, revision: str, *, down: bool = False) -> None:
    await ensure_database(url)
    engine = create_async_engine(url)
    config = alembic_config(definition().migrations_dir, url)

    def run(connection) -> None:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)

    try:
        async with engine.begin() as connection:
            await connection.run_sync(run)
    finally:
        await engine.dispose()


async def sql(url: str, statement: str, **values):
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(text(statement), values)
            return result.mappings().all() if result.returns_rows else None
    finally:
        await engine.dispose()


async def test_movements_sent_before_the_answers_were_kept_count_as_posted_and_the_way_back_holds(infra):
    url = infra.pg_dsn(f"t_welfare_upgrade_{uuid.uuid4().hex[:8]}")
    await migrate(url, "0011_mutual_aid")
    lent, applied, member = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await sql(
        url,
        "INSERT INTO mutual_aid_funds (organization_id, federation_id, contributed_fen, lent_fen, repaid_fen)"
        " VALUES ('no1', 'street', 100000, 60000, 10000)",
    )
    await sql(
        url,
        "INSERT INTO mutual_aid_contributions (id, organization_id, contributor, amount_fen, received_on, recorded_by)"
        " VALUES (:id, 'no1', 'member', 100000, '2026-03-02', 'officer')",
        id=uuid.uuid4(),
    )
    for loan_id, status in ((lent, "lent"), (applied, "applied")):
        await sql(
            url,
            "INSERT INTO mutual_aid_loans (id, organization_id, federation_id, member_id, amount_fen, purpose,"
            " months, status, applied_on, applied_by, repaid_fen)"
            " VALUES (:id, 'no1', 'street', :member, 60000, '看病', 6, :status, '2026-03-05', 'officer', :repaid)",
            id=loan_id,
            member=member,
            status=status,
            repaid=10000 if status == "lent" else 0,
        )
    await sql(
        url,
        "INSERT INTO mutual_aid_repayments (id, loan_id, amount_fen, repaid_on, recorded_by)"
        " VALUES (:id, :loan, 10000, '2026-04-02', 'officer')",
        id=uuid.uuid4(),
        loan=lent,
    )

    await migrate(url, "0014_mutual_aid_answers")

    [contribution] = await sql(url, "SELECT finance_status, finance_reason FROM mutual_aid_contributions")
    [repayment] = await sql(url, "SELECT finance_status FROM mutual_aid_repayments")
    loans = {r["id"]: r["finance_status"] for r in await sql(url, "SELECT id, finance_status FROM mutual_aid_loans")}
    assert (contribution["finance_status"], contribution["finance_reason"], repayment["finance_status"]) == (
        "posted",
        None,
        "posted",
    )
    assert loans == {lent: "posted", applied: None}
    [fund] = await sql(
        url, "SELECT contributed_pending_fen, lent_pending_fen, repaid_pending_fen FROM mutual_aid_funds"
    )
    assert dict(fund) == {"contributed_pending_fen": 0, "lent_pending_fen": 0, "repaid_pending_fen": 0}
    with pytest.raises(Exception, match="ck_mutual_aid_contributions_finance_status"):
        await sql(url, "UPDATE mutual_aid_contributions SET finance_status = 'lost'")

    await sql(
        url,
        "UPDATE mutual_aid_loans SET status = 'refused', finance_status = 'refused', finance_reason = '余额不足'"
        " WHERE id = :id",
        id=applied,
    )
    await migrate(url, "0011_mutual_aid", down=True)
    [back] = await sql(url, "SELECT status, decision_note FROM mutual_aid_loans WHERE id = :id", id=applied)
    assert dict(back) == {"status": "rejected", "decision_note": "余额不足"}
    await migrate(url, "0014_mutual_aid_answers")
