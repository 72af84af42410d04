"""Information reporting with assessment (信息报送). Rules only.

A union writes news and information items (工作动态, 经验交流, 典型事迹 …) and submits them to the
level above; the level above adopts (采用) an item at a level — county, city or province — or
declines it with a reason. An item may be adopted again later at a higher level, each level once;
an adopted item is locked. Every adoption earns the points of the federation's points table in
force on the adoption day (a business date in the federation's zone), fixed when it is recorded:
a table published later changes no earlier adoption. A yearly ranking puts the unions in order of
the points they earned, ties sharing a rank.
"""

import datetime as dt
import enum
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from unionfed_events.domain.congress import clean_text
from unionfed_shared.errors import Conflict, Invalid

TITLE_LIMIT, BODY_LIMIT, REASON_LIMIT = 100, 5000, 500
MOST_POINTS = 100
# An HTML tag or comment (the body is plain text); "a<b 且 c>d" is text, not a tag.
MARKUP = re.compile(r"<!--|<\s*/?\s*[a-zA-Z][a-zA-Z0-9-]*(\s+[a-zA-Z-]+(\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?)*\s*/?>")


class InfoCategory(enum.StrEnum):
    WORK_NEWS = "work_news"  # 工作动态
    EXPERIENCE = "experience"  # 经验交流
    EXEMPLARY = "exemplary"  # 典型事迹
    OTHER = "other"  # 其他


CATEGORY_ZH = {"work_news": "工作动态", "experience": "经验交流", "exemplary": "典型事迹", "other": "其他"}


class AdoptionLevel(enum.StrEnum):
    """Where an item was adopted, from the lowest up: the order matters for re-adoption."""

    COUNTY = "county"  # 县级
    CITY = "city"  # 市级
    PROVINCE = "province"  # 省级


LEVELS = tuple(AdoptionLevel)
LEVEL_ZH = {"county": "县级", "city": "市级", "province": "省级"}

DRAFT, SUBMITTED, ADOPTED, DECLINED = "draft", "submitted", "adopted", "declined"
STATUS_ZH = {DRAFT: "草稿", SUBMITTED: "已报送待采用", ADOPTED: "已采用", DECLINED: "未采用"}


@dataclass(frozen=True)
class PointsTable:
    """A federation's points per adoption level, in force from ``effective_from`` until the next one."""

    federation_id: str
    version: int
    effective_from: dt.date
    points: dict[str, int]  # level → points
    published_by: str
    published_at: dt.datetime | None = None  # stamped by the store
    note: str = ""


def check_points(points: dict[str, int]) -> dict[str, int]:
    """Every level gets its whole points, 0 to 100, and a higher level never earns less than a lower one."""
    missing = [level.value for level in LEVELS if level.value not in points]
    unknown = sorted(set(points) - {level.value for level in LEVELS})
    if missing or unknown:
        raise Invalid(
            "info_points_levels_invalid",
            zh="积分表须为县级、市级、省级各定一个分值",
            en=f"the points table names each of county, city and province once (missing {missing}, unknown {unknown})",
        )
    if any(not 0 <= points[level.value] <= MOST_POINTS for level in LEVELS):
        raise Invalid(
            "info_points_out_of_range",
            zh=f"每级分值须在 0 到 {MOST_POINTS} 分之间",
            en=f"points per level are 0 to {MOST_POINTS}",
        )
    ordered = [points[level.value] for level in LEVELS]
    if ordered != sorted(ordered):
        raise Invalid(
            "info_points_not_ascending",
            zh="上级采用的分值不能低于下级采用的分值",
            en="a higher level's adoption cannot earn fewer points than a lower level's",
        )
    return {level.value: points[level.value] for level in LEVELS}


