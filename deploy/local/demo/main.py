"""Load the county and the street federation if they are not there yet, then print what the services hold."""

import asyncio

from demo import roster
from demo.accounts import ensure_demo_accounts
from demo.api import Api
from demo.audit_committee import load_audit_finding
from demo.county_checks import load_county_checks, show_county_checks
from demo.evaluations import load_evaluations
from demo.home import load_home, show_home
from demo.information import load_information
from demo.load import load
from demo.report_layouts import load_report_layouts
from demo.self_service import demo_member, open_activity_and_survey
from demo.show import show
from demo.statistics import load_statistics, show_statistics
from demo.street import STREET, STREET_NAME, Street, load_street, show_street, today
from demo.street_help import load_help, load_outside_help, show_help, show_outside_help
from demo.street_rights import load_rights, show_rights
from demo.street_workers import load_workers, show_workers


async def run() -> None:
    api = Api()
    try:
        # First, and quick: the accounts exist even when loading the county fails midway.
        await ensure_demo_accounts()
        schools = roster.build()
        if (await api.membership.get(f"/v1/organizations/{roster.COUNTY}", headers=api.admin)).status_code == 200:
            print("demo: the county federation is already loaded")
        else:
            print(
                f"demo: loading {roster.COUNTY_NAME}: {len(schools)} school unions, "
                f"{sum(len(s.people) for s in schools)} members",
                flush=True,
            )
            await load(api, schools)
        await open_activity_and_survey(api)
        await load_home(api)
        await load_report_layouts(api)
        await load_statistics(api, schools)
        await load_information(api)
        await load_audit_finding(api)
        await load_evaluations(api)
        await load_county_checks(api)
        await ensure_demo_accounts(member=await demo_member(api, schools))
        if (await api.membership.get(f"/v1/organizations/{STREET}", headers=Street(api).admin)).status_code == 200:
            print(f"demo: {STREET_NAME} is already loaded")
        else:
            print(
                f"demo: loading {STREET_NAME}: enterprises, their unions, contracts, rights cases and proposals",
                flush=True,
            )
            started = asyncio.get_running_loop().time()
            enterprises, members = await load_street(api)
            await load_workers(api, Street(api), enterprises, today())
            await load_help(api, Street(api), members, today())
            await load_outside_help(api, Street(api), members, today())
            await load_rights(api, Street(api), enterprises, members, today())
            print(f"demo: {STREET_NAME} loaded in {asyncio.get_running_loop().time() - started:.0f} s", flush=True)
        await show(api, schools)
        await show_home(api)
        await show_statistics(api)
        await show_county_checks(api)
        await show_street(api)
        await show_workers(api, Street(api))
        await show_help(api, Street(api))
        await show_outside_help(api, Street(api), today())
        await show_rights(api, Street(api), today())
    finally:
        await api.close()


def main() -> None:
    asyncio.run(run())
