"""Export layouts of statistics reports over HTTP on real PostgreSQL and Kafka: the county defines
its city's 工会统计月报 layout (versioned), a school's report and the county's roll-up are downloaded
in it and read back with openpyxl (title, header fields, numbered rows, 万元 rounded half up, a
percent, the footer); without a layout the form's own order as before; a layout of another kind or
unknown is refused; only the federation's administrators define one."""

import io
import uuid

import openpyxl
import pytest

from services.membership.tests.integration.test_statistics_reports_http import (  # noqa: F401  (the fixture)
    PERIOD,
    arrived,
    county,
    officer,
    publish,
    section_events,
)

pytestmark = pytest.mark.integration

LAYOUT = {
    "kind": "monthly",
    "key": "city-monthly",
    "title": "工会统计月报",
    "header": [
        {"label": "填报单位", "source": "organization"},
        {"label": "报告期", "source": "period"},
        {"label": "制表机关", "source": "text", "text": "某市总工会"},
        {"label": "联系电话", "source": "blank"},
    ],
    "rows": [
        {"kind": "heading", "label": "组织建设"},
        {"kind": "indicator", "code": "members", "label": "会员人数", "level": 2, "unit_label": "人"},
        {
            "kind": "indicator",
            "code": "members_women",
            "label": "其中：女会员",
            "level": 2,
            "numbered": False,
            "unit_label": "人",
        },
        {"kind": "derived", "label": "入会率", "level": 2, "terms": ["members", "-members_retired"], "per": ["staff"]},
        {"kind": "blank"},
        {"kind": "heading", "label": "经费收支"},
        {"kind": "indicator", "code": "income_dues_fen", "label": "会费收入", "level": 2},
        {"kind": "derived", "label": "收入合计", "level": 2, "terms": ["income_dues_fen", "income_employer_funds_fen"]},
    ],
    "footer": [
        {"label": "单位负责人", "source": "blank"},
        {"label": "填表人", "source": "blank"},
        {"label": "填报日期", "source": "today"},
    ],
    "money_unit": "wan_yuan",
    "money_decimals": 4,
}


def cells(response) -> openpyxl.worksheet.worksheet.Worksheet:
    assert response.status_code == 200, response.text
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


