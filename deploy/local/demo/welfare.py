"""The county's welfare year: hardship files, the special-hardship visits of the first half year,
one school's hardship subsidies, a Mid-Autumn greeting and a donation drive; then the welfare
report beside what the ledgers posted."""

import datetime as dt
import random

from demo import plan
from demo.api import Api, DemoError, books, every_item, ok, retry_missing, until, yuan
from demo.roster import COUNTY, RETIREES, School

SEED = plan.SEED + 50


def _dates(rng: random.Random, first: str, last: str, count: int) -> list[dt.date]:
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return sorted(start + dt.timedelta(days=rng.randint(0, (end - start).days)) for _ in range(count))


async def _grants_settled(api: Api, grant_ids: list[str], state: str, headers: dict) -> None:
    async def probe():
        for grant_id in grant_ids:
            grant = ok(await api.welfare.get(f"/v1/grants/{grant_id}", headers=headers))
            if grant["hold_status"] == "refused":
                raise DemoError(f"demo: finance refused grant {grant_id}: {grant['finance_reason']}")
            if grant["state"] != state:
                return None
        return True

    await until(f"{len(grant_ids)} grants {state}", probe, timeout=180, every=0.5)


async def _visit(api: Api, org: str, headers: dict, grants: list[dict]) -> int:
    """Record the grants, wait until finance reserved them all, then pay each on its occasion's day."""
    recorded = [ok(await api.welfare.post(f"/v1/organizations/{org}/grants", json=g, headers=headers)) for g in grants]
    await _grants_settled(api, [g["id"] for g in recorded], "reserved", headers)
    for grant in recorded:
        ok(
            await api.welfare.post(
                f"/v1/grants/{grant['id']}/approval", json={"paid_on": grant["occasion_on"]}, headers=headers
            )
        )
    await _grants_settled(api, [g["id"] for g in recorded], "paid", headers)
    return sum(g["amount_fen"] for g in recorded)


async def _open_files(
    api: Api, chosen: list[tuple[School, str]], level: str, opened: list[dt.date], rng: random.Random
) -> list[str]:
    files = []
    for (school, member_id), opened_on in zip(chosen, opened):
        cause = rng.choice(plan.HARDSHIP_CAUSES)
        body = {
            "member_id": member_id,
            "level": level,
            "cause": cause,
            "opened_on": opened_on.isoformat(),
            "documents": ["困难职工申请表", "收入证明"] + (["诊断证明"] if cause == "serious_illness" else []),
        }
        # A welfare officer of the school keeps the file; the county only visits.
        officer = api.welfare_officer(school.id)
        files.append(
            ok(
                await retry_missing(
                    # The closure is awaited in this iteration, so its loop variables are this school's.
                    lambda: api.welfare.post(
                        f"/v1/organizations/{school.id}/hardship-files",  # noqa: B023
                        json=body,  # noqa: B023
                        headers=officer,  # noqa: B023
                    ),
                    "a member in the welfare service",
                )
            )["id"]
        )
    return files


