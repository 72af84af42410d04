"""Loads a small demo federation through the public API and shows the ledgers it produced.

A county education union with four school unions (a primary school, a middle school, a
kindergarten and a school for migrant workers' children), a union group in each, members, one
month of dues at 0.5% of base salary, and a term of money flows with the figures of real union
reports: the employer's 2% union funds split 60/40 by the county's policy and the 40% remitted
up; a 2,000-yuan table-tennis table asked for and allocated down; musical instruments bought for
10,100 yuan against an equipment budget. Running it again changes nothing.
"""

import os
import subprocess
import sys
import time

import httpx

from unionfed_shared.auth import Role, TokenService

COUNTY = "county-edu"
SCHOOLS = [
    ("no1-primary", "第一小学工会", "group-chinese", "语文教研组", ["王芳", "李娜", "张伟", "刘洋", "陈静", "杨敏"]),
    ("experimental-middle", "实验中学工会", "group-maths", "数学教研组", ["赵磊", "黄丽", "周强", "吴霞", "徐刚"]),
    ("central-kindergarten", "中心幼儿园工会", "group-classes", "保教组", ["孙丽", "胡静", "朱婷", "高敏"]),
    ("migrant-children", "随迁子女学校工会", "group-general", "综合组", ["林峰", "何娟", "郭涛", "马兰", "罗军"]),
]
FEMALE = {"王芳", "李娜", "陈静", "杨敏", "黄丽", "吴霞", "孙丽", "胡静", "朱婷", "何娟", "马兰"}
BASE_SALARY_FEN = 430_000  # 4,300 yuan a month
DUES_RATE_PER_MILLE = 5  # 0.5%
PERIOD = "2026-10"
# The employer's 2% of the whole staff's payroll for the autumn term (staff, not only the members listed).
TERM_PAYROLL_FEN = {
    "no1-primary": 1_548_000_00,  # 60 staff × 4,300 yuan × 6 months
    "experimental-middle": 2_064_000_00,  # 80 staff
    "central-kindergarten": 619_200_00,  # 24 staff
    "migrant-children": 774_000_00,  # 30 staff
}
EMPLOYER_RATE_PER_MILLE = 20  # 2%
REMIT_PER_MILLE = 400  # the county's policy: 60% kept, 40% remitted up

MEMBERSHIP = "http://127.0.0.1:8001"
FINANCE = "http://127.0.0.1:8004"


def main() -> None:
    tokens = TokenService(os.environ["UNIONFED_JWT_SECRET"], "unionfed", "unionfed-local")
    admin = {"Authorization": "Bearer " + tokens.issue("demo-admin", Role.FEDERATION_ADMIN, COUNTY, COUNTY)}
    with httpx.Client(base_url=MEMBERSHIP, headers=admin, timeout=10) as api:
        if api.get(f"/v1/organizations/{COUNTY}").status_code == 200:
            print("demo: the county federation is already loaded")
            loaded = False
        else:
            load(api)
            loaded = True
    show_ledgers(admin)
    with httpx.Client(base_url=FINANCE, headers=admin, timeout=10) as api:
        if loaded:
            move_money(api, tokens)
        show_money(api)


def load(api: httpx.Client) -> None:
    subprocess.run(
        [sys.executable, "-m", "unionfed_shared.cli", "membership", "found-federation",
         "--id", COUNTY, "--name", "某县教育工会", "--operator", "demo-loader"],
        check=True,
    )
    dues_fen = BASE_SALARY_FEN * DUES_RATE_PER_MILLE // 1000
    for school_id, school_name, group_id, group_name, members in SCHOOLS:
        ok(api.post("/v1/organizations", json={"id": school_id, "name": school_name, "kind": "grassroots_union", "parent_id": COUNTY}))
        ok(api.post("/v1/organizations", json={"id": f"{school_id}-{group_id}", "name": group_name, "kind": "union_group", "parent_id": school_id}))
        for name in members:
            member = ok(api.post(
                f"/v1/organizations/{school_id}/members",
                json={"display_name": name, "gender": "female" if name in FEMALE else "male", "joined_on": "2019-09-01"},
            ))
            ok(api.post(
                f"/v1/organizations/{school_id}/dues-payments",
                json={"member_id": member["id"], "period": PERIOD, "amount_fen": dues_fen},
            ))
        print(f"demo: {school_name}: {len(members)} members, dues for {PERIOD} collected")


