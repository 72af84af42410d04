"""The welfare report and the grants list downloaded as .xlsx and read back with openpyxl.

Headers in Chinese unless the caller asks for English, money in yuan as numbers equal to the
JSON's fen / 100, members and unions by name, the whole filtered list however it is paged, and
the same refusal as the JSON outside the caller's scope.
"""

import datetime as dt
import io
import uuid
from urllib.parse import unquote

import httpx
import pytest
from openpyxl import load_workbook

from tests.factories import school_events
from tests.kafka_tools import envelope_for
from tests.pytest_infra import bearer
from unionfed_shared.auth import Role
from unionfed_shared.contracts import topics
from unionfed_shared.contracts.membership import MemberJoinedV1, OrganizationRegisteredV1
from unionfed_shared.documents.spreadsheet import MEDIA_TYPE
from unionfed_shared.http import create_app
from unionfed_shared.messaging.consumer import IncomingMessage
from unionfed_welfare.entrypoints.app import definition as welfare_definition

pytestmark = pytest.mark.integration

_offsets = iter(range(10**9))
POLICY = {
    "amounts_fen": {
        "hospitalised": 500_00,
        "wedding": 300_00,
        "funeral": 500_00,
        "childbirth": 300_00,
        "retirement": 400_00,
        "major_hardship": 2000_00,
    },
    "yearly_cap_fen": 5000_00,
}


@pytest.fixture
async def welfare(build_service):
    runtime = await build_service(welfare_definition, start=False)
    federation, school, other = (
        f"county-{uuid.uuid4().hex[:10]}",
        f"school-{uuid.uuid4().hex[:10]}",
        f"school-{uuid.uuid4().hex[:10]}",
    )
    member, setup = school_events(federation, school)
    second = uuid.uuid4()
    setup += [
        MemberJoinedV1(
            organization_id=school,
            federation_id=federation,
            member_id=second,
            display_name="王芳",
            gender="female",
            joined_on=dt.date(2019, 9, 1),
        ),
        OrganizationRegisteredV1(
            organization_id=other,
            federation_id=federation,
            name="No. 2 Middle",
            kind="grassroots_union",
            parent_id=federation,
            path=[federation, other],
        ),
    ]
    for event in setup:
        envelope = envelope_for(event)
        await runtime.consumer.handle(
            IncomingMessage(
                topics.MEMBERSHIP,
                0,
                next(_offsets),
                envelope.key,
                envelope.data,
                tuple((k, v.encode()) for k, v in envelope.headers().items()),
            )
        )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(runtime)), base_url="http://welfare"
    ) as api:
        admin = bearer(Role.FEDERATION_ADMIN, federation, federation)
        policy = await api.put(f"/v1/federations/{federation}/visit-policy", json=POLICY, headers=admin)
        assert policy.status_code == 200, policy.text
        yield api, federation, school, other, member, second


def sheet_of(answer: httpx.Response) -> list[tuple]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == MEDIA_TYPE
    return list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))


def yuan(fen: int) -> float:
    """What Excel reads: the yuan as a number (openpyxl reads it back as a float)."""
    return fen / 100


