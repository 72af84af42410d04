"""A street federation beside the county (../shared/domain.md, "A street federation's year"):
enterprises with and without unions, unions founded this year, collective contracts, workers'
rights cases and a year of rationalization proposals — loaded through the public APIs, and a
summary read back from them."""

import asyncio
import datetime as dt
import random
import subprocess
import sys
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from demo.api import Api, every_item, ok, retry_missing, yuan
from demo.roster import FEMALE_CHARS, MALE_CHARS, SURNAMES, Person, School, id_check
from unionfed_membership.domain.enterprises import CREDIT_CODE_CHARACTERS, credit_code_check_character
from unionfed_shared.auth import Role

STREET = "street-fed"
STREET_NAME = "某街道总工会"
REGION = "310115"  # the street's administrative division (credit codes and ID numbers)
SEED = 20261205
SHANGHAI = ZoneInfo("Asia/Shanghai")
SHOULD_FOUND_THRESHOLD = 25


@dataclass(frozen=True)
class Plant:
    """An enterprise of the street; ``union`` is the id its union gets, ``founded`` when (None: no union)."""

    key: str
    name: str
    workers: int
    union: str | None = None
    founded: tuple[int, int, int] | None = None  # (years ago, month, day)
    members: int = 0
    contracts: tuple[str, ...] = ()  # kinds signed and in force
    women_share: float = 0.4


PLANTS = [
    Plant("jh", "华东精密机械有限公司", 320, "jh-machinery", (7, 5, 20), 30, ("comprehensive", "wage"), 0.22),
    Plant(
        "xd",
        "新达电子科技有限公司",
        186,
        "xd-electronics",
        (5, 3, 12),
        26,
        ("comprehensive", "wage", "women_workers"),
        0.61,
    ),
    Plant("ml", "美乐食品有限公司", 142, "ml-food", (6, 10, 15), 24, ("comprehensive", "wage", "women_workers"), 0.58),
    Plant("hy", "恒运物流有限公司", 95, "hy-logistics", (4, 7, 1), 18, ("comprehensive", "wage"), 0.18),
    # Founded this year (建会): three of the year's count.
    Plant("jc", "金城建材有限公司", 48, "jc-building", (0, 3, 18), 14, ("comprehensive",), 0.2),
    Plant("lx", "丽欣服饰有限公司", 63, "lx-garment", (0, 6, 9), 16, ("women_workers",), 0.82),
    Plant("ss", "盛世物业管理有限公司", 37, "ss-property", (0, 9, 26), 12, (), 0.45),
    # No union yet: two of them should found one (25+ workers, 应建未建).
    Plant("fd", "飞达快递服务站", 28),
    Plant("xw", "香满楼餐饮有限公司", 31),
    Plant("yt", "云图网络科技有限公司", 22),
    Plant("hm", "惠民便利店", 9),
]
CONTRACT_PARTIES = {
    "comprehensive": "综合性集体合同",
    "wage": "工资专项集体合同",
    "women_workers": "女职工权益保护专项集体合同",
}
# The federation's proposals: 167 filed, 150 adopted (30 implemented), 4,806,000 yuan created.
PROPOSALS, ADOPTED, IMPLEMENTED, VALUE_FEN = 167, 150, 30, 4_806_000_00
PROPOSAL_TOPICS = [
    ("数控车床刀具寿命管理", "一车间"),
    ("包装线节拍优化", "包装车间"),
    ("仓储拣货路径优化", "仓储部"),
    ("空压机余热回收", "动力科"),
    ("来料检验抽样方案改进", "质检部"),
    ("冷库门帘改造节能", "后勤部"),
    ("夜班安全巡检表单化", "安全科"),
    ("模具快速换型", "二车间"),
]


def today() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


def credit_code(n: int) -> str:
    """A well-formed 统一社会信用代码 of a company (91…) in the street's division."""
    rng = random.Random(SEED + n)
    body = "".join(rng.choice(CREDIT_CODE_CHARACTERS[:10] + "MA") for _ in range(9))
    first17 = f"91{REGION}{body}"
    return first17 + credit_code_check_character(first17)


def founded_on(plant: Plant, day: dt.date) -> dt.date:
    years_ago, month, dom = plant.founded or (0, 1, 1)
    # This year's foundings keep to dates already past when the demo runs early in the year.
    return min(dt.date(day.year - years_ago, month, dom), day)