async def load_welfare(api: Api, schools: list[School], ids: dict[str, str]) -> None:
    w = api.welfare
    rng = random.Random(SEED)
    ok(
        await w.put(
            f"/v1/federations/{COUNTY}/visit-policy",
            headers=api.admin,
            json={"amounts_fen": plan.VISIT_POLICY, "yearly_cap_fen": plan.YEARLY_CAP_FEN},
        )
    )

    retired = set(RETIREES)
    working = [
        (s, p)
        for s in schools
        if s.id != plan.SUBSIDY_SCHOOL
        for i, p in enumerate(s.people)
        if (s.id, i - len(s.people)) not in retired
    ]
    special = rng.sample(working, plan.SPECIAL_HARDSHIP_VISITS)
    first, last = plan.HALF_YEAR
    files = await _open_files(
        api,
        [(s, ids[p.staff_no]) for s, p in special],
        "special_hardship",
        _dates(rng, "2025-11-01", "2025-12-31", len(special)),
        rng,
    )
    visits = []
    for n, ((school, person), file_id, on) in enumerate(zip(special, files, _dates(rng, first, last, len(special)))):
        grant = {
            "member_id": ids[person.staff_no],
            "visit_type": "major_hardship",
            "occasion_on": on.isoformat(),
            "hardship_file_id": file_id,
            "note": f"县教育工会走访特困教职工 {school.name.removesuffix('工会')}",
        }
        if n < plan.MONEY_ONLY_VISITS:
            grant["money_fen"] = 500_00
        else:
            grant |= {"money_fen": 300_00, "goods": [plan.RICE]}
        visits.append(grant)
    paid = await _visit(api, COUNTY, api.admin, visits)
    print(
        f"demo: the county visited {len(visits)} members in special hardship (特困) in {first} – {last}: "
        f"{yuan(paid)} ({plan.MONEY_ONLY_VISITS} × 500 yuan, {len(visits) - plan.MONEY_ONLY_VISITS} × 300 yuan "
        f"and 50 jin of rice)"
    )

    school = next(s for s in schools if s.id == plan.SUBSIDY_SCHOOL)
    teachers = rng.sample(school.people[1:], plan.SUBSIDY_TEACHERS)
    files = await _open_files(
        api,
        [(school, ids[p.staff_no]) for p in teachers],
        "hardship",
        _dates(rng, "2026-09-01", "2026-09-20", len(teachers)),
        rng,
    )
    officer = api.officer(school.id)
    subsidies = [
        {
            "member_id": ids[p.staff_no],
            "visit_type": "major_hardship",
            "occasion_on": plan.SUBSIDY_ON,
            "hardship_file_id": f,
            "money_fen": plan.SUBSIDY_FEN,
        }
        for p, f in zip(teachers, files)
    ]
    paid = await _visit(api, school.id, officer, subsidies)
    print(f"demo: {school.name} gave {len(subsidies)} teachers in hardship (困难) {yuan(paid)} of subsidies")

    await _greeting(api)
    await _drive(api, next(s for s in schools if s.id == plan.DRIVE_SCHOOL), ids, rng)


async def _greeting(api: Api) -> None:
    org = plan.GREETING_SCHOOL
    officer = api.officer(org)
    accepted = ok(
        await api.welfare.post(f"/v1/organizations/{org}/festival-greetings", json=plan.GREETING, headers=officer)
    )
    ok(await api.welfare.post(f"{accepted['status_url']}/run", headers=officer))

    async def done():
        batch = ok(await api.welfare.get(accepted["status_url"], headers=officer))
        return batch if batch["done"] else None

    batch = await until("the Mid-Autumn greeting paid", done, timeout=180, every=0.5)
    print(
        f"demo: {batch['festival_name']} at {org}: {batch['total']} members, {batch['paid']} paid "
        f"{yuan(batch['paid_fen'])}, {batch['skipped']} skipped, {batch['refused']} refused"
    )


async def _drive(api: Api, school: School, ids: dict[str, str], rng: random.Random) -> None:
    officer = api.officer(school.id)
    beneficiary = school.people[-3]
    drive = ok(
        await api.welfare.post(
            f"/v1/organizations/{school.id}/donation-drives",
            headers=officer,
            json={
                "code": plan.DRIVE_CODE,
                "title": plan.DRIVE_TITLE,
                "beneficiary_member_id": ids[beneficiary.staff_no],
            },
        )
    )
    gifts = [
        {"donor": p.name, "amount_fen": rng.choice((200_00, 300_00, 500_00, 1_000_00))}
        for p in school.people
        if p is not beneficiary
    ]
    gifts += [
        {"anonymous": True, "amount_fen": 5_000_00},
        {"donor": "学生家长委员会", "amount_fen": 50_000_00},
        {"donor": "校友会", "amount_fen": 20_000_00},
    ]
    for gift in gifts:
        ok(
            await api.welfare.post(
                f"/v1/donation-drives/{drive['code']}/donations",
                headers=officer,
                json=gift | {"received_on": plan.DRIVE_ON},
            )
        )
    raised = sum(g["amount_fen"] for g in gifts)
    await _held(api, school.id, drive["code"], raised)
    disbursed = raised - raised % 10_000_00  # the round ten-thousands now; the rest when the family asks
    ok(
        await api.welfare.post(
            f"/v1/donation-drives/{drive['code']}/disbursements",
            headers=officer,
            json={"amount_fen": disbursed, "paid_on": plan.DRIVE_DISBURSED_ON},
        )
    )
    await _held(api, school.id, drive["code"], raised - disbursed)
    print(
        f"demo: {school.name} {plan.DRIVE_TITLE}: {len(gifts)} donations, {yuan(raised)} raised, "
        f"{yuan(disbursed)} paid to the family"
    )


