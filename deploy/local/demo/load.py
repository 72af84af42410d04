"""Loads the county through the public APIs: schools and rosters, dues, money, a year of activities,
a staff congress, a survey and an award nomination. Each phase prints a line as it finishes."""

import asyncio
import datetime as dt
import random
import subprocess
import sys
from zoneinfo import ZoneInfo

from demo import plan
from demo.api import Api, DemoError, every_item, ok, retry_missing, settled, until, yuan
from demo.november import load_november
from demo.roster import COUNTY, COUNTY_NAME, EXCHANGE, RETIREES, SURVEY_SCHOOL, School
from demo.welfare import load_welfare
from unionfed_shared.auth import Role

SHANGHAI = ZoneInfo("Asia/Shanghai")
CONCURRENCY = 8


def today() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


def at(day: dt.date, hour: int, minute: int = 0) -> str:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI).isoformat()


async def in_order(schools: list[School], work, line) -> list:
    """Run ``work`` for every school, a few at a time, and print each school's line in roster order."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(school):
        async with gate:
            return await work(school)

    tasks = [asyncio.create_task(one(s)) for s in schools]
    results = []
    try:
        for school, task in zip(schools, tasks):
            result = await task
            text = line(school, result)
            if text:
                print(text, flush=True)
            results.append(result)
    except BaseException:
        for task in tasks:
            task.cancel()
        raise
    return results


async def load(api: Api, schools: list[School]) -> None:
    started = asyncio.get_running_loop().time()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "unionfed_shared.cli",
            "membership",
            "found-federation",
            "--id",
            COUNTY,
            "--name",
            COUNTY_NAME,
            "--time-zone",
            "Asia/Shanghai",
            "--language",
            "zh-CN",
            "--sector",
            "education",
            "--operator",
            "demo-loader",
        ],
        check=True,
    )
    m = api.membership
    ok(
        await m.put(
            f"/v1/federations/{COUNTY}/dues-policies/{plan.DUES_FROM}",
            json={"rate_per_mille": plan.DUES_RATE_PER_MILLE, "exempt_statuses": ["retired"]},
            headers=api.admin,
        )
    )
    print(
        f"demo: dues policy of {COUNTY}: {plan.DUES_RATE_PER_MILLE / 10}% of the monthly base salary from {plan.DUES_FROM}"
    )

    async def found_school(school: School) -> dict:
        ok(
            await m.post(
                "/v1/organizations",
                headers=api.admin,
                json={"id": school.id, "name": school.name, "kind": "grassroots_union", "parent_id": COUNTY},
            )
        )
        for group_id, group_name in school.groups:
            ok(
                await m.post(
                    "/v1/organizations",
                    headers=api.admin,
                    json={"id": group_id, "name": group_name, "kind": "union_group", "parent_id": school.id},
                )
            )
        officer = api.officer(school.id)
        imported = ok(
            await m.post(
                f"/v1/organizations/{school.id}/roster-imports",
                headers=officer,
                files={"file": (f"{school.id}-会员花名册.csv", school.roster_csv(), "text/csv")},
            )
        )
        ok(
            await m.put(
                f"/v1/organizations/{school.id}/staff-count", json={"staff_count": school.staff_count}, headers=officer
            )
        )
        return imported

    await in_order(
        schools,
        found_school,
        lambda s, r: (
            f"demo: {s.name:<14} {len(s.groups)} union groups, roster imported: {r['created']} members "
            f"({r['rows']} rows, {r['refused']} refused), staff {s.staff_count}"
        ),
    )

    ids = await member_ids(api, schools)
    by_school = {s.id: s for s in schools}
    for school_id, position in RETIREES:
        person = by_school[school_id].people[position]
        ok(
            await m.post(
                f"/v1/members/{ids[person.staff_no]}/status",
                headers=api.admin,
                json={"status": "retired", "effective_on": plan.RETIRED_ON},
            )
        )
    print(f"demo: {len(RETIREES)} members retired on {plan.RETIRED_ON} (they stay in the union, exempt from dues)")
    source, position, target = EXCHANGE
    person = by_school[source].people[position]
    first_of_next_month = (today().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    moved = ok(
        await m.post(
            f"/v1/members/{ids[person.staff_no]}/transfer",
            headers=api.admin,
            json={"to_organization_id": target, "effective_on": first_of_next_month.isoformat()},
        )
    )
    print(
        f"demo: teacher exchange (教师交流): {person.name} from {by_school[source].name} to "
        f"{by_school[target].name} on {first_of_next_month} ({moved['change']['status']})"
    )

    async def collect(school: School) -> dict:
        return ok(
            await m.post(
                f"/v1/organizations/{school.id}/dues-collections",
                json={"period": plan.PERIOD},
                headers=api.treasurer(school.id),
            )
        )

    collected = await in_order(schools, collect, lambda s, r: None)  # printed as one line below
    print(
        f"demo: dues for {plan.PERIOD} collected in {len(schools)} unions: "
        f"{sum(c['collected'] for c in collected)} members, {yuan(sum(c['collected_total_fen'] for c in collected))} "
        f"({sum(c['not_collected'] for c in collected)} retired members exempt)"
    )

    await move_money(api)
    await activities(api, schools, ids)
    await congress(api, by_school["experimental-middle"], by_school, ids)
    await survey(api, by_school[SURVEY_SCHOOL], ids)
    await nomination(api, by_school["no1-primary"], ids)
    await load_welfare(api, schools, ids)
    await load_november(api, schools, ids)
    print(f"demo: loaded in {asyncio.get_running_loop().time() - started:.0f} s")


async def member_ids(api: Api, schools: list[School]) -> dict[str, str]:
    """Staff number → member id, read back from membership (officers see staff numbers)."""

    async def of(school: School) -> dict:
        # The school's list covers its union groups too.
        listed = await every_item(api.membership, f"/v1/organizations/{school.id}/members", api.officer(school.id))
        return {member["staff_no"]: member["id"] for member in listed}

    ids: dict[str, str] = {}
    for part in await asyncio.gather(*(of(s) for s in schools)):
        ids.update(part)
    return ids


async def move_money(api: Api) -> None:
    """The first demo's term of money flows, each a command to finance whose outcome is awaited."""
    f = api.finance
    ok(
        await f.put(
            f"/v1/federations/{COUNTY}/fund-policy",
            headers=api.admin,
            json={"employer_funds_remit_per_mille": plan.REMIT_PER_MILLE},
        )
    )

    async def term(school_id: str, payroll: int) -> None:
        funds = payroll * plan.EMPLOYER_RATE_PER_MILLE // 1000
        treasurer = api.treasurer(school_id)
        await settled(
            f,
            ok(
                await f.post(
                    f"/v1/organizations/{school_id}/employer-funds",
                    headers=treasurer,
                    json={"amount_fen": funds, "received_on": "2026-09-10", "note": "2026年秋季学期"},
                )
            ),
            treasurer,
        )
        remitted = (funds * plan.REMIT_PER_MILLE + 500) // 1000
        await settled(
            f,
            ok(
                await f.post(
                    f"/v1/organizations/{school_id}/remittances",
                    headers=treasurer,
                    json={"amount_fen": remitted, "paid_on": "2026-09-20"},
                )
            ),
            treasurer,
        )

    for (
        school_id,
        payroll,
    ) in plan.TERM_PAYROLL_FEN.items():  # one after the other: the county's entries keep their order
        await term(school_id, payroll)
    print(
        "demo: employer funds received and 40% remitted to the county by 第一小学, 实验中学, 中心幼儿园, 随迁子女学校"
    )

    primary = api.treasurer("no1-primary")
    asked = ok(
        await f.post(
            "/v1/organizations/no1-primary/fund-requests",
            headers=primary,
            json={"amount_fen": 2_000_00, "purpose": "乒乓球台"},
        )
    )
    decided = ok(
        await f.post(
            f"/v1/fund-requests/{asked['id']}/decision",
            headers=api.admin,
            json={"approve": True, "paid_on": "2026-10-08"},
        )
    )
    await settled(f, {"status_url": f"/v1/money-requests/{decided['journal_event_id']}"}, api.admin)
    print("demo: the county allocated 2,000 yuan to 第一小学 for a table-tennis table")

    middle = api.treasurer("experimental-middle")
    await settled(
        f,
        ok(
            await f.put(
                "/v1/organizations/experimental-middle/budgets/2026/equipment",
                headers=middle,
                json={"amount_fen": 12_000_00, "policy": "stop"},
            )
        ),
        middle,
    )
    await settled(
        f,
        ok(
            await f.post(
                "/v1/organizations/experimental-middle/expenses",
                headers=middle,
                json={
                    "category": "equipment",
                    "amount_fen": 10_100_00,
                    "spent_on": "2026-11-05",
                    "description": "购置乐器",
                },
            )
        ),
        middle,
    )
    print("demo: 实验中学 bought musical instruments for 10,100 yuan within its 12,000-yuan equipment budget")


