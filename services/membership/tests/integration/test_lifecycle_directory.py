"""Consumers' directories follow moves, transfers and status changes, in whatever order the
partitions deliver them (welfare's and finance's read models on real PostgreSQL)."""

import datetime as dt
import uuid

import pytest
from sqlalchemy import select

from tests.kafka_tools import deliver
from unionfed_finance.adapters.tables import dues_accounts
from unionfed_finance.entrypoints.app import definition as finance_definition
from unionfed_shared.contracts.membership import (
    MemberJoinedV1,
    MemberStatusChangedV1,
    MemberTransferredV1,
    OrganizationMovedV1,
    OrganizationRegisteredV1,
)
from unionfed_shared.messaging.consumer import Outcome
from unionfed_welfare.adapters.tables import directory
from unionfed_welfare.entrypoints.app import definition as welfare_definition

pytestmark = pytest.mark.integration

ON = dt.date(2026, 11, 1)


def org(id: str, kind: str, path: list[str]) -> OrganizationRegisteredV1:
    return OrganizationRegisteredV1(
        organization_id=id,
        federation_id=path[0],
        name=id,
        kind=kind,
        parent_id=path[-2] if len(path) > 1 else None,
        path=path,
    )


async def apply_all(runtime, events) -> None:
    assert await deliver(runtime, events, to_dlq_topic=False) == [Outcome.PROCESSED] * len(events)


async def paths(runtime) -> dict[str, list[str]]:
    async with runtime.session_factory() as session:
        rows = await session.execute(select(directory.organizations.c.id, directory.organizations.c.path))
        return {row.id: row.path for row in rows}


async def member_row(runtime, member_id):
    async with runtime.session_factory() as session:
        return (await session.execute(select(directory.members).where(directory.members.c.id == member_id))).one()


async def test_a_moved_subtree_converges_even_when_a_child_arrives_late(build_service):
    welfare = await build_service(welfare_definition, start=False)
    fed = f"c-{uuid.uuid4().hex[:8]}"
    east, school, group, late = (f"{p}-{uuid.uuid4().hex[:6]}" for p in ("east", "school", "group", "late"))
    await apply_all(
        welfare,
        [
            org(fed, "federation", [fed]),
            org(east, "federation", [fed, east]),
            org(school, "grassroots_union", [fed, school]),
            org(group, "union_group", [fed, school, group]),
            OrganizationMovedV1(
                organization_id=school,
                federation_id=fed,
                old_parent_id=fed,
                new_parent_id=east,
                old_path=[fed, school],
                new_path=[fed, east, school],
                moved_on=ON,
            ),
            # Registered before the move (so its event names the old path), delivered after it.
            org(late, "union_group", [fed, school, late]),
        ],
    )
    assert await paths(welfare) == {
        fed: [fed],
        east: [fed, east],
        school: [fed, east, school],
        group: [fed, east, school, group],
        late: [fed, east, school, late],
    }


async def test_transfers_and_status_changes_apply_once_and_in_any_partition_order(build_service):
    welfare = await build_service(welfare_definition, start=False)
    finance = await build_service(finance_definition, start=False)
    fed, a, b = (f"{p}-{uuid.uuid4().hex[:8]}" for p in ("fed", "a", "b"))
    member_id = uuid.uuid4()
    joined = MemberJoinedV1(
        organization_id=a,
        federation_id=fed,
        member_id=member_id,
        display_name="陈老师",
        gender="female",
        joined_on=dt.date(2019, 9, 1),
    )
    left_a = MemberStatusChangedV1(
        organization_id=a,
        federation_id=fed,
        member_id=member_id,
        member_version=2,
        status="left",
        previous_status="active",
        change="left",
        effective_on=dt.date(2025, 1, 1),
    )
    rejoined_a = MemberStatusChangedV1(
        organization_id=a,
        federation_id=fed,
        member_id=member_id,
        member_version=3,
        status="active",
        previous_status="left",
        change="rejoined",
        effective_on=dt.date(2025, 3, 1),
    )
    transferred = MemberTransferredV1(
        organization_id=b,
        federation_id=fed,
        member_id=member_id,
        member_version=5,
        from_organization_id=a,
        effective_on=ON,
        display_name="陈老师",
        gender="female",
        joined_on=dt.date(2019, 9, 1),
        status="active",
    )
    retired_b = MemberStatusChangedV1(
        organization_id=b,
        federation_id=fed,
        member_id=member_id,
        member_version=6,
        status="retired",
        previous_status="active",
        change="retired",
        effective_on=dt.date(2026, 12, 1),
    )
    # Partition of school B (transfer, then retirement) delivered before school A's (join, leave, rejoin).
    for runtime in (welfare, finance):
        await apply_all(runtime, [org(fed, "federation", [fed]), transferred, retired_b, joined, left_a, rejoined_a])
        row = await member_row(runtime, member_id)
        assert (row.organization_id, row.status, row.display_name) == (b, "retired", "陈老师")
    async with finance.session_factory() as session:
        account = (await session.execute(select(dues_accounts).where(dues_accounts.c.member_id == member_id))).one()
    assert account.organization_id == b

    # In emitted order, the same events end in the same state.
    other = await build_service(welfare_definition, start=False)
    await apply_all(other, [joined, left_a, rejoined_a, transferred, retired_b])
    row = await member_row(other, member_id)
    assert (row.organization_id, row.status) == (b, "retired")


