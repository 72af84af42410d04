"""The activities list and a congress session's proposals downloaded as .xlsx, read back with openpyxl.

Headers in Chinese unless the caller asks for English; figures equal to the JSON's (budget in
yuan = fen / 100, as a number); times on the federation's clock; people by name; the same
refusal as the JSON outside the caller's scope.
"""

import datetime as dt
import io
from urllib.parse import unquote

import httpx
import pytest
from openpyxl import load_workbook

from tests.factories import member, organization
from tests.kafka_tools import deliver
from tests.problem_tools import refusal
from tests.pytest_infra import bearer, unique
from unionfed_events.entrypoints.app import definition
from unionfed_shared.auth import Role
from unionfed_shared.documents.spreadsheet import MEDIA_TYPE
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration


@pytest.fixture
async def school(build_service):
    events = await build_service(definition, start=False)
    federation, school_id, sibling = unique("county"), unique("school"), unique("school")
    teachers = [member(federation, school_id, f"教师{i}") for i in range(4)]
    await deliver(
        events,
        [
            organization(federation, [federation], "federation", "某县教育工会"),
            organization(federation, [federation, school_id], "grassroots_union", "第一小学工会"),
            organization(federation, [federation, sibling], "grassroots_union", "实验中学工会"),
            *teachers,
        ],
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(events)), base_url="http://events", timeout=30
    ) as api:
        yield dict(
            api=api,
            federation=federation,
            school=school_id,
            sibling=sibling,
            teachers=[t.member_id for t in teachers],
            officer=bearer(Role.UNION_OFFICER, school_id, federation),
            stranger=bearer(Role.UNION_OFFICER, sibling, federation),
        )


def sheet_of(answer: httpx.Response) -> list[tuple]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == MEDIA_TYPE
    return list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))


def download_name(answer: httpx.Response) -> str:
    return unquote(answer.headers["content-disposition"].split("filename*=UTF-8''")[1])


async def test_the_activities_list_downloads_whole_with_local_times_and_the_budget_in_yuan(school):
    api, officer = school["api"], school["officer"]
    for title, day, budget in (("教职工羽毛球赛", 20, 2000_00), ("读书分享会", 10, 350_50), ("春季体检", 25, 0)):
        created = await api.post(
            f"/v1/organizations/{school['school']}/activities",
            json={
                "title": title,
                "kind": "health_check" if title == "春季体检" else "sport",
                "starts_at": f"2027-04-{day}T09:00:00+08:00",
                "ends_at": f"2027-04-{day}T17:00:00+08:00",
                "registration_deadline": "2027-04-01T18:00:00+08:00",
                "capacity": 64,
                "budget": [{"kind": "cost", "label": "场地", "amount_fen": budget}] if budget else [],
            },
            headers=officer,
        )
        assert created.status_code == 201, created.text

    url = f"/v1/organizations/{school['school']}/activities"
    listed = (await api.get(url, headers=officer)).json()["items"]
    answer = await api.get(url, params={"format": "xlsx", "limit": 1}, headers=officer)
    header, *rows = sheet_of(answer)
    assert download_name(answer) == "活动列表-第一小学工会.xlsx"
    assert header == (
        "活动名称",
        "类型",
        "主办单位",
        "开始时间",
        "结束时间",
        "报名截止",
        "名额",
        "已报名",
        "候补",
        "预算（元）",
        "状态",
    )
    assert len(rows) == len(listed) == 3, "the whole list, whatever the page size"
    assert [(r[0], r[2], r[3].isoformat(), r[9], r[10]) for r in rows] == [
        (a["title"], "第一小学工会", a["starts_at"].removesuffix("+08:00"), a["budget_fen"] / 100, "草稿")
        for a in listed
    ]
    assert [(r[0], r[1], r[3], r[9]) for r in rows] == [
        ("读书分享会", "体育", dt.datetime(2027, 4, 10, 9, 0), 350.5),
        ("教职工羽毛球赛", "体育", dt.datetime(2027, 4, 20, 9, 0), 2000),
        ("春季体检", "体检", dt.datetime(2027, 4, 25, 9, 0), 0),
    ]

    english = sheet_of(
        await api.get(url, params={"format": "xlsx", "title": "体检"}, headers={**officer, "Accept-Language": "en"})
    )
    assert english[0][:3] == ("Title", "Kind", "Organizer")
    assert [(r[0], r[1], r[10]) for r in english[1:]] == [("春季体检", "Health check", "Draft")]

    as_json = await api.get(url, headers=school["stranger"])
    as_sheet = await api.get(url, params={"format": "xlsx"}, headers=school["stranger"])
    assert as_json.status_code == as_sheet.status_code == 404 and refusal(as_json) == refusal(as_sheet)