async def activities(api: Api, schools: list[School], ids: dict[str, str]) -> None:
    e = api.events
    day = today()
    active = {s.id: [p for i, p in enumerate(s.people) if (s.id, i - len(s.people)) not in RETIREES] for s in schools}
    by_school = {s.id: s for s in schools}

    async def create(spec: dict) -> dict:
        body = {k: v for k, v in spec.items() if k not in ("offset", "deadline", "hours", "entrants")}
        starts = day + dt.timedelta(days=spec["offset"]) if isinstance(spec["offset"], int) else spec["offset"]
        deadline = day + dt.timedelta(days=spec["deadline"]) if isinstance(spec["deadline"], int) else spec["deadline"]
        body |= {
            "starts_at": at(starts, spec["hours"][0]),
            "ends_at": at(starts + dt.timedelta(days=spec["hours"][2]), spec["hours"][1]),
            "registration_deadline": at(deadline, 8),
        }
        made = ok(
            await retry_missing(
                lambda: e.post(f"/v1/organizations/{COUNTY}/activities", json=body, headers=api.admin),
                "the county in the events service",
            )
        )
        ok(await e.post(f"/v1/activities/{made['id']}/publication", headers=api.admin))
        return made

    async def register(activity: dict, school_id: str, staff_no: str) -> dict:
        response = await retry_missing(
            lambda: e.post(
                f"/v1/activities/{activity['id']}/registrations",
                json={"member_id": ids[staff_no]},
                headers=api.officer(school_id),
            ),
            "a member in the events service",
        )
        return ok(response)

    async def reserved(activity: dict) -> None:
        async def probe():
            items = ok(await e.get(f"/v1/activities/{activity['id']}/budget", headers=api.admin))["items"]
            if any(i["hold_status"] == "refused" for i in items):
                raise DemoError(f"demo: finance refused the budget of {activity['title']}: {items}")
            return True if all(i["hold_status"] == "reserved" for i in items) else None

        await until(f"the budget of {activity['title']} reserved", probe)

    async def award(activity: dict, body: dict) -> dict:
        return ok(await e.post(f"/v1/activities/{activity['id']}/awards", json=body, headers=api.admin))

    async def publish_awards(activity: dict) -> dict:
        return ok(
            await e.post(
                f"/v1/activities/{activity['id']}/awards/publication",
                headers=api.admin,
                json={"paid_on": day.isoformat()},
            )
        )

    specs = plan.activity_specs(day)
    essay_paid = asyncio.Event()  # the prize payments reach the county's books in a fixed order

    async def captured(activity: dict) -> None:
        async def probe():
            items = ok(await e.get(f"/v1/activities/{activity['id']}/budget", headers=api.admin))["items"]
            return True if all(i["hold_status"] == "captured" for i in items if i["kind"] == "prizes") else None

        await until(f"the prize money of {activity['title']} paid", probe)

    # 师德征文: 30 essays submitted, 7 awarded with prize money from the county's books (5102).
    async def essays() -> str:
        rng = random.Random(plan.SEED + 1)  # its own: the activities run side by side
        spec = specs["essay"]
        activity = await create(spec)
        survey_school = by_school[SURVEY_SCHOOL]
        # The last member of each of the survey school's groups enters first: once the events service
        # knows them, it knows the whole school (a union group's events are ordered on Kafka).
        entrants = [next(p for p in reversed(survey_school.people) if p.group == g) for _, g in survey_school.groups]
        pool = [(s.id, p) for s in schools if s.id != SURVEY_SCHOOL for p in active[s.id]]
        entrants_with_school = [(SURVEY_SCHOOL, p) for p in entrants] + rng.sample(pool, 30 - len(entrants))
        for school_id, person in entrants_with_school:
            await register(activity, school_id, person.staff_no)
        await reserved(activity)
        for (level, prize), (_school_id, person) in zip(
            plan.ESSAY_PRIZES, rng.sample(entrants_with_school, len(plan.ESSAY_PRIZES))
        ):
            await award(
                activity,
                {
                    "category": "征文",
                    "level": level,
                    "member_id": ids[person.staff_no],
                    "result": f"《{rng.choice(plan.ESSAY_TITLES)}》",
                    "prize_fen": prize,
                },
            )
        published = await publish_awards(activity)
        await captured(activity)
        essay_paid.set()
        return f"{activity['title']}: 30 essays, {len(published['awards'])} awarded, prizes {yuan(published['prize_total_fen'])}"

    # 青年教师基本功大赛: teachers under 35, prize money from the county's books.
    async def skills() -> str:
        rng = random.Random(plan.SEED + 2)  # its own: the activities run side by side
        spec = specs["skills"]
        activity = await create(spec)
        young = [(s.id, p) for s in schools for p in active[s.id] if p.born.year >= day.year - 35]
        entrants = rng.sample(young, 24)
        for school_id, person in entrants:
            await register(activity, school_id, person.staff_no)
        await reserved(activity)
        for (level, prize), (_school_id, person) in zip(
            plan.SKILLS_PRIZES, rng.sample(entrants, len(plan.SKILLS_PRIZES))
        ):
            await award(
                activity,
                {
                    "category": rng.choice(("说课", "板书", "课件制作")),
                    "level": level,
                    "member_id": ids[person.staff_no],
                    "prize_fen": prize,
                },
            )
        await essay_paid.wait()
        published = await publish_awards(activity)
        return f"{activity['title']}: 24 entrants, {len(published['awards'])} awarded, prizes {yuan(published['prize_total_fen'])}"

    # 羽毛球比赛: 32 places, 40 entries: 8 on the waitlist; one withdraws and the first waiting moves up.
    async def badminton() -> str:
        rng = random.Random(plan.SEED + 3)  # its own: the activities run side by side
        spec = specs["badminton"]
        activity = await create(spec)
        entrants = []
        for school in schools[:10]:
            entrants += [(school.id, p) for p in rng.sample(active[school.id], 4)]
        answers = [await register(activity, s, p.staff_no) for s, p in entrants]
        waitlisted = sum(1 for a in answers if a["status"] == "waitlisted")
        withdrawing_school, withdrawing = entrants[5]
        cancelled = ok(
            await e.delete(
                f"/v1/activities/{activity['id']}/registrations/{ids[withdrawing.staff_no]}",
                headers=api.officer(withdrawing_school),
            )
        )
        confirmed = [
            (s, p) for (s, p), a in zip(entrants, answers) if a["status"] == "confirmed" and p is not withdrawing
        ]
        for category, gender in (("女子单打", "female"), ("男子单打", "male")):
            players = [(s, p) for s, p in confirmed if p.gender == gender]
            for level, (_school_id, person) in zip(("first", "second", "third"), players[:3]):
                await award(activity, {"category": category, "level": level, "member_id": ids[person.staff_no]})
        await publish_awards(activity)
        return (
            f"{activity['title']}: {len(entrants)} entries for {spec['capacity']} places, {waitlisted} waitlisted; "
            f"{withdrawing.name} withdrew, {len(cancelled['promoted_member_ids'])} moved up from the waitlist"
        )

    # 三八节: women only; a man registered by mistake is refused with the reason.
    async def womens_day() -> str:
        rng = random.Random(plan.SEED + 4)  # its own: the activities run side by side
        spec = specs["womens_day"]
        activity = await create(spec)
        women = [(s.id, p) for s in schools[:12] for p in active[s.id] if p.gender == "female"]
        for school_id, person in rng.sample(women, 60):
            await register(activity, school_id, person.staff_no)
        man_school, man = next((s.id, p) for s in schools for p in active[s.id] if p.gender == "male")
        refused = await e.post(
            f"/v1/activities/{activity['id']}/registrations",
            json={"member_id": ids[man.staff_no]},
            headers=api.officer(man_school),
        )
        reason = refused.json().get("detail") if refused.status_code == 422 else f"unexpectedly {refused.status_code}"
        return f"{activity['title']}: 60 women registered; {man.name} refused: {reason}"

    # 拔河比赛: four schools' teams of ten; the awards go to the teams.
    async def tug_of_war() -> str:
        rng = random.Random(plan.SEED + 5)  # its own: the activities run side by side
        spec = specs["tug_of_war"]
        activity = await create(spec)
        teams = []
        for school_id in plan.TUG_TEAMS:
            pulled = rng.sample(active[school_id], 10)
            for person in pulled:
                await register(activity, school_id, person.staff_no)
            teams.append(
                ok(
                    await e.post(
                        f"/v1/activities/{activity['id']}/teams",
                        headers=api.admin,
                        json={
                            "name": by_school[school_id].name.removesuffix("工会") + "队",
                            "member_ids": [ids[p.staff_no] for p in pulled],
                        },
                    )
                )
            )
        for level, team in zip(("first", "second", "third"), teams):
            await award(activity, {"category": "团体", "level": level, "team_id": team["id"]})
        await publish_awards(activity)
        return f"{activity['title']}: {len(teams)} teams of 10, awards to the teams"

    # Sequential within an activity (who takes a place first matters); the activities run side by side.
    for line in await asyncio.gather(essays(), skills(), badminton(), womens_day(), tug_of_war()):
        print(f"demo: {line}")


