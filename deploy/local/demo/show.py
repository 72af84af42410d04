"""What the demo prints at the end of every run: read back from the services, never from memory."""

import asyncio
import datetime as dt
from collections import Counter

from demo import plan
from demo.api import FINANCE, Api, books, every_item, ok, until, yuan
from demo.roster import COUNTY, SURVEY_SCHOOL, School
from demo.welfare import show_welfare

LEVELS = {"first": "一等奖", "second": "二等奖", "third": "三等奖", "excellence": "优秀奖"}
AWARDS = {
    "may_day_labour_medal": "五一劳动奖章",
    "model_worker": "劳动模范",
    "advanced_individual": "先进个人",
    "outstanding_union_officer": "优秀工会干部",
}
ANSWERS = {"accepted": "立案", "merged": "并案", "referred": "转交", "rejected": "不予立案"}
COLUMNS = [
    ("1001", "bank"),
    ("4101", "dues"),
    ("4102", "employer"),
    ("4103", "alloc in"),
    ("4104", "remit in"),
    ("5101", "welfare"),
    ("5102", "activity"),
    ("5103", "equipment"),
    ("5201", "alloc out"),
    ("5202", "remit out"),
]
ORIGINAL = ["no1-primary", "experimental-middle", "central-kindergarten", "migrant-children"]


async def membership(api: Api) -> None:
    report = ok(await api.membership.get(f"/v1/organizations/{COUNTY}/membership-report", headers=api.admin))
    unions = sorted(
        report["unions"], key=lambda u: (-float(u["membership_rate_percent"] or 0), -u["members"], u["organization_id"])
    )
    header = f"{'union':<22}{'name':<16}{'staff':>7}{'active':>8}{'retired':>8}{'rate':>9}"

    def row(u: dict) -> str:
        name = u["name"].removesuffix("工会")
        pad = 16 - sum(2 if ord(c) > 0x2E80 else 1 for c in name)
        return (
            f"{u['organization_id']:<22}{name}{' ' * max(pad, 1)}{u['staff_count'] or 0:>7}{u['active_members']:>8}"
            f"{u['retired_members']:>8}{(u['membership_rate_percent'] or '-') + '%':>9}"
        )

    print(
        f"\nmembership of {COUNTY} ({len(unions)} school unions), as of {report['to']}: highest and lowest membership rates"
    )
    print(header)
    for u in unions[:5]:
        print(row(u))
    print(f"{'…':<22}")
    for u in unions[-5:]:
        print(row(u))
    full = sum(1 for u in unions if u["membership_rate_percent"] == "100.00")
    total = report["total"]
    print(
        f"{'total':<38}{total['staff_count'] or 0:>7}{total['active_members']:>8}{total['retired_members']:>8}"
        f"{(total['membership_rate_percent'] or '-') + '%':>9}"
    )
    print(
        f"{full} unions have every employee in the union (入会率 100%); members: {total['members']} "
        f"({total['active_members']} working, {total['retired_members']} retired)"
    )
    scheduled = ok(await api.membership.get(f"/v1/organizations/{COUNTY}/scheduled-changes", headers=api.admin))
    for change in scheduled:
        member = ok(await api.membership.get(f"/v1/members/{change['member_id']}", headers=api.admin))
        print(
            f"scheduled: {change['change']} of {member['display_name']} from {change['from_organization_id']} "
            f"to {change['to_organization_id']} on {change['effective_on']} ({change['status']})"
        )


async def dues(api: Api, schools: list[School]) -> None:
    """Dues collected (membership) against the dues account of each union's books (finance)."""

    async def expected(school: School) -> int:
        # October's dues and November's (collected for the November statistics report: demo/november.py).
        total = 0
        for period in (plan.PERIOD, plan.NOVEMBER):
            month = ok(
                await api.membership.get(f"/v1/organizations/{school.id}/dues?period={period}", headers=api.admin)
            )
            total += sum(m["amount_fen"] or 0 for m in month["members"] if m["paid"])
        return total

    want = dict(zip([s.id for s in schools], await asyncio.gather(*(expected(s) for s in schools))))

    async def posted():
        got = dict(zip(want, [b.get("4101", 0) for b in await asyncio.gather(*(books(api, s) for s in want))]))
        return got if got == want else None

    try:
        got = await until("every union's dues in its books", posted, timeout=180, every=1)
    except SystemExit:
        got = dict(zip(want, [b.get("4101", 0) for b in await asyncio.gather(*(books(api, s) for s in want))]))
    print(
        f"\ndues for {plan.PERIOD} and {plan.NOVEMBER} ({plan.DUES_RATE_PER_MILLE / 10}% of each member's base salary)"
    )
    print(f"{'school union':<24}{'dues collected':>16}{'in the ledger':>16}")
    for school_id in ORIGINAL:
        print(f"{school_id:<24}{yuan(want[school_id]):>16}{yuan(got[school_id]):>16}")
    others = [s for s in want if s not in ORIGINAL]
    print(
        f"{f'{len(others)} other unions':<24}{yuan(sum(want[s] for s in others)):>16}{yuan(sum(got[s] for s in others)):>16}"
    )
    print(f"{'total':<24}{yuan(sum(want.values())):>16}{yuan(sum(got.values())):>16}")


