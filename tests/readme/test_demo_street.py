"""`make up` loads a street federation beside the county (issue 18): its figures, read back through
the APIs with a token any reader of the README can mint, are those of ../shared/domain.md's street
federation, and the summary `make up` prints states them."""

import datetime as dt
import zoneinfo

import httpx
import pytest

pytestmark = pytest.mark.timeout(1500)

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
    assert (cases["opened"], cases["closed"], cases["referred"]) == (6, 4, 1)
    assert cases["recovered_fen"] == 126_900_00 and cases["claimed_fen"] == 199_700_00

    placed = street("events", f"/v1/organizations/{STREET}/skills-rollup", year=today.year)["placements"]
    assert (placed["records"], placed["people"], placed["members"]) == (3, 19, 6)

    printed = (running_platform.root.parent / "make-up.log").read_text(encoding="utf-8")
    assert "rationalization proposals (合理化建议): 167 proposals, 4,806,000 yuan" in printed
    assert "unions founded this year (建会): 3" in printed