async def sitting(api: Api, school: School, ids: dict[str, str], sitting: plan.Sitting) -> tuple[dict, list, list]:
    """A congress session of the school: planned, its representatives named, proposals filed and
    seconded by representatives, and answered as the plan says (None: left unanswered, so overdue)."""
    e = api.events
    officer = api.officer(school.id)
    session = ok(
        await retry_missing(
            lambda: e.post(
                f"/v1/organizations/{school.id}/congress-sessions",
                headers=officer,
                json={
                    "kind": "staff",
                    "congress_number": sitting.congress_number,
                    "session_number": sitting.session_number,
                    "starts_on": sitting.starts_on,
                    "ends_on": sitting.ends_on,
                    "answer_deadline": sitting.answers_due,
                    "min_seconders": 2,
                },
            ),
            "the school in the events service",
        )
    )
    representatives = list(school.people[: sitting.representatives])
    rep_ids = [ids[p.staff_no] for p in representatives]
    ok(
        await retry_missing(
            lambda: e.post(
                f"/v1/congress-sessions/{session['id']}/representatives", headers=officer, json={"member_ids": rep_ids}
            ),
            "the representatives in the events service",
        )
    )
    rng = random.Random(plan.SEED + 14)
    filed = []
    for number, (title, body, _answer) in enumerate(sitting.proposals):
        proposer = rep_ids[number * 3 % len(rep_ids)]
        proposal = ok(
            await e.post(
                f"/v1/congress-sessions/{session['id']}/proposals",
                json={"title": title, "body": body},
                headers=api.member(proposer, school.id),
            )
        )
        for seconder in rng.sample([r for r in rep_ids if r != proposer], rng.randint(2, 4)):
            ok(
                await e.post(
                    f"/v1/congress-proposals/{proposal['id']}/seconders", headers=api.member(seconder, school.id)
                )
            )
        filed.append(proposal)
    for proposal, (_title, _body, answer) in zip(filed, sitting.proposals):
        if answer is None:
            continue  # left unanswered: it shows in the overdue list
        body = dict(answer)
        if body.get("merged_into") is not None:
            body["merged_into"] = filed[body["merged_into"]]["id"]
        ok(await e.post(f"/v1/congress-proposals/{proposal['id']}/answer", json=body, headers=officer))
    return session, rep_ids, filed


