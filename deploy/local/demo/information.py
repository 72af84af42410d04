"""信息报送 for the county: the county's points table (县级 1 分, 市级 3 分, 省级 5 分, from the
first of the year), and a few schools' news items submitted to the county — some adopted (one at
county and then city level), one declined with its reason, one waiting in the county's inbox, and
a draft still at 第一小学. Loaded once (when the county has no points table yet), through the
public API like the rest of the demo."""

import datetime as dt

from demo.api import Api, ok
from demo.load import today
from demo.roster import COUNTY, ORIGINAL

UNIONS = {school: name for school, name, *_ in ORIGINAL}
TABLE = {"county": 1, "city": 3, "province": 5}

# (school, title, category, days before today the event happened, author, what the county does:
#  a list of adoption levels, "declined: reason", "inbox" or "draft")
ITEMS = [
    ("no1-primary", "第一小学工会举办青年教师粉笔字比赛", "work_news", 40, "王芳", ["county", "city"]),
    ("no1-primary", "第一小学工会“教工之家”建设的三点做法", "experience", 25, "王芳", ["county"]),
    ("experimental-middle", "实验中学召开第十四届教代会第三次会议", "work_news", 30, "实验中学工会", ["county"]),
    (
        "experimental-middle",
        "实验中学工会开展“三八”健步走活动",
        "work_news",
        20,
        "实验中学工会",
        "declined: 活动已于上月报送，内容重复",
    ),
    (
        "central-kindergarten",
        "扎根幼教二十年——记中心幼儿园李老师",
        "exemplary",
        15,
        "中心幼儿园工会",
        ["county", "city"],
    ),
    ("migrant-children", "随迁子女学校工会慰问困难教职工", "work_news", 10, "随迁子女学校工会", "inbox"),
    ("no1-primary", "第一小学工会组织教职工秋季健康体检", "work_news", 3, "王芳", "draft"),
]

BODY = (
    "{title}。{day}，{union}围绕学校中心工作组织开展此项工作，全体教职工积极参与。"
    "活动由工会主席主持，各工会小组长分别组织本组教师参加，体现了工会组织的凝聚力。"
)


async def load_information(api: Api) -> None:
    e = api.events
    tables = ok(await e.get(f"/v1/federations/{COUNTY}/info-points-tables", headers=api.admin))
    if tables:
        print("demo: the county's information points table is already published")
        return
    day = today()
    ok(
        await e.post(
            f"/v1/federations/{COUNTY}/info-points-tables",
            headers=api.admin,
            json={"effective_from": dt.date(day.year, 1, 1).isoformat(), **TABLE, "note": "县教育工会信息报送积分办法"},
        )
    )
    adopted = declined = 0
    for school, title, category, days_ago, author, fate in ITEMS:
        officer = api.officer(school)
        event_on = day - dt.timedelta(days=days_ago)
        body = BODY.format(title=title, day=f"{event_on.month}月{event_on.day}日", union=UNIONS[school])
        item = ok(
            await e.post(
                f"/v1/organizations/{school}/info-items",
                headers=officer,
                json={
                    "title": title,
                    "body": body,
                    "category": category,
                    "event_on": event_on.isoformat(),
                    "author": author,
                },
            )
        )
        if fate == "draft":
            continue
        ok(await e.post(f"/v1/info-items/{item['id']}/submission", headers=officer))
        if isinstance(fate, list):
            for level in fate:
                ok(await e.post(f"/v1/info-items/{item['id']}/adoptions", headers=api.admin, json={"level": level}))
            adopted += 1
        elif fate.startswith("declined: "):
            reason = fate.removeprefix("declined: ")
            ok(await e.post(f"/v1/info-items/{item['id']}/declination", headers=api.admin, json={"reason": reason}))
            declined += 1
    print(
        f"demo: 信息报送: points table published, {len(ITEMS)} items, {adopted} adopted, {declined} declined",
        flush=True,
    )
