"""Group insurance for the women staff: enrolment, the cost reserved and paid through finance, claims."""

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
from unionfed_welfare.adapters.campaign_tables import campaigns, insurance_claims
from unionfed_welfare.entrypoints.app import definition as welfare_definition

pytestmark = pytest.mark.integration

PREMIUM = 380_00


def joined(federation, school, name, gender):
    return MemberJoinedV1(
        organization_id=school,
        federation_id=federation,
        member_id=uuid.uuid4(),
        display_name=name,
        gender=gender,
        joined_on=dt.date(2018, 9, 1),
    )


async def test_insurance_for_women_staff_reserves_and_pays_its_cost_and_a_claim_follows_its_status_flow(build_service):
    welfare = await build_service(welfare_definition)
    finance = await build_service(finance_definition)
    federation, school = f"county-{uuid.uuid4().hex[:10]}", f"school-{uuid.uuid4().hex[:10]}"
    women = [joined(federation, school, f"女教师{i}", "female") for i in range(3)]
    man = joined(federation, school, "男教师", "male")
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
            name="实验小学工会",
            kind="grassroots_union",
            parent_id=federation,
            path=[federation, school],
        ),
    ]
    await deliver(welfare, [*setup, *women, man])
    await deliver(finance, setup)
    officer = bearer(Role.UNION_OFFICER, school, federation)
    async with (
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(welfare)), base_url="http://w", timeout=30
        ) as api,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(finance)), base_url="http://f", timeout=30
        ) as fi,
    ):
        funded = await fi.post(
            f"/v1/organizations/{school}/employer-funds",
            json={"amount_fen": 5_000_00, "received_on": dt.date.today().isoformat()},
            headers=officer,
        )
        assert funded.status_code == 202
        await eventually(lambda: _bank(finance, school, 5_000_00), timeout=60)

        body = {
            "kind": "insurance",
            "title": "女职工特殊疾病互助保障",
            "provider": "县职工互助保障会",
            "cost_per_member_fen": PREMIUM,
            "eligibility": {"gender": "female"},
        }
        named_man = await api.post(
            f"/v1/organizations/{school}/welfare-campaigns",
            json={**body, "member_ids": [str(man.member_id)]},
            headers=officer,
        )
        assert named_man.status_code == 422 and named_man.json()["code"] == "members_not_eligible"
        assert "本次只面向女会员" in named_man.json()["detail"]
        assert await _count(welfare, campaigns) == 0
        created = await api.post(f"/v1/organizations/{school}/welfare-campaigns", json=body, headers=officer)
        assert created.status_code == 201, created.text
        campaign = created.json()
        assert (campaign["enrolled"], campaign["total_cost_fen"]) == (3, 3 * PREMIUM)
        url = f"/v1/welfare-campaigns/{campaign['id']}"

        async def money_is(status):
            current = (await api.get(url, headers=officer)).json()
            return current if current["money_status"] == status else None

        await eventually(lambda: money_is("reserved"), timeout=60)
        too_much = await api.post(
            f"{url}/payment",
            headers=officer,
            json={"amount_fen": 3 * PREMIUM + 1, "paid_on": "2026-12-01", "description": "保费"},
        )
        assert too_much.status_code == 422
        paid = await api.post(
            f"{url}/payment",
            headers=officer,
            json={"amount_fen": 3 * PREMIUM, "paid_on": "2026-12-01", "description": "女职工保障 保费"},
        )
        assert paid.status_code == 200, paid.text
        await eventually(lambda: money_is("captured"), timeout=60)
        # The desk's list of the school's campaigns, with the enrolled count and the cost.
        listed = (await api.get(f"/v1/organizations/{school}/welfare-campaigns", headers=officer)).json()
        assert [(c["title"], c["enrolled"], c["total_cost_fen"], c["status"]) for c in listed] == [
            ("女职工特殊疾病互助保障", 3, 3 * PREMIUM, "paid")
        ]
        books = await balances(finance, school)
        assert (books["5101"], books["1001"]) == (3 * PREMIUM, 5_000_00 - 3 * PREMIUM)

        # A claim: filed → under review → paid; another rejected with its reason; no skipping ahead.
        claims_url = f"{url}/claims"
        not_insured = await api.post(
            claims_url,
            headers=officer,
            json={"member_id": str(man.member_id), "claimed_fen": 10_000_00, "description": "住院"},
        )
        assert not_insured.status_code == 422
        filed = await api.post(
            claims_url,
            headers=officer,
            json={"member_id": str(women[0].member_id), "claimed_fen": 10_000_00, "description": "乳腺疾病住院治疗"},
        )
        assert filed.status_code == 201 and filed.json()["status"] == "filed"
        claim_url = f"/v1/insurance-claims/{filed.json()['id']}/decision"
        early = await api.post(claim_url, json={"action": "pay", "paid_fen": 100}, headers=officer)
        assert early.status_code == 409
        assert (await api.post(claim_url, json={"action": "review"}, headers=officer)).json()[
            "status"
        ] == "under_review"
        settled = await api.post(claim_url, json={"action": "pay", "paid_fen": 8_000_00}, headers=officer)
        assert settled.status_code == 200 and (settled.json()["status"], settled.json()["paid_fen"]) == (
            "paid",
            8_000_00,
        )
        assert (await api.post(claim_url, json={"action": "review"}, headers=officer)).status_code == 409

        second = await api.post(
            claims_url,
            headers=officer,
            json={"member_id": str(women[1].member_id), "claimed_fen": 2_000_00, "description": "门诊"},
        )
        second_url = f"/v1/insurance-claims/{second.json()['id']}/decision"
        assert (await api.post(second_url, json={"action": "reject"}, headers=officer)).status_code == 422
        rejected = await api.post(second_url, json={"action": "reject", "reason": "门诊不在保障范围"}, headers=officer)
        assert (rejected.json()["status"], rejected.json()["reason"]) == ("rejected", "门诊不在保障范围")

        listed = (await api.get(claims_url, headers=bearer(Role.AUDITOR, federation, federation))).json()
        assert sorted(c["status"] for c in listed) == ["paid", "rejected"]
        assert listed[0]["updated_at"].endswith("+08:00")
        assert await _count(welfare, insurance_claims) == 2