async def congress(api: Api, school: School, by_school: dict[str, School], ids: dict[str, str]) -> None:
    e = api.events
    officer = api.officer(school.id)
    session, rep_ids, filed = await sitting(api, school, ids, plan.STAFF_CONGRESS)
    present = rep_ids[: plan.PRESENT]
    motion = ok(
        await e.post(
            f"/v1/congress-sessions/{session['id']}/motions",
            headers=officer,
            json={
                "title": plan.MOTION,
                "present_member_ids": present,
                "quorum_numerator": 2,
                "quorum_denominator": 3,
                "pass_rule": "majority_of_present",
            },
        )
    )
    for voter, choice in zip(present, plan.BALLOTS):
        ok(
            await e.post(
                f"/v1/congress-motions/{motion['id']}/ballots",
                json={"choice": choice},
                headers=api.member(voter, school.id),
            )
        )
    closed = ok(await e.post(f"/v1/congress-motions/{motion['id']}/close", headers=officer))
    print(
        f"demo: {school.name} 第十四届教代会第三次会议: {len(rep_ids)} representatives, {len(filed)} proposals, "
        f"{sum(1 for *_, a in plan.PROPOSALS if a)} answered; {plan.MOTION} {closed['result']}"
    )
    # A second school's session, so the county's roll-up adds up more than one union.
    second = by_school[plan.SMALL_CONGRESS_SCHOOL]
    _session, _reps, small = await sitting(api, second, ids, plan.SMALL_CONGRESS)
    print(
        f"demo: {second.name} 第{plan.SMALL_CONGRESS.congress_number}届第{plan.SMALL_CONGRESS.session_number}次教代会: "
        f"{len(small)} proposals, {sum(1 for *_, a in plan.SMALL_CONGRESS.proposals if a)} answered"
    )