def union_roster(
    plant: Plant, index: int, day: dt.date, group_names: tuple[str, str] = ("一车间工会小组", "管理部门工会小组")
) -> School:
    """A small roster for the union (members the proposals name), generated like the county's."""
    assert plant.union is not None
    founded = founded_on(plant, day)
    rng = random.Random(SEED + 100 + index)
    groups = [(f"{plant.union}-g{n}", name) for n, name in enumerate(group_names, start=1)]
    union = School(plant.union, plant.name.removesuffix("有限公司") + "工会", "enterprise", plant.workers, groups)
    for n in range(plant.members):
        gender = "female" if rng.random() < plant.women_share else "male"
        chars = FEMALE_CHARS if gender == "female" else MALE_CHARS
        name = rng.choice(SURNAMES) + rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.5 else "")
        born = dt.date(rng.randint(1972, 2003), rng.randint(1, 12), rng.randint(1, 28))
        # The sequence's last digit is odd for men, even for women (GB 11643), as the import checks.
        first17 = f"{REGION}{born:%Y%m%d}{index * 100 + n * 2 + (gender == 'male'):03d}"
        union.people.append(
            Person(
                name,
                gender,
                first17 + id_check(first17),
                f"136{index:02d}{n:06d}",  # 136…: no county phone starts so
                f"{plant.key.upper()}{n + 1:03d}",
                min(founded + dt.timedelta(days=rng.randint(0, 400)), day),
                (4_200 + rng.randint(0, 40) * 50) * 100,
                groups[n % 2][1],
                born,
            )
        )
    return union


class Street:
    """The street federation's headers: its admin and, per union, an officer."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.admin = api.headers("demo-street-admin", Role.FEDERATION_ADMIN, STREET, federation=STREET)

    def officer(self, union: str) -> dict:
        return self.api.headers(f"officer-{union}", Role.UNION_OFFICER, union, federation=STREET)


async def load_street(api: Api) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The street's register, unions, contracts, cases, proposals and placements; the enterprises'
    ids by key and the member ids by union, for what is loaded after."""
    street = Street(api)
    day = today()
    subprocess.run(
        [sys.executable, "-m", "unionfed_shared.cli", "membership", "found-federation", "--id", STREET]
        + ["--name", STREET_NAME, "--time-zone", "Asia/Shanghai", "--language", "zh-CN", "--sector", "enterprise"]
        + ["--operator", "demo-loader"],
        check=True,
    )
    enterprise_ids = await _enterprises(api, street, day)
    members = await _unions(api, street, day)
    await _contracts(api, street, enterprise_ids, day)
    await _rights_cases(api, street, members, day)
    await _proposals(api, street, members, day)
    await _placements(api, street, day)
    return enterprise_ids, members


async def _enterprises(api: Api, street: Street, day: dt.date) -> dict[str, str]:
    m, ids = api.membership, {}
    for n, plant in enumerate(PLANTS):
        made = ok(
            await m.post(
                f"/v1/organizations/{STREET}/enterprises",
                json={"name": plant.name, "credit_code": credit_code(n), "workers": plant.workers},
                headers=street.admin,
            )
        )
        ids[plant.key] = made["id"]
        if plant.union:
            ok(
                await m.post(
                    f"/v1/enterprises/{made['id']}/union",
                    json={
                        "union_id": plant.union,
                        "union_name": plant.name.removesuffix("有限公司") + "工会",
                        "founded_on": founded_on(plant, day).isoformat(),
                    },
                    headers=street.admin,
                )
            )
    with_union = sum(1 for p in PLANTS if p.union)
    print(f"demo: {STREET_NAME}: {len(PLANTS)} enterprises registered, {with_union} with a union", flush=True)
    return ids


async def _unions(api: Api, street: Street, day: dt.date) -> dict[str, list[str]]:
    """Groups and a roster per enterprise union; its member ids, read back."""
    members = {}
    for index, plant in enumerate(p for p in PLANTS if p.union):
        union = union_roster(plant, index, day)
        members[union.id] = sorted(member["id"] for member in await import_roster(api, street, union))
    print(f"demo: {STREET_NAME}: {sum(len(v) for v in members.values())} members in the enterprise unions", flush=True)
    return members


