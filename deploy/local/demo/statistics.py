"""The county's monthly statistics report (工会月报) for November 2026: every school opens its report,
waits for welfare's, events' and finance's sections (they arrive over Kafka, asynchronously),
submits it, and the county accepts it; then the county's roll-up is checked against the sum of the
accepted reports, figure by figure.

Idempotent: a school whose report is already opened is taken where it stands. The sections come
from the other services; when they do not arrive within a bounded wait (a platform whose welfare,
events or finance does not answer yet), the step says so and leaves the reports collecting.
"""

import asyncio
import time

from demo.api import Api, ok
from demo.roster import COUNTY, School

PERIOD = "2026-11"
WAIT_S = 60


async def _opened(api: Api, school: str) -> dict | None:
    headers = api.officer(school)
    answer = await api.membership.post(
        f"/v1/organizations/{school}/statistics-reports", json={"kind": "monthly", "period": PERIOD}, headers=headers
    )
    if answer.status_code == 422 and answer.json().get("code") == "report_period_not_started":
        return None  # a machine whose clock is before November 2026
    if answer.status_code == 409:  # opened before: its latest version
        reports = ok(await api.membership.get(f"/v1/organizations/{school}/statistics-reports", headers=headers))
        return next(r for r in reports if r["kind"] == "monthly" and r["period"] == PERIOD)
    return ok(answer)


async def _sections_in(api: Api, reports: list[dict]) -> list[dict] | None:
    """Every report once its sections are in, or None when they have not all arrived within WAIT_S."""
    deadline = time.monotonic() + WAIT_S
    while True:
        fresh = await asyncio.gather(
            *(api.membership.get(f"/v1/statistics-reports/{r['id']}", headers=api.admin) for r in reports)
        )
        current = [ok(a) for a in fresh]
        if all(not r["sections_missing"] for r in current):
            return current
        if time.monotonic() > deadline:
            return None
        await asyncio.sleep(1)


async def load_statistics(api: Api, schools: list[School]) -> None:
    opened = [await _opened(api, s.id) for s in schools]
    reports = [r for r in opened if r is not None]
    if not reports:
        print(f"demo: statistics reports {PERIOD}: the period has not started on this machine's calendar")
        return
    current = await _sections_in(api, [r for r in reports if r["state"] in ("open", "returned")])
    if current is None:
        print(
            f"demo: statistics reports {PERIOD}: welfare's, events' or finance's figures did not arrive within "
            f"{WAIT_S} s; the schools' reports stay collecting (those services answer ReportFiguresRequestedV1 "
            "once they know it)",
            flush=True,
        )
        return
    for report in current:
        if report["manual_missing"]:
            continue
        ok(
            await api.membership.post(
                f"/v1/statistics-reports/{report['id']}/submission", headers=api.officer(report["organization_id"])
            )
        )
    submitted = [ok(await api.membership.get(f"/v1/statistics-reports/{r['id']}", headers=api.admin)) for r in reports]
    for report in submitted:
        if report["state"] == "submitted":
            ok(await api.membership.post(f"/v1/statistics-reports/{report['id']}/acceptance", headers=api.admin))


async def show_statistics(api: Api) -> None:
    query = {"kind": "monthly", "period": PERIOD}
    board = ok(
        await api.membership.get(f"/v1/organizations/{COUNTY}/statistics-board", params=query, headers=api.admin)
    )
    states: dict[str, int] = {}
    for line in board["lines"]:
        states[line["state"]] = states.get(line["state"], 0) + 1
    print(
        f"\nstatistics report {PERIOD} (工会月报) of {COUNTY}: "
        + ", ".join(f"{k} {v}" for k, v in sorted(states.items()))
    )
    rollup = ok(
        await api.membership.get(f"/v1/organizations/{COUNTY}/statistics-rollup", params=query, headers=api.admin)
    )
    if not rollup["accepted_reports"]:
        print("  no accepted report yet: nothing rolled up")
        return
    sums: dict[str, int] = {}
    for counted in rollup["accepted_reports"] + ([rollup["own_report"]] if rollup["own_report"] else []):
        report = ok(await api.membership.get(f"/v1/statistics-reports/{counted['report_id']}", headers=api.admin))
        for row in report["rows"]:
            sums[row["code"]] = sums.get(row["code"], 0) + (row["value"] or 0)
    totals = {r["code"]: r["value"] for r in rollup["rows"]}
    differ = [c for c in totals if totals[c] != sums.get(c, 0)]
    for code in ("members", "members_women", "staff", "grants", "grants_fen", "activities_held", "income_dues_fen"):
        if code in totals:
            print(f"  {code:<24}{totals[code]:>14}")
    rate = rollup["membership_rate_per_mille"]
    print(f"  入会率 {'—' if rate is None else f'{rate / 10:.1f}%'} (recomputed from the summed members and staff)")
    print(
        f"  roll-up of {len(rollup['accepted_reports'])} accepted reports "
        + ("equals their sum, figure by figure" if not differ else f"DIFFERS from their sum in {differ}")
    )