async def test_the_grants_list_downloads_whole_with_names_and_yuan_and_the_report_with_its_totals(welfare):
    api, federation, school, _other, li_hua, wang_fang = welfare
    officer = bearer(Role.WELFARE_OFFICER, school, federation)
    grants = [
        {
            "member_id": str(li_hua),
            "visit_type": "hospitalised",
            "occasion_on": "2026-11-03",
            "occasion_ref": "住院号 7",
            "goods": [{"item": "水果篮", "quantity": 1, "unit": "个", "value_fen": 123_45}],
        },
        {"member_id": str(wang_fang), "visit_type": "wedding", "occasion_on": "2026-11-05"},
        {"member_id": str(wang_fang), "visit_type": "childbirth", "occasion_on": "2026-11-20", "money_fen": 250_50},
    ]
    for body in grants:
        recorded = await api.post(f"/v1/organizations/{school}/grants", json=body, headers=officer)
        assert recorded.status_code == 201, recorded.text

    # JSON, a page of one at a time; the sheet ignores paging and holds every grant, in the same order.
    pages, cursor = [], None
    while True:
        page = await api.get(
            f"/v1/organizations/{school}/grants",
            params={"limit": 1, **({"cursor": cursor} if cursor else {})},
            headers=officer,
        )
        assert page.status_code == 200, page.text
        pages += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    assert len(pages) == 3
    answer = await api.get(f"/v1/organizations/{school}/grants", params={"format": "xlsx", "limit": 1}, headers=officer)
    header, *rows = sheet_of(answer)
    assert "filename*=UTF-8''" in answer.headers["content-disposition"]
    assert unquote(answer.headers["content-disposition"].split("filename*=UTF-8''")[1]) == "慰问记录-No. 1 Primary.xlsx"
    assert header == (
        "慰问日期",
        "会员",
        "所属工会",
        "慰问类型",
        "事由",
        "现金（元）",
        "物品（元）",
        "合计（元）",
        "状态",
        "发放日期",
        "备注",
    )
    assert [(r[0].date(), r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]) for r in rows] == [
        (
            dt.date.fromisoformat(g["occasion_on"]),
            g["member_name"],
            "No. 1 Primary",
            g["visit_label"],
            g["occasion_ref"] or None,
            yuan(g["money_fen"]),
            yuan(g["goods_fen"]),
            yuan(g["amount_fen"]),
            "等待财务预留",
        )
        for g in pages
    ]
    assert [r[1] for r in rows] == ["Li Hua", "王芳", "王芳"]
    assert rows[0][5:8] == (376.55, 123.45, 500), "the standard 500 less the goods"

    # The filter applies to the sheet as to the list.
    only_wang = await api.get(
        f"/v1/organizations/{school}/grants",
        params={"format": "xlsx", "member_id": str(wang_fang), "visit_type": "childbirth"},
        headers={**officer, "Accept-Language": "en"},
    )
    header, *rows = sheet_of(only_wang)
    assert header[:4] == ("Occasion on", "Member", "Union", "Visit")
    assert [(r[1], r[3], r[7], r[8]) for r in rows] == [("王芳", "Childbirth grant", 250.5, "Awaiting finance")]

    period = {"from": "2026-11-01", "to": "2026-11-30"}
    report = await api.get(f"/v1/organizations/{school}/welfare-report", params=period, headers=officer)
    assert report.status_code == 200, report.text
    answer = await api.get(
        f"/v1/organizations/{school}/welfare-report", params={**period, "format": "xlsx"}, headers=officer
    )
    assert (
        unquote(answer.headers["content-disposition"].split("filename*=UTF-8''")[1])
        == "福利报表-2026-11-01-2026-11-30.xlsx"
    )
    header, *rows = sheet_of(answer)
    assert header == (
        "工会",
        "慰问类型",
        "慰问次数",
        "慰问金额（元）",
        "已发放笔数",
        "已发放金额（元）",
        "其中现金（元）",
        "其中物品（元）",
    )
    lines = report.json()["grants"]
    assert [(r[0], r[1], r[2], r[3]) for r in rows[: len(lines)]] == [
        ("No. 1 Primary", line["visit_label"], line["visits"], yuan(line["granted_fen"])) for line in lines
    ]
    totals = report.json()["totals"]
    assert rows[len(lines)][0] == "合计"
    assert rows[len(lines)][2:4] == (totals["visits"], yuan(totals["granted_fen"])) == (3, 1050.5)
    assert rows[len(lines) + 1][0] == "福利支出（账簿 5101）"


async def test_a_sheet_outside_the_scope_is_refused_as_the_json_is(welfare):
    api, federation, school, other, _li_hua, _wang_fang = welfare
    stranger = bearer(Role.WELFARE_OFFICER, other, federation)
    for path, params in (
        (f"/v1/organizations/{school}/grants", {}),
        (f"/v1/organizations/{school}/welfare-report", {"from": "2026-11-01", "to": "2026-11-30"}),
    ):
        as_json = await api.get(path, params=params, headers=stranger)
        as_sheet = await api.get(path, params={**params, "format": "xlsx"}, headers=stranger)
        assert as_json.status_code == as_sheet.status_code == 404
        assert as_json.json()["code"] == as_sheet.json()["code"] == "organization_not_found"
        assert as_sheet.headers["content-type"].startswith("application/problem+json")
