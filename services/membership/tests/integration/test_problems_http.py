"""Membership's refusals leave as RFC 9457 problems: a stable code, Chinese by default, English on request."""

import httpx
import pytest

from tests.pytest_infra import bearer, unique
from unionfed_membership.entrypoints.app import definition
from unionfed_membership.service_layer import commands, founding
from unionfed_shared.auth import Role, platform_admin
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration


@pytest.fixture
async def school(build_service):
    runtime = await build_service(definition)
    county, school, elsewhere = unique("county"), unique("school"), unique("county")
    async with runtime.uow() as uow:
        await founding.found_federation(
            uow, platform_admin("ops"), commands.FoundFederation(id=county, name="某县教育工会")
        )
        await founding.found_federation(
            uow, platform_admin("ops"), commands.FoundFederation(id=elsewhere, name="另一县教育工会")
        )
    admin = bearer(Role.FEDERATION_ADMIN, county, county, "admin-wang")
    transport = httpx.ASGITransport(app=create_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://membership") as api:
        body = {"id": school, "name": "第一小学工会", "kind": "grassroots_union", "parent_id": county}
        created = await api.post("/v1/organizations", json=body, headers=admin)
        assert created.status_code == 201, created.text
        yield api, admin, county, school, elsewhere


async def test_a_refusal_has_its_code_in_chinese_by_default_and_in_english_on_request(school):
    api, admin, county, union, _ = school
    body = {"id": union, "name": "第一小学工会", "kind": "grassroots_union", "parent_id": county}
    chinese = await api.post("/v1/organizations", json=body, headers=admin)
    english = await api.post("/v1/organizations", json=body, headers={**admin, "Accept-Language": "en"})
    for answer in (chinese, english):
        assert answer.status_code == 409
        assert answer.headers["content-type"] == "application/problem+json"
        problem = answer.json()
        assert problem["type"] == "urn:unionfed:problem:conflict" and problem["status"] == 409
        assert problem["code"] == "organization_already_exists" and problem["instance"] == "/v1/organizations"
    assert chinese.headers["content-language"] == "zh-CN" and chinese.json()["title"] == "与现有数据冲突"
    assert chinese.json()["detail"] == f"组织 {union} 已存在"
    assert english.headers["content-language"] == "en"
    assert english.json()["detail"] == f"organization {union} already exists"


async def test_another_federations_organization_is_not_found_under_one_code(school):
    api, admin, _, _, elsewhere = school
    answer = await api.get(f"/v1/organizations/{elsewhere}", headers=admin)
    assert answer.status_code == 404 and answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "organization_not_found"
    assert answer.json()["detail"] == "未找到该组织，或该组织不在您的管理范围内"


async def test_a_month_out_of_range_is_a_422_naming_the_parameter_not_a_500(school):
    api, admin, _, union, _ = school
    for period in ("0000-01", "2026-13", "november"):
        answer = await api.get(f"/v1/organizations/{union}/dues", params={"period": period}, headers=admin)
        assert answer.status_code == 422, (period, answer.text)
        problem = answer.json()
        assert problem["code"] == "request_validation"
        assert problem["errors"] == [
            {
                "in": "query",
                "name": "period",
                "code": "period_invalid",
                "detail": "会费月份须为 YYYY-MM 格式，且在 1900-01 至 2999-12 之间",
            }
        ]
    english = await api.get(
        f"/v1/organizations/{union}/dues-arrears",
        params={"through": "0000-01"},
        headers={**admin, "Accept-Language": "en"},
    )
    assert english.status_code == 422
    assert english.json()["errors"][0]["detail"] == "a period is a month YYYY-MM from 1900-01 to 2999-12"


async def test_fastapi_validation_of_a_body_points_at_each_field(school):
    api, admin, _, union, _ = school
    answer = await api.post(
        f"/v1/organizations/{union}/members",
        json={"gender": "robot", "joined_on": "2020-09-01"},
        headers=admin,
    )
    assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["code"] == "request_validation" and problem["type"] == "urn:unionfed:problem:invalid"
    by_pointer = {error["pointer"]: error for error in problem["errors"]}
    assert set(by_pointer) == {"#/display_name", "#/gender"}
    assert by_pointer["#/display_name"]["code"] == "missing" and by_pointer["#/display_name"]["in"] == "body"
    assert "display_name" in problem["detail"]

    dues = {"member_id": "00000000-0000-4000-8000-000000000000", "period": "0000-01", "amount_fen": 2150}
    refused = await api.post(f"/v1/organizations/{union}/dues-payments", json=dues, headers=admin)
    assert refused.status_code == 422
    assert [(e["pointer"], e["code"]) for e in refused.json()["errors"]] == [("#/period", "period_invalid")]
