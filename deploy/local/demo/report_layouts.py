"""The city's 工会统计月报 layout for the county (报表样式): the sheet the county's monthly report and
roll-up are downloaded in for the city federation above it. Its rows follow the city's form:
organizing (members and the 其中 lines, staff, 入会率, joined, unions founded, contracts), democratic
management (congresses, proposals and the answer rate), help and rights, activities, and the funds
in 万元 with two decimals (income and spending totals derived from their lines).

Idempotent: defined once (version 1 of key ``city-monthly``); a later run finds it.
"""

from demo.api import Api, ok
from demo.roster import COUNTY

KEY = "city-monthly"


def _figure(code: str, label: str, level: int = 2, unit: str = "", numbered: bool = True) -> dict:
    return {"kind": "indicator", "code": code, "label": label, "level": level, "unit_label": unit, "numbered": numbered}


def _of_which(code: str, label: str, unit: str = "人") -> dict:
    return _figure(code, f"其中：{label}", 3, unit, numbered=False)


CITY_MONTHLY = {
    "kind": "monthly",
    "key": KEY,
    "title": "工会统计月报",
    "header": [
        {"label": "填报单位", "source": "organization"},
        {"label": "报告期", "source": "period"},
        {"label": "制表机关", "source": "text", "text": "某市总工会"},
        {"label": "表号", "source": "text", "text": "市工统月1表"},
        {"label": "填报人", "source": "blank"},
        {"label": "联系电话", "source": "blank"},
    ],
    "rows": [
        {"kind": "heading", "label": "组织建设"},
        _figure("members", "会员人数", unit="人"),
        _of_which("members_women", "女会员"),
        _of_which("members_retired", "离退休会员"),
        _of_which("members_migrant", "农民工会员"),
        _of_which("members_new_form", "新就业形态劳动者会员"),
        _figure("staff", "职工人数", unit="人"),
        {
            "kind": "derived",
            "label": "入会率（在职会员/职工人数）",
            "level": 2,
            "terms": ["members", "-members_retired"],
            "per": ["staff"],
        },
        _figure("members_joined", "本月新发展会员", unit="人"),
        _figure("unions_founded", "本月新建基层工会", unit="个"),
        _figure("contracts_signed", "本月签订集体合同", unit="份"),
        {"kind": "heading", "label": "民主管理"},
        _figure("congresses_held", "召开教（职）代会", unit="次"),
        _figure("proposals_received", "收到提案", unit="件"),
        _figure("proposals_answered", "已答复", 3, "件"),
        _figure("proposals_overdue", "逾期未答复", 3, "件"),
        {
            "kind": "derived",
            "label": "提案答复率",
            "level": 2,
            "terms": ["proposals_answered"],
            "per": ["proposals_received"],
        },
        {"kind": "heading", "label": "帮扶与维权"},
        _figure("grants", "慰问帮扶", unit="人次"),
        _figure("grants_fen", "慰问帮扶金额"),
        _figure("hardship_files_open", "在档困难职工", unit="人"),
        _figure("rights_cases_closed", "维权案件结案", unit="件"),
        {"kind": "heading", "label": "职工活动"},
        _figure("activities_held", "开展活动", unit="次"),
        _figure("activity_participants", "参与职工", unit="人次"),
        {"kind": "heading", "label": "经费收支"},
        {
            "kind": "derived",
            "label": "本月收入合计",
            "level": 2,
            "terms": ["income_dues_fen", "income_employer_funds_fen", "income_subsidy_fen", "income_other_fen"],
        },
        _figure("income_dues_fen", "会费收入", 3),
        _figure("income_employer_funds_fen", "拨缴经费收入", 3),
        _figure("income_subsidy_fen", "上级补助收入", 3),
        _figure("income_other_fen", "其他收入", 3),
        {
            "kind": "derived",
            "label": "本月支出合计",
            "level": 2,
            "terms": [
                "spending_staff_activities_fen",
                "spending_welfare_fen",
                "spending_business_fen",
                "spending_other_fen",
            ],
        },
        _figure("spending_staff_activities_fen", "职工活动支出", 3),
        _figure("spending_welfare_fen", "维权及帮扶支出", 3),
        _figure("spending_business_fen", "业务支出", 3),
        _figure("spending_other_fen", "其他支出", 3),
    ],
    "footer": [
        {"label": "单位负责人", "source": "blank"},
        {"label": "填表人", "source": "blank"},
        {"label": "审核人", "source": "blank"},
        {"label": "填报日期", "source": "today"},
    ],
    "money_unit": "wan_yuan",
    "money_decimals": 2,
    "percent_decimals": 2,
}


async def load_report_layouts(api: Api) -> None:
    layouts = ok(await api.membership.get(f"/v1/organizations/{COUNTY}/report-layouts", headers=api.admin))
    if any(x["key"] == KEY for x in layouts):
        return
    defined = ok(
        await api.membership.post(f"/v1/federations/{COUNTY}/report-layouts", json=CITY_MONTHLY, headers=api.admin)
    )
    print(f"demo: the city's layout {defined['title']} ({KEY} v{defined['version']}) for the county's monthly reports")
