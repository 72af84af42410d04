"""A donation drive through a running finance: money held for the beneficiary, never paid out beyond it."""

import datetime as dt
import uuid

import httpx
import pytest
from sqlalchemy import func, select

from tests.finance_tools import balances
from tests.kafka_tools import deliver
from tests.pytest_infra import bearer, eventually
from unionfed_finance.entrypoints.app import definition as finance_definition
from unionfed_shared.auth import Role
from unionfed_shared.contracts.membership import MemberJoinedV1, OrganizationRegisteredV1
from unionfed_shared.http import create_app
from unionfed_welfare.adapters.campaign_tables import donation_disbursements, donation_drives
from unionfed_welfare.entrypoints.app import definition as welfare_definition

pytestmark = pytest.mark.integration


async def test_donations_are_held_for_the_beneficiary_and_never_disbursed_beyond_what_was_raised(build_service):
    welfare = await build_service(welfare_definition)
    finance = await build_service(finance_definition)
    federation, school, other = (f"{p}-{uuid.uuid4().hex[:10]}" for p in ("county", "school", "middle"))
    teacher = MemberJoinedV1(
        organization_id=school,
        federation_id=federation,
        member_id=uuid.uuid4(),
        display_name="王小明",
        gender="male",
        joined_on=dt.date(2023, 9, 1),
    )
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
            name="第三小学工会",
            kind="grassroots_union",
            parent_id=federation,
            path=[federation, school],
        ),
        OrganizationRegisteredV1(
            organization_id=other,
            federation_id=federation,
            name="第二中学工会",
            kind="grassroots_union",
            parent_id=federation,
            path=[federation, other],
        ),
        teacher,
    ]
    await deliver(welfare, setup)
    await deliver(finance, setup)
    officer = bearer(Role.UNION_OFFICER, school, federation)
    code = f"wang-{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(welfare)), base_url="http://w", timeout=30
    ) as api:
        drive_body = {
            "code": code,
            "title": "为王老师（白血病）献爱心",
            "beneficiary_member_id": str(teacher.member_id),
        }
        for bad in ({"code": "Bad Code"}, {"beneficiary_member_id": str(uuid.uuid4())}):
            refused = await api.post(
                f"/v1/organizations/{school}/donation-drives", json={**drive_body, **bad}, headers=officer
            )
            assert refused.status_code == 422, refused.text
        created = await api.post(f"/v1/organizations/{school}/donation-drives", json=drive_body, headers=officer)
        assert created.status_code == 201, created.text
        assert created.json()["beneficiary"] == "王小明"
        taken = await api.post(f"/v1/organizations/{school}/donation-drives", json=drive_body, headers=officer)
        assert taken.status_code == 409

        gifts = [
            {"donor": "李校长", "amount_fen": 2_000_00},
            {"anonymous": True, "amount_fen": 500_00},
            {"donor": "张老师", "amount_fen": 1_000_00},
        ]
        for gift in gifts:
            recorded = await api.post(
                f"/v1/donation-drives/{code}/donations",
                json={**gift, "received_on": dt.date.today().isoformat()},
                headers=officer,
            )
            assert recorded.status_code == 201, recorded.text
        bad_gift = await api.post(
            f"/v1/donation-drives/{code}/donations",
            json={"donor": "x", "amount_fen": 10.5, "received_on": "2026-11-20"},
            headers=officer,
        )
        assert bad_gift.status_code == 422

        # In finance the money is held for the drive (2301/<code>), in the bank.
        await eventually(lambda: _books_are(finance, school, {"1001": 3_500_00, f"2301/{code}": 3_500_00}), timeout=60)

        first = await api.post(
            f"/v1/donation-drives/{code}/disbursements",
            json={"amount_fen": 3_000_00, "paid_on": dt.date.today().isoformat()},
            headers=officer,
        )
        assert first.status_code == 201, first.text
        too_much = await api.post(
            f"/v1/donation-drives/{code}/disbursements",
            json={"amount_fen": 500_01, "paid_on": dt.date.today().isoformat()},
            headers={**officer, "Accept-Language": "en"},
        )
        assert too_much.status_code == 409 and too_much.json()["code"] == "disbursement_over_balance"
        assert "still holds: 50000 fen (350000 raised, 300000 already paid out)" in too_much.json()["detail"]
        assert await _count(welfare, donation_disbursements) == 1, "the refused disbursement wrote nothing"
        await eventually(lambda: _books_are(finance, school, {"1001": 500_00, f"2301/{code}": 500_00}), timeout=60)

        view = (await api.get(f"/v1/donation-drives/{code}", headers=officer)).json()
        assert (view["raised_fen"], view["disbursed_fen"], view["held_fen"]) == (3_500_00, 3_000_00, 500_00)
        assert [d["donor"] for d in view["donations"]] == ["李校长", "anonymous", "张老师"]
        # A member sees the pseudonym, never the name; a school outside the scope sees nothing.
        public = (await api.get(f"/v1/donation-drives/{code}", headers=bearer(Role.MEMBER, school, federation))).json()
        assert public["beneficiary"] == public["pseudonym"] and "王" not in public["beneficiary"]
        assert public["beneficiary_member_id"] is None
        outsider = await api.get(f"/v1/donation-drives/{code}", headers=bearer(Role.UNION_OFFICER, other, federation))
        assert outsider.status_code == 404
        # The desk's list: each drive the school runs with its totals; a member sees the pseudonym.
        listed = (await api.get(f"/v1/organizations/{school}/donation-drives", headers=officer)).json()
        assert [(d["code"], d["beneficiary"], d["raised_fen"], d["held_fen"]) for d in listed] == [
            (code, "王小明", 3_500_00, 500_00)
        ]
        listed_to_member = (
            await api.get(
                f"/v1/organizations/{school}/donation-drives", headers=bearer(Role.MEMBER, school, federation)
            )
        ).json()
        assert [d["beneficiary"] for d in listed_to_member] == [public["pseudonym"]]
        assert (await api.get(f"/v1/organizations/{other}/donation-drives", headers=officer)).status_code == 404
        assert (
            await api.get(
                f"/v1/organizations/{other}/donation-drives", headers=bearer(Role.UNION_OFFICER, other, federation)
            )
        ).json() == []
        member_gift = await api.post(
            f"/v1/donation-drives/{code}/donations",
            json=gifts[0] | {"received_on": "2026-11-20"},
            headers=bearer(Role.MEMBER, school, federation),
        )
        assert member_gift.status_code == 403

    # Finance refuses too: an over-disbursement sent straight to it is refused on the held account.
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(finance)), base_url="http://f", timeout=30
    ) as fi:
        direct = await fi.post(
            f"/v1/organizations/{school}/donation-disbursements",
            headers=officer,
            json={
                "drive": code,
                "amount_fen": 500_01,
                "paid_on": dt.date.today().isoformat(),
                "beneficiary": "受助教职工",
            },
        )
        assert direct.status_code == 202, direct.text
        status_url = direct.json()["status_url"]

        async def answered():
            answer = (await fi.get(status_url, headers=officer)).json()
            return answer if answer["status"] != "pending" else None

        answer = await eventually(answered, timeout=60)
        assert answer["status"] == "refused" and f"2301/{code}" in answer["reason"]
    assert (await balances(finance, school))[f"2301/{code}"] == 500_00
    async with welfare.session_factory() as session:
        raised = await session.scalar(select(donation_drives.c.raised_fen).where(donation_drives.c.code == code))
    assert raised == 3_500_00


