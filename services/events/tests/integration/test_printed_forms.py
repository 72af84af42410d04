"""The congress's proposal answer sheet and an activity's award notice as PDFs, read back with pypdf."""

import datetime as dt
import io
import re
from urllib.parse import quote

import httpx
import pypdf
import pytest

from tests.factories import member, organization
from tests.kafka_tools import deliver
from tests.pytest_infra import bearer, unique
from unionfed_events.entrypoints.app import definition
from unionfed_shared.auth import Role
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration

SCHOOL_NAME = "第一小学工会"
NAMES = ("王芳", "李娜", "张敏", "刘洋", "陈刚")


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def soon(hours: float) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)).isoformat()


@pytest.fixture
async def school(build_service):
    events = await build_service(definition, start=False)
    federation, school_id, sibling = unique("county"), unique("school"), unique("school")
    teachers = {name: member(federation, school_id, name) for name in NAMES}
    await deliver(
        events,
        [
            organization(federation, [federation], "federation", "某县教育工会"),
            organization(federation, [federation, school_id], "grassroots_union", SCHOOL_NAME),
            organization(federation, [federation, sibling], "grassroots_union", "实验中学工会"),
            *teachers.values(),
        ],
    )
    transport = httpx.ASGITransport(app=create_app(events))
    async with httpx.AsyncClient(transport=transport, base_url="http://events", timeout=120) as api:
        yield dict(
            api=api,
            federation=federation,
            school=school_id,
            sibling=sibling,
            ids={name: t.member_id for name, t in teachers.items()},
            officer=bearer(Role.UNION_OFFICER, school_id, federation),
        )


def as_member(ctx, name: str) -> dict[str, str]:
    return bearer(Role.MEMBER, ctx["school"], ctx["federation"], subject=str(ctx["ids"][name]))


async def ok(answer: httpx.Response, status: int = 200) -> dict:
    assert answer.status_code == status, answer.text
    return answer.json()


async def test_the_answer_sheet_lists_each_proposal_with_its_answer_and_marks_the_overdue(school):
    api, officer = school["api"], school["officer"]
    # A session whose deadline for answers has passed: a standing proposal without answer is overdue.
    session = await ok(
        await api.post(
            f"/v1/organizations/{school['school']}/congress-sessions",
            json={
                "congress_number": 14,
                "session_number": 3,
                "starts_on": "2026-09-10",
                "ends_on": "2026-09-11",
                "answer_deadline": "2026-10-31T17:00:00+08:00",
            },
            headers=officer,
        ),
        201,
    )
    sid = session["id"]
    await ok(
        await api.post(
            f"/v1/congress-sessions/{sid}/representatives",
            json={"member_ids": [str(i) for i in school["ids"].values()]},
            headers=officer,
        )
    )

    async def file(proposer: str, title: str, seconders: tuple[str, ...]) -> dict:
        filed = await ok(
            await api.post(
                f"/v1/congress-sessions/{sid}/proposals",
                json={"title": title, "body": f"{title}的具体建议。"},
                headers=as_member(school, proposer),
            ),
            201,
        )
        for seconder in seconders:
            await ok(
                await api.post(f"/v1/congress-proposals/{filed['id']}/seconders", headers=as_member(school, seconder)),
                201,
            )
        return filed

    canteen = await file("王芳", "改善教工食堂伙食", ("李娜", "张敏"))
    await file("李娜", "增设教师休息室", ("刘洋", "陈刚"))
    await file("陈刚", "组织教工羽毛球赛", ())
    await ok(
        await api.post(
            f"/v1/congress-proposals/{canteen['id']}/answer",
            json={"answer": "referred", "department": "总务处", "text": "下学期起增加两个菜品"},
            headers=officer,
        )
    )

    url = f"/v1/congress-sessions/{sid}/proposals"
    answer = await api.get(url, params={"format": "pdf"}, headers=officer)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"].endswith(
        "filename*=UTF-8''" + quote("第14届第3次教代会提案答复情况表.pdf", safe="")
    )
    printed = pdf_text(answer.content)
    flat = re.sub(r"\s+", "", printed)  # long cells wrap inside the table
    assert f"{SCHOOL_NAME}第14届第3次教代会提案答复情况表" in flat
    assert "答复截止时间：2026-10-3117:00" in flat
    assert "共3件；成立2件，已答复1件，逾期未答复1件" in flat
    assert "1改善教工食堂伙食王芳李娜、张敏已答复转交；承办部门：总务处；下学期起增加两个菜品" in flat
    assert "2增设教师休息室李娜刘洋、陈刚逾期未答复" in flat
    assert "3组织教工羽毛球赛陈刚附议人数不足，未成立" in flat
    assert "提案工作委员会负责人（签字）" in flat and "工会主席（签字）" in flat

    # The JSON answer of the same route is unchanged.
    listed = await ok(await api.get(url, headers=officer))
    assert [p["number"] for p in listed] == [1, 2, 3] and listed[0]["department"] == "总务处"
    # Printed within the same scope as the list: another school's officer is told it does not exist.
    outsider = await api.get(
        url, params={"format": "pdf"}, headers=bearer(Role.UNION_OFFICER, school["sibling"], school["federation"])
    )
    assert outsider.status_code == 404 and outsider.json()["code"] == "congress_session_not_found"


