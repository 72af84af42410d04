"""The street federation's register of enterprises, founding unions from it and collective
contracts over HTTP on real PostgreSQL: the routes answer in scope, the union goes out as an
``organization_registered`` event through the outbox, and a refusal writes nothing."""

import datetime as dt
import io
import json
from urllib.parse import unquote

import httpx
import openpyxl
import pytest
from sqlalchemy import func, select

from tests.pytest_infra import bearer, unique
from unionfed_membership.adapters.enterprise_tables import collective_contracts, enterprises
from unionfed_membership.adapters.tables import organizations, outbox
from unionfed_membership.domain.enterprises import credit_code_check_character
from unionfed_membership.entrypoints.app import definition
from unionfed_membership.service_layer import commands, founding
from unionfed_shared import business_time
from unionfed_shared.auth import Role, platform_admin
from unionfed_shared.contracts.membership import OrganizationRegisteredV1
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration


def code(n: int) -> str:
    body = f"91310115MA1K3Y{n:03d}"
    return body + credit_code_check_character(body)


@pytest.fixture
async def street(build_service):
    runtime = await build_service(definition)
    street, elsewhere = unique("street"), unique("street")
    async with runtime.uow() as uow:
        await founding.found_federation(
            uow, platform_admin("ops"), commands.FoundFederation(id=street, name="某街道总工会")
        )
    async with runtime.uow() as uow:
        await founding.found_federation(
            uow, platform_admin("ops"), commands.FoundFederation(id=elsewhere, name="另一街道总工会")
        )
    admin = bearer(Role.FEDERATION_ADMIN, street, street, "admin-zhao")
    transport = httpx.ASGITransport(app=create_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://membership", timeout=20) as api:
        yield runtime, api, admin, street, elsewhere


async def count(runtime, table) -> int:
    async with runtime.session_factory() as session:
        return await session.scalar(select(func.count()).select_from(table))


async def test_register_found_sign_renew_and_roll_up(street):
    runtime, api, admin, street_id, _ = street
    made = []
    for n, (name, workers) in enumerate((("甲公司", 120), ("乙公司", 30), ("丙公司", 8))):
        answer = await api.post(
            f"/v1/organizations/{street_id}/enterprises",
            json={"name": name, "credit_code": code(n), "workers": workers},
            headers=admin,
        )
        assert answer.status_code == 201, answer.text
        made.append(answer.json())
    jia, yi, _ = made
    should = await api.get(f"/v1/organizations/{street_id}/enterprises/should-found", headers=admin)
    assert {e["name"] for e in should.json()} == {"甲公司", "乙公司"}  # in the database's collation order
    high = await api.get(
        f"/v1/organizations/{street_id}/enterprises/should-found", params={"threshold": 50}, headers=admin
    )
    assert [e["name"] for e in high.json()] == ["甲公司"]

    union = unique("jia-union")
    founded = await api.post(
        f"/v1/enterprises/{jia['id']}/union",
        json={"union_id": union, "union_name": "甲公司工会", "founded_on": "2026-03-08"},
        headers=admin,
    )
    assert founded.status_code == 201, founded.text
    assert (founded.json()["union_id"], founded.json()["union_founded_on"]) == (union, "2026-03-08")
    async with runtime.session_factory() as session:
        path = await session.scalar(select(organizations.c.path).where(organizations.c.id == union))
        payloads = (
            await session.scalars(
                select(outbox.c.payload).where(outbox.c.event_type == OrganizationRegisteredV1.event_type)
            )
        ).all()
    assert path == [street_id, union]
    assert sum(1 for p in payloads if json.loads(p)["organization_id"] == union) == 1
    foundings = await api.get(
        f"/v1/organizations/{street_id}/union-foundings",
        params={"from": "2026-01-01", "to": "2026-12-31"},
        headers=admin,
    )
    assert foundings.status_code == 200, foundings.text
    assert (foundings.json()["founded"], foundings.json()["from"]) == (1, "2026-01-01")
    with_union = await api.get(f"/v1/organizations/{street_id}/enterprises", params={"union": "with"}, headers=admin)
    assert [e["name"] for e in with_union.json()] == ["甲公司"]

    today = business_time.today(business_time.DEFAULT_ZONE)
    wage = {
        "kind": "wage",
        "employer_party": "甲公司",
        "union_party": "甲公司工会",
        "signed_on": (today - dt.timedelta(days=300)).isoformat(),
        "valid_from": (today - dt.timedelta(days=300)).isoformat(),
        "valid_until": (today + dt.timedelta(days=10)).isoformat(),
        "workers_covered": 120,
        "negotiation": {"rounds": 3, "wage_increase_per_mille": 45},
        "filed_on": (today - dt.timedelta(days=290)).isoformat(),
    }
    signed = await api.post(f"/v1/enterprises/{jia['id']}/collective-contracts", json=wage, headers=admin)
    assert signed.status_code == 201, signed.text
    assert signed.json()["negotiation"] == {"rounds": 3, "wage_increase_per_mille": 45}
    expiring = await api.get(
        f"/v1/organizations/{street_id}/collective-contracts/expiring", params={"within_days": 30}, headers=admin
    )
    assert [(c["id"], c["enterprise_name"]) for c in expiring.json()["contracts"]] == [(signed.json()["id"], "甲公司")]

    rollup = await api.get(f"/v1/organizations/{street_id}/collective-contracts/rollup", headers=admin)
    assert rollup.status_code == 200, rollup.text
    figures = {k["kind"]: k for k in rollup.json()["by_kind"]}
    assert (rollup.json()["enterprises"], rollup.json()["with_union"], rollup.json()["twenty_plus"]) == (3, 1, 2)
    assert figures["wage"]["among_with_union"] == {"signed": 1, "of": 1, "per_mille": 1000, "percent": 100.0}
    assert figures["wage"]["among_twenty_plus"] == {"signed": 1, "of": 2, "per_mille": 500, "percent": 50.0}
    assert figures["wage"]["workers_covered"] == 120
    sheet = await api.get(
        f"/v1/organizations/{street_id}/collective-contracts/rollup", params={"format": "xlsx"}, headers=admin
    )
    assert sheet.status_code == 200, sheet.text
    assert unquote(sheet.headers["content-disposition"].split("filename*=UTF-8''")[1]) == (
        f"集体合同签订情况-某街道总工会-{rollup.json()['on']}.xlsx"
    )
    header, *lines = openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True)
    assert header[:4] == ("合同类别", "合同份数", "签订企业（家）", "覆盖职工（人）")
    wage_line = next(line for line in lines if line[0] == "工资专项集体合同")
    assert wage_line[1:] == (1, 1, 120, 1, 1, 100, 1, 2, 50)

    renewal = {
        **wage,
        "signed_on": today.isoformat(),
        "valid_from": (today + dt.timedelta(days=11)).isoformat(),
        "valid_until": (today + dt.timedelta(days=375)).isoformat(),
        "filed_on": None,
    }
    renewed = await api.post(f"/v1/collective-contracts/{signed.json()['id']}/renewal", json=renewal, headers=admin)
    assert renewed.status_code == 201, renewed.text
    listed = await api.get(f"/v1/enterprises/{jia['id']}/collective-contracts", headers=admin)
    old, new = listed.json()
    assert (old["replaced_by_id"], new["replaces_id"]) == (new["id"], old["id"])
    expiring = await api.get(f"/v1/organizations/{street_id}/collective-contracts/expiring", headers=admin)
    assert expiring.json()["contracts"] == []

    edited = await api.patch(f"/v1/enterprises/{yi['id']}", json={"workers": 19}, headers=admin)
    assert edited.status_code == 200 and edited.json()["workers"] == 19


