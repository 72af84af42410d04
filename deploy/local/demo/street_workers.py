"""The street's workers outside a fixed employer union and its 春暖行动: a trade union of delivery
riders and couriers (行业工会) whose members change employer and keep their membership, one of
them moving into his new employer's union (会籍接转); and the year's labour-contract checks."""

import datetime as dt

from demo.api import Api, ok
from demo.street import STREET, STREET_NAME, Plant, Street, import_roster, union_roster

RIDERS = Plant("qs", "某街道快递外卖行业", 0, "street-riders", (1, 3, 1), 10, women_share=0.1)
RIDERS_NAME = "某街道快递外卖行业工会"
PLATFORM = "速达同城配送平台"  # the riders' platform company: an employer by name, not in the register
# enterprise key → (workers checked, signed, migrant workers checked, signed): 春暖行动 this year
CHECKS = {
    "jh": (320, 320, 96, 96),
    "xd": (186, 186, 40, 40),
    "ml": (142, 140, 52, 51),
    "hy": (95, 95, 60, 60),
    "jc": (48, 46, 30, 28),
    "fd": (28, 28, 20, 20),
    "xw": (31, 30, 18, 17),
}


async def load_workers(api: Api, street: Street, enterprises: dict[str, str], day: dt.date) -> None:
    m = api.membership
    ok(
        await m.post(
            "/v1/organizations",
            json={"id": RIDERS.union, "name": RIDERS_NAME, "kind": "grassroots_union", "parent_id": STREET},
            headers=street.admin,
        )
    )
    ok(
        await m.put(
            f"/v1/organizations/{RIDERS.union}/joint-union",
            json={"form": "trade", "trade": "快递外卖", "designated_on": day.isoformat()},
            headers=street.admin,
        )
    )
    roster = union_roster(RIDERS, 7, day, group_names=("外卖配送小组", "快递收派小组"))
    listed = {member["staff_no"]: member["id"] for member in await import_roster(api, street, roster)}
    officer = street.officer(RIDERS.union)
    for n, person in enumerate(roster.people):
        member = listed[person.staff_no]
        courier = person.group == "快递收派小组"
        since = person.joined_on.isoformat()
        category = {"migrant_worker": n % 5 != 4, "new_form": "courier" if courier else "delivery_rider"}
        ok(
            await m.put(
                f"/v1/members/{member}/worker-category", json=category | {"effective_on": since}, headers=officer
            )
        )
        employer = {"enterprise_id": enterprises["fd"]} if courier else {"employer_name": PLATFORM}
        ok(
            await m.post(
                f"/v1/members/{member}/employer-changes", json=employer | {"effective_on": since}, headers=officer
            )
        )
    # The first courier goes to work for 恒运物流 and moves into its union: the federation arranges
    # 会籍接转, as any transfer between two unions.
    first = min((p for p in roster.people if p.group == "快递收派小组"), key=lambda p: p.joined_on)
    mover, changed_on = listed[first.staff_no], max(first.joined_on + dt.timedelta(days=1), day - dt.timedelta(days=1))
    ok(
        await m.post(
            f"/v1/members/{mover}/employer-changes",
            json={"enterprise_id": enterprises["hy"], "effective_on": changed_on.isoformat()},
            headers=officer,
        )
    )
    ok(
        await m.post(
            f"/v1/members/{mover}/transfer-to-employer-union",
            json={"effective_on": day.isoformat()},
            headers=street.admin,
        )
    )
    for key, (checked, signed, migrant_checked, migrant_signed) in CHECKS.items():
        ok(
            await m.post(
                f"/v1/enterprises/{enterprises[key]}/labour-contract-checks",
                json={
                    "checked_on": max(dt.date(day.year, 1, 1), day - dt.timedelta(days=200)).isoformat(),
                    "workers_checked": checked,
                    "workers_signed": signed,
                    "migrant_checked": migrant_checked,
                    "migrant_signed": migrant_signed,
                },
                headers=street.admin,
            )
        )
    print(
        f"demo: {STREET_NAME}: {RIDERS_NAME} with {len(roster.people)} riders and couriers, one moved into his "
        f"employer's union; labour-contract checks in {len(CHECKS)} enterprises",
        flush=True,
    )


async def show_workers(api: Api, street: Street) -> None:
    m = api.membership
    counts = ok(await m.get(f"/v1/organizations/{STREET}/mobile-worker-counts", headers=street.admin))
    forms = {
        "delivery_rider": "外卖骑手",
        "courier": "快递员",
        "ride_hailing_driver": "网约车司机",
        "truck_driver": "货车司机",
    }
    print(
        f"  migrant workers (农民工) in the unions: {counts['migrant_workers']['members']}; new-form workers: "
        f"{counts['new_form_workers']['members']} ("
        + "、".join(f"{forms.get(f['form'], f['form'])} {f['members']}" for f in counts["by_form"] if f["members"])
        + ")"
    )
    rollup = ok(await m.get(f"/v1/organizations/{STREET}/labour-contract-checks/rollup", headers=street.admin))
    o, g = rollup["overall"], rollup["migrant"]
    print(
        f"  labour contracts (春暖行动) in {rollup['enterprises_checked']} enterprises: {o['signed']}/{o['of']} signed "
        f"({o['percent']}%), migrant workers {g['signed']}/{g['of']} ({g['percent']}%); below 98%: "
        + ("、".join(b["enterprise_name"] for b in rollup["below"]) or "none")
    )
