"""The county's schools and their staff, generated deterministically (seeded) from the figures of
../shared/domain.md: ~36 school unions with 2–4 union groups each and ~1,150 members."""

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass, field

COUNTY = "county-edu"
COUNTY_NAME = "某县教育工会"
REGION = "341226"  # the county's administrative division code (first six digits of ID numbers)
SEED = 20260901

# (id, name, kind, members, staff count) — the four schools of the first demo keep their ids and
# their term payroll's staff counts (60, 80, 24, 30).
ORIGINAL = [
    ("no1-primary", "第一小学工会", "primary", 60, 60),
    ("experimental-middle", "实验中学工会", "middle", 78, 80),
    ("central-kindergarten", "中心幼儿园工会", "kindergarten", 24, 24),
    ("migrant-children", "随迁子女学校工会", "migrant", 28, 30),
]
# The first demo's groups and named members stay the first of their schools.
ORIGINAL_GROUPS = {
    "no1-primary": ("group-chinese", "语文教研组"),
    "experimental-middle": ("group-maths", "数学教研组"),
    "central-kindergarten": ("group-classes", "保教组"),
    "migrant-children": ("group-general", "综合组"),
}
ORIGINAL_NAMES = {
    "no1-primary": ["王芳", "李娜", "张伟", "刘洋", "陈静", "杨敏"],
    "experimental-middle": ["赵磊", "黄丽", "周强", "吴霞", "徐刚"],
    "central-kindergarten": ["孙丽", "胡静", "朱婷", "高敏"],
    "migrant-children": ["林峰", "何娟", "郭涛", "马兰", "罗军"],
}
ORIGINAL_FEMALE = {"王芳", "李娜", "陈静", "杨敏", "黄丽", "吴霞", "孙丽", "胡静", "朱婷", "何娟", "马兰"}

NEW_SCHOOLS = {
    "primary": (
        "xiaoxue",
        "小学",
        [
            "城关镇中心小学",
            "东关小学",
            "西街小学",
            "南湖小学",
            "北关小学",
            "青石镇中心小学",
            "柳河镇中心小学",
            "杨庄小学",
            "马集小学",
            "白塔小学",
            "石桥小学",
            "城东小学",
            "红旗小学",
            "育才小学",
        ],
    ),
    "middle": (
        "zhongxue",
        "中学",
        [
            "第一中学",
            "第二中学",
            "第三中学",
            "城关初级中学",
            "青石镇初级中学",
            "柳河镇中学",
            "职业教育中心",
            "育英中学",
        ],
    ),
    "kindergarten": (
        "youeryuan",
        "幼儿园",
        [
            "第二幼儿园",
            "城东幼儿园",
            "青石镇中心幼儿园",
            "柳河镇中心幼儿园",
            "机关幼儿园",
            "阳光幼儿园",
        ],
    ),
    "migrant": (
        "suiqian",
        "随迁子女学校",
        [
            "春蕾学校",
            "希望学校",
            "新市民子弟学校",
            "明德学校",
        ],
    ),
}
SIZES = {"primary": (24, 38), "middle": (38, 54), "kindergarten": (12, 20), "migrant": (16, 26)}
GROUPS = {
    "primary": ["语文教研组", "数学教研组", "英语教研组", "综合教研组"],
    "middle": ["语文教研组", "数学教研组", "理化生教研组", "政史地教研组", "英语教研组", "体音美教研组"],
    "kindergarten": ["大班组", "中班组", "小班组", "保育后勤组"],
    "migrant": ["语文组", "数学组", "综合组"],
}
FEMALE_SHARE = {"primary": 0.74, "middle": 0.62, "kindergarten": 0.96, "migrant": 0.68}
# The school whose 50 members answer the survey (41 of them: 82%).
SURVEY_SCHOOL, SURVEY_SCHOOL_SIZE = "zhongxue-03", 50

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英华慧巧美娅玲婷雪琳晶颖倩莉萍红燕琴梅兰凤洁蓉月莹菲欣悦雯婧瑶佳璐怡丹宁"
MALE_CHARS = "伟强磊军洋勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆峰建文国林志龙成海东亮晨阳博"
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check(first17: str) -> str:
    """The GB 11643 check character."""
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS)) % 11]


@dataclass
class Person:
    name: str
    gender: str  # female / male
    id_number: str
    phone: str
    staff_no: str
    joined_on: dt.date
    salary_fen: int
    group: str  # the union group's name
    born: dt.date


