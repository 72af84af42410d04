"""Help beyond the members and student aid through a running finance, on real Kafka and PostgreSQL.

The street federation gives 6 village schools 31,000 yuan and 600 migrant workers tea, sugar and
basketballs worth 16,200 yuan (the figures of its year's report): each gift is reserved in its books,
approved and paid; the ledger's welfare expense, the welfare report (JSON and sheet) and the help agree. A student aid scheme's application is paid at its
level's amount and a refused one releases its hold; the year's roll-up counts both.
"""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from services.welfare.tests.integration.test_grants_money import fund
from tests.finance_tools import balances, pending
from tests.pytest_infra import bearer, eventually
from unionfed_shared.auth import Role

pytestmark = pytest.mark.integration

# Paid on the day in China, which is not always the UTC day.
TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
SCHOOLS = [("青山村小", 6000_00), ("石桥村小", 5000_00), ("柳林村小", 5000_00)] + [
    (f"第{n}村小", 5000_00) for n in (4, 5, 6)
]


MIGRANT_WORKERS = {
    "recipient": {
        "kind": "organization",
        "name": "城东工地农民工",
        "organization_kind": "migrant_workers",
        "headcount": 600,
    },
    "goods": [
        {"item": "茶叶", "quantity": 300, "unit": "盒", "value_fen": 9000_00},
        {"item": "白糖", "quantity": 600, "unit": "袋", "value_fen": 4800_00},
        {"item": "篮球", "quantity": 20, "unit": "个", "value_fen": 2400_00},
    ],
}


async def becomes(api, url: str, headers: dict, state: str) -> dict:
    async def check():
        answer = (await api.get(url, headers=headers)).json()
        return answer if answer["state"] == state else None

    return await eventually(check, timeout=60)


async def test_six_village_schools_given_31000_yuan_and_goods_for_600_migrant_workers_reach_the_ledger_and_report(both):
    welfare, finance, api, finance_api, federation, school, _other = both
    officer = bearer(Role.WELFARE_OFFICER, federation, federation, "officer-street")
    await fund(finance_api, finance, federation, federation, 50_000_00)

    given = []
    for name, fen in SCHOOLS:
        answer = await api.post(
            f"/v1/organizations/{federation}/outside-grants",
            json={
                "recipient": {
                    "kind": "organization",
                    "name": name,
                    "organization_kind": "village_school",
                    "headcount": 50,
                },
                "purpose": "助学捐赠",
                "money_fen": fen,
            },
            headers=officer,
        )
        assert answer.status_code == 201, answer.text
        given.append(answer.json())
    # And 600 migrant workers visited with tea, sugar and basketballs: goods at their value.
    goods = await api.post(f"/v1/organizations/{federation}/outside-grants", json=MIGRANT_WORKERS, headers=officer)
    assert goods.status_code == 201, goods.text
    for one in [*given, goods.json()]:
        await becomes(api, f"/v1/outside-grants/{one['id']}", officer, "reserved")
    assert await pending(finance, federation) == {"1001": 31_000_00 + 16_200_00}

    for one in [*given, goods.json()]:
        approved = await api.post(f"/v1/outside-grants/{one['id']}/approval", json={}, headers=officer)
        assert approved.status_code == 200 and approved.json()["state"] == "paying", approved.text
    for one in [*given, goods.json()]:
        paid = await becomes(api, f"/v1/outside-grants/{one['id']}", officer, "paid")
        assert paid["paid_on"] == TODAY.isoformat()
    books = await balances(finance, federation)
    assert (books["1001"], books["5101"]) == (50_000_00 - 47_200_00, 47_200_00)
    assert await pending(finance, federation) == {}

    period = {"from": TODAY.replace(day=1).isoformat(), "to": TODAY.isoformat()}
    report = await api.get(f"/v1/organizations/{federation}/welfare-report", params=period, headers=officer)
    assert report.status_code == 200, report.text
    line, workers = report.json()["outside_help"]
    assert (workers["group"], workers["people_reached"], workers["paid_fen"], workers["paid_goods_fen"]) == (
        "migrant_workers",
        600,
        16_200_00,
        16_200_00,
    )
    assert (line["group"], line["given"], line["granted_fen"], line["people_reached"]) == (
        "village_school",
        6,
        31_000_00,
        300,
    )
    assert (line["paid"], line["paid_fen"], line["paid_money_fen"], line["paid_goods_fen"]) == (
        6,
        31_000_00,
        31_000_00,
        0,
    )
    assert report.json()["totals"]["welfare_paid_fen"] == books["5101"]

    sheet = await api.get(
        f"/v1/organizations/{federation}/welfare-report", params={**period, "format": "xlsx"}, headers=officer
    )
    assert sheet.status_code == 200, sheet.text
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    [heading] = [r for r in rows if r[0] == "会员以外的帮扶"]
    assert heading[8] == "受益人数"
    [schools] = [r for r in rows if r[1] == "村小"]
    assert schools[2:9] == (6, 31000.0, 6, 31000.0, 31000.0, 0.0, 300)
    [workers_row] = [r for r in rows if r[1] == "农民工群体"]
    assert workers_row[2:9] == (1, 16200.0, 1, 16200.0, 0.0, 16200.0, 600)

    # The unions below do not see the federation's help; its auditor does.
    union = bearer(Role.WELFARE_OFFICER, school, federation)
    assert (await api.get(f"/v1/outside-grants/{given[0]['id']}", headers=union)).status_code == 404
    auditor = bearer(Role.AUDITOR, federation, federation)
    listed = await api.get(f"/v1/organizations/{federation}/outside-grants", headers=auditor)
    assert [g["recipient_name"] for g in listed.json()] == [*(name for name, _ in SCHOOLS), "城东工地农民工"]


