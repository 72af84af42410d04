"""What the demo member (school1-member, a teacher of 第一小学) finds on their phone: their dues,
an open activity of their school to register for and a survey to answer. Both are made once
(found again by title on later runs)."""

import datetime as dt

from demo.api import Api, every_item, ok
from demo.load import at, today
from demo.roster import School

SCHOOL = "no1-primary"
ACTIVITY_TITLE = "第一小学教职工趣味运动会"
SURVEY_TITLE = "第一小学教职工食堂满意度调查"


async def demo_member(api: Api, schools: list[School]) -> tuple[str, str]:
    """(member id, name) of the school's first active member in roster order."""
    school = next(s for s in schools if s.id == SCHOOL)
    listed = await every_item(api.membership, f"/v1/organizations/{SCHOOL}/members", api.officer(SCHOOL))
    by_staff_no = {m["staff_no"]: m for m in listed if m["status"] == "active"}
    person = next(p for p in school.people if p.staff_no in by_staff_no)
    return by_staff_no[person.staff_no]["id"], person.name


async def open_activity_and_survey(api: Api) -> None:
    officer = api.officer(SCHOOL)
    found = ok(
        await api.events.get(
            f"/v1/organizations/{SCHOOL}/activities", params={"title": ACTIVITY_TITLE}, headers=officer
        )
    )
    if not found["items"]:
        day = today() + dt.timedelta(days=30)
        made = ok(
            await api.events.post(
                f"/v1/organizations/{SCHOOL}/activities",
                headers=officer,
                json={
                    "title": ACTIVITY_TITLE,
                    "kind": "sport",
                    "description": "托球跑、跳绳、拔河，全体教职工均可报名",
                    "starts_at": at(day, 14),
                    "ends_at": at(day, 17),
                    "registration_deadline": at(day - dt.timedelta(days=7), 18),
                    "capacity": 40,
                },
            )
        )
        ok(await api.events.post(f"/v1/activities/{made['id']}/publication", headers=officer))
    surveys = ok(await api.events.get(f"/v1/organizations/{SCHOOL}/surveys", headers=officer))
    if not any(s["title"] == SURVEY_TITLE for s in surveys):
        made = ok(
            await api.events.post(
                f"/v1/organizations/{SCHOOL}/surveys",
                headers=officer,
                json={
                    "title": SURVEY_TITLE,
                    "questions": [
                        {"kind": "rating", "text": "您对学校食堂的总体满意度（1–5分）"},
                        {
                            "kind": "single_choice",
                            "text": "您最常在食堂吃哪一餐？",
                            "options": ["早餐", "午餐", "晚餐"],
                        },
                        {"kind": "free_text", "text": "您的意见和建议", "required": False},
                    ],
                },
            )
        )
        ok(await api.events.post(f"/v1/surveys/{made['id']}/send", headers=officer))