@dataclass
class School:
    id: str
    name: str
    kind: str
    staff_count: int
    groups: list[tuple[str, str]]  # (id, name)
    people: list[Person] = field(default_factory=list)

    def roster_csv(self) -> bytes:
        """The roster as a union office keeps it in Excel, saved as CSV (UTF-8 with BOM)."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["姓名", "性别", "身份证号", "手机", "工号", "入会日期", "基本工资", "工会小组"])
        for p in self.people:
            writer.writerow(
                [
                    p.name,
                    "女" if p.gender == "female" else "男",
                    p.id_number,
                    p.phone,
                    p.staff_no,
                    p.joined_on.isoformat(),
                    f"{p.salary_fen // 100}.{p.salary_fen % 100:02d}",
                    p.group,
                ]
            )
        return ("\ufeff" + out.getvalue()).encode("utf-8")


def build() -> list[School]:
    rng = random.Random(SEED)
    used_ids: set[str] = set()
    used_names: set[str] = set()
    used_phones: set[str] = set()
    plan = [(sid, name, kind, size, staff) for sid, name, kind, size, staff in ORIGINAL]
    for kind, (prefix, _, names) in NEW_SCHOOLS.items():
        for number, name in enumerate(names, start=1):
            sid = f"{prefix}-{number:02d}"
            size = SURVEY_SCHOOL_SIZE if sid == SURVEY_SCHOOL else rng.randint(*SIZES[kind])
            plan.append((sid, name + "工会", kind, size, None))
    schools = []
    for index, (sid, name, kind, size, staff) in enumerate(plan):
        group_names = GROUPS[kind][: rng.randint(2, min(4, len(GROUPS[kind])))]
        if sid in ORIGINAL_GROUPS:
            gid, gname = ORIGINAL_GROUPS[sid]
            group_names = [gname] + [g for g in group_names if g != gname][:2]
            groups = [(f"{sid}-{gid}", gname)] + [(f"{sid}-g{i}", g) for i, g in enumerate(group_names[1:], start=2)]
        else:
            groups = [(f"{sid}-g{i}", g) for i, g in enumerate(group_names, start=1)]
        school = School(sid, name, kind, staff or 0, groups)
        fixed = ORIGINAL_NAMES.get(sid, [])
        for n in range(size):
            if n < len(fixed):
                person_name = fixed[n]
                gender = "female" if person_name in ORIGINAL_FEMALE else "male"
            else:
                gender = "female" if rng.random() < FEMALE_SHARE[kind] else "male"
                while True:
                    chars = FEMALE_CHARS if gender == "female" else MALE_CHARS
                    given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.55 else "")
                    person_name = rng.choice(SURNAMES) + given
                    if person_name not in used_names:
                        break
            used_names.add(person_name)
            young = kind in ("kindergarten", "migrant")
            born = dt.date(rng.randint(1970 if not young else 1978, 2001), rng.randint(1, 12), rng.randint(1, 28))
            while True:
                seq = rng.randint(0, 99) * 10 + rng.choice((1, 3, 5, 7, 9) if gender == "male" else (0, 2, 4, 6, 8))
                first17 = f"{REGION}{born:%Y%m%d}{seq:03d}"
                id_number = first17 + id_check(first17)
                if id_number not in used_ids:
                    break
            used_ids.add(id_number)
            while True:
                phone = (
                    rng.choice(("138", "139", "135", "151", "158", "187", "189", "177"))
                    + f"{rng.randint(0, 99_999_999):08d}"
                )
                if phone not in used_phones:
                    break
            used_phones.add(phone)
            first_job = dt.date(born.year + rng.randint(21, 24), 9, 1)
            joined = max(first_job, dt.date(1995, 9, 1))
            years = 2026 - first_job.year
            salary_yuan = min(6500, 3800 + years * 78 + rng.randint(0, 18) * 10)
            school.people.append(
                Person(
                    person_name,
                    gender,
                    id_number,
                    phone,
                    f"{kind[0].upper()}{index + 1:02d}{n + 1:03d}",
                    min(joined, dt.date(2025, 9, 1)),
                    salary_yuan * 100,
                    groups[n % len(groups)][1],
                    born,
                )
            )
        if not school.staff_count:
            # About a third of the schools have every employee in the union (入会率 100%); retirees
            # stay members but are no longer staff.
            working = size - sum(1 for s, _ in RETIREES if s == sid)
            school.staff_count = working if rng.random() < 0.35 else working + rng.randint(1, 4)
        schools.append(school)
    return schools


# A few retirees (retired members stay in the union), by school and position in its roster.
RETIREES = [
    ("zhongxue-02", -1),
    ("zhongxue-02", -2),
    ("xiaoxue-01", -1),
    ("zhongxue-01", -1),
    ("youeryuan-02", -1),
    ("suiqian-01", -1),
]
# One teacher exchange (教师交流): from 第一中学 to 实验中学, effective the 1st of next month.
EXCHANGE = ("zhongxue-01", 7, "experimental-middle")
