"""A batch of joinings (a roster, or a rebuild replaying a federation's members) on real PostgreSQL.

Finance's consumer writes a batch's joinings to its directory and opens their dues accounts in two
statements run for every member (executemany). A multi-row VALUES written instead was compiled
anew by SQLAlchemy for every batch: half of a rebuild's CPU when it replayed a 100,000-member
federation (bench-long of 2026-12-06).
"""

import datetime as dt

import pytest
from sqlalchemy import event, text

from tests.factories import member, organization
from tests.kafka_tools import deliver, deliver_batch
from tests.pytest_infra import unique
from unionfed_finance.entrypoints.app import definition
from unionfed_shared.contracts.membership import MemberTransferredV1

pytestmark = pytest.mark.integration

MEMBERS = 3_000


async def test_a_batch_of_joinings_is_written_by_two_statements_and_keeps_a_newer_card(build_service):
    finance = await build_service(definition, start=False)
    federation, school, other = unique("fed"), unique("school"), unique("school")
    await deliver(
        finance,
        [
            organization(federation, [federation], "federation", "城关镇总工会"),
            organization(federation, [federation, school], "grassroots_union", "城关第一中学工会"),
            organization(federation, [federation, other], "grassroots_union", "城关第二中学工会"),
        ],
    )
    joinings = [member(federation, school, f"会员{n}") for n in range(MEMBERS)]
    # The first member's transfer was applied before its joining came (another partition's order):
    # the joining must not undo it.
    moved = joinings[0]
    await deliver(
        finance,
        [
            MemberTransferredV1(
                organization_id=other,
                federation_id=federation,
                member_id=moved.member_id,
                display_name=moved.display_name,
                gender=moved.gender,
                joined_on=moved.joined_on,
                member_version=2,
                from_organization_id=school,
                effective_on=dt.date(2026, 9, 1),
                status="active",
            )
        ],
    )

    inserts: list[tuple[str, bool]] = []

    def count(_conn, _cursor, statement, _parameters, _context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO") and (
            "members" in statement or "dues_accounts" in statement
        ):
            inserts.append((statement.split("(")[0].split()[-1], executemany))

    event.listen(finance.engine.sync_engine, "before_cursor_execute", count)
    try:
        await deliver_batch(finance, joinings)
    finally:
        event.remove(finance.engine.sync_engine, "before_cursor_execute", count)

    assert sorted(inserts) == [("directory_members", True), ("dues_accounts", True)], inserts
    async with finance.session_factory() as session:
        members = {
            row.id: (row.organization_id, row.version)
            for row in await session.execute(
                text("SELECT id, organization_id, version FROM directory_members WHERE federation_id = :f"),
                {"f": federation},
            )
        }
        accounts = await session.scalar(
            text("SELECT count(*) FROM dues_accounts WHERE federation_id = :f"), {"f": federation}
        )
    assert len(members) == MEMBERS
    assert members[moved.member_id] == (other, 2)  # the newer card kept
    assert members[joinings[1].member_id] == (school, 1)
    assert accounts == MEMBERS