async def test_the_award_notice_names_each_award_its_winner_and_the_prize_total(school):
    api, officer = school["api"], school["officer"]
    activity = await ok(
        await api.post(
            f"/v1/organizations/{school['school']}/activities",
            json={
                "title": "教工羽毛球赛",
                "kind": "sport",
                "starts_at": soon(72),
                "ends_at": soon(76),
                "registration_deadline": soon(48),
                "budget": [{"kind": "prizes", "label": "奖金", "amount_fen": 1000_00}],
            },
            headers=officer,
        ),
        201,
    )
    url = f"/v1/activities/{activity['id']}"
    await ok(await api.post(f"{url}/publication", headers=officer))
    for name in ("王芳", "李娜", "张敏", "刘洋"):
        await ok(
            await api.post(f"{url}/registrations", json={"member_id": str(school["ids"][name])}, headers=officer), 201
        )
    team = await ok(
        await api.post(
            f"{url}/teams",
            json={"name": "红队", "member_ids": [str(school["ids"]["张敏"]), str(school["ids"]["刘洋"])]},
            headers=officer,
        ),
        201,
    )
    for award in (
        {"category": "女子单打", "level": "second", "member_id": str(school["ids"]["李娜"]), "prize_fen": 200_00},
        {
            "category": "女子单打",
            "level": "first",
            "member_id": str(school["ids"]["王芳"]),
            "result": "21:15",
            "prize_fen": 300_50,
        },
        {"category": "团体", "level": "first", "team_id": team["id"], "prize_fen": 400_00},
    ):
        await ok(await api.post(f"{url}/awards", json=award, headers=officer), 201)

    answer = await api.get(f"{url}/awards", params={"format": "pdf"}, headers=as_member(school, "陈刚"))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"].endswith(
        "filename*=UTF-8''" + quote("教工羽毛球赛获奖名单公示.pdf", safe="")
    )
    printed = pdf_text(answer.content)
    assert "“教工羽毛球赛”获奖名单公示" in printed and f"主办单位：{SCHOOL_NAME}" in printed
    lines = printed.splitlines()
    assert f"女子单打 一等奖 王芳 {SCHOOL_NAME} 21:15 300.50" in lines, printed
    assert f"女子单打 二等奖 李娜 {SCHOOL_NAME} 200.00" in lines, printed
    assert "团体 一等奖 红队（团体） 400.00" in lines, printed
    assert "奖金合计 900.50" in lines, printed
    assert f"请在公示期内以书面形式向{SCHOOL_NAME}反映" in re.sub(r"\s+", "", printed)
    assert f"{SCHOOL_NAME}（盖章）" in printed

    assert len(await ok(await api.get(f"{url}/awards", headers=officer))) == 3, "the JSON list is unchanged"
