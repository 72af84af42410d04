"""The year's student aid roll-up downloaded as .xlsx (`?format=xlsx` on its own GET route), read back
with openpyxl: a line per level and per kind of student and the total, the same figures as the JSON,
money in yuan; headers in Chinese unless the caller asks for English; the same refusal out of scope.

Through a running finance, so the sheet's paid column is money finance really posted.
"""

import datetime as dt
import io
import uuid
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from services.welfare.tests.integration.test_grants_money import fund
from services.welfare.tests.integration.test_outside_help_money import TODAY, becomes
from tests.kafka_tools import deliver
from tests.pytest_infra import bearer
from unionfed_shared.auth import Role
from unionfed_shared.contracts.membership import MemberJoinedV1
from unionfed_shared.documents.spreadsheet import MEDIA_TYPE

pytestmark = pytest.mark.integration


def sheet_of(answer) -> list[tuple]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == MEDIA_TYPE
    return list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))


def filename_of(answer) -> str:
    return unquote(answer.headers["content-disposition"].split("filename*=UTF-8''")[1])


async def test_the_years_student_aid_rollup_downloads_by_level_and_kind_with_the_jsons_figures(both):
    welfare, finance, api, finance_api, federation, school, other = both
    admin = bearer(Role.FEDERATION_ADMIN, federation, federation, "admin-street")
    officer = bearer(Role.WELFARE_OFFICER, school, federation, "officer-li")
    parent = uuid.uuid4()
    await deliver(
        welfare,
        [
            MemberJoinedV1(
                organization_id=school,
                federation_id=federation,
                member_id=parent,
                display_name="陈建国",
                gender="male",
                joined_on=dt.date(2015, 3, 1),
            )
        ],
    )
    await fund(finance_api, finance, federation, school, 10_000_00)
    scheme = await api.post(
        f"/v1/federations/{federation}/student-aid-schemes",
        json={
            "year": TODAY.year,
            "name": "金秋助学",
            "levels": [{"name": "大学本科", "amount_fen": 3000_00}, {"name": "高中", "amount_fen": 1000_00}],
        },
        headers=admin,
    )
    assert scheme.status_code == 201, scheme.text
    students = [
        {"student_name": "陈思远", "id_number": "510101200701010012", "level": "大学本科", "member_id": str(parent)},
        {"student_name": "王小明", "id_number": "510101200801010028", "level": "高中"},
        {"student_name": "李小红", "id_number": "510101200801010036", "level": "大学本科"},
    ]
    ids = []
    for student in students:
        applied = await api.post(
            f"/v1/organizations/{school}/student-aid-applications",
            json={"scheme_id": scheme.json()["id"], "school": "县一中", **student},
            headers=officer,
        )
        assert applied.status_code == 201, applied.text
        ids.append(applied.json()["id"])
    for one in ids:
        await becomes(api, f"/v1/student-aid-applications/{one}", officer, "reserved")
    review = "/v1/student-aid-applications/{}/review"
    for one, body in zip(
        ids,
        [{"decision": "approve"}, {"decision": "approve"}, {"decision": "refuse", "reason": "已获国家助学金"}],
        strict=True,
    ):
        reviewed = await api.post(review.format(one), json=body, headers=admin)
        assert reviewed.status_code == 200, reviewed.text
    for one, state in zip(ids, ("paid", "paid", "refused"), strict=True):
        await becomes(api, f"/v1/student-aid-applications/{one}", officer, state)

    url, year = f"/v1/organizations/{federation}/student-aid/rollup", {"year": TODAY.year}
    rollup = (await api.get(url, params=year, headers=admin)).json()
    answer = await api.get(url, params={**year, "format": "xlsx"}, headers=admin)
    header, *rows = sheet_of(answer)
    assert filename_of(answer) == f"助学汇总-县教育工会-{TODAY.year}.xlsx"
    assert header == (
        "统计口径",
        "项目",
        "申请（人）",
        "批准（人）",
        "不予批准（人）",
        "待审核（人）",
        "批准金额（元）",
        "已发放金额（元）",
    )
    assert rows == [
        ("按资助档次", "大学本科", 2, 1, 1, 0, 3000, 3000),
        ("按资助档次", "高中", 1, 1, 0, 0, 1000, 1000),
        ("按学生类别", "会员子女", 1, 1, 0, 0, 3000, 3000),
        ("按学生类别", "非会员建档立卡贫困学生", 2, 1, 1, 0, 1000, 1000),
        ("合计", None, 3, 2, 1, 0, 4000, 4000),
    ]
    # The sheet is the JSON's figures: money fen / 100.
    assert (rollup["applications"], rollup["approved_fen"], rollup["paid_fen"]) == (3, 4000_00, 4000_00)
    assert [(line["level"], line["paid_fen"] / 100) for line in rollup["by_level"]] == [(r[1], r[7]) for r in rows[:2]]

    english = await api.get(url, params={**year, "format": "xlsx"}, headers={**admin, "Accept-Language": "en"})
    header, *rows = sheet_of(english)
    assert filename_of(english) == f"Student aid-县教育工会-{TODAY.year}.xlsx"
    assert header[:3] == ("Counted by", "Line", "Applications")
    assert [r[:2] for r in rows[2:]] == [
        ("By kind of student", "Members' children"),
        ("By kind of student", "Non-member registered poor students"),
        ("Total", None),
    ]

    # Outside the caller's scope: the same refusal as the JSON, and no sheet.
    stranger = bearer(Role.WELFARE_OFFICER, other, federation)
    as_json = await api.get(url, params=year, headers=stranger)
    as_sheet = await api.get(url, params={**year, "format": "xlsx"}, headers=stranger)
    assert as_json.status_code == as_sheet.status_code >= 400
    assert as_sheet.json()["code"] == as_json.json()["code"]