async def test_two_transfers_applied_in_reverse_order_leave_the_member_at_the_last_school(build_service):
    """A→B travels keyed by B, B→C keyed by C: another partition, so it may be applied first."""
    welfare = await build_service(welfare_definition, start=False)
    finance = await build_service(finance_definition, start=False)
    fed, a, b, c = (f"{p}-{uuid.uuid4().hex[:8]}" for p in ("fed", "a", "b", "c"))
    member_id = uuid.uuid4()
    card = {"display_name": "王老师", "gender": "male", "joined_on": dt.date(2018, 9, 1), "status": "active"}
    joined = MemberJoinedV1(
        organization_id=a,
        federation_id=fed,
        member_id=member_id,
        display_name="王老师",
        gender="male",
        joined_on=dt.date(2018, 9, 1),
    )
    to_b = MemberTransferredV1(
        organization_id=b,
        federation_id=fed,
        member_id=member_id,
        member_version=3,
        from_organization_id=a,
        effective_on=dt.date(2025, 9, 1),
        **card,
    )
    to_c = MemberTransferredV1(
        organization_id=c,
        federation_id=fed,
        member_id=member_id,
        member_version=5,
        from_organization_id=b,
        effective_on=dt.date(2026, 9, 1),
        **card,
    )
    for runtime in (welfare, finance):
        await apply_all(runtime, [org(fed, "federation", [fed]), joined, to_c, to_b])
        assert (await member_row(runtime, member_id)).organization_id == c
    async with finance.session_factory() as session:
        account = (await session.execute(select(dues_accounts).where(dues_accounts.c.member_id == member_id))).one()
    assert account.organization_id == c


async def test_the_directory_gives_each_organization_its_federations_zone_and_its_inherited_sector(build_service):
    welfare = await build_service(welfare_definition, start=False)
    fed, street, school, group = (f"{p}-{uuid.uuid4().hex[:8]}" for p in ("fed", "street", "school", "group"))

    def located(id: str, kind: str, path: list[str], sector=None) -> OrganizationRegisteredV1:
        return org(id, kind, path).model_copy(update={"time_zone": "Europe/Berlin", "language": "en", "sector": sector})

    await apply_all(
        welfare,
        [
            # The group arrives before its school, whose sector it inherits once the school is known.
            located(group, "union_group", [fed, school, group]),
            located(fed, "federation", [fed], sector="education"),
            located(street, "federation", [fed, street], sector="enterprise"),
            located(school, "grassroots_union", [fed, street, school]),
        ],
    )
    async with welfare.session_factory() as session:
        group_locale = await directory.locale_of(session, group)
        fed_locale = await directory.locale_of(session, fed)
        unknown = await directory.locale_of(session, f"nobody-{uuid.uuid4().hex[:8]}")
        assert await directory.time_zone_of(session, school) == group_locale.time_zone
    assert (group_locale.time_zone.key, group_locale.language, group_locale.sector) == (
        "Europe/Berlin",
        "en",
        "enterprise",
    )
    assert fed_locale.sector == "education"
    assert (unknown.time_zone.key, unknown.language, unknown.sector) == ("Asia/Shanghai", "zh-CN", None)