async def test_the_proposals_download_with_proposer_seconders_answer_and_overdue(school):
    api, officer, teachers = school["api"], school["officer"], school["teachers"]
    # The answer deadline has passed: a proposal that stands unanswered is overdue.
    planned = await api.post(
        f"/v1/organizations/{school['school']}/congress-sessions",
        json={
            "congress_number": 14,
            "session_number": 3,
            "starts_on": "2026-03-20",
            "ends_on": "2026-03-21",
            "answer_deadline": "2026-04-30T17:00:00+08:00",
        },
        headers=officer,
    )
    assert planned.status_code == 201, planned.text
    session_id = planned.json()["id"]
    named = await api.post(
        f"/v1/congress-sessions/{session_id}/representatives",
        json={"member_ids": [str(t) for t in teachers]},
        headers=officer,
    )
    assert named.status_code == 200, named.text

    def as_member(member_id):
        return bearer(Role.MEMBER, school["school"], school["federation"], subject=str(member_id))

    async def proposal(proposer, title, seconded_by):
        filed = await api.post(
            f"/v1/congress-sessions/{session_id}/proposals",
            json={"title": title, "body": f"{title}的具体建议。"},
            headers=as_member(proposer),
        )
        assert filed.status_code == 201, filed.text
        for seconder in seconded_by:
            seconded = await api.post(
                f"/v1/congress-proposals/{filed.json()['id']}/seconders", headers=as_member(seconder)
            )
            assert seconded.status_code == 201, seconded.text
        return filed.json()["id"]

    canteen = await proposal(teachers[0], "关于改善教师食堂的提案", teachers[1:3])
    await proposal(teachers[1], "关于停车位的提案", teachers[2:4])
    await proposal(teachers[3], "关于教师阅览室的提案", teachers[:1])
    answered = await api.post(
        f"/v1/congress-proposals/{canteen}/answer", json={"answer": "accepted", "department": "校办"}, headers=officer
    )
    assert answered.status_code == 200, answered.text

    url = f"/v1/congress-sessions/{session_id}/proposals"
    listed = (await api.get(url, headers=officer)).json()
    answer = await api.get(url, params={"format": "xlsx"}, headers=officer)
    header, *rows = sheet_of(answer)
    assert download_name(answer) == "提案-第14届第3次.xlsx"
    assert header == ("编号", "提案标题", "提案人", "附议人数", "状态", "答复", "答复日期", "是否超期")
    answered_on = dt.datetime.fromisoformat(answered.json()["answered_at"]).date()
    assert [(r[0], r[1], r[2], r[3], r[4], r[5], r[6] and r[6].date(), r[7]) for r in rows] == [
        (1, "关于改善教师食堂的提案", "教师0", 2, "已答复", "立案", answered_on, "否"),
        (2, "关于停车位的提案", "教师1", 2, "已成立，待答复", None, None, "是"),
        (3, "关于教师阅览室的提案", "教师3", 1, "征集附议中", None, None, "否"),
    ]
    assert [(p["number"], len(p["seconders"])) for p in listed] == [(r[0], r[3]) for r in rows]

    english = sheet_of(await api.get(url, params={"format": "xlsx"}, headers={**officer, "Accept-Language": "en"}))
    assert english[0][:4] == ("No.", "Title", "Proposer", "Seconders")
    assert [r[7] for r in english[1:]] == ["No", "Yes", "No"]

    as_json = await api.get(url, headers=school["stranger"])
    as_sheet = await api.get(url, params={"format": "xlsx"}, headers=school["stranger"])
    assert as_json.status_code == as_sheet.status_code == 404 and refusal(as_json) == refusal(as_sheet)
