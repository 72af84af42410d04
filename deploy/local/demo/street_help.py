"""Help beyond the grants: 华东精密's mutual-aid fund (互助金), paid into by its members and lending
to one of them, repaid monthly — the loan a receivable in the union's books, never an expense; the
street's 送温暖 to village schools and migrant workers who are not members; and 金秋助学."""

import datetime as dt

from demo.api import Api, DemoError, ok, settled, until, yuan
from demo.roster import id_check
from demo.street import REGION, STREET, STREET_NAME, Street
from unionfed_shared.auth import Role

FUND_UNION = "jh-machinery"
CONTRIBUTORS, CONTRIBUTION_FEN = 12, 500_00
LOAN_FEN, LOAN_MONTHS = 3_000_00, 6


async def load_help(api: Api, street: Street, members: dict[str, list[str]], day: dt.date) -> None:
    w, officer = api.welfare, street.officer(FUND_UNION)
    base = f"/v1/organizations/{FUND_UNION}/mutual-aid"
    lent_on = day - dt.timedelta(days=75)  # two instalments due since: one repaid, one overdue
    for member in members[FUND_UNION][:CONTRIBUTORS]:
        body = {"contributor": "member", "member_id": member, "amount_fen": CONTRIBUTION_FEN}
        ok(
            await w.post(
                f"{base}/contributions",
                json=body | {"received_on": (lent_on - dt.timedelta(days=10)).isoformat()},
                headers=officer,
            )
        )
    await _booked(api, officer, "the members' contributions", lambda f: f["own"]["available_fen"] >= LOAN_FEN)
    borrower = members[FUND_UNION][-1]
    loan = ok(
        await w.post(
            f"{base}/loans",
            json={
                "member_id": borrower,
                "amount_fen": LOAN_FEN,
                "purpose": "家属住院医疗费周转",
                "months": LOAN_MONTHS,
                "applied_on": (lent_on - dt.timedelta(days=3)).isoformat(),
            },
            headers=officer,
        )
    )
    ok(await w.post(f"/v1/mutual-aid/loans/{loan['id']}/approval", json={"on": lent_on.isoformat()}, headers=officer))

    async def loan_booked():
        found = ok(await w.get(f"/v1/mutual-aid/loans/{loan['id']}", headers=officer))
        return found if found["finance_status"] == "posted" else None

    # A repayment is taken once finance has booked the loan.
    first = (await until("finance booking the loan", loan_booked))["instalments"][0]
    ok(
        await w.post(
            f"/v1/mutual-aid/loans/{loan['id']}/repayments",
            json={"amount_fen": first["amount_fen"], "repaid_on": first["due_on"]},
            headers=officer,
        )
    )
    print(
        f"demo: {STREET_NAME}: mutual-aid fund of {FUND_UNION}: {CONTRIBUTORS} members paid in, "
        f"one loan of {yuan(LOAN_FEN)} over {LOAN_MONTHS} months, its first instalment repaid",
        flush=True,
    )


async def _booked(api: Api, headers: dict, what: str, enough) -> None:
    """Wait until finance has booked what the fund lends from (it lends only booked money)."""

    async def probe():
        statement = ok(await api.welfare.get(f"/v1/organizations/{FUND_UNION}/mutual-aid/statement", headers=headers))
        return True if enough(statement) else None

    await until(f"finance booking {what}", probe)


async def show_help(api: Api, street: Street) -> None:
    statement = ok(await api.welfare.get(f"/v1/organizations/{STREET}/mutual-aid/statement", headers=street.admin))
    fund = statement["subtree"]

    async def booked():
        balances = ok(await api.finance.get(f"/v1/organizations/{FUND_UNION}/ledger/balances", headers=street.admin))
        found = {a["code"]: a["balance_fen"] for a in balances["accounts"]}
        return found if found.get("1141") == fund["outstanding_fen"] else None

    books = await until("the mutual-aid movements in finance", booked)
    print(
        f"  mutual-aid fund (互助金): paid in {yuan(fund['contributed_fen'])}, lent {yuan(fund['lent_fen'])}, "
        f"repaid {yuan(fund['repaid_fen'])}, owed {yuan(fund['outstanding_fen'])} ({yuan(fund['overdue_fen'])} overdue), "
        f"available {yuan(fund['available_fen'])}; in {FUND_UNION}'s books: fund cash (1002) "
        f"{yuan(books.get('1002', 0))}, loans receivable (1141) {yuan(books.get('1141', 0))}"
    )


# 送温暖 beyond the members: six village schools (31,000 yuan) and the migrant workers on the
# street's building sites (tea, sugar and basketballs worth 16,200 yuan for 600 people).
VILLAGE_SCHOOLS = [
    ("青山村小学", 6_000, 86),
    ("柳树湾村小", 5_500, 64),
    ("石门村小学", 5_500, 71),
    ("桃园村小", 5_000, 45),
    ("龙潭村小学", 5_000, 58),
    ("白沙村小", 4_000, 37),
]
MIGRANT_GOODS = [("茶叶", 600, "盒", 7_200), ("白糖", 600, "袋", 3_000), ("篮球", 60, "个", 6_000)]
EMPLOYER_FUNDS_FEN = 150_000_00  # the street federation's own funds for the year's help
# 金秋助学: the scheme's levels, and the students the street applies for, paid from its own funds:
# (the union of the parent for a member's child, else None; student; level)
AID_LEVELS = [("大学本科", 3_000_00), ("大专", 2_000_00), ("高中", 1_000_00)]
STUDENTS = [
    ("jh-machinery", "陈思远", "大学本科"),
    (None, "刘小雨", "大学本科"),
    (None, "马俊杰", "大专"),
    (None, "杨欣怡", "高中"),
]