async def test_scope_and_roles(street):
    _, api, admin, street_id, elsewhere = street
    registered = await api.post(
        f"/v1/organizations/{street_id}/enterprises",
        json={"name": "甲公司", "credit_code": code(1), "workers": 40},
        headers=admin,
    )
    enterprise = registered.json()["id"]
    foreign = bearer(Role.FEDERATION_ADMIN, elsewhere, elsewhere, "admin-other")
    for path in (f"/v1/enterprises/{enterprise}", f"/v1/enterprises/{enterprise}/collective-contracts"):
        answer = await api.get(path, headers=foreign)
        assert answer.status_code == 404 and answer.json()["code"] == "enterprise_not_found"
    answer = await api.get(f"/v1/organizations/{street_id}/enterprises", headers=foreign)
    assert answer.status_code == 404 and answer.json()["code"] == "organization_not_found"
    member = bearer(Role.MEMBER, street_id, street_id, "member-li")
    for answer in (
        await api.get(f"/v1/enterprises/{enterprise}", headers=member),
        await api.get(f"/v1/organizations/{street_id}/collective-contracts/rollup", headers=member),
        await api.patch(f"/v1/enterprises/{enterprise}", json={"workers": 1}, headers=member),
    ):
        assert answer.status_code == 403 and answer.json()["code"] == "role_not_allowed"
    auditor = bearer(Role.AUDITOR, street_id, street_id, "auditor-qian")
    assert (await api.get(f"/v1/enterprises/{enterprise}", headers=auditor)).status_code == 200
    assert (await api.patch(f"/v1/enterprises/{enterprise}", json={"workers": 1}, headers=auditor)).status_code == 403


