"""The festival greeting's 签收单 (`…/recipients?format=pdf`) read back from the PDF with pypdf.

Four women of a school and one of its union group are greeted with 200 yuan each; one of them is
skipped (she left) and one refused by finance. The sheet lists all five with their union, the
paid or payable ones with their amount, and totals only those.
"""

import io
import re
import uuid
from urllib.parse import quote

import httpx
import pypdf
import pytest
from sqlalchemy import update

from tests.factories import member, organization
from tests.kafka_tools import deliver
from tests.pytest_infra import bearer
from unionfed_shared.auth import Role
from unionfed_shared.http import create_app
from unionfed_welfare.adapters.campaign_tables import greeting_recipients
from unionfed_welfare.entrypoints.app import definition

pytestmark = pytest.mark.integration

SCHOOL_NAME = "城关第一小学工会"
GROUP_NAME = "语文教研组工会小组"


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
async def greeted(build_service):
    welfare = await build_service(definition, start=False)
    federation, school, group, other = (f"{p}-{uuid.uuid4().hex[:10]}" for p in ("county", "school", "group", "other"))
    members = {name: member(federation, school, name) for name in ("王芳", "李娜", "张敏", "刘洋")}
    members["周静"] = member(federation, group, "周静")
    await deliver(
        welfare,
        [
            organization(federation, [federation], "federation", "县教育工会"),
            organization(federation, [federation, school], "grassroots_union", SCHOOL_NAME),
            organization(federation, [federation, school, group], "union_group", GROUP_NAME),
            organization(federation, [federation, other], "grassroots_union", "城关第二中学工会"),
            *members.values(),
        ],
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(welfare)), base_url="http://welfare", timeout=120
    ) as api:
        officer = bearer(Role.WELFARE_OFFICER, school, federation)
        created = await api.post(
            f"/v1/organizations/{school}/festival-greetings",
            json={"festival": "womens_day", "amount_fen": 200_00, "paid_on": "2027-03-08"},
            headers=officer,
        )
        assert created.status_code == 202, created.text
        batch_id = created.json()["id"]
        # The states a run through finance would leave (the run itself is test_greetings_http's).
        outcomes = {"王芳": "paid", "李娜": "paid", "张敏": "skipped", "刘洋": "refused", "周静": "pay_requested"}
        async with welfare.session_factory() as session:
            for name, outcome in outcomes.items():
                await session.execute(
                    update(greeting_recipients)
                    .where(
                        greeting_recipients.c.batch_id == uuid.UUID(batch_id),
                        greeting_recipients.c.member_id == members[name].member_id,
                    )
                    .values(status=outcome)
                )
            await session.commit()
        yield api, f"/v1/organizations/{school}/festival-greetings/{batch_id}/recipients", federation, school, other


async def test_the_sign_sheet_lists_every_recipient_with_union_amount_and_the_paid_total(greeted):
    api, url, federation, school, _other = greeted
    answer = await api.get(url, params={"format": "pdf"}, headers=bearer(Role.WELFARE_OFFICER, school, federation))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"].endswith(
        "filename*=UTF-8''" + quote(f"三八妇女节慰问签收单-{SCHOOL_NAME}.pdf", safe="")
    )
    printed = pdf_text(answer.content)
    assert "三八妇女节慰问签收单" in printed
    assert f"发放单位：{SCHOOL_NAME}" in printed and "发放日期：2027-03-08" in printed
    lines = printed.splitlines()

    def row_of(name: str) -> str:
        [line] = [line for line in lines if name in line]
        return line

    for name in ("王芳", "李娜"):
        assert re.search(rf"{SCHOOL_NAME} {name} 200\.00 已发放", row_of(name)), row_of(name)
    assert re.search(rf"{GROUP_NAME} 周静 200\.00 发放中", row_of("周静")), row_of("周静")
    assert "张敏 — 未发放（不符合条件）" in row_of("张敏")
    assert "刘洋 — 未发放（财务未拨付）" in row_of("刘洋")
    # Three paid or being paid: 600 yuan; the two not paid are out of the total.
    assert "合计：3 人 600.00" in printed
    assert "签名" in printed and "经办人（签字）" in printed and "审核人（签字）" in printed
    assert "第 1 页，共 1 页" in printed

    # The JSON answer of the same route is unchanged: a page of recipients.
    page = await api.get(url, headers=bearer(Role.WELFARE_OFFICER, school, federation))
    assert page.headers["content-type"] == "application/json"
    assert sorted(r["display_name"] for r in page.json()["items"]) == sorted(["王芳", "李娜", "张敏", "刘洋", "周静"])


async def test_the_sign_sheet_is_printed_within_scope_and_role_only(greeted):
    api, url, federation, school, other = greeted
    outsider = await api.get(url, params={"format": "pdf"}, headers=bearer(Role.WELFARE_OFFICER, other, federation))
    assert outsider.status_code == 404, outsider.text
    assert outsider.json()["code"] == "greeting_not_found"
    member = await api.get(url, params={"format": "pdf"}, headers=bearer(Role.MEMBER, school, federation))
    assert member.status_code == 403, member.text
    county = await api.get(url, params={"format": "pdf"}, headers=bearer(Role.FEDERATION_ADMIN, federation, federation))
    assert county.status_code == 200 and county.content.startswith(b"%PDF")
