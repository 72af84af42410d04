"""Welfare's refusals over HTTP on real PostgreSQL: RFC 9457 problems with a stable code, in Chinese
unless the caller asks for English, and field errors that point at the field at fault."""

import uuid

import httpx
import pytest
from sqlalchemy import func, select

from tests.factories import school_events
from tests.kafka_tools import deliver
from tests.pytest_infra import bearer
from unionfed_shared.auth import Role
from unionfed_shared.http import create_app
from unionfed_welfare.adapters.campaign_tables import donation_drives, donations
from unionfed_welfare.entrypoints.app import definition as welfare_definition

pytestmark = pytest.mark.integration

ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}
OPEN = {
    "level": "hardship",
    "cause": "child_schooling",
    "cause_detail": "two children at university",
    "opened_on": "2026-03-02",
}


@pytest.fixture
async def welfare(build_service):
    runtime = await build_service(welfare_definition, start=False)
    federation, school = f"county-{uuid.uuid4().hex[:10]}", f"school-{uuid.uuid4().hex[:10]}"
    member, setup = school_events(federation, school)
    await deliver(runtime, setup)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(runtime)), base_url="http://welfare"
    ) as api:
        yield runtime, api, federation, school, member


async def test_a_refusal_is_a_problem_with_its_code_in_chinese_by_default_and_in_english_on_request(welfare):
    _, api, federation, school, member = welfare
    admin = bearer(Role.FEDERATION_ADMIN, federation, federation)
    policy = {"amounts_fen": {"hospitalised": 500_00}, "yearly_cap_fen": 1_000_00}

    # The policy is the federation's: set on a school below it, it is refused by the rule, in words.
    chinese = await api.put(f"/v1/federations/{school}/visit-policy", json=policy, headers=admin)
    assert chinese.status_code == 422, chinese.text
    assert chinese.headers["content-type"] == "application/problem+json"
    assert chinese.headers["content-language"] == "zh-CN"
    body = chinese.json()
    assert body["type"] == "urn:unionfed:problem:invalid" and body["title"] == "请求内容无效"
    assert body["code"] == "not_a_federation" and body["status"] == 422
    assert body["detail"] == f"{school} 不是最上级的联合会，慰问标准由联合会设定", body["detail"]
    assert body["instance"] == f"/v1/federations/{school}/visit-policy"

    english = await api.put(f"/v1/federations/{school}/visit-policy", json=policy, headers={**admin, **ENGLISH})
    assert english.status_code == 422 and english.headers["content-language"] == "en"
    assert english.json()["code"] == "not_a_federation"
    assert english.json()["detail"] == f"{school} is not a federation at the root of its tree"
    assert english.json()["title"] == "The request is not valid"

    # An unknown visit type is now refused by the document's enum, as a field error.
    unknown = {"amounts_fen": {"hospitalised": 500_00, "picnic": 100_00}, "yearly_cap_fen": 1_000_00}
    field = await api.put(f"/v1/federations/{federation}/visit-policy", json=unknown, headers=admin)
    assert field.status_code == 422 and field.json()["code"] == "request_validation"
    assert [error["pointer"] for error in field.json()["errors"]] == ["#/amounts_fen/picnic/[key]"], field.text

    nothing = await api.get(f"/v1/federations/{federation}/visit-policy", headers=admin)
    assert nothing.status_code == 404 and nothing.json()["code"] == "visit_policy_not_found", "nothing was stored"

    # A conflict says which file is in the way, in either language.
    officer = bearer(Role.WELFARE_OFFICER, school, federation)
    url = f"/v1/organizations/{school}/hardship-files"
    opened = await api.post(url, json={**OPEN, "member_id": str(member)}, headers=officer)
    assert opened.status_code == 201, opened.text
    again = await api.post(url, json={**OPEN, "member_id": str(member)}, headers=officer)
    assert again.status_code == 409 and again.json()["code"] == "hardship_file_already_open"
    assert again.json()["detail"] == f"该会员已有在档的困难职工档案 {opened.json()['id']}"
    again_en = await api.post(url, json={**OPEN, "member_id": str(member)}, headers={**officer, **ENGLISH})
    assert again_en.json()["detail"] == f"the member already has an open hardship file {opened.json()['id']}"


async def test_a_cross_field_rule_answers_a_field_error_with_its_own_code_and_pointer(welfare):
    runtime, api, federation, school, member = welfare
    officer = bearer(Role.UNION_OFFICER, school, federation)
    code = f"li-{uuid.uuid4().hex[:8]}"
    drive = await api.post(
        f"/v1/organizations/{school}/donation-drives",
        json={"code": code, "title": "为李老师献爱心", "beneficiary_member_id": str(member)},
        headers=officer,
    )
    assert drive.status_code == 201, drive.text
    gift = {"amount_fen": 100_00, "received_on": "2026-11-20", "anonymous": True, "donor": "张老师"}

    chinese = await api.post(f"/v1/donation-drives/{code}/donations", json=gift, headers=officer)
    assert chinese.status_code == 422, chinese.text
    assert chinese.headers["content-type"] == "application/problem+json"
    assert chinese.json()["code"] == "request_validation"
    assert chinese.json()["errors"] == [
        {"in": "body", "pointer": "#/donor", "code": "anonymous_donation_names_donor", "detail": "匿名捐款不填写捐款人"}
    ]

    english = await api.post(f"/v1/donation-drives/{code}/donations", json=gift, headers={**officer, **ENGLISH})
    assert english.json()["errors"] == [
        {
            "in": "body",
            "pointer": "#/donor",
            "code": "anonymous_donation_names_donor",
            "detail": "an anonymous donation names no donor",
        }
    ]

    unnamed = await api.post(
        f"/v1/donation-drives/{code}/donations", json={**gift, "anonymous": False, "donor": None}, headers=officer
    )
    assert [(e["pointer"], e["code"]) for e in unnamed.json()["errors"]] == [("#/donor", "donor_missing")]
    async with runtime.session_factory() as session:
        recorded = await session.scalar(
            select(func.count()).select_from(donations.join(donation_drives)).where(donation_drives.c.code == code)
        )
    assert recorded == 0, "a refused donation records nothing"
