"""`make up` loads a street federation beside the county (issue 18): its figures, read back through
the APIs with a token any reader of the README can mint, are those of ../shared/domain.md's street
federation, and the summary `make up` prints states them."""

import datetime as dt
import zoneinfo

import httpx
import pytest

# The browser tests write to the same demo street: this test reads it first (tests/running_platform).
pytestmark = [pytest.mark.timeout(1500), pytest.mark.demo_as_loaded]

STREET = "street-fed"


@pytest.fixture(scope="module")
def street(running_platform):
    minted = running_platform.shell(
        f"uv run unionfed token --subject street-reader --role auditor --org {STREET} --federation {STREET}"
    )
    assert minted.returncode == 0, minted.stderr
    headers = {"Authorization": "Bearer " + minted.stdout.strip()}

    def get(service: str, path: str, **params) -> dict:
        answer = httpx.get(running_platform.urls[service] + path, params=params, headers=headers, timeout=30)
        assert answer.status_code == 200, answer.text
        return answer.json()

    return get


def test_the_demo_street_federations_year_reads_as_its_reports_do(street, running_platform):
    today = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).date()
    year = {"from": f"{today.year}-01-01", "to": today.isoformat()}

    proposals = street("events", f"/v1/organizations/{STREET}/improvement-rollup", year=today.year)["total"]
    assert (proposals["filed"], proposals["adopted"], proposals["implemented"]) == (167, 150, 30)
    assert proposals["value_fen"] == 4_806_000_00

    founded = street("membership", f"/v1/organizations/{STREET}/union-foundings", **year)
    assert founded["founded"] == 3
    should_found = street("membership", f"/v1/organizations/{STREET}/enterprises/should-found", threshold=25)
    assert sorted(e["name"] for e in should_found) == ["飞达快递服务站", "香满楼餐饮有限公司"]

    rollup = street("membership", f"/v1/organizations/{STREET}/collective-contracts/rollup")
    assert (rollup["enterprises"], rollup["with_union"]) == (11, 7)
    any_kind = next(k for k in rollup["by_kind"] if k["kind"] == "any")
    assert (any_kind["among_with_union"]["signed"], any_kind["among_with_union"]["of"]) == (6, 7)
    expiring = street("membership", f"/v1/organizations/{STREET}/collective-contracts/expiring", within_days=30)
    assert [(c["enterprise_name"], c["kind"]) for c in expiring["contracts"]] == [("华东精密机械有限公司", "wage")]

    # The cases reach back five months: counted over twelve, whatever the month the demo runs in.
    twelve_months = {"from": (today - dt.timedelta(days=364)).isoformat(), "to": today.isoformat()}
    cases = street("welfare", f"/v1/organizations/{STREET}/rights-cases/statistics", **twelve_months)
    assert (cases["opened"], cases["closed"], cases["referred"]) == (7, 4, 1)
    assert cases["recovered_fen"] == 126_900_00 and cases["claimed_fen"] == 208_100_00
    [week] = street("welfare", f"/v1/organizations/{STREET}/rights-weeks")
    assert week["title"].endswith("职工维权周") and week["cases_opened"] == 1

    placed = street("events", f"/v1/organizations/{STREET}/skills-rollup", year=today.year)["placements"]
    assert (placed["records"], placed["people"], placed["members"]) == (3, 19, 6)

    workers = street("membership", f"/v1/organizations/{STREET}/mobile-worker-counts")
    assert (workers["migrant_workers"]["members"], workers["new_form_workers"]["members"]) == (8, 10)
    checks = street("membership", f"/v1/organizations/{STREET}/labour-contract-checks/rollup")
    assert (checks["overall"]["signed"], checks["overall"]["of"]) == (845, 850)
    assert (checks["migrant"]["signed"], checks["migrant"]["of"]) == (312, 316)
    assert sorted(b["enterprise_name"] for b in checks["below"]) == ["金城建材有限公司", "香满楼餐饮有限公司"]

    safety = street("membership", f"/v1/organizations/{STREET}/safety-rollup", **twelve_months)
    assert (safety["inspections"], safety["hazards_found"], safety["major_found"], safety["fixed"]) == (9, 15, 3, 9)
    assert (safety["fixed_in_time_share"]["fixed_in_time"], safety["fixed_in_time_share"]["found"]) == (6, 15)
    assert len(street("membership", f"/v1/organizations/{STREET}/safety-hazards/overdue")["hazards"]) == 3

    fund = street("welfare", f"/v1/organizations/{STREET}/mutual-aid/statement")["subtree"]
    assert (fund["contributed_fen"], fund["lent_fen"], fund["repaid_fen"]) == (6_000_00, 3_000_00, 500_00)
    assert fund["overdue_fen"] == 500_00 and fund["available_fen"] == 3_500_00
    books = street("finance", "/v1/organizations/jh-machinery/ledger/balances")
    balances = {a["code"]: a["balance_fen"] for a in books["accounts"]}
    assert (balances["1002"], balances["1141"], balances["3101"]) == (3_500_00, 2_500_00, 6_000_00)

    report = street("welfare", f"/v1/organizations/{STREET}/welfare-report", **year)
    help_lines = {line["group"]: line for line in report["outside_help"]}
    assert (help_lines["village_school"]["given"], help_lines["village_school"]["paid_fen"]) == (6, 31_000_00)
    assert help_lines["migrant_workers"]["people_reached"] == 600
    assert help_lines["migrant_workers"]["paid_goods_fen"] == 16_200_00
    aid = street("welfare", f"/v1/organizations/{STREET}/student-aid/rollup", year=today.year)
    assert (aid["applications"], aid["approved"], aid["paid_fen"]) == (4, 4, 9_000_00)

    printed = (running_platform.root.parent / "make-up.log").read_text(encoding="utf-8")
    assert "rationalization proposals (合理化建议): 167 proposals, 4,806,000 yuan" in printed
    assert "unions founded this year (建会): 3" in printed
