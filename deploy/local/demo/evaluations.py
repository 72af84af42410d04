"""民主评议与师德 in the demo, through the public APIs: 第一小学's evaluation of its leaders by its
staff (members, through their self-service) and by parents (one-time codes on the public route),
two kinds of forms, 82% returned, closed and submitted to the county; the year's 师德 assessment of
a few of 第一小学's teachers, and 中心幼儿园's whole list submitted to the county. Made once (found
again by title on later runs)."""

import random

from demo.api import Api, ok
from demo.load import today

SCHOOL = "no1-primary"
KINDERGARTEN = "central-kindergarten"
TITLE = "第一小学领导班子和中层干部民主评议"
SUBJECTS = [
    {"name": "张明华", "post": "校长"},
    {"name": "李淑芬", "post": "副校长"},
    {"name": "王建军", "post": "教导主任（中层干部）"},
]
STAFF_GRADES = ("优秀", "优秀", "优秀", "称职", "称职", "基本称职")
PARENT_GRADES = ("优秀", "优秀", "称职", "称职", "称职", "基本称职", "不称职")
COMMENTS = ("工作认真负责", "希望多听取一线教师意见", "家校沟通及时", "课后服务安排合理", None, None, None)


def ratings(rng: random.Random, grades: tuple[str, ...]) -> list[dict]:
    return [{"rating": rng.choice(grades), "comment": rng.choice(COMMENTS)} for _ in SUBJECTS]


async def load_evaluations(api: Api) -> None:
    e, officer = api.events, api.officer(SCHOOL)
    listed = ok(await e.get(f"/v1/organizations/{SCHOOL}/evaluations", headers=officer))
    if any(ev["title"] == TITLE for ev in listed):
        return
    rng = random.Random(82)
    year = today().year
    drafted = ok(
        await e.post(
            f"/v1/organizations/{SCHOOL}/evaluations",
            headers=officer,
            json={"title": TITLE, "year": year, "subjects": SUBJECTS},
        )
    )
    evaluation = drafted["id"]
    members = ok(await e.get(f"/v1/organizations/{SCHOOL}/ethics-assessments", headers=officer, params={"year": year}))
    teachers = len(members["members"])
    # Two kinds of forms, 82 % returned: as many parents' forms as make the whole a multiple of 50
    # (60 teachers and 40 parents' forms: 49 and 33 returned, 82 of 100).
    parent_forms = -teachers % 50 or 50
    parent_forms += 50 if parent_forms < 20 else 0
    returned = 82 * (teachers + parent_forms) // 100
    parents_answering = round(0.82 * parent_forms)
    staff_answering = min(teachers, returned - parents_answering)
    ok(await e.post(f"/v1/evaluations/{evaluation}/open", headers=officer, json={"outside_forms": parent_forms}))
    for member in rng.sample(members["members"], staff_answering):
        ok(
            await e.post(
                f"/v1/me/evaluations/{evaluation}/responses",
                headers=api.member(member["member_id"], SCHOOL),
                json={"ratings": ratings(rng, STAFF_GRADES)},
            )
        )
    codes = ok(await e.get(f"/v1/evaluations/{evaluation}/codes", headers=officer))
    for code in rng.sample(codes, parents_answering):
        ok(
            await e.post(
                "/v1/public/evaluation-responses", json={"code": code["code"], "ratings": ratings(rng, PARENT_GRADES)}
            )
        )
    ok(await e.post(f"/v1/evaluations/{evaluation}/close", headers=officer))
    submitted = ok(await e.post(f"/v1/evaluations/{evaluation}/submission", headers=officer))
    rates = submitted["return_rates"]
    print(
        f"demo: 第一小学 {TITLE}: staff {rates['forms'][0]['returned']} of {rates['forms'][0]['issued']}, "
        f"parents {rates['forms'][1]['returned']} of {rates['forms'][1]['issued']}: "
        f"two kinds of forms, {rates['rate']} returned; submitted to the county"
    )

    # 师德: a few of 第一小学's teachers assessed; 中心幼儿园's whole list assessed and submitted.
    for member, result, note in zip(
        members["members"][:6],
        ("优秀", "优秀", "合格", "合格", "合格", "基本合格"),
        (None, None, None, None, None, "与家长沟通方式欠妥，已谈话提醒"),
    ):
        ok(
            await e.post(
                f"/v1/organizations/{SCHOOL}/ethics-assessments",
                headers=officer,
                json={"member_id": member["member_id"], "year": year, "result": result, "note": note},
            )
        )
    small = api.officer(KINDERGARTEN)
    kindergarten = ok(
        await e.get(f"/v1/organizations/{KINDERGARTEN}/ethics-assessments", headers=small, params={"year": year})
    )
    for i, member in enumerate(kindergarten["members"]):
        ok(
            await e.post(
                f"/v1/organizations/{KINDERGARTEN}/ethics-assessments",
                headers=small,
                json={"member_id": member["member_id"], "year": year, "result": "优秀" if i % 4 == 0 else "合格"},
            )
        )
    listed = ok(
        await e.post(f"/v1/organizations/{KINDERGARTEN}/ethics-submissions", headers=small, json={"year": year})
    )
    print(
        f"demo: {year} 师德考核: 第一小学 6 teachers assessed; 中心幼儿园 {listed['summary']['assessed']} assessed "
        f"and the list submitted to the county"
    )
