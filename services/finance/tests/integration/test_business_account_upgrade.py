"""0014_report_figures: books opened before the chart had 5104 (业务支出) get it, empty, and their
chain still verifies (a missing standard account would be a finding); books that have it keep it."""

import uuid

import pytest
from sqlalchemy import text

from services.finance.tests.integration.test_chain_upgrade import migrate
from unionfed_finance.adapters.chain import verify_chain
from unionfed_finance.domain.ledger import GENESIS_HASH, STANDARD_CHART
from unionfed_shared.db import make_engine, make_session_factory

pytestmark = pytest.mark.integration


async def test_books_opened_before_get_the_business_expense_account(infra):
    url = infra.pg_dsn(f"t_finance_5104_{uuid.uuid4().hex[:8]}")
    await migrate(url, "0013_disclosure_rollup")
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            for org in ("school-a", "school-b"):
                await conn.execute(
                    text("INSERT INTO ledgers (organization_id, federation_id, last_hash) VALUES (:o, 'fed', :g)"),
                    {"o": org, "g": GENESIS_HASH},
                )
                for spec in STANDARD_CHART:
                    if spec.code == "5104":
                        continue  # the chart as it was before 0014
                    await conn.execute(
                        text(
                            "INSERT INTO accounts (organization_id, code, name, name_zh, type, floor_fen) "
                            "VALUES (:o, :c, :n, :z, :t, :f)"
                        ),
                        {
                            "o": org,
                            "c": spec.code,
                            "n": spec.name,
                            "z": spec.name_zh,
                            "t": spec.type.value,
                            "f": spec.floor_fen,
                        },
                    )
        sessions = make_session_factory(engine)
        async with sessions() as session:
            before = await verify_chain(session, "school-a")
        assert not before.ok and "5104" in str(before)  # what the new chart expects is missing

        await migrate(url, "heads")

        async with engine.begin() as conn:
            rows = (
                await conn.execute(
                    text(
                        "SELECT organization_id, name_zh, type, balance_fen FROM accounts WHERE code = '5104' ORDER BY 1"
                    )
                )
            ).all()
        assert [tuple(r) for r in rows] == [
            ("school-a", "业务支出", "expense", 0),
            ("school-b", "业务支出", "expense", 0),
        ]
        for org in ("school-a", "school-b"):
            async with sessions() as session:
                report = await verify_chain(session, org)
            assert report.ok, str(report)
    finally:
        await engine.dispose()
