"""The mutual-aid fund's statement and the rights cases' statistics downloaded as .xlsx and read back
with openpyxl: headers in Chinese unless the caller asks for English, money in yuan equal to the
JSON's fen / 100, unions by name, finance's refusals with its reason, and the same refusal as the
JSON outside the caller's scope. Finance's answers are handed to welfare as Kafka delivers them."""

import datetime as dt
import io
import uuid
from urllib.parse import unquote

import httpx
import pytest
from openpyxl import load_workbook

from services.welfare.tests.integration.conftest import organizations
from tests.kafka_tools import deliver
from tests.pytest_infra import bearer
from unionfed_shared.auth import Role
from unionfed_shared.contracts import mutual_aid as contract
from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_shared.contracts.membership import MemberJoinedV1
from unionfed_shared.documents.spreadsheet import MEDIA_TYPE
from unionfed_shared.http import create_app
from unionfed_welfare.entrypoints.app import definition as welfare_definition

pytestmark = pytest.mark.integration


@pytest.fixture
async def welfare(build_service):
    """(welfare, its API, federation, school, other school, a teacher of the school)."""
    runtime = await build_service(welfare_definition, start=False)
    federation, school, other = (f"{p}-{uuid.uuid4().hex[:10]}" for p in ("county", "school", "middle"))
    teacher = MemberJoinedV1(
        organization_id=school,
        federation_id=federation,
        member_id=uuid.uuid4(),
        display_name="王老师",
        gender="female",
        joined_on=dt.date(2020, 9, 1),
    )
    await deliver(runtime, [*organizations(federation, school, other), teacher])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(runtime)), base_url="http://welfare"
    ) as api:
        yield runtime, api, federation, school, other, teacher.member_id


def sheet_of(answer: httpx.Response) -> list[tuple]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == MEDIA_TYPE
    return list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))


def yuan(fen: int) -> float:
    """What Excel reads: the yuan as a number (openpyxl reads it back as a float)."""
    return fen / 100


async def answer(runtime, federation: str, school: str, movement: str, movement_id: str, reason: str | None = None):
    """Finance's answer to one movement: posted, or refused with ``reason``."""
    await deliver(
        runtime,
        [
            MoneyRequestSettledV1(
                organization_id=school,
                federation_id=federation,
                request_event_id=str(uuid.uuid4()),
                journal_event_id=f"journal-{movement}-{movement_id}",
                operation="post",
                outcome="refused" if reason else "posted",
                reason=reason,
                reference=contract.reference(movement, uuid.UUID(movement_id)),
            )
        ],
    )


async def test_the_fund_statement_downloads_with_each_fund_its_total_and_finances_refusals(welfare):
    runtime, api, federation, school, other, teacher = welfare
    officer = bearer(Role.WELFARE_OFFICER, school, federation)
    fund = f"/v1/organizations/{school}/mutual-aid"
    members = await api.post(
        f"{fund}/contributions", json={"contributor": "member", "amount_fen": 3_000_00}, headers=officer
    )
    union = await api.post(
        f"{fund}/contributions", json={"contributor": "union", "amount_fen": 800_00}, headers=officer
    )
    late = await api.post(
        f"{fund}/contributions", json={"contributor": "member", "amount_fen": 123_45}, headers=officer
    )
    assert members.status_code == union.status_code == late.status_code == 201, union.text
    await answer(runtime, federation, school, "contribution", members.json()["id"])
    await answer(runtime, federation, school, "contribution", union.json()["id"], "工会经费存款余额不足")
    # The late contribution stays unanswered: pending, and not lent from.

    applied = await api.post(
        f"{fund}/loans",
        json={"member_id": str(teacher), "amount_fen": 1_200_00, "purpose": "家人手术", "months": 6},
        headers=officer,
    )
    loan_id = applied.json()["id"]
    lent = await api.post(f"/v1/mutual-aid/loans/{loan_id}/approval", json={}, headers=officer)
    assert lent.status_code == 200, lent.text
    await answer(runtime, federation, school, "loan", loan_id)
    repaid = await api.post(f"/v1/mutual-aid/loans/{loan_id}/repayments", json={"amount_fen": 200_00}, headers=officer)
    assert repaid.status_code == 201, repaid.text

    statement = (await api.get(f"{fund}/statement", headers=officer)).json()
    own = statement["own"]
    assert (own["contributed_fen"], own["contributed_pending_fen"], own["lent_fen"], own["repaid_fen"]) == (
        3_123_45,
        123_45,
        1_200_00,
        200_00,
    )
    assert (own["outstanding_fen"], own["available_fen"]) == (1_000_00, 1_800_00)

    sheet = sheet_of(await api.get(f"{fund}/statement", params={"format": "xlsx"}, headers=officer))
    assert sheet[0][:4] == ("工会", "缴纳（元）", "其中待财务入账（元）", "借出（元）")
    assert sheet[0][7:10] == ("借出未还（元）", "可借余额（元）", "逾期未还（元）")
    figures = (yuan(3_123_45), yuan(123_45), yuan(1_200_00), 0, yuan(200_00), yuan(200_00))
    assert sheet[1] == ("学校工会 0", *figures, yuan(1_000_00), yuan(1_800_00), 0, 1, 0)
    assert sheet[2] == ("合计", *figures, yuan(1_000_00), yuan(1_800_00), 0, 1, 0)
    assert sheet[3] == (None,) * 12
    assert sheet[4][:5] == ("财务拒绝入账", "工会", "金额（元）", "日期", "财务原因")
    assert sheet[5][:5] == ("缴纳", "学校工会 0", yuan(800_00), sheet[5][3], "工会经费存款余额不足")
    assert sheet[5][3].date() == dt.date.fromisoformat(union.json()["received_on"])
    assert len(sheet) == 6

    # The federation's sheet: its own fund (nothing in it) is not listed, the school's is, the total is the subtree's.
    admin = bearer(Role.FEDERATION_ADMIN, federation, federation)
    answered = await api.get(
        f"/v1/organizations/{federation}/mutual-aid/statement",
        params={"format": "xlsx"},
        headers={**admin, "Accept-Language": "en"},
    )
    assert "filename*=UTF-8''" in answered.headers["content-disposition"]
    assert unquote(answered.headers["content-disposition"].split("''", 1)[1]).startswith(
        "Mutual-aid fund statement-县教育工会-"
    )
    rollup = sheet_of(answered)
    assert rollup[0][:2] == ("Union", "Contributed (yuan)")
    assert [row[0] for row in rollup[1:3]] == ["学校工会 0", "Total"]
    assert rollup[2][8] == yuan(1_800_00)
    assert rollup[5][:3] == ("Contribution", "学校工会 0", yuan(800_00))

    # Outside its tree the sheet is refused as the JSON is.
    stranger = bearer(Role.WELFARE_OFFICER, other, federation)
    refused = await api.get(f"{fund}/statement", params={"format": "xlsx"}, headers=stranger)
    assert refused.status_code == (await api.get(f"{fund}/statement", headers=stranger)).status_code
    assert refused.status_code in (403, 404)


