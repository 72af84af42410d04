"""Membership's dates are dates on the federation's calendar (issue 13: business dates use the UTC day).

A federation is founded with its time zone, which every organization of its tree carries in
OrganizationRegisteredV1. 2026-12-31T17:00Z is 01:00 on January 1st 2027 in Beijing and 18:00 on
New Year's Eve in Berlin: January's dues may be collected in Beijing, not yet in Berlin, and a
retirement effective on New Year's Day is due in Beijing only.
"""

import datetime as dt
import json

import httpx
import pytest
from sqlalchemy import select

from tests.pytest_infra import bearer, unique
from unionfed_membership.adapters.tables import outbox
from unionfed_membership.entrypoints.app import definition
from unionfed_membership.service_layer import clock, commands, dues, founding, member_changes
from unionfed_shared.auth import Principal, Role, platform_admin
from unionfed_shared.contracts.membership import OrganizationRegisteredV1
from unionfed_shared.errors import Invalid
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration

NEW_YEAR_IN_BEIJING = dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.UTC)


async def founded(build_service, time_zone: str):
    """A federation in ``time_zone`` with a school and one member with a salary, a dues policy set."""
    membership = await build_service(definition, start=False)
    county, school = unique("county"), unique("school")
    async with membership.uow() as uow:
        await founding.found_federation(
            uow,
            platform_admin("ops"),
            commands.FoundFederation(id=county, name="某县教育工会", time_zone=time_zone, sector="education"),
        )
    admin = bearer(Role.FEDERATION_ADMIN, county, county, "admin-wang")
    officer = bearer(Role.UNION_OFFICER, school, county, "treasurer-li")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(membership)), base_url="http://m") as api:
        created = await api.post(
            "/v1/organizations",
            headers=admin,
            json={"id": school, "name": "第一小学工会", "kind": "grassroots_union", "parent_id": county},
        )
        assert created.status_code == 201, created.text
        assert (created.json()["time_zone"], created.json()["sector"]) == (time_zone, None)
        policy = await api.put(f"/v1/federations/{county}/dues-policies/2026-01-01", json={}, headers=admin)
        assert policy.status_code == 200, policy.text
        member = await api.post(
            f"/v1/organizations/{school}/members",
            headers=officer,
            json={"display_name": "陈老师", "gender": "female", "joined_on": "2020-09-01", "base_salary_fen": 430_000},
        )
        assert member.status_code == 201, member.text
    return membership, county, school, member.json()["id"]


async def registrations(membership) -> list[OrganizationRegisteredV1]:
    async with membership.session_factory() as session:
        rows = await session.execute(
            select(outbox.c.payload)
            .where(outbox.c.event_type == OrganizationRegisteredV1.event_type)
            .order_by(outbox.c.id)
        )
        return [OrganizationRegisteredV1.model_validate(json.loads(row.payload)) for row in rows]


async def test_the_federations_zone_and_sector_travel_with_every_registration(build_service):
    membership, county, school, _member = await founded(build_service, "Europe/Berlin")

    federation, union = await registrations(membership)

    assert (federation.organization_id, federation.time_zone, federation.language, federation.sector) == (
        county,
        "Europe/Berlin",
        "zh-CN",
        "education",
    )
    # The school names no sector of its own (it inherits the county's) and carries the county's zone.
    assert (union.organization_id, union.time_zone, union.sector) == (school, "Europe/Berlin", None)
    async with membership.uow() as uow:
        school_locale = await uow.organizations.locale_of(school)
    assert (school_locale.time_zone.key, school_locale.language, school_locale.sector) == (
        "Europe/Berlin",
        "zh-CN",
        "education",
    )


@pytest.mark.parametrize(("time_zone", "january_has_begun"), [("Asia/Shanghai", True), ("Europe/Berlin", False)])
async def test_januarys_dues_are_collected_once_january_has_begun_on_the_federations_calendar(
    build_service, time_zone, january_has_begun
):
    membership, county, school, _member = await founded(build_service, time_zone)
    treasurer = Principal(subject="treasurer-li", role=Role.UNION_OFFICER, organization_id=school, federation_id=county)

    async with membership.uow() as uow:
        if january_has_begun:
            collection = await dues.collect_month(
                uow, treasurer, school, dues.CollectDues(period="2027-01"), now=NEW_YEAR_IN_BEIJING
            )
            [(_, payment)] = collection.collected
            assert (payment.period, payment.collected_at) == ("2027-01", NEW_YEAR_IN_BEIJING)
        else:
            with pytest.raises(Invalid, match="2027-01 has not begun"):
                await dues.collect_month(
                    uow, treasurer, school, dues.CollectDues(period="2027-01"), now=NEW_YEAR_IN_BEIJING
                )


@pytest.mark.parametrize(("time_zone", "due"), [("Asia/Shanghai", True), ("Europe/Berlin", False)])
async def test_a_change_effective_on_new_years_day_is_applied_when_that_day_has_begun_in_the_federation(
    build_service, monkeypatch, time_zone, due
):
    membership, county, school, member_id = await founded(build_service, time_zone)
    admin = Principal(subject="admin-wang", role=Role.FEDERATION_ADMIN, organization_id=county, federation_id=county)
    async with membership.uow() as uow:
        retirement = commands.ChangeMemberStatus(status="retired", effective_on=dt.date(2027, 1, 1))
        scheduled = await member_changes.change_member_status(uow, admin, member_id, retirement)
    assert not scheduled.applied

    # The daily run, without --today, at 01:00 Beijing time on New Year's Day.
    monkeypatch.setattr(clock, "now", lambda: NEW_YEAR_IN_BEIJING)
    applied = await member_changes.apply_scheduled(membership.uow, None, "scheduler")

    assert [str(change.member_id) for change in applied] == ([member_id] if due else [])
    async with membership.uow() as uow:
        assert (await uow.members.get(member_id)).status == ("retired" if due else "active")