def next_table(
    published: Sequence[PointsTable],
    federation_id: str,
    effective_from: dt.date,
    points: dict[str, int],
    by: str,
    note: str,
    today: dt.date,
) -> PointsTable:
    """The next version. A table takes effect after the latest one, and — once one is published —
    not before today, so the table in force on a day already past never changes."""
    latest = max(published, key=lambda t: t.version) if published else None
    if latest is not None and effective_from <= latest.effective_from:
        raise Conflict(
            "info_points_table_not_after_latest",
            zh=f"新积分表的生效日期须晚于现行第 {latest.version} 版的生效日期 {latest.effective_from}",
            en=f"a new table takes effect after version {latest.version}'s {latest.effective_from}",
        )
    if latest is not None and effective_from < today:
        raise Invalid(
            "info_points_table_backdated",
            zh="积分表发布后，新版本的生效日期不能早于今天（已过去的日子按当时的积分表计分）",
            en="once a table is published, a new version cannot take effect before today",
        )
    return PointsTable(
        federation_id=federation_id,
        version=(latest.version + 1) if latest else 1,
        effective_from=effective_from,
        points=check_points(points),
        published_by=by,
        note=note.strip(),
    )


def table_in_force(tables: Iterable[PointsTable], day: dt.date) -> PointsTable | None:
    """The table in force on ``day``: the latest that took effect on or before it."""
    effective = [t for t in tables if t.effective_from <= day]
    return max(effective, key=lambda t: t.effective_from) if effective else None


@dataclass(frozen=True)
class Adoption:
    """One adoption of an item at a level, with the points it earned, fixed when recorded."""

    level: str
    adopted_on: dt.date
    adopted_by: str
    adopted_by_organization: str
    points: int
    table_version: int


@dataclass(frozen=True)
class InfoItem:
    id: uuid.UUID
    organization_id: str  # the union that reports it
    federation_id: str
    title: str
    body: str  # plain text
    category: str
    event_on: dt.date  # when what it reports happened
    author: str  # who wrote it (撰稿人), as the union names them
    created_by: str
    status: str = DRAFT
    created_at: dt.datetime | None = None  # stamped by the store
    submitted_on: dt.date | None = None
    submitted_by: str | None = None
    declined_on: dt.date | None = None
    declined_by: str | None = None
    decline_reason: str | None = None
    adoptions: tuple[Adoption, ...] = field(default=())

    @property
    def points(self) -> int:
        return sum(a.points for a in self.adoptions)

    @property
    def highest_level(self) -> str | None:
        return self.adoptions[-1].level if self.adoptions else None

    def edited(
        self, title: str, body: str, category: str, event_on: dt.date, author: str, today: dt.date
    ) -> "InfoItem":
        """A draft is edited; a declined item edited goes back to a draft, to be submitted again."""
        if self.status not in (DRAFT, DECLINED):
            raise Conflict(
                "info_item_locked",
                zh=f"该信息{STATUS_ZH.get(self.status, self.status)}，不能再修改",
                en=f"the item is {self.status}; only a draft or a declined item is edited",
            )
        return replace(
            item_content(self, title, body, category, event_on, author, today),
            status=DRAFT,
            declined_on=None,
            declined_by=None,
            decline_reason=None,
        )

    def submitted(self, by: str, today: dt.date) -> "InfoItem":
        if self.status != DRAFT:
            raise Conflict(
                "info_item_not_draft",
                zh=f"该信息{STATUS_ZH.get(self.status, self.status)}，只有草稿才能报送",
                en=f"the item is {self.status}; only a draft is submitted",
            )
        return replace(self, status=SUBMITTED, submitted_on=today, submitted_by=by)

    def adopted(
        self, level: str, on: dt.date, by: str, by_organization: str, tables: Iterable[PointsTable], today: dt.date
    ) -> "InfoItem":
        """Adopted at ``level``: once per level, each later adoption at a higher level than the last,
        earning the points of the table in force on ``on``."""
        if self.status not in (SUBMITTED, ADOPTED):
            raise Conflict(
                "info_item_not_submitted",
                zh=f"该信息{STATUS_ZH.get(self.status, self.status)}，只有已报送的信息才能采用",
                en=f"the item is {self.status}; only a submitted item is adopted",
            )
        if any(a.level == level for a in self.adoptions):
            raise Conflict(
                "info_item_already_adopted_at_level",
                zh=f"该信息已被{LEVEL_ZH[level]}采用，每一级只记录一次",
                en=f"the item is already adopted at {level} level; each level is recorded once",
            )
        if self.adoptions and LEVELS.index(AdoptionLevel(level)) < LEVELS.index(
            AdoptionLevel(self.adoptions[-1].level)
        ):
            raise Conflict(
                "info_adoption_level_not_higher",
                zh=f"该信息已被{LEVEL_ZH[self.adoptions[-1].level]}采用，只能再被更高一级采用",
                en=f"the item is adopted at {self.adoptions[-1].level} level; only a higher level adopts it again",
            )
        assert self.submitted_on is not None  # submitted or adopted items were submitted
        not_before = self.adoptions[-1].adopted_on if self.adoptions else self.submitted_on
        if on > today:
            raise Invalid("info_date_in_future", zh="采用日期不能晚于今天", en="the adoption date is in the future")
        if on < not_before:
            raise Invalid(
                "info_date_out_of_order",
                zh=f"采用日期不能早于报送或上一次采用的日期 {not_before}",
                en=f"the adoption date cannot be before {not_before}, when it was submitted or last adopted",
            )
        table = table_in_force(tables, on)
        if table is None:
            raise Conflict(
                "info_points_table_missing",
                zh=f"{on} 没有生效的信息积分表，请先由联合会发布积分表",
                en=f"no points table is in force on {on}; the federation publishes one first",
            )
        adoption = Adoption(level, on, by, by_organization, table.points[level], table.version)
        return replace(self, status=ADOPTED, adoptions=(*self.adoptions, adoption))

    def declined(self, reason: str, by: str, today: dt.date) -> "InfoItem":
        if self.status != SUBMITTED:
            raise Conflict(
                "info_item_not_submitted",
                zh=f"该信息{STATUS_ZH.get(self.status, self.status)}，只有待采用的信息才能退回",
                en=f"the item is {self.status}; only a submitted item not yet adopted is declined",
            )
        return replace(
            self,
            status=DECLINED,
            declined_on=today,
            declined_by=by,
            decline_reason=clean_text(reason, "the reason for declining", REASON_LIMIT),
        )