async def import_roster(api: Api, street: Street, union: School) -> list[dict]:
    """The union's groups and roster file, entered as its officer would; its members, read back."""
    m = api.membership
    for group_id, group_name in union.groups:
        ok(
            await m.post(
                "/v1/organizations",
                json={"id": group_id, "name": group_name, "kind": "union_group", "parent_id": union.id},
                headers=street.admin,
            )
        )
    officer = street.officer(union.id)
    ok(
        await m.post(
            f"/v1/organizations/{union.id}/roster-imports",
            files={"file": (f"{union.id}-会员花名册.csv", union.roster_csv(), "text/csv")},
            headers=officer,
        )
    )
    return await every_item(m, f"/v1/organizations/{union.id}/members", officer)


async def _contracts(api: Api, street: Street, ids: dict[str, str], day: dt.date) -> None:
    m = api.membership
    for plant in PLANTS:
        for kind in plant.contracts:
            signed = dt.date(day.year - 1, 12, 20) if plant.founded and plant.founded[0] else founded_on(plant, day)
            # 华东精密's wage contract runs out within the month: the reminder list shows it.
            until = (
                day + dt.timedelta(days=20)
                if (plant.key, kind) == ("jh", "wage")
                else signed.replace(year=signed.year + 3) - dt.timedelta(days=1)
            )
            body = {
                "kind": kind,
                "employer_party": plant.name,
                "union_party": plant.name.removesuffix("有限公司") + "工会",
                "signed_on": signed.isoformat(),
                "valid_from": min(signed + dt.timedelta(days=12), day).isoformat(),
                "valid_until": until.isoformat(),
                "workers_covered": plant.workers,
                "filed_on": min(signed + dt.timedelta(days=20), day).isoformat(),
            }
            if kind == "wage":
                body["negotiation"] = {"rounds": 3, "wage_increase_per_mille": 45}
            if plant.key == "xd" and kind == "comprehensive":
                # Signed three years ago and renewed: the register keeps both.
                old = body | {
                    "signed_on": (signed.replace(year=signed.year - 3)).isoformat(),
                    "valid_from": (signed.replace(year=signed.year - 3) + dt.timedelta(days=12)).isoformat(),
                    "valid_until": (signed + dt.timedelta(days=11)).isoformat(),
                    "filed_on": (signed.replace(year=signed.year - 3) + dt.timedelta(days=20)).isoformat(),
                }
                first = ok(
                    await m.post(
                        f"/v1/enterprises/{ids[plant.key]}/collective-contracts", json=old, headers=street.admin
                    )
                )
                ok(await m.post(f"/v1/collective-contracts/{first['id']}/renewal", json=body, headers=street.admin))
                continue
            ok(await m.post(f"/v1/enterprises/{ids[plant.key]}/collective-contracts", json=body, headers=street.admin))
    print(f"demo: {STREET_NAME}: {sum(len(p.contracts) for p in PLANTS)} collective contracts in force", flush=True)


# (days before today it was accepted, claim kind, claimed yuan, workers (member count, non-members),
#  the stages it went through as (days after acceptance, stage, recovered yuan, outcome))
CASES = [
    (
        150,
        "wage_arrears",
        86_400,
        (0, 6),
        "金城建材有限公司",
        [(4, "mediation", None, None), (11, "closed", 86_400, "调解成功，欠薪全额支付")],
    ),
    (
        120,
        "labour_contract",
        12_000,
        (1, 0),
        "恒运物流有限公司",
        [(3, "mediation", None, None), (9, "closed", 9_000, "补签劳动合同并支付二倍工资差额")],
    ),
    (
        90,
        "work_injury",
        45_000,
        (1, 1),
        "华东精密机械有限公司",
        [(5, "mediation", None, None), (20, "arbitration", None, None)],
    ),
    (
        60,
        "wage_arrears",
        31_500,
        (0, 3),
        "香满楼餐饮有限公司",
        [(2, "mediation", None, None), (8, "closed", 31_500, "企业分两期结清")],
    ),
    (30, "other", 6_000, (0, 1), "飞达快递服务站", [(6, "closed", 0, "经释法说理，劳动者撤回申请")]),
    (6, "wage_arrears", 18_800, (0, 2), "云图网络科技有限公司", [(2, "mediation", None, None)]),
]
NON_MEMBERS = [
    "韩建军",
    "马春生",
    "冯志强",
    "邓国庆",
    "曹永福",
    "彭大海",
    "曾小兵",
    "肖长林",
    "田德旺",
    "董春来",
    "袁金宝",
    "潘二虎",
    "于满仓",
]


