"""Workers' safety and rights in the street: 群监员 in three enterprises with a year of inspections
(hazards fixed in time, one late, one still open past its deadline), and this month's rights week
(维权周), published in events and heard of by welfare, with a case opened at it."""

import datetime as dt
from zoneinfo import ZoneInfo

from demo.api import Api, ok, until
from demo.street import STREET, STREET_NAME, Street

SHANGHAI = ZoneInfo("Asia/Shanghai")
# enterprise key → its union; an inspector from each union's roster
SUPERVISED = {"jh": "jh-machinery", "xd": "xd-electronics", "ml": "ml-food"}
# (days ago inspected, findings, hazards as (description, severity, days to fix, fixed: days after found or None))
INSPECTIONS = [
    (150, "车间例行安全检查", [("砂轮机防护罩缺失", "general", 10, 6), ("消防通道堆放杂物", "general", 7, 3)]),
    (90, "夏季防暑降温专项检查", [("配电箱门锁损坏", "major", 15, 21)]),
    (40, "冬季消防安全检查", [("灭火器压力不足", "general", 10, None), ("应急照明灯损坏", "general", 60, None)]),
]


async def load_rights(
    api: Api, street: Street, enterprises: dict[str, str], members: dict[str, list[str]], day: dt.date
) -> None:
    m, admin = api.membership, street.admin
    for key, union in SUPERVISED.items():
        inspector = ok(
            await m.post(
                f"/v1/enterprises/{enterprises[key]}/safety-inspectors",
                json={"member_id": members[union][1], "appointed_on": (day - dt.timedelta(days=200)).isoformat()},
                headers=admin,
            )
        )
        for days_ago, findings, hazards in INSPECTIONS:
            found_on = day - dt.timedelta(days=days_ago)
            inspection = ok(
                await m.post(
                    f"/v1/enterprises/{enterprises[key]}/safety-inspections",
                    json={
                        "inspector_id": inspector["id"],
                        "inspected_on": found_on.isoformat(),
                        "findings": findings,
                        "hazards": [
                            {"description": d, "severity": s, "deadline": (found_on + dt.timedelta(days=n)).isoformat()}
                            for d, s, n, _fixed in hazards
                        ],
                    },
                    headers=admin,
                )
            )
            for hazard, (_d, _s, _n, fixed) in zip(inspection["hazards"], hazards, strict=True):
                if fixed is not None:
                    fixed_on = (found_on + dt.timedelta(days=fixed)).isoformat()
                    ok(
                        await m.post(
                            f"/v1/safety-hazards/{hazard['id']}/fix", json={"fixed_on": fixed_on}, headers=admin
                        )
                    )
    week = await _rights_week(api, street, day)
    print(
        f"demo: {STREET_NAME}: 群监员 in {len(SUPERVISED)} enterprises, {len(SUPERVISED) * len(INSPECTIONS)} inspections; "
        f"{week['title']} with a case opened at it",
        flush=True,
    )


async def _rights_week(api: Api, street: Street, day: dt.date) -> dict:
    """This month's rights week as an events activity; welfare hears of it, and a case is opened at it."""
    starts = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(9), SHANGHAI)
    week = ok(
        await api.events.post(
            f"/v1/organizations/{STREET}/activities",
            json={
                "title": f"{starts.month}月职工维权周",
                "kind": "rights_week",
                "description": "联合劳动保障所开展法律咨询、欠薪排查、劳动合同检查",
                "starts_at": starts.isoformat(),
                "ends_at": (starts + dt.timedelta(days=4, hours=8)).isoformat(),
                "registration_deadline": (starts - dt.timedelta(hours=1)).isoformat(),
            },
            headers=street.admin,
        )
    )
    ok(await api.events.post(f"/v1/activities/{week['id']}/publication", headers=street.admin))
    case = {
        "employer_name": "云图网络科技有限公司",
        "workers": [{"name": "潘二虎", "phone": "13700009001"}],
        "claim_kind": "labour_contract",
        "claimed_fen": 8_400_00,
        "rights_week_id": week["id"],
    }

    async def opened():
        answer = await api.welfare.post(f"/v1/organizations/{STREET}/rights-cases", json=case, headers=street.admin)
        if answer.status_code == 422 and answer.json().get("code") == "rights_week_not_found":
            return None  # welfare has not heard of the week yet: events tells it through Kafka
        return ok(answer)

    await until("the rights week in the welfare service", opened)
    return week


async def show_rights(api: Api, street: Street, day: dt.date) -> None:
    last_year = {"from": (day - dt.timedelta(days=364)).isoformat(), "to": day.isoformat()}
    rollup = ok(
        await api.membership.get(f"/v1/organizations/{STREET}/safety-rollup", params=last_year, headers=street.admin)
    )
    share = rollup["fixed_in_time_share"]
    overdue = ok(await api.membership.get(f"/v1/organizations/{STREET}/safety-hazards/overdue", headers=street.admin))
    print(
        f"  safety (安全生产监督) in the last 12 months: {rollup['inspections']} inspections, {rollup['hazards_found']} hazards "
        f"found ({rollup['major_found']} major), {rollup['fixed']} fixed, {share['fixed_in_time']}/{share['found']} in time "
        f"({share['percent']}%); {len(overdue['hazards'])} open past the deadline"
    )
    weeks = ok(await api.welfare.get(f"/v1/organizations/{STREET}/rights-weeks", headers=street.admin))
    print("  rights weeks (维权周): " + "、".join(f"{w['title']} {w['cases_opened']} case(s)" for w in weeks))