def show_ledgers(admin: dict) -> None:
    expected = {s[0]: len(s[4]) * BASE_SALARY_FEN * DUES_RATE_PER_MILLE // 1000 for s in SCHOOLS}
    with httpx.Client(base_url=FINANCE, headers=admin, timeout=10) as api:
        deadline = time.monotonic() + 60
        while True:
            bank = {}
            for school_id in expected:
                response = api.get(f"/v1/organizations/{school_id}/ledger/balances")
                if response.status_code == 200:
                    bank[school_id] = {a["code"]: a["balance_fen"] for a in response.json()["accounts"]}["1001"]
            if all(bank.get(k, 0) >= v for k, v in expected.items()) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    print(f"\n{'school union':<24}{'dues expected':>16}{'bank in ledger':>16}")
    for school_id, want in expected.items():
        print(f"{school_id:<24}{yuan(want):>16}{yuan(bank.get(school_id, 0)):>16}")
    print(f"{'total':<24}{yuan(sum(expected.values())):>16}{yuan(sum(bank.values())):>16}")


def move_money(api: httpx.Client, tokens: TokenService) -> None:
    """A term of money flows, each a command to finance whose outcome is awaited."""
    ok(api.put(f"/v1/federations/{COUNTY}/fund-policy", json={"employer_funds_remit_per_mille": REMIT_PER_MILLE}))
    for school_id, payroll in TERM_PAYROLL_FEN.items():
        funds = payroll * EMPLOYER_RATE_PER_MILLE // 1000
        treasurer = {"Authorization": "Bearer " + tokens.issue(f"treasurer-{school_id}", Role.UNION_OFFICER, school_id, COUNTY)}
        settled(api, ok(api.post(
            f"/v1/organizations/{school_id}/employer-funds",
            json={"amount_fen": funds, "received_on": "2026-09-10", "note": "2026秋季学期 autumn term"}, headers=treasurer,
        )))
        remitted = (funds * REMIT_PER_MILLE + 500) // 1000
        settled(api, ok(api.post(
            f"/v1/organizations/{school_id}/remittances", json={"amount_fen": remitted, "paid_on": "2026-09-20"},
            headers=treasurer,
        )))
    print("demo: employer funds received and 40% remitted to the county by every school")

    primary = {"Authorization": "Bearer " + tokens.issue("treasurer-no1", Role.UNION_OFFICER, "no1-primary", COUNTY)}
    asked = ok(api.post(
        "/v1/organizations/no1-primary/fund-requests",
        json={"amount_fen": 2_000_00, "purpose": "乒乓球台 a table-tennis table"}, headers=primary,
    ))
    decided = ok(api.post(f"/v1/fund-requests/{asked['id']}/decision", json={"approve": True, "paid_on": "2026-10-08"}))
    settled(api, {"status_url": f"/v1/money-requests/{decided['journal_event_id']}"})
    print("demo: the county allocated 2,000 yuan to 第一小学 for a table-tennis table")

    middle = {"Authorization": "Bearer " + tokens.issue("treasurer-middle", Role.UNION_OFFICER, "experimental-middle", COUNTY)}
    settled(api, ok(api.put(
        "/v1/organizations/experimental-middle/budgets/2026/equipment", json={"amount_fen": 12_000_00, "policy": "stop"},
        headers=middle,
    )))
    settled(api, ok(api.post(
        "/v1/organizations/experimental-middle/expenses",
        json={"category": "equipment", "amount_fen": 10_100_00, "spent_on": "2026-11-05", "description": "乐器 musical instruments"},
        headers=middle,
    )))
    print("demo: 实验中学 bought musical instruments for 10,100 yuan within its 12,000-yuan equipment budget")


def settled(api: httpx.Client, accepted: dict) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        answer = api.get(accepted["status_url"])
        if answer.status_code == 200:
            outcome = answer.json()
            if outcome["status"] == "refused":
                raise SystemExit(f"demo: finance refused {accepted['status_url']}: {outcome['reason']}")
            return outcome
        time.sleep(0.2)
    raise SystemExit(f"demo: no outcome for {accepted['status_url']} after 60 s")


def show_money(api: httpx.Client) -> None:
    rows = [("county-edu", "某县教育工会")] + [(s[0], s[1]) for s in SCHOOLS]
    columns = [("1001", "bank"), ("4101", "dues"), ("4102", "employer"), ("4103", "alloc in"), ("4104", "remit in"),
               ("5103", "equipment"), ("5201", "alloc out"), ("5202", "remit out")]
    print(f"\n{'ledger':<22}" + "".join(f"{title:>14}" for _, title in columns))
    for org_id, _name in rows:
        books = {a["code"]: a["balance_fen"] for a in ok(api.get(f"/v1/organizations/{org_id}/ledger/balances"))["accounts"]}
        print(f"{org_id:<22}" + "".join(f"{yuan(books.get(code, 0)):>14}" for code, _ in columns))

    statement = ok(api.get(f"/v1/organizations/{COUNTY}/ledger/consolidated"))
    print(f"\nconsolidated statement of {COUNTY} ({len(statement['ledgers'])} ledgers; transfers inside the county eliminated)")
    print(f"{'account':<28}{'added up':>14}{'eliminated':>14}{'consolidated':>14}")
    for account in statement["accounts"]:
        if account["combined_fen"] or account["consolidated_fen"]:
            print(f"{account['code'] + ' ' + account['name_zh']:<28}{yuan(account['combined_fen']):>14}"
                  f"{yuan(account['eliminated_fen']):>14}{yuan(account['consolidated_fen']):>14}")
    print(f"{'debit balances = credit balances':<28}{'':>28}{yuan(statement['total_debit_balances_fen']):>14}")

    term = "from=2026-09-01&to=2027-01-31"
    disclosure = api.get(f"/v1/organizations/no1-primary/disclosure?{term}&format=csv")
    if disclosure.status_code >= 400:
        ok(disclosure)
    print("\n第一小学工会 校务公开 disclosure statement, autumn term (CSV):")
    print(disclosure.content.decode("utf-8-sig").strip())
    print(f"  as a page: {FINANCE}/v1/organizations/no1-primary/disclosure?{term} (add &lang=en for English)")


def ok(response: httpx.Response) -> dict:
    if response.status_code >= 400:
        raise SystemExit(f"demo: {response.request.method} {response.request.url} → {response.status_code}: {response.text}")
    return response.json()


def yuan(fen: int) -> str:
    return f"¥{fen // 100:,}.{fen % 100:02d}"


if __name__ == "__main__":
    main()