async def survey(api: Api, school: School, ids: dict[str, str]) -> None:
    e = api.events
    officer = api.officer(school.id)
    drafted = ok(
        await e.post(
            f"/v1/organizations/{school.id}/surveys",
            headers=officer,
            json={"title": plan.SURVEY_TITLE, "questions": plan.SURVEY_QUESTIONS},
        )
    )
    sent = ok(await e.post(f"/v1/surveys/{drafted['id']}/send", headers=officer))
    rng = random.Random(plan.SEED + 82)
    respondents = rng.sample(school.people, plan.SURVEY_RESPONSES)

    async def respond(person) -> None:
        answers = [
            rng.choice((0, 0, 1, 2)),
            sorted(rng.sample(range(4), rng.randint(1, 2))),
            rng.choice((3, 4, 4, 5, 5)),
            rng.choice(plan.SURVEY_TEXTS),
        ]
        ok(
            await e.post(
                f"/v1/surveys/{drafted['id']}/responses",
                json={"answers": answers},
                headers=api.member(ids[person.staff_no], school.id),
            )
        )

    for person in respondents:
        await respond(person)
    closed = ok(await e.post(f"/v1/surveys/{drafted['id']}/close", headers=officer))
    print(
        f"demo: {school.name} {plan.SURVEY_TITLE}: sent to {sent['recipients']}, {closed['responses']} answered "
        f"(return rate {closed['return_rate']})"
    )


async def nomination(api: Api, school: School, ids: dict[str, str]) -> None:
    e = api.events
    person = school.people[0]
    nominated = ok(
        await e.post(
            f"/v1/organizations/{school.id}/nominations",
            headers=api.officer(school.id),
            json={
                "member_id": ids[person.staff_no],
                "award": "advanced_individual",
                "year": 2026,
                "citation": plan.CITATION,
            },
        )
    )
    ok(await e.post(f"/v1/nominations/{nominated['id']}/review", headers=api.admin, json={"note": "材料齐全,事迹属实"}))
    start = today()
    approved = ok(
        await e.post(
            f"/v1/nominations/{nominated['id']}/approval",
            headers=api.admin,
            json={"notice_starts_on": start.isoformat(), "notice_ends_on": (start + dt.timedelta(days=6)).isoformat()},
        )
    )
    print(
        f"demo: {person.name} ({school.name}) approved as 先进个人 2026, public notice "
        f"{approved['notice_starts_on']} – {approved['notice_ends_on']}"
    )


__all__ = ["load", "Role"]