async def load_outside_help(api: Api, street: Street, members: dict[str, list[str]], day: dt.date) -> None:
    treasurer = api.headers("street-treasurer", Role.UNION_OFFICER, STREET, federation=STREET)
    await settled(
        api.finance,
        ok(
            await api.finance.post(
                f"/v1/organizations/{STREET}/employer-funds",
                json={"amount_fen": EMPLOYER_FUNDS_FEN, "received_on": dt.date(day.year, 1, 15).isoformat()},
                headers=treasurer,
            )
        ),
        treasurer,
    )
    w, admin = api.welfare, street.admin
    given_on = max(dt.date(day.year, 1, 1), day - dt.timedelta(days=60)).isoformat()
    bodies = [
        {
            "recipient": {
                "kind": "organization",
                "name": name,
                "organization_kind": "village_school",
                "headcount": pupils,
            },
            "purpose": "送温暖·助力村小",
            "given_on": given_on,
            "money_fen": yuan_ * 100,
        }
        for name, yuan_, pupils in VILLAGE_SCHOOLS
    ]
    bodies.append(
        {
            "recipient": {
                "kind": "organization",
                "name": "辖区建筑工地农民工",
                "organization_kind": "migrant_workers",
                "headcount": 600,
            },
            "purpose": "送清凉·送温暖",
            "given_on": given_on,
            "goods": [
                {"item": item, "quantity": quantity, "unit": unit, "value_fen": value * 100}
                for item, quantity, unit, value in MIGRANT_GOODS
            ],
        }
    )
    grants = [ok(await w.post(f"/v1/organizations/{STREET}/outside-grants", json=b, headers=admin)) for b in bodies]
    await _reserved(api, admin, [f"/v1/outside-grants/{g['id']}" for g in grants])
    for grant in grants:
        ok(await w.post(f"/v1/outside-grants/{grant['id']}/approval", json={"paid_on": given_on}, headers=admin))

    scheme = ok(
        await w.post(
            f"/v1/federations/{STREET}/student-aid-schemes",
            json={
                "year": day.year,
                "name": "金秋助学",
                "criteria": "辖区建档立卡困难家庭学生及困难职工子女，当年考入高校或在读高中",
                "levels": [{"name": name, "amount_fen": fen} for name, fen in AID_LEVELS],
            },
            headers=admin,
        )
    )
    applied_on = max(dt.date(day.year, 1, 1), day - dt.timedelta(days=90))
    applications = []
    for n, (parents_union, student, level) in enumerate(STUDENTS):
        first17 = f"{REGION}{2005 + n:04d}{n + 1:02d}{10 + n:02d}{100 + n:03d}"
        body = {
            "scheme_id": scheme["id"],
            "student_name": student,
            "id_number": first17 + id_check(first17),
            "school": "某大学" if level != "高中" else "区第一中学",
            "level": level,
            "applied_on": applied_on.isoformat(),
        }
        if parents_union:
            body["member_id"] = members[parents_union][0]
        applications.append(
            ok(await w.post(f"/v1/organizations/{STREET}/student-aid-applications", json=body, headers=admin))
        )
    await _reserved(api, admin, [f"/v1/student-aid-applications/{a['id']}" for a in applications])
    for application in applications:
        ok(
            await w.post(
                f"/v1/student-aid-applications/{application['id']}/review",
                json={"decision": "approve", "paid_on": min(applied_on + dt.timedelta(days=14), day).isoformat()},
                headers=admin,
            )
        )
    print(
        f"demo: {STREET_NAME}: 送温暖 to {len(VILLAGE_SCHOOLS)} village schools and 600 migrant workers; "
        f"金秋助学 for {len(STUDENTS)} students",
        flush=True,
    )


async def _reserved(api: Api, headers: dict, urls: list[str]) -> None:
    """Wait until finance has reserved the money of each (a refusal stops the demo)."""

    async def probe():
        for url in urls:
            found = ok(await api.welfare.get(url, headers=headers))
            if found["hold_status"] == "refused":
                raise DemoError(f"demo: finance refused {url}: {found['finance_reason']}")
            if found["hold_status"] != "reserved":
                return None
        return True

    await until(f"finance reserving {len(urls)} payments", probe, timeout=180, every=0.5)


async def show_outside_help(api: Api, street: Street, day: dt.date) -> None:
    report = ok(
        await api.welfare.get(
            f"/v1/organizations/{STREET}/welfare-report",
            params={"from": dt.date(day.year, 1, 1).isoformat(), "to": day.isoformat()},
            headers=street.admin,
        )
    )
    lines = {line["group"]: line for line in report["outside_help"]}
    schools, workers = lines.get("village_school"), lines.get("migrant_workers")
    if schools:
        print(f"  送温暖: {schools['given']} village schools given {yuan(schools['paid_fen'])}", end="")
    if workers:
        print(
            f"; {workers['people_reached']} migrant workers given goods worth {yuan(workers['paid_goods_fen'])}", end=""
        )
    print(f"; welfare paid in the street's tree this year: {yuan(report['totals']['welfare_paid_fen'])}")
    aid = ok(
        await api.welfare.get(
            f"/v1/organizations/{STREET}/student-aid/rollup", params={"year": day.year}, headers=street.admin
        )
    )
    print(
        f"  金秋助学: {aid['approved']} of {aid['applications']} students helped, {yuan(aid['paid_fen'])} paid ("
        + "、".join(f"{lvl['level']} {lvl['approved']}" for lvl in aid["by_level"] if lvl["approved"])
        + ")"
    )