async def activities(api: Api) -> int:
    """The county's activities; answers the prize money paid."""
    e = api.events
    listed = await every_item(e, f"/v1/organizations/{COUNTY}/activities", api.admin)
    listed.sort(key=lambda a: (a["starts_at"], a["title"]))
    prizes = 0
    print(f"\nactivities of {COUNTY}")
    for activity in listed:
        registrations = ok(await e.get(f"/v1/activities/{activity['id']}/registrations", headers=api.admin))
        names = {r["member_id"]: r["display_name"] for r in registrations}
        teams = {
            t["id"]: t["name"] for t in ok(await e.get(f"/v1/activities/{activity['id']}/teams", headers=api.admin))
        }
        awards = ok(await e.get(f"/v1/activities/{activity['id']}/awards", headers=api.admin))
        limit = f"capacity {activity['capacity']}" if activity["capacity"] else "no limit"
        only = " (women only)" if activity["eligible_gender"] == "female" else ""
        print(
            f"  {activity['starts_at'][:10]}  {activity['title']}{only}: {activity['confirmed']} registered, "
            f"{activity['waitlisted']} waitlisted ({limit}); budget {yuan(activity['budget_fen'])}"
        )
        paid = sum(a["prize_fen"] for a in awards)
        prizes += paid if activity["awards_published_on"] else 0
        for a in awards:
            winner = teams.get(a["team_id"]) if a["team_id"] else names.get(a["member_id"], a["member_id"])
            money = f"  {yuan(a['prize_fen'])}" if a["prize_fen"] else ""
            result = f"  {a['result']}" if a["result"] else ""
            print(f"      {a['category']} {LEVELS[a['level']]}  {winner}{result}{money}")
        if activity["awards_published_on"]:
            print(f"      awards published {activity['awards_published_on']}, prize money {yuan(paid)}")
    return prizes


async def congress(api: Api) -> None:
    e = api.events
    school = "experimental-middle"
    for session in ok(await e.get(f"/v1/organizations/{school}/congress-sessions", headers=api.admin)):
        proposals = ok(await e.get(f"/v1/congress-sessions/{session['id']}/proposals", headers=api.admin))
        reps = ok(await e.get(f"/v1/congress-sessions/{session['id']}/representatives", headers=api.admin))
        numbers = {p["id"]: p["number"] for p in proposals}
        print(
            f"\n实验中学 第十四届教代会第三次会议 ({session['title']} {session['starts_on']}–{session['ends_on']}): "
            f"{len(reps)} representatives, {len(proposals)} proposals, answers due {session['answer_deadline'][:16]}"
        )
        for p in proposals:
            if p["answer"]:
                extra = f" → 第{numbers[p['merged_into']]}号" if p["merged_into"] else ""
                extra += f" ({p['department']})" if p["department"] and p["answer"] == "referred" else ""
                answer = f"{ANSWERS[p['answer']]}{extra}: {p['answer_text']}"
            else:
                answer = "not answered"
            print(f"  第{p['number']}号 {p['title']} ({len(p['seconders'])} seconders) — {answer}")
        deadline = dt.datetime.fromisoformat(session["answer_deadline"])
        as_of = max(dt.datetime.now(dt.UTC), deadline + dt.timedelta(days=1))
        overdue = ok(
            await e.get(
                f"/v1/congress-sessions/{session['id']}/overdue-proposals",
                params={"as_of": as_of.isoformat()},
                headers=api.admin,
            )
        )
        for p in overdue["proposals"]:
            print(f"  overdue (no answer by {overdue['answer_deadline'][:16]}): 第{p['number']}号 {p['title']}")


