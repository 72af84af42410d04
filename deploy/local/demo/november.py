"""November 2026 in the schools, so the county's monthly statistics report for November
(demo/statistics.py) has figures from every service: each school's dues for November, handed over
on the 25th (collected with that date, so finance books them in November), a hospital visit
(住院慰问) paid in November by eight schools and an activity held in November by six.

Loaded with the county (only the first time): everything goes through the public APIs, and each step
waits for finance, so the reports opened next find the money in the books.
"""

import asyncio
import datetime as dt

from demo import plan
from demo.api import Api, DemoError, books, ok, retry_missing, until, yuan
from demo.roster import RETIREES, School

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _at(day: dt.date, hour: int) -> str:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI).isoformat()


async def load_november(api: Api, schools: list[School], ids: dict[str, str]) -> None:
    before = dict(zip([s.id for s in schools], [b.get("4101", 0) for b in await _books(api, schools)]))

    async def collect(school: School) -> dict:
        return ok(
            await api.membership.post(
                f"/v1/organizations/{school.id}/dues-collections",
                json={"period": plan.NOVEMBER, "collected_on": plan.NOVEMBER_DUES_ON},
                headers=api.treasurer(school.id),
            )
        )

    collected = [await collect(s) for s in schools]
    want = {s.id: before[s.id] + c["collected_total_fen"] for s, c in zip(schools, collected)}

    async def posted():
        got = dict(zip(want, [b.get("4101", 0) for b in await _books(api, schools)]))
        return got if got == want else None

    await until("November's dues in every union's books", posted, timeout=180, every=1)
    print(
        f"demo: dues for {plan.NOVEMBER} collected on {plan.NOVEMBER_DUES_ON} in {len(schools)} unions: "
        f"{sum(c['collected'] for c in collected)} members, {yuan(sum(c['collected_total_fen'] for c in collected))}"
    )

    # A hospital visit in each of eight schools, paid on the day of the visit.
    retired = set(RETIREES)
    visits = []
    # The largest schools: their dues alone cover a visit (a kindergarten's may not).
    largest = sorted(schools, key=lambda s: -len(s.people))[: plan.NOVEMBER_VISIT_SCHOOLS]
    for n, school in enumerate(largest):
        person = next(
            p for i, p in reversed(list(enumerate(school.people))) if (school.id, i - len(school.people)) not in retired
        )
        on = dt.date(2026, 11, 3 + 3 * n)
        grant = ok(
            await retry_missing(
                lambda school=school, person=person, on=on: api.welfare.post(
                    f"/v1/organizations/{school.id}/grants",
                    json={
                        "member_id": ids[person.staff_no],
                        "visit_type": "hospitalised",
                        "occasion_on": on.isoformat(),
                        "money_fen": plan.NOVEMBER_VISIT_FEN,
                        "note": "住院慰问",
                    },
                    headers=api.officer(school.id),
                ),
                "a member in the welfare service",
            )
        )
        visits.append((school, grant))
    await _grants(api, visits, "reserved")
    for school, grant in visits:
        ok(
            await api.welfare.post(
                f"/v1/grants/{grant['id']}/approval",
                json={"paid_on": grant["occasion_on"]},
                headers=api.officer(school.id),
            )
        )
    await _grants(api, visits, "paid")
    print(
        f"demo: {len(visits)} schools paid a hospital visit (住院慰问) in {plan.NOVEMBER}: "
        f"{yuan(sum(g['amount_fen'] for _, g in visits))}"
    )

    # An activity of each of six schools, held in November (published: a draft is never held).
    titles = ("教职工气排球赛", "读书分享会", "青年教师篮球友谊赛", "教职工合唱排练", "趣味运动会", "书法兴趣小组活动")
    held = []
    for n, school in enumerate(schools[: plan.NOVEMBER_ACTIVITY_SCHOOLS]):
        day = dt.date(2026, 11, 6 + 3 * n)
        body = {
            "title": f"{school.name.removesuffix('工会')}{titles[n % len(titles)]}",
            "kind": "sport" if n % 2 == 0 else "culture",
            "description": "本校工会组织",
            "starts_at": _at(day, 15),
            "ends_at": _at(day, 17),
            "registration_deadline": _at(day - dt.timedelta(days=2), 17),
            "eligible_statuses": ["active"],
        }
        headers = api.officer(school.id)
        made = ok(
            await retry_missing(
                lambda school=school, body=body, headers=headers: api.events.post(
                    f"/v1/organizations/{school.id}/activities", json=body, headers=headers
                ),
                "the school in the events service",
            )
        )
        ok(await api.events.post(f"/v1/activities/{made['id']}/publication", headers=headers))
        held.append(made["title"])
    print(f"demo: {len(held)} school activities held in {plan.NOVEMBER} ({'、'.join(held[:3])}…)")


async def _books(api: Api, schools: list[School]) -> list[dict[str, int]]:
    return list(await asyncio.gather(*(books(api, s.id) for s in schools)))


async def _grants(api: Api, visits: list, state: str) -> None:
    async def probe():
        for school, grant in visits:
            found = ok(await api.welfare.get(f"/v1/grants/{grant['id']}", headers=api.officer(school.id)))
            if found["hold_status"] == "refused":
                raise DemoError(f"demo: finance refused grant {grant['id']}: {found['finance_reason']}")
            if found["state"] != state:
                return None
        return True

    await until(f"{len(visits)} November visits {state}", probe, timeout=180, every=0.5)