async def _rights_cases(api: Api, street: Street, members: dict[str, list[str]], day: dt.date) -> None:
    w, outsiders = api.welfare, iter(enumerate(NON_MEMBERS))
    union_members = iter(members["hy-logistics"] + members["jh-machinery"])

    async def opened(body: dict) -> dict:
        return ok(
            await retry_missing(
                lambda: w.post(f"/v1/organizations/{STREET}/rights-cases", json=body, headers=street.admin),
                "the street's members in the welfare service",
            )
        )

    for days_ago, claim, claimed, (member_count, outsider_count), employer, stages in CASES:
        accepted = day - dt.timedelta(days=days_ago)
        workers = [{"member_id": next(union_members)} for _ in range(member_count)]
        workers += [
            {"name": name, "phone": f"1370000{n:04d}"} for n, name in (next(outsiders) for _ in range(outsider_count))
        ]
        case = await opened(
            {
                "employer_name": employer,
                "workers": workers,
                "claim_kind": claim,
                "claimed_fen": claimed * 100,
                "accepted_on": accepted.isoformat(),
                "rights_week": f"{accepted:%Y-%m}",
            }
        )
        for after, stage, recovered, outcome in stages:
            move: dict = {"stage": stage, "on": (accepted + dt.timedelta(days=after)).isoformat()}
            if recovered is not None:
                move["recovered_fen"] = recovered * 100
            if outcome:
                move["outcome"] = outcome
            ok(await w.post(f"/v1/rights-cases/{case['id']}/stages", json=move, headers=street.admin))
    print(f"demo: {STREET_NAME}: {len(CASES)} workers' rights cases accepted at the monthly rights weeks", flush=True)