async def test_the_rights_statistics_download_with_the_periods_figures(welfare):
    _runtime, api, federation, school, _other, teacher = welfare
    officer = bearer(Role.WELFARE_OFFICER, school, federation)
    cases = f"/v1/organizations/{school}/rights-cases"
    case = {
        "employer_name": "某某建材有限公司",
        "claim_kind": "wage_arrears",
        "claimed_fen": 1_260_000,
        "accepted_on": "2026-11-10",
        "rights_week": "2026-11",
        "workers": [{"member_id": str(teacher)}, {"name": "王建国", "phone": "13800000000"}],
    }
    first = await api.post(cases, json=case, headers=officer)
    second = await api.post(
        cases,
        json={
            **case,
            "claim_kind": "work_injury",
            "claimed_fen": 50_000_00,
            "rights_week": None,
            "workers": case["workers"][:1],
        },
        headers=officer,
    )
    assert first.status_code == second.status_code == 201, second.text
    closed = await api.post(
        f"/v1/rights-cases/{first.json()['id']}/stages",
        json={"stage": "closed", "on": "2026-11-20", "recovered_fen": 1_000_050, "outcome": "调解成功"},
        headers=officer,
    )
    assert closed.status_code == 200, closed.text

    period = {"from": "2026-11-01", "to": "2026-11-30"}
    figures = (await api.get(f"{cases}/statistics", params=period, headers=officer)).json()
    assert (figures["opened"], figures["closed"], figures["recovered_fen"], figures["workers_helped"]) == (
        2,
        1,
        1_000_050,
        2,
    )
    answered = await api.get(f"{cases}/statistics", params={**period, "format": "xlsx"}, headers=officer)
    assert unquote(answered.headers["content-disposition"].split("''", 1)[1]) == (
        "维权案件统计-学校工会 0-2026-11-01-2026-11-30.xlsx"
    )
    sheet = dict(sheet_of(answered))
    assert sheet["项目"] == "数值"
    assert sheet["统计期间"] == "2026-11-01 – 2026-11-30"
    assert (sheet["受理案件（件）"], sheet["其中欠薪（件）"], sheet["其中工伤（件）"], sheet["其中其他（件）"]) == (
        2,
        1,
        1,
        0,
    )
    assert (sheet["结案（件）"], sheet["按期结案（件）"], sheet["移送仲裁或诉讼（件）"]) == (1, 1, 0)
    assert sheet["诉求金额（元）"] == yuan(1_260_000 + 50_000_00)
    assert sheet["追回金额（元）"] == yuan(1_000_050)
    assert sheet["帮助职工（人）"] == 2
    assert sheet["其中 2026-11 维权周（件）"] == 1

    english = dict(
        sheet_of(
            await api.get(
                f"{cases}/statistics",
                params={**period, "format": "xlsx"},
                headers={**officer, "Accept-Language": "en"},
            )
        )
    )
    assert (english["Cases accepted"], english["of which wage arrears"], english["Recovered (yuan)"]) == (
        2,
        1,
        yuan(1_000_050),
    )
    member = bearer(Role.MEMBER, school, federation)
    assert (
        await api.get(f"{cases}/statistics", params={**period, "format": "xlsx"}, headers=member)
    ).status_code == 403
