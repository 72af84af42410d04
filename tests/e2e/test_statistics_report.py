"""A school's monthly statistics report across the four services: membership opens it and asks,
welfare, events and finance answer their sections over Kafka, the school submits, the county
accepts, and the county's roll-up equals the school's accepted report.

Needs the ``sections`` side (welfare, events and finance answering ReportFiguresRequestedV1); on
a tree without it the sections never arrive and this test fails at the wait.
"""

import subprocess

import httpx
import pytest

from tests.processes import UNIONFED
from tests.pytest_infra import bearer, eventually, unique
from unionfed_shared.auth import Role
from unionfed_shared.contracts.reporting import INDICATORS

pytestmark = pytest.mark.integration
PERIOD = "2026-11"


async def test_a_school_reports_the_sections_arrive_and_the_county_rolls_up(platform):
    membership = platform["membership"]
    county, school = unique("county"), unique("school")
    found = subprocess.run(
        [
            UNIONFED,
            "membership",
            "found-federation",
            "--id",
            county,
            "--name",
            "某县教育工会",
            "--operator",
            "ops-zhang",
        ],
        env=membership.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert found.returncode == 0, found.stderr
    admin = bearer(Role.FEDERATION_ADMIN, county, county, "admin-wang")
    officer = bearer(Role.UNION_OFFICER, school, county, "chair-wang")

    async with httpx.AsyncClient(base_url=membership.url, timeout=10) as api:
        created = await api.post(
            "/v1/organizations",
            json={"id": school, "name": "第一小学工会", "kind": "grassroots_union", "parent_id": county},
            headers=admin,
        )
        assert created.status_code == 201, created.text
        for name, gender in (("陈老师", "female"), ("李老师", "male")):
            joined = await api.post(
                f"/v1/organizations/{school}/members",
                json={"display_name": name, "gender": gender, "joined_on": "2021-09-01"},
                headers=officer,
            )
            assert joined.status_code == 201, joined.text

        opened = await api.post(
            f"/v1/organizations/{school}/statistics-reports",
            json={"kind": "monthly", "period": PERIOD},
            headers=officer,
        )
        assert opened.status_code == 201, opened.text
        report_id = opened.json()["id"]

        async def complete():
            report = (await api.get(f"/v1/statistics-reports/{report_id}", headers=officer)).json()
            return report if not report["sections_missing"] else None

        report = await eventually(complete, timeout=90)
        values = {r["code"]: r["value"] for r in report["rows"]}
        assert (values["members"], values["members_women"]) == (2, 1)
        # The school registered no staff count: the platform does not know it, so it is not a silent 0
        # but a figure the school types in with a note, and 入会率 waits for it.
        assert values["staff"] is None and report["manual_missing"] == ["staff"], report
        assert report["membership_rate_per_mille"] is None
        staff_row = next(r for r in report["rows"] if r["code"] == "staff")
        assert staff_row["source"] == "manual" and "入会率" in staff_row["note"]
        filled = await api.put(
            f"/v1/statistics-reports/{report_id}/manual-figures",
            json={"figures": {"staff": {"value": 2, "note": "学校人事科 11 月职工名册"}}},
            headers=officer,
        )
        assert filled.status_code == 200, filled.text
        report = filled.json()
        values = {r["code"]: r["value"] for r in report["rows"]}
        assert values["staff"] == 2 and report["membership_rate_per_mille"] == 1000
        assert all(values[c] is not None for c in INDICATORS), values  # every section answered every code

        submitted = await api.post(f"/v1/statistics-reports/{report_id}/submission", headers=officer)
        assert submitted.status_code == 200, submitted.text
        accepted = await api.post(f"/v1/statistics-reports/{report_id}/acceptance", headers=admin)
        assert accepted.json()["state"] == "accepted", accepted.text

        rollup = (
            await api.get(
                f"/v1/organizations/{county}/statistics-rollup",
                params={"kind": "monthly", "period": PERIOD},
                headers=admin,
            )
        ).json()
        assert {r["code"]: r["value"] for r in rollup["rows"]} == values
        board = (
            await api.get(
                f"/v1/organizations/{county}/statistics-board",
                params={"kind": "monthly", "period": PERIOD},
                headers=admin,
            )
        ).json()
        assert [(line["organization_id"], line["state"]) for line in board["lines"]] == [(school, "accepted")]
