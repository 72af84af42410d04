"""The figures of the demo year (../shared/domain.md): dues, the term's money, activities, the congress."""

import datetime as dt
from typing import NamedTuple

SEED = 2026
DUES_FROM = "2026-01-01"
DUES_RATE_PER_MILLE = 5  # 0.5% of the monthly base salary
PERIOD = "2026-10"
# November, the month the statistics report (demo/statistics.py) reports: its dues handed over on
# the 25th, hospital visits paid by eight schools and a school activity in each of six.
NOVEMBER, NOVEMBER_DUES_ON = "2026-11", "2026-11-25"
NOVEMBER_VISIT_SCHOOLS, NOVEMBER_VISIT_FEN = 8, 500_00
NOVEMBER_ACTIVITY_SCHOOLS = 6
RETIRED_ON = "2026-08-31"
# The employer's 2% of the whole staff's payroll for the autumn term, as in the first demo.
TERM_PAYROLL_FEN = {
    "no1-primary": 1_548_000_00,  # 60 staff × 4,300 yuan × 6 months
    "experimental-middle": 2_064_000_00,  # 80 staff
    "central-kindergarten": 619_200_00,  # 24 staff
    "migrant-children": 774_000_00,  # 30 staff
}
EMPLOYER_RATE_PER_MILLE = 20  # 2%
REMIT_PER_MILLE = 400  # the county's policy: 60% kept, 40% remitted up

# 30 essays submitted, 7 awarded: 1 first (1,000 yuan), 2 second (600), 4 third (300) = 3,400 yuan.
ESSAY_PRIZES = [("first", 1_000_00), ("second", 600_00), ("second", 600_00)] + [("third", 300_00)] * 4
SKILLS_PRIZES = [("first", 800_00), ("second", 500_00), ("second", 500_00)] + [("third", 300_00)] * 3
ESSAY_TITLES = [
    "做学生心灵的摆渡人",
    "一支粉笔的温度",
    "守望乡村课堂",
    "春风化雨 润物无声",
    "我的教育故事",
    "在平凡中坚守",
    "以爱育爱",
    "三尺讲台 一生追求",
]
TUG_TEAMS = ["no1-primary", "experimental-middle", "zhongxue-01", "xiaoxue-02"]


def activity_specs(today: dt.date) -> dict[str, dict]:
    """The activity year from the day the demo runs: registration must still be open when members register."""
    march8 = dt.date(today.year + (1 if today >= dt.date(today.year, 3, 1) else 0), 3, 8)
    return {
        "essay": dict(
            title=f"{today.year}年全县教职工师德征文比赛",
            kind="contest",
            description="师德师风主题征文,各校推荐,评出一、二、三等奖",
            offset=1,
            deadline=1,
            hours=(9, 17, 13),
            budget=[{"kind": "prizes", "label": "征文奖金", "amount_fen": 3_500_00}],
        ),
        "skills": dict(
            title="全县青年教师基本功大赛",
            kind="contest",
            eligible_statuses=["active"],
            description="35周岁以下青年教师:说课、板书、课件制作",
            offset=10,
            deadline=8,
            hours=(8, 17, 1),
            budget=[{"kind": "prizes", "label": "大赛奖金", "amount_fen": 3_000_00}],
        ),
        "badminton": dict(
            title="全县教职工羽毛球比赛",
            kind="sport",
            capacity=32,
            eligible_statuses=["active"],
            description="男子单打、女子单打,县体育馆",
            offset=19,
            deadline=15,
            hours=(8, 17, 1),
        ),
        "tug_of_war": dict(
            title="全县教职工拔河比赛",
            kind="sport",
            eligible_statuses=["active"],
            description="各校组队,每队10人",
            offset=26,
            deadline=22,
            hours=(14, 17, 0),
        ),
        "womens_day": dict(
            title=f"{march8.year}年“三八”妇女节女教职工健步走",
            kind="sport",
            eligible_gender="female",
            description="庆祝“三八”国际妇女节,全县女教职工健步走",
            offset=march8,
            deadline=march8 - dt.timedelta(days=3),
            hours=(9, 11, 0),
        ),
    }


CONGRESS_FROM, CONGRESS_TO = "2026-10-15", "2026-10-16"
CONGRESS_ANSWERS_DUE = "2026-11-15T17:00:00+08:00"
REPRESENTATIVES, PRESENT = 30, 26
MOTION = "《实验中学教职工绩效工资分配方案(修订稿)》"
BALLOTS = ["for"] * 22 + ["against"] * 2 + ["abstain"] * 2
# (title, text, answer); the merge names the proposal's index; None is left unanswered.
PROPOSALS = [
    (
        "关于改善教职工午餐条件的提案",
        "食堂菜品单一,建议增加品种并公开成本。",
        {
            "answer": "accepted",
            "text": "已与供餐单位续签合同,12月起每日增加两个菜品,成本每月公示。",
            "department": "总务处",
        },
    ),
    (
        "关于增加女教职工体检项目的提案",
        "建议每年体检增加两癌筛查。",
        {"answer": "accepted", "text": "2027年体检起为全体女教职工增加两癌筛查。", "department": "工会"},
    ),
    (
        "关于提高教职工午餐补贴的提案",
        "物价上涨,建议提高午餐补贴标准。",
        {"answer": "merged", "text": "与第1号提案合并办理。", "merged_into": 0},
    ),
    (
        "关于修缮教师周转房的提案",
        "周转房屋顶漏水,建议暑期前修缮。",
        {"answer": "referred", "text": "转总务处列入寒假维修计划。", "department": "总务处"},
    ),
    (
        "关于减轻青年教师非教学负担的提案",
        "各类报表、检查过多,挤占备课时间。",
        {"answer": "referred", "text": "转办公室清理精简报表。", "department": "办公室"},
    ),
    (
        "关于每周安排教职工体育活动时间的提案",
        "建议每周三下午第三节课后为教职工活动时间。",
        {"answer": "accepted", "text": "自下学期起每周三16:30后开放体育馆。", "department": "工会"},
    ),
    (
        "关于为每位教师配备笔记本电脑的提案",
        "建议学校统一为教师配备笔记本电脑。",
        {"answer": "rejected", "text": "超出学校年度预算,已列入明年设备更新计划统筹考虑。"},
    ),
    ("关于规范校园停车管理的提案", "早晚高峰校门口车辆拥堵,建议划定教职工停车区。", None),
]


