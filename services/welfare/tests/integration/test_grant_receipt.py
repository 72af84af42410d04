"""A grant's 慰问金（品）领取单 (`GET /v1/grants/{id}?format=pdf`) read back from the PDF with pypdf.

A teacher of a school's union group in hospital is visited by the school with 376.55 yuan and a
fruit basket worth 123.45: the slip names her and her own union (the group), the paying union (the
school), the occasion and its date, the money in figures and in
capitals, the goods with their value, the total, the state, and the three signature lines. The
same scope as the JSON: an officer of another school is answered 404, a member 403.
"""

import io
import uuid
from urllib.parse import quote

import httpx
import pypdf
import pytest

from tests.factories import member, organization
from tests.kafka_tools import deliver
from tests.pytest_infra import bearer
from unionfed_shared.auth import Role
from unionfed_shared.http import create_app
from unionfed_welfare.entrypoints.app import definition

pytestmark = pytest.mark.integration

SCHOOL_NAME = "城关第一小学工会"
GROUP_NAME = "语文教研组工会小组"
POLICY = {"amounts_fen": {"hospitalised": 500_00, "wedding": 300_00}, "yearly_cap_fen": 3000_00}


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
async def granted(build_service):
    welfare = await build_service(definition, start=False)
    federation, school, group, other = (f"{p}-{uuid.uuid4().hex[:10]}" for p in ("county", "school", "group", "other"))
    teacher = member(federation, group, "王芳")
    await deliver(
        welfare,
        [
            organization(federation, [federation], "federation", "县教育工会"),
            organization(federation, [federation, school], "grassroots_union", SCHOOL_NAME),
            organization(federation, [federation, school, group], "union_group", GROUP_NAME),
            organization(federation, [federation, other], "grassroots_union", "城关第二中学工会"),
            teacher,
        ],
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(welfare)), base_url="http://welfare", timeout=120
    ) as api:
        admin = bearer(Role.FEDERATION_ADMIN, federation, federation)
        policy = await api.put(f"/v1/federations/{federation}/visit-policy", json=POLICY, headers=admin)
        assert policy.status_code == 200, policy.text
        officer = bearer(Role.WELFARE_OFFICER, school, federation)
        recorded = await api.post(
            f"/v1/organizations/{school}/grants",
            json={
                "member_id": str(teacher.member_id),
                "visit_type": "hospitalised",
                "occasion_on": "2026-11-03",
                "occasion_ref": "住院号 2026-11873",
                "goods": [{"item": "水果篮", "quantity": 1, "unit": "个", "value_fen": 123_45}],
                "note": "县医院住院",
            },
            headers=officer,
        )
        assert recorded.status_code == 201, recorded.text
        yield api, f"/v1/grants/{recorded.json()['id']}", federation, school, other


async def test_the_receipt_names_the_member_and_writes_the_money_in_figures_and_capitals(granted):
    api, url, federation, school, _other = granted
    officer = bearer(Role.WELFARE_OFFICER, school, federation)
    answer = await api.get(url, params={"format": "pdf"}, headers=officer)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF-")
    assert answer.headers["content-disposition"].endswith(
        "filename*=UTF-8''" + quote("慰问金领取单-王芳-2026-11-03.pdf", safe="")
    )
    printed = pdf_text(answer.content)
    assert "慰问金（品）领取单" in printed
    assert f"发放单位：{SCHOOL_NAME}" in printed
    assert "姓名 王芳" in printed and f"所在工会 {GROUP_NAME}" in printed
    assert "慰问类型 住院慰问" in printed and "慰问日期 2026-11-03" in printed
    assert "事由 住院号 2026-11873" in printed
    # The policy's 500 yuan less the goods: 376.55 in cash, 500 in all.
    assert "慰问金（元） 376.55" in printed
    assert "慰问金（大写） 叁佰柒拾陆元伍角伍分" in printed
    assert "水果篮 1 个 123.45" in printed and "慰问品合计 123.45" in printed
    assert "合计（元） 500.00" in printed and "合计（大写） 伍佰元整" in printed
    assert "审批状态 等待财务预留" in printed, "finance has not reserved the money yet"
    assert "备注 县医院住院" in printed
    for label in ("领取人（签字）", "经办人（签字）", "审核人（签字）"):
        assert label in printed
    assert "第 1 页，共 1 页" in printed

    # The JSON answer of the same route is unchanged.
    grant = await api.get(url, headers=officer)
    assert grant.headers["content-type"] == "application/json"
    assert (grant.json()["member_name"], grant.json()["amount_fen"]) == ("王芳", 500_00)


async def test_the_receipt_is_printed_within_scope_and_role_only(granted):
    api, url, federation, school, other = granted
    outsider = await api.get(url, params={"format": "pdf"}, headers=bearer(Role.WELFARE_OFFICER, other, federation))
    assert outsider.status_code == 404, outsider.text
    assert outsider.json()["code"] == "grant_not_found"
    member_ = await api.get(url, params={"format": "pdf"}, headers=bearer(Role.MEMBER, school, federation))
    assert member_.status_code == 403, member_.text
    county = await api.get(url, params={"format": "pdf"}, headers=bearer(Role.FEDERATION_ADMIN, federation, federation))
    assert county.status_code == 200 and county.content.startswith(b"%PDF-")