async def survey_and_nominations(api: Api) -> None:
    e = api.events
    for s in ok(await e.get(f"/v1/organizations/{SURVEY_SCHOOL}/surveys", headers=api.admin)):
        results = ok(await e.get(f"/v1/surveys/{s['id']}/results", headers=api.admin))
        print(
            f"\nsurvey {SURVEY_SCHOOL} {s['title']} ({s['status']}): {s['responses']} of {s['recipients']} answered, "
            f"return rate {s['return_rate']}"
        )
        for result in results["results"] or []:
            if "options" in result:
                shown = ", ".join(f"{o['option']} {o['count']}" for o in result["options"])
            elif "ratings" in result:
                shown = (
                    f"average {result['average']} ("
                    + ", ".join(f"{k}★ {v}" for k, v in result["ratings"].items())
                    + ")"
                )
            else:
                texts = sorted(Counter(result.get("texts") or []).items(), key=lambda t: (-t[1], t[0]))
                shown = "; ".join(f"“{t}” ×{n}" for t, n in texts)
            print(f"  {result['question']}. {result['text']} ({result['answered']} answered): {shown}")
    for n in ok(await e.get(f"/v1/organizations/{COUNTY}/nominations", headers=api.admin)):
        print(
            f"\nnomination: {n['member_name']} ({n['organization_id']}) for {AWARDS.get(n['award'], n['award'])} {n['year']}: {n['status']}, "
            f"public notice {n['notice_starts_on']} – {n['notice_ends_on']} ({n['notice']})"
        )
    for notice in ok(await e.get(f"/v1/organizations/{COUNTY}/public-notices", headers=api.admin)):
        print(
            f"  公示 today: {notice['member_name']} {AWARDS.get(notice['award'], notice['award'])} {notice['year']} — {notice['citation']}"
        )


async def money(api: Api, prizes: int) -> None:
    f = api.finance

    async def prizes_posted():
        county = await books(api, COUNTY)
        return True if county.get("5102", 0) >= prizes else None

    await until("the prize money in the county's books", prizes_posted, timeout=120)
    rows = [COUNTY] + ORIGINAL
    print(f"\n{'ledger':<22}" + "".join(f"{title:>13}" for _, title in COLUMNS))
    for org_id in rows:
        b = await books(api, org_id)
        print(f"{org_id:<22}" + "".join(f"{yuan(b.get(code, 0)):>13}" for code, _ in COLUMNS))

    postings = await every_item(f, f"/v1/organizations/{COUNTY}/ledger/postings", api.admin)
    visits = [p for p in postings if any(line["account_code"] == "5101" for line in p["lines"])]
    print(
        f"\nthe county's ledger ({COUNTY}, {len(postings)} entries; the {len(visits)} welfare visits are summed "
        f"in the welfare report below)"
    )
    for p in postings:
        if p in visits:
            continue
        lines = "  ".join(
            f"{'Dr' if line['debit_fen'] else 'Cr'} {line['account_code']} {yuan(line['debit_fen'] or line['credit_fen'])}"
            for line in p["lines"]
        )
        print(f"  {p['sequence']:>3} {p['effective_date']}  {p['description'][:40]:<40}  {lines}")
    county = await books(api, COUNTY)
    print(
        f"  activity expense 5102 (prize money): {yuan(county.get('5102', 0))}; bank 1001: {yuan(county.get('1001', 0))}"
    )

    statement = ok(await f.get(f"/v1/organizations/{COUNTY}/ledger/consolidated", headers=api.admin))
    print(
        f"\nconsolidated statement of {COUNTY} ({len(statement['ledgers'])} ledgers; transfers inside the county eliminated)"
    )
    print(f"{'account':<28}{'added up':>14}{'eliminated':>14}{'consolidated':>14}")
    for account in statement["accounts"]:
        if account["combined_fen"] or account["consolidated_fen"]:
            print(
                f"{account['code'] + ' ' + account['name_zh']:<28}{yuan(account['combined_fen']):>14}"
                f"{yuan(account['eliminated_fen']):>14}{yuan(account['consolidated_fen']):>14}"
            )
    print(f"{'debit balances = credit balances':<28}{'':>28}{yuan(statement['total_debit_balances_fen']):>14}")

    term = "from=2026-09-01&to=2027-01-31"
    disclosure = await f.get(f"/v1/organizations/no1-primary/disclosure?{term}&format=csv", headers=api.admin)
    if disclosure.status_code >= 400:
        ok(disclosure)
    print("\n第一小学工会 校务公开 disclosure statement, autumn term (CSV):")
    print(disclosure.content.decode("utf-8-sig").strip())
    print(f"  as a page: {FINANCE}/v1/organizations/no1-primary/disclosure?{term} (add &lang=en for English)")


async def show(api: Api, schools: list[School]) -> None:
    await membership(api)
    await dues(api, schools)
    prizes = await activities(api)
    await congress(api)
    await survey_and_nominations(api)
    await money(api, prizes)
    await show_welfare(api)