async def test_a_health_check_is_cancelled_and_its_reservation_released(build_service):
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
            name="实验小学工会",
            kind="grassroots_union",
            parent_id=federation,
            path=[federation, school],
        ),
    ]
    await deliver(
        welfare, [*setup, joined(federation, school, "甲", "female"), joined(federation, school, "乙", "male")]
    )
    await deliver(finance, setup)
    officer = bearer(Role.UNION_OFFICER, school, federation)
    async with (
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(welfare)), base_url="http://w", timeout=30
        ) as api,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(finance)), base_url="http://f", timeout=30
        ) as fi,
    ):
        await fi.post(
            f"/v1/organizations/{school}/employer-funds",
            json={"amount_fen": 1_000_00, "received_on": dt.date.today().isoformat()},
            headers=officer,
        )
        await eventually(lambda: _bank(finance, school, 1_000_00), timeout=60)
        created = await api.post(
            f"/v1/organizations/{school}/welfare-campaigns",
            headers=officer,
            json={"kind": "health_check", "title": "2026年度教职工体检", "cost_per_member_fen": 300_00},
        )
        assert created.status_code == 201 and created.json()["enrolled"] == 2
        url = f"/v1/welfare-campaigns/{created.json()['id']}"
        await eventually(lambda: _money_status(api, url, officer, "reserved"), timeout=60)
        cancelled = await api.post(f"{url}/cancellation", json={"reason": "医院改期"}, headers=officer)
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        await eventually(lambda: _money_status(api, url, officer, "voided"), timeout=60)
        assert (
            await api.post(
                f"{url}/payment", headers=officer, json={"amount_fen": 100, "paid_on": "2026-12-01", "description": "x"}
            )
        ).status_code == 409
        assert (await balances(finance, school)).get("5101", 0) == 0


async def _money_status(api, url, headers, status) -> bool:
    return (await api.get(url, headers=headers)).json()["money_status"] == status


async def _bank(finance, school, amount_fen) -> bool:
    return (await balances(finance, school)).get("1001") == amount_fen


async def _count(runtime, table) -> int:
    async with runtime.session_factory() as session:
        return await session.scalar(select(func.count()).select_from(table))