async def test_bad_input_is_a_problem_with_a_stable_code_and_writes_nothing(street):
    runtime, api, admin, street_id, _ = street
    before = (
        await count(runtime, enterprises),
        await count(runtime, collective_contracts),
    )
    bad_code = code(1)[:17] + ("0" if code(1)[17] != "0" else "1")
    cases = [
        ({"name": "甲", "credit_code": bad_code, "workers": 40}, 422, "credit_code_invalid"),
        ({"name": "甲", "credit_code": code(1), "workers": -1}, 422, "request_validation"),
        ({"name": "甲", "credit_code": code(1), "workers": 40, "extra": 1}, 422, "request_validation"),
    ]
    for body, status, expected in cases:
        answer = await api.post(f"/v1/organizations/{street_id}/enterprises", json=body, headers=admin)
        assert answer.status_code == status, answer.text
        assert answer.headers["content-type"] == "application/problem+json" and answer.json()["code"] == expected
    jia = (
        await api.post(
            f"/v1/organizations/{street_id}/enterprises",
            json={"name": "甲", "credit_code": code(1), "workers": 40},
            headers=admin,
        )
    ).json()
    twice = await api.post(
        f"/v1/organizations/{street_id}/enterprises",
        json={"name": "甲二", "credit_code": code(1), "workers": 4},
        headers=admin,
    )
    assert twice.status_code == 409 and twice.json()["code"] == "credit_code_already_registered"
    refused_union = unique("refused-union")
    future = (business_time.today(business_time.DEFAULT_ZONE) + dt.timedelta(days=3)).isoformat()
    union = await api.post(
        f"/v1/enterprises/{jia['id']}/union",
        json={"union_id": refused_union, "union_name": "x", "founded_on": future},
        headers=admin,
    )
    assert union.status_code == 422 and union.json()["code"] == "founding_date_in_future"
    contract = {
        "kind": "comprehensive",
        "employer_party": "甲",
        "union_party": "甲工会",
        "signed_on": "2026-01-01",
        "valid_from": "2026-01-01",
        "valid_until": "2026-12-31",
        "workers_covered": 40,
    }
    no_union = await api.post(f"/v1/enterprises/{jia['id']}/collective-contracts", json=contract, headers=admin)
    assert no_union.status_code == 409 and no_union.json()["code"] == "enterprise_without_union"
    kind = await api.post(
        f"/v1/enterprises/{jia['id']}/collective-contracts", json={**contract, "kind": "other"}, headers=admin
    )
    assert kind.status_code == 422 and kind.json()["code"] == "request_validation"
    window = await api.get(
        f"/v1/organizations/{street_id}/collective-contracts/expiring", params={"within_days": 400}, headers=admin
    )
    assert window.status_code == 422 and window.json()["code"] == "request_validation"
    reversed_period = await api.get(
        f"/v1/organizations/{street_id}/union-foundings",
        params={"from": "2026-12-31", "to": "2026-01-01"},
        headers=admin,
    )
    assert reversed_period.status_code == 422 and reversed_period.json()["code"] == "period_reversed"
    after = (
        await count(runtime, enterprises),
        await count(runtime, collective_contracts),
    )
    assert after == (before[0] + 1, before[1])  # only the one good registration
    async with runtime.session_factory() as session:
        assert await session.scalar(select(organizations.c.id).where(organizations.c.id == refused_union)) is None