def values_summing_to(total: int, count: int, rng: random.Random) -> list[int]:
    """``count`` values in whole yuan, uneven as real proposals are, summing exactly to ``total`` fen."""
    weights = [rng.randint(1, 20) for _ in range(count)]
    yuan_total = total // 100
    values = [yuan_total * w // sum(weights) for w in weights]
    values[0] += yuan_total - sum(values)
    return [v * 100 for v in values]


async def _proposals(api: Api, street: Street, members: dict[str, list[str]], day: dt.date) -> None:
    e, rng = api.events, random.Random(SEED + 7)
    # The unions of earlier years file the year's proposals: the new ones are still finding their feet.
    unions = [p.union for p in PLANTS if p.union and p.founded and p.founded[0] > 0]
    values = values_summing_to(VALUE_FEN, ADOPTED, rng)
    gate = asyncio.Semaphore(8)

    async def one(n: int) -> None:
        union = unions[n % len(unions)]
        officer = street.officer(union)
        topic, department = PROPOSAL_TOPICS[n % len(PROPOSAL_TOPICS)]
        body = {
            "kind": "innovation" if n % 5 == 0 else "rationalization",
            "title": f"关于{topic}的建议（{n + 1}）",
            "content": f"针对{department}{topic}存在的问题，提出改进办法并测算效益。",
            "department": department,
            "proposer_ids": [members[union][n % len(members[union])]],
            "filed_on": (
                day - dt.timedelta(days=(n * 2) % max(1, (day - dt.date(day.year, 1, 1)).days + 1))
            ).isoformat(),
        }
        async with gate:
            filed = ok(
                await retry_missing(
                    lambda: e.post(f"/v1/organizations/{union}/improvements", json=body, headers=officer),
                    "the street's unions and members in the events service",
                )
            )
            url = f"/v1/improvements/{filed['id']}"
            if n >= ADOPTED:
                ok(
                    await e.post(
                        f"{url}/decision", json={"adopted": False, "note": "暂不具备实施条件"}, headers=officer
                    )
                )
                return
            value = {"value_fen": values[n], "note": "经济效益测算"}
            if n < IMPLEMENTED:
                ok(await e.post(f"{url}/decision", json={"adopted": True}, headers=officer))
                ok(
                    await e.post(
                        f"{url}/implementation", json={"value": value | {"note": "实施后核算"}}, headers=officer
                    )
                )
            else:
                ok(await e.post(f"{url}/decision", json={"adopted": True, "value": value}, headers=officer))

    await asyncio.gather(*(one(n) for n in range(PROPOSALS)))
    print(f"demo: {STREET_NAME}: {PROPOSALS} rationalization proposals filed and decided", flush=True)


# People the street's unions helped back into work this year (再就业): (union, employer, people, of them members)
PLACEMENTS = [
    ("hy-logistics", "恒运物流有限公司", 6, 2),
    ("jh-machinery", "华东精密机械有限公司", 4, 4),
    (STREET, "盛世物业管理有限公司", 9, 0),
]


async def _placements(api: Api, street: Street, day: dt.date) -> None:
    for n, (org, employer, people, members) in enumerate(PLACEMENTS):
        headers = street.admin if org == STREET else street.officer(org)
        placed_on = max(dt.date(day.year, 1, 1), day - dt.timedelta(days=40 * (n + 1)))
        body = {"employer": employer, "people": people, "members": members, "placed_on": placed_on.isoformat()}
        # The proposals before these waited for events to learn the street's unions.
        ok(await api.events.post(f"/v1/organizations/{org}/job-placements", json=body, headers=headers))
    print(f"demo: {STREET_NAME}: {sum(p[2] for p in PLACEMENTS)} people helped back into work (再就业)", flush=True)


async def show_street(api: Api) -> None:
    """The street's year as its reports state it, read back from the services."""
    street, day = Street(api), today()
    m, admin = api.membership, Street(api).admin
    year_start = dt.date(day.year, 1, 1).isoformat()
    rollup = ok(await m.get(f"/v1/organizations/{STREET}/collective-contracts/rollup", headers=admin))
    founded = ok(
        await m.get(
            f"/v1/organizations/{STREET}/union-foundings",
            params={"from": year_start, "to": day.isoformat()},
            headers=admin,
        )
    )
    should = ok(
        await m.get(
            f"/v1/organizations/{STREET}/enterprises/should-found",
            params={"threshold": SHOULD_FOUND_THRESHOLD},
            headers=admin,
        )
    )
    expiring = ok(
        await m.get(
            f"/v1/organizations/{STREET}/collective-contracts/expiring", params={"within_days": 30}, headers=admin
        )
    )
    print(f"\n{STREET_NAME} ({STREET}), {day.year}: read back from membership, welfare and events")
    print(
        f"  enterprises: {rollup['enterprises']}, with a union {rollup['with_union']}; "
        f"unions founded this year (建会): {founded['founded']} ({'、'.join(e['name'] for e in founded['enterprises'])})"
    )
    print(
        f"  应建未建 ({SHOULD_FOUND_THRESHOLD}+ workers, no union): "
        + ("、".join(f"{e['name']} {e['workers']}人" for e in should) or "none")
    )
    labels = {"any": "any kind", "comprehensive": "综合性", "wage": "工资专项", "women_workers": "女职工专项"}
    for k in rollup["by_kind"]:
        u, t = k["among_with_union"], k["among_twenty_plus"]
        print(
            f"  collective contracts, {labels.get(k['kind'], k['kind'])}: {k['enterprises']} enterprises, "
            f"{k['workers_covered']} workers covered; signed among unionized {u['signed']}/{u['of']} ({u['percent']}%), "
            f"among 20+ workers {t['signed']}/{t['of']} ({t['percent']}%)"
        )
    for c in expiring["contracts"]:
        print(f"  expiring within 30 days: {c['enterprise_name']} {c['kind']} contract, {c['days_left']} days left")
    stats = ok(
        await api.welfare.get(
            f"/v1/organizations/{STREET}/rights-cases/statistics",
            params={"from": (day - dt.timedelta(days=364)).isoformat(), "to": day.isoformat()},
            headers=admin,
        )
    )
    print(
        f"  workers' rights cases (维权) in the last 12 months: {stats['opened']} accepted, {stats['closed']} closed "
        f"({stats['closed_in_time']} in time), {stats['referred']} referred to arbitration or court; "
        f"{yuan(stats['recovered_fen'])} recovered of {yuan(stats['claimed_fen'])} claimed for "
        f"{stats['workers_helped']} workers; by rights week: "
        + ", ".join(f"{k} {v}" for k, v in stats["by_rights_week"].items())
    )
    improvements = ok(
        await api.events.get(
            f"/v1/organizations/{STREET}/improvement-rollup", params={"year": day.year}, headers=street.admin
        )
    )
    total = improvements["total"]
    print(
        f"  rationalization proposals (合理化建议): {total['filed']} proposals, {total['value_fen'] // 100:,} yuan "
        f"of economic value created ({total['adopted']} adopted, {total['implemented']} implemented)"
    )
    skills = ok(
        await api.events.get(f"/v1/organizations/{STREET}/skills-rollup", params={"year": day.year}, headers=admin)
    )
    placed = skills["placements"]
    print(
        f"  再就业: {placed['people']} people helped back into work ({placed['members']} of them members), "
        f"in {placed['records']} placements"
    )