def item_content(
    item: InfoItem, title: str, body: str, category: str, event_on: dt.date, author: str, today: dt.date
) -> InfoItem:
    """The written part of an item, checked: plain text within its limits, the event not in the future."""
    if event_on > today:
        raise Invalid("info_event_in_future", zh="事件日期不能晚于今天", en="the event date is in the future")
    if MARKUP.search(body) or MARKUP.search(title):
        raise Invalid(
            "info_body_not_plain_text", zh="正文须为纯文本，不能含网页标记", en="the body is plain text, no markup"
        )
    return replace(
        item,
        title=clean_text(title, "an item's title", TITLE_LIMIT),
        body=clean_text(body, "an item's body", BODY_LIMIT),
        category=InfoCategory(category).value,
        event_on=event_on,
        author=clean_text(author, "an item's author", 50),
    )


@dataclass
class UnionInfoFigures:
    """A union's year: items submitted, adoptions per level, points earned, and its rank."""

    organization_id: str
    name: str
    submitted: int = 0
    adopted: dict[str, int] = field(default_factory=lambda: {level.value: 0 for level in LEVELS})
    points: int = 0
    rank: int = 0

    @property
    def adoptions(self) -> int:
        return sum(self.adopted.values())


def ranked(unions: Iterable[UnionInfoFigures]) -> list[UnionInfoFigures]:
    """By points, most first; unions with equal points share a rank and the next rank skips
    (1, 2, 2, 4). Equal points are listed by adoptions, then in the order given (tree order)."""
    order = sorted(enumerate(unions), key=lambda pair: (-pair[1].points, -pair[1].adoptions, pair[0]))
    result: list[UnionInfoFigures] = []
    for place, (_, union) in enumerate(order, start=1):
        union.rank = result[-1].rank if result and result[-1].points == union.points else place
        result.append(union)
    return result


@dataclass(frozen=True)
class InfoFilter:
    status: str | None = None
    category: str | None = None
    year: int | None = None  # by the event date
    organization_id: str | None = None  # only this union's items