async def show_welfare(api: Api) -> None:
    """The welfare report of the county for the half year, beside the county's welfare expense (5101)."""
    first, last = plan.HALF_YEAR
    report = ok(
        await api.welfare.get(
            f"/v1/organizations/{COUNTY}/welfare-report", params={"from": first, "to": last}, headers=api.admin
        )
    )
    county_rows = [r for r in report["grants"] if r["organization_id"] == COUNTY]
    visited = sum(r["visits"] for r in county_rows)
    granted = sum(r["granted_fen"] for r in county_rows)
    goods = sum(r["paid_goods_fen"] for r in county_rows)
    ledger = await _welfare_expense(api, COUNTY, first, last)
    print(f"\nwelfare report of {COUNTY}, {first} – {last} (welfare service) against the county's ledger (finance)")
    print(f"  visits by the county: {visited} members, granted {yuan(granted)} (of which goods at value {yuan(goods)})")
    print(
        f"  welfare expense 5101 posted in the county's ledger for the same dates: {yuan(ledger)}"
        f" — {'matches' if ledger == granted else 'DOES NOT MATCH'}"
    )
    files = {}
    year = ok(
        await api.welfare.get(
            f"/v1/organizations/{COUNTY}/welfare-report",
            params={"from": "2026-01-01", "to": "2026-12-31"},
            headers=api.admin,
        )
    )
    for row in year["hardship_files"]:
        files[row["level_label"]] = files.get(row["level_label"], 0) + row["open"]
    print("  hardship files open: " + ", ".join(f"{k} {v}" for k, v in sorted(files.items())))
    print(
        f"  welfare paid in the county's tree in 2026 (grants, greetings): {yuan(year['totals']['welfare_paid_fen'])}"
    )
    drive = ok(await api.welfare.get(f"/v1/donation-drives/{plan.DRIVE_CODE}", headers=api.admin))
    held = (await books(api, plan.DRIVE_SCHOOL)).get(f"2301/{plan.DRIVE_CODE}", 0)
    print(
        f"  donation drive {drive['title']} for {drive['pseudonym']}: raised {yuan(drive['raised_fen'])}, "
        f"paid {yuan(drive['disbursed_fen'])}, held {yuan(drive['held_fen'])}; held for it (2301) in "
        f"{plan.DRIVE_SCHOOL}'s ledger: {yuan(held)}"
    )


async def _held(api: Api, org: str, drive: str, amount_fen: int) -> None:
    """Wait until the union's ledger holds exactly ``amount_fen`` for the drive (2301/<drive>)."""

    async def probe():
        return True if (await books(api, org)).get(f"2301/{drive}", 0) == amount_fen else None

    await until(f"{yuan(amount_fen)} of donations held in {org}'s ledger", probe, timeout=120)


async def _welfare_expense(api: Api, org: str, first: str, last: str) -> int:
    """5101 debits of the entries dated in the period, read page by page from the ledger."""
    entries = await every_item(
        api.finance,
        f"/v1/organizations/{org}/ledger/postings",
        api.admin,
        account="5101",
        **{"from": first, "to": last},
    )
    return sum(
        l["debit_fen"] - l["credit_fen"] for entry in entries for l in entry["lines"] if l["account_code"] == "5101"
    )