async def _books_are(finance, school: str, expected: dict[str, int]) -> bool:
    books = await balances(finance, school)
    return all(books.get(k) == v for k, v in expected.items())


async def _count(runtime, table) -> int:
    async with runtime.session_factory() as session:
        return await session.scalar(select(func.count()).select_from(table))


async def test_a_drives_beneficiary_is_named_in_the_words_of_its_unions_sector_and_federations_language(build_service):
    welfare = await build_service(welfare_definition)
    suffix = uuid.uuid4().hex[:8]
    county, street, london = f"county-{suffix}", f"street-{suffix}", f"london-{suffix}"
    school, factory, plain, works = f"school-{suffix}", f"factory-{suffix}", f"plain-{suffix}", f"works-{suffix}"

    def union(organization_id, federation, **locale):
        return OrganizationRegisteredV1(
            organization_id=organization_id,
            federation_id=federation,
            name=organization_id,
            kind="grassroots_union",
            parent_id=federation,
            path=[federation, organization_id],
            **locale,
        )

    def root(federation, **locale):
        return OrganizationRegisteredV1(
            organization_id=federation,
            federation_id=federation,
            name=federation,
            kind="federation",
            parent_id=None,
            path=[federation],
            **locale,
        )

    members = {
        org: MemberJoinedV1(
            organization_id=org,
            federation_id=fed,
            member_id=uuid.uuid4(),
            display_name="王小明",
            gender="male",
            joined_on=dt.date(2023, 9, 1),
        )
        for org, fed in ((school, county), (factory, street), (plain, street), (works, london))
    }
    await deliver(
        welfare,
        [
            root(county, sector="education"),
            union(school, county),  # a school inherits its education union's sector
            root(street),
            union(factory, street, sector="enterprise"),
            union(plain, street),
            root(london, language="en"),
            union(works, london, language="en", sector="enterprise"),
            *members.values(),
        ],
    )
    labels = {}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(welfare)), base_url="http://w", timeout=30
    ) as api:
        for org, member in members.items():
            officer = bearer(Role.UNION_OFFICER, org, member.federation_id)
            code = f"{org.partition('-')[0]}-{suffix}"
            created = await api.post(
                f"/v1/organizations/{org}/donation-drives",
                headers=officer,
                json={"code": code, "title": "爱心捐款", "beneficiary_member_id": str(member.member_id)},
            )
            assert created.status_code == 201, created.text
            labels[org] = (created.json()["pseudonym"], code)
    assert labels[factory][0] == f"受助职工（factory-{suffix}）"
    assert labels[school] == (f"受助教职工（school-{suffix}）", f"school-{suffix}")
    assert labels[plain][0] == f"受助职工（plain-{suffix}）"  # no sector known: the general word
    assert labels[works][0] == f"Assisted worker (works-{suffix})"