class Sitting(NamedTuple):
    """A congress session to load: its numbers, dates, how many of the school's people represent it, its proposals."""

    congress_number: int
    session_number: int
    starts_on: str
    ends_on: str
    answers_due: str
    representatives: int
    proposals: list


STAFF_CONGRESS = Sitting(14, 3, CONGRESS_FROM, CONGRESS_TO, CONGRESS_ANSWERS_DUE, REPRESENTATIVES, PROPOSALS)
# 第一小学's 第十届第二次教代会: smaller, one answer still missing after its deadline.
SMALL_CONGRESS_SCHOOL = "no1-primary"
SMALL_CONGRESS = Sitting(
    10,
    2,
    "2026-09-10",
    "2026-09-10",
    "2026-10-31T17:00:00+08:00",
    15,
    [
        (
            "关于增设教师休息室的提案",
            "教学楼无教师休息场所,建议利用二楼闲置教室改建。",
            {"answer": "accepted", "text": "寒假期间改建,下学期开学启用。", "department": "总务处"},
        ),
        (
            "关于调整课后服务时间的提案",
            "建议课后服务结束时间由18:00调整为17:30。",
            {"answer": "referred", "text": "转教务处征求家长意见后研究。", "department": "教务处"},
        ),
        ("关于为班主任配备午休床的提案", "班主任中午需看护学生,建议配备折叠午休床。", None),
    ],
)

SURVEY_TITLE = "教职工满意度调查"
SURVEY_RESPONSES = 41  # of 50 recipients: 82%
SURVEY_QUESTIONS = [
    {"kind": "single_choice", "text": "对学校食堂满意吗?", "options": ["满意", "一般", "不满意"]},
    {"kind": "multiple_choice", "text": "希望工会开展的活动", "options": ["羽毛球", "拔河", "合唱", "健步走"]},
    {"kind": "rating", "text": "校务公开情况(1–5)"},
    {"kind": "free_text", "text": "意见和建议", "required": False},
]
SURVEY_TEXTS = [None, None, "希望多组织文体活动", "建议改善办公条件", "食堂可以增加早餐品种", None]
CITATION = "从教三十年,扎根语文教学一线,所带班级成绩连年名列全县前茅,主动帮扶青年教师五名。"

# Welfare (../shared/domain.md): the county visited 61 members in special hardship (特困) and paid
# 25,000 yuan in the first half of the year: 6 major-hardship grants of 500 yuan in money, and 55 of
# 300 yuan with 50 jin of rice worth 100 yuan. 第一小学 gave 10 teachers 1,000 yuan each.
VISIT_POLICY = {
    "hospitalised": 500_00,
    "wedding": 500_00,
    "funeral": 1_000_00,
    "childbirth": 500_00,
    "retirement": 800_00,
    "major_hardship": 1_000_00,
}
YEARLY_CAP_FEN = 3_000_00
HALF_YEAR = ("2026-01-01", "2026-06-30")
SPECIAL_HARDSHIP_VISITS = 61
MONEY_ONLY_VISITS = 6  # 500 yuan each; the other 55 are 300 yuan and rice worth 100 yuan
RICE = {"item": "大米", "quantity": 50, "unit": "斤", "value_fen": 100_00}
HARDSHIP_CAUSES = ["serious_illness", "serious_illness", "family_accident", "heavy_family_burden", "child_schooling"]
SUBSIDY_SCHOOL, SUBSIDY_TEACHERS, SUBSIDY_FEN, SUBSIDY_ON = "no1-primary", 10, 1_000_00, "2026-09-28"
GREETING_SCHOOL, GREETING = (
    "experimental-middle",
    {
        "festival": "mid_autumn",
        "amount_fen": 100_00,
        "paid_on": "2026-09-24",
        "eligibility": {"statuses": ["active", "retired"]},
    },
)
# 育英中学 raised money for a young teacher with leukaemia (nearly 100,000 yuan in domain.md).
DRIVE_SCHOOL, DRIVE_CODE, DRIVE_TITLE = "zhongxue-08", "yuying-2026-aixin", "为青年教师抗击白血病爱心捐款"
DRIVE_ON, DRIVE_DISBURSED_ON = "2026-10-12", "2026-10-20"
