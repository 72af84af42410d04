"""督查: the county's spot checks of 第一小学 and the school's 校务公开, for the checks desk.

The county checked the school's 校务公开 ten days ago and asked for follow-up within five days;
the school has not followed up yet, so the desk shows it overdue. A congress check of the school
needed no follow-up and is closed. The school published its last half-year's statement to its
notice board, so the county's 校务公开 roll-up shows one school that disclosed and the others none.
Made once: found again by what was checked on later runs.
"""

import datetime as dt

from demo.api import Api, ok
from demo.load import today
from demo.roster import COUNTY

SCHOOL = "no1-primary"
DISCLOSURE_CHECKED = "第一小学上半年校务公开（经费收支）"
CONGRESS_CHECKED = "第一小学教代会提案答复情况"


async def load_county_checks(api: Api) -> None:
    day = today()
    found = ok(
        await api.events.get(f"/v1/organizations/{SCHOOL}/spot-checks", params={"q": "第一小学"}, headers=api.admin)
    )
    known = {c["subject_detail"] for c in found["items"]}
    if DISCLOSURE_CHECKED not in known:
        ok(
            await api.events.post(
                f"/v1/organizations/{SCHOOL}/spot-checks",
                headers=api.admin,
                json={
                    "checked_on": (day - dt.timedelta(days=10)).isoformat(),
                    "subject": "disclosure",
                    "subject_detail": DISCLOSURE_CHECKED,
                    "findings": "慰问金发放明细未在公示栏公开；公开时间晚于学期结束一个月",
                    "follow_up_required": True,
                    "follow_up_due_on": (day - dt.timedelta(days=5)).isoformat(),
                },
            )
        )
    if CONGRESS_CHECKED not in known:
        made = ok(
            await api.events.post(
                f"/v1/organizations/{SCHOOL}/spot-checks",
                headers=api.admin,
                json={
                    "checked_on": (day - dt.timedelta(days=20)).isoformat(),
                    "subject": "congress",
                    "subject_detail": CONGRESS_CHECKED,
                    "findings": "提案均已按期答复，会议记录齐全",
                    "follow_up_required": False,
                },
            )
        )
        ok(await api.events.post(f"/v1/spot-checks/{made['id']}/closure", headers=api.admin, json={"note": "无需整改"}))
    await _school_disclosed(api, day)


async def _school_disclosed(api: Api, day: dt.date) -> None:
    """The school's last half-year statement, published to its notice board once that half was over."""
    if day.month >= 7:
        period = (dt.date(day.year, 1, 1), dt.date(day.year, 6, 30))
        published = min(dt.date(day.year, 7, 5), day)
    else:
        period = (dt.date(day.year - 1, 7, 1), dt.date(day.year - 1, 12, 31))
        published = min(dt.date(day.year, 1, 8), day)
    rollup = ok(
        await api.finance.get(
            f"/v1/organizations/{SCHOOL}/disclosure-rollup", params={"year": published.year}, headers=api.admin
        )
    )
    if any(u["publications"] for u in rollup["unions"]):
        return
    ok(
        await api.finance.post(
            f"/v1/organizations/{SCHOOL}/disclosure-publications",
            headers=api.treasurer(SCHOOL),
            json={
                "period_from": period[0].isoformat(),
                "period_to": period[1].isoformat(),
                "published_on": published.isoformat(),
                "channel": "notice_board",
                "note": "公示栏张贴七日",
            },
        )
    )


async def show_county_checks(api: Api) -> None:
    checks = ok(await api.events.get(f"/v1/organizations/{COUNTY}/spot-checks", headers=api.admin))["items"]
    overdue = sum(1 for c in checks if c["overdue"])
    print(f"督查: {len(checks)} spot checks under the county, {overdue} with follow-up overdue")
