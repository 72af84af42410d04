"""Loads a small demo federation through the public API and shows the ledgers it produced.

A county education union with four school unions (a primary school, a middle school, a
kindergarten and a school for migrant workers' children), a union group in each, members, and
one month of dues at 0.5% of base salary. Running it again changes nothing.
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

MEMBERSHIP = "http://127.0.0.1:8001"
FINANCE = "http://127.0.0.1:8004"


def main() -> None:
    tokens = TokenService(os.environ["UNIONFED_JWT_SECRET"], "unionfed", "unionfed-local")
    admin = {"Authorization": "Bearer " + tokens.issue("demo-admin", Role.FEDERATION_ADMIN, COUNTY, COUNTY)}
    with httpx.Client(base_url=MEMBERSHIP, headers=admin, timeout=10) as api:
        if api.get(f"/v1/organizations/{COUNTY}").status_code == 200:
            print("demo: the county federation is already loaded")
        else:
            load(api)
    show_ledgers(admin)


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


def ok(response: httpx.Response) -> dict:
    if response.status_code >= 400:
        raise SystemExit(f"demo: {response.request.method} {response.request.url} → {response.status_code}: {response.text}")
    return response.json()


def yuan(fen: int) -> str:
    return f"¥{fen // 100:,}.{fen % 100:02d}"


if __name__ == "__main__":
    main()