async def test_a_person_given_goods_is_named_only_to_the_recorder_and_cancelling_releases_the_hold(both):
    welfare, finance, api, finance_api, federation, school, _other = both
    officer = bearer(Role.WELFARE_OFFICER, school, federation, "officer-qian")
    await fund(finance_api, finance, federation, school, 1_000_00)
    recorded = await api.post(
        f"/v1/organizations/{school}/outside-grants",
        json={
            "recipient": {"kind": "person", "name": "赵大勇", "phone": "13900000000", "note": "农民工"},
            "goods": [{"item": "棉被", "quantity": 1, "unit": "床", "value_fen": 300_00}],
        },
        headers=officer,
    )
    assert recorded.status_code == 201, recorded.text
    url = f"/v1/outside-grants/{recorded.json()['id']}"
    await becomes(api, url, officer, "reserved")
    colleague = (await api.get(url, headers=bearer(Role.UNION_OFFICER, school, federation, "chair"))).json()
    assert colleague["recipient_name"].startswith("受助人-") and colleague["phone"] is None
    assert "赵大勇" not in str(colleague)

    cancelled = await api.post(f"{url}/cancellation", json={"reason": "已由社区发放"}, headers=officer)
    assert cancelled.status_code == 200, cancelled.text
    await becomes(api, url, officer, "cancelled")
    assert await pending(finance, school) == {}

    empty = await api.post(
        f"/v1/organizations/{school}/outside-grants",
        json={"recipient": {"kind": "organization", "name": "某社区", "organization_kind": "community"}},
        headers={**officer, "Accept-Language": "en"},
    )
    assert empty.status_code == 422 and [e["code"] for e in empty.json()["errors"]] == [
        "outside_recipient_organization_incomplete"
    ]


async def test_student_aid_is_paid_at_the_levels_amount_and_the_year_rolls_up(both):
    welfare, finance, api, finance_api, federation, school, other = both
    admin = bearer(Role.FEDERATION_ADMIN, federation, federation, "admin-street")
    officer = bearer(Role.WELFARE_OFFICER, school, federation, "officer-li")
    await fund(finance_api, finance, federation, school, 10_000_00)
    scheme = await api.post(
        f"/v1/federations/{federation}/student-aid-schemes",
        json={
            "year": TODAY.year,
            "name": "金秋助学",
            "criteria": "建档立卡贫困家庭学生",
            "levels": [{"name": "大学本科", "amount_fen": 3000_00}, {"name": "高中", "amount_fen": 1000_00}],
        },
        headers=admin,
    )
    assert scheme.status_code == 201, scheme.text
    apply_url = f"/v1/organizations/{school}/student-aid-applications"
    student = {"scheme_id": scheme.json()["id"], "school": "县一中", "level": "高中"}
    first = await api.post(
        apply_url, json={**student, "student_name": "王小明", "id_number": "510101200801010028"}, headers=officer
    )
    second = await api.post(
        apply_url,
        json={**student, "student_name": "李小红", "id_number": "510101200801010036", "level": "大学本科"},
        headers=officer,
    )
    assert first.status_code == second.status_code == 201, second.text
    twice = await api.post(
        apply_url, json={**student, "student_name": "王小明", "id_number": "510101200801010028"}, headers=officer
    )
    assert twice.status_code == 409 and twice.json()["code"] == "student_aid_student_already_applied"
    for applied in (first, second):
        await becomes(api, f"/v1/student-aid-applications/{applied.json()['id']}", officer, "reserved")

    review = "/v1/student-aid-applications/{}/review"
    approved = await api.post(review.format(first.json()["id"]), json={"decision": "approve"}, headers=admin)
    refused = await api.post(
        review.format(second.json()["id"]), json={"decision": "refuse", "reason": "已获国家助学金"}, headers=admin
    )
    assert approved.status_code == refused.status_code == 200, refused.text
    await becomes(api, f"/v1/student-aid-applications/{first.json()['id']}", officer, "paid")
    await becomes(api, f"/v1/student-aid-applications/{second.json()['id']}", officer, "refused")
    books = await balances(finance, school)
    assert (books["5101"], await pending(finance, school)) == (1000_00, {})

    rollup = await api.get(
        f"/v1/organizations/{federation}/student-aid/rollup", params={"year": TODAY.year}, headers=admin
    )
    assert rollup.status_code == 200, rollup.text
    body = rollup.json()
    assert (body["applications"], body["approved"], body["refused"], body["approved_fen"], body["paid_fen"]) == (
        2,
        1,
        1,
        1000_00,
        1000_00,
    )
    assert {line["student_kind"]: line["applications"] for line in body["by_student_kind"]} == {
        "member_child": 0,
        "non_member": 2,
    }
    missing = await api.post(review.format(first.json()["id"]), json={"decision": "refuse"}, headers=admin)
    assert missing.status_code == 422 and [e["code"] for e in missing.json()["errors"]] == [
        "student_aid_refusal_reason_missing"
    ]