async def test_a_report_and_the_rollup_download_in_the_citys_layout(county, infra):  # noqa: F811
    runtime, api, admin, fed, schools = county
    school = schools[0]
    defined = await api.post(f"/v1/federations/{fed}/report-layouts", json=LAYOUT, headers=admin)
    assert defined.status_code == 201, defined.text
    assert [r["number"] for r in defined.json()["rows"]] == [
        "一、",
        "（一）",
        "",
        "（二）",
        "",
        "二、",
        "（一）",
        "（二）",
    ]
    again = await api.post(f"/v1/federations/{fed}/report-layouts", json={**LAYOUT, "money_decimals": 2}, headers=admin)
    assert again.json()["version"] == 2
    layout_id = defined.json()["id"]
    listed = await api.get(f"/v1/organizations/{school}/report-layouts", headers=officer(school, fed))
    assert [(x["key"], x["version"]) for x in listed.json()] == [("city-monthly", 2), ("city-monthly", 1)]

    bad = await api.post(
        f"/v1/federations/{fed}/report-layouts",
        json={**LAYOUT, "rows": [{"kind": "derived", "label": "x", "terms": ["members", "grants_fen"]}]},
        headers=admin,
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "report_layout_units_mixed")
    assert "金额" in bad.json()["detail"]
    by_school = await api.post(f"/v1/federations/{fed}/report-layouts", json=LAYOUT, headers=officer(school, fed))
    assert by_school.status_code in (403, 404)

    opened = await api.post(
        f"/v1/organizations/{school}/statistics-reports",
        json={"kind": "monthly", "period": PERIOD},
        headers=officer(school, fed),
    )
    assert opened.status_code == 201, opened.text
    # 1,250,040 fen of dues and 20 of employer funds: the total is rounded once, from the summed fen.
    events = section_events(opened.json(), fed)
    finance = events[2].model_copy(
        update={"figures": {**events[2].figures, "income_dues_fen": 1_250_040, "income_employer_funds_fen": 20}}
    )
    await publish(infra, [events[0], events[1], finance])
    report = await arrived(api, opened.json()["id"], admin)

    sheet = cells(
        await api.get(
            f"/v1/statistics-reports/{report['id']}",
            params={"format": "xlsx", "layout": layout_id},
            headers=officer(school, fed),
        )
    )
    assert sheet.title == "工会统计月报" and sheet["A1"].value == "工会统计月报" and "A1:D1" in sheet.merged_cells
    assert (sheet["A2"].value, sheet["C2"].value) == ("填报单位：第一小学", "报告期：2026年11月")
    assert sheet["A3"].value == "制表机关：某市总工会" and sheet["C3"].value.startswith("联系电话：")
    assert sheet["A4"].value == "金额单位：万元（四舍五入保留 4 位小数）"
    assert [c.value for c in sheet[5]] == ["序号", "项目", "计量单位", "本期数"]
    table = [[c.value for c in row] for row in sheet.iter_rows(min_row=6, max_row=13)]
    assert table == [
        ["一、", "组织建设", None, None],
        ["（一）", "会员人数", "人", 3],
        [None, "其中：女会员", "人", 2],
        ["（二）", "入会率", "%", 75],  # 3 working members of 4 staff
        [None, None, None, None],
        ["二、", "经费收支", None, None],
        ["（一）", "会费收入", "万元", 1.25],  # 1,250,040 fen: 1.25004 万元 → 1.2500
        ["（二）", "收入合计", "万元", 1.2501],  # 1,250,060 fen summed first: 1.25006 → 1.2501
    ]
    assert sheet["D12"].number_format == "#,##0.0000"
    assert sheet["A15"].value.startswith("单位负责人：") and sheet["A16"].value.startswith("填报日期：2026-")

    # Without a layout: the form's own order, as before; a layout of another kind or unknown is refused.
    plain = cells(await api.get(f"/v1/statistics-reports/{report['id']}", params={"format": "xlsx"}, headers=admin))
    assert [c.value for c in plain[1]] == ["指标代码", "指标名称", "数值", "单位", "来源/说明"]
    annual = await api.post(
        f"/v1/federations/{fed}/report-layouts", json={**LAYOUT, "kind": "annual", "key": "city-annual"}, headers=admin
    )
    wrong = await api.get(
        f"/v1/statistics-reports/{report['id']}",
        params={"format": "xlsx", "layout": annual.json()["id"]},
        headers=admin,
    )
    assert (wrong.status_code, wrong.json()["code"]) == (422, "report_layout_kind_mismatch")
    unknown = await api.get(
        f"/v1/statistics-reports/{report['id']}", params={"format": "xlsx", "layout": str(uuid.uuid4())}, headers=admin
    )
    assert (unknown.status_code, unknown.json()["code"]) == (404, "report_layout_not_found")

    # The roll-up in the same layout: the accepted report summed, 入会率 recomputed from the sums.
    submitted = await api.post(f"/v1/statistics-reports/{report['id']}/submission", headers=officer(school, fed))
    assert submitted.status_code == 200, submitted.text
    accepted = await api.post(f"/v1/statistics-reports/{report['id']}/acceptance", headers=admin)
    assert accepted.status_code == 200, accepted.text
    response = await api.get(
        f"/v1/organizations/{fed}/statistics-rollup",
        params={"kind": "monthly", "period": PERIOD, "format": "xlsx", "layout": again.json()["id"]},
        headers=admin,
    )
    assert "%E5%B7%A5%E4%BC%9A%E7%BB%9F%E8%AE%A1%E6%9C%88%E6%8A%A5" in response.headers["content-disposition"]
    rolled = cells(response)
    assert rolled["A2"].value == "填报单位：某县教育工会" and rolled["D5"].value == "汇总数"
    assert rolled["D7"].value == 3 and rolled["D9"].value == 75.0
    assert rolled["A4"].value == "金额单位：万元（四舍五入保留 2 位小数）" and rolled["D12"].value == 1.25
