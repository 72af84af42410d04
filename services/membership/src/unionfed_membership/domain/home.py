"""职工之家 certification (建家达标): a federation's scoring checklist, a union's self-assessment
with its evidence, the upper level's review and the level it awards (合格 / 先进 / 模范职工之家),
valid for a number of years before renewal, and the certification rate of a subtree. Rules only,
no I/O.

A checklist is versioned: publishing a new version adds one and never changes an assessment
already started, which keeps the version it was started on. Every date is a business date in the
federation's zone. An award is current from its date up to the day before its renewal date.
"""

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal, get_args

from unionfed_membership.domain import rates
from unionfed_shared.errors import Conflict, Invalid

# 合格职工之家, 先进职工之家, 模范职工之家 (lowest first)
Level = Literal["qualified", "advanced", "model"]
LEVELS: tuple[Level, ...] = get_args(Level)
LEVEL_ZH: dict[str, str] = {"qualified": "合格职工之家", "advanced": "先进职工之家", "model": "模范职工之家"}
# draft 填报中, submitted 已提交待审核, returned 已退回, reviewed 已审核（达标或未达标）
AssessmentStatus = Literal["draft", "submitted", "returned", "reviewed"]
STATUSES: tuple[AssessmentStatus, ...] = get_args(AssessmentStatus)
EDITABLE: tuple[AssessmentStatus, ...] = ("draft", "returned")

MAX_ITEM_POINTS = 100
MAX_VALID_YEARS = 10


def _text(value: str, code: str, zh: str, en: str, pointer: str) -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid(code, zh=zh, en=en, pointer=pointer)
    return value


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later; 29 February falls on 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class ChecklistItem:
    code: str  # stable within a version: scores and evidence name their item by it
    section: str  # 组织建设, 民主管理, 维权, 服务职工, 职工书屋, 经费管理 …
    text: str
    max_points: int
    evidence_required: bool


@dataclass(frozen=True)
class Thresholds:
    """The least total of reviewed points for each level."""

    qualified: int
    advanced: int
    model: int


@dataclass(frozen=True)
class Checklist:
    id: uuid.UUID
    federation_id: str
    version: int  # 0: the default offered to a federation that has published none
    items: tuple[ChecklistItem, ...]
    thresholds: Thresholds
    valid_years: int

    @property
    def total_points(self) -> int:
        return sum(i.max_points for i in self.items)

    @classmethod
    def publish(
        cls,
        federation_id: str,
        version: int,
        items: Iterable[ChecklistItem],
        thresholds: Thresholds,
        valid_years: int,
    ) -> "Checklist":
        cleaned: list[ChecklistItem] = []
        codes: set[str] = set()
        for n, item in enumerate(items):
            pointer = f"#/items/{n}"
            code = _text(
                item.code, "checklist_item_code_blank", "请填写评分项编号", "an item has a code", f"{pointer}/code"
            )
            if code in codes:
                raise Invalid(
                    "checklist_item_code_repeated",
                    zh=f"评分项编号“{code}”重复",
                    en=f"item code {code} appears twice",
                    pointer=f"{pointer}/code",
                )
            codes.add(code)
            if not 1 <= item.max_points <= MAX_ITEM_POINTS:
                raise Invalid(
                    "checklist_item_points_out_of_range",
                    zh=f"评分项分值须在 1 至 {MAX_ITEM_POINTS} 分之间",
                    en=f"an item is worth 1 to {MAX_ITEM_POINTS} points",
                    pointer=f"{pointer}/max_points",
                )
            cleaned.append(
                ChecklistItem(
                    code=code,
                    section=_text(
                        item.section,
                        "checklist_section_blank",
                        "请填写评分项所属类别",
                        "name the item's section",
                        f"{pointer}/section",
                    ),
                    text=_text(
                        item.text, "checklist_text_blank", "请填写评分内容", "describe the item", f"{pointer}/text"
                    ),
                    max_points=item.max_points,
                    evidence_required=item.evidence_required,
                )
            )
        if not cleaned:
            raise Invalid(
                "checklist_empty", zh="评分标准至少须有一项", en="a checklist has at least one item", pointer="#/items"
            )
        total = sum(i.max_points for i in cleaned)
        if not 0 < thresholds.qualified < thresholds.advanced < thresholds.model <= total:
            raise Invalid(
                "checklist_thresholds_invalid",
                zh=f"达标分数线须满足 0 < 合格 < 先进 < 模范 ≤ 总分（{total} 分）",
                en=f"thresholds must rise: 0 < qualified < advanced < model <= the total of {total} points",
                pointer="#/thresholds",
            )
        if not 1 <= valid_years <= MAX_VALID_YEARS:
            raise Invalid(
                "checklist_valid_years_out_of_range",
                zh=f"命名有效期须在 1 至 {MAX_VALID_YEARS} 年之间",
                en=f"an award is valid for 1 to {MAX_VALID_YEARS} years",
                pointer="#/valid_years",
            )
        return cls(uuid.uuid4(), federation_id, version, tuple(cleaned), thresholds, valid_years)

    def item(self, code: str, pointer: str) -> ChecklistItem:
        found = next((i for i in self.items if i.code == code), None)
        if found is None:
            raise Invalid(
                "checklist_item_unknown",
                zh=f"评分标准（第 {self.version} 版）中没有编号为“{code}”的评分项",
                en=f"version {self.version} of the checklist has no item {code}",
                pointer=pointer,
            )
        return found

    def level_for(self, total: int) -> Level | None:
        """The highest level whose threshold the total reaches; None: 未达标."""
        t = self.thresholds
        if total >= t.model:
            return "model"
        if total >= t.advanced:
            return "advanced"
        if total >= t.qualified:
            return "qualified"
        return None


# The default offered to a federation that has published no checklist of its own: 100 points,
# 合格 ≥ 60, 先进 ≥ 80, 模范 ≥ 90, valid three years.
DEFAULT_ITEMS: tuple[ChecklistItem, ...] = (
    ChecklistItem("1.1", "组织健全", "工会组织健全，按期换届选举，委员分工明确，工会小组健全", 10, True),
    ChecklistItem("1.2", "组织健全", "会员入会率达到 95% 以上，会员档案齐全、动态管理", 10, True),
    ChecklistItem("2.1", "民主管理", "坚持教（职）代会制度，每年至少召开一次，提案件件有答复", 15, True),
    ChecklistItem("2.2", "民主管理", "推行校（厂）务公开，公开内容及时、真实，职工满意", 10, True),
    ChecklistItem("3.1", "维权", "参与签订集体合同或工资专项集体合同，维护职工合法权益", 10, True),
    ChecklistItem("3.2", "维权", "建立劳动争议调解组织，职工诉求件件有回应", 5, False),
    ChecklistItem("4.1", "服务职工", "落实“五必访”，建立困难职工档案并动态管理", 10, True),
    ChecklistItem("4.2", "服务职工", "组织职工文体活动、健康体检和技能竞赛", 10, False),
    ChecklistItem("5.1", "职工书屋", "建有职工书屋（阅览室），藏书不少于 1000 册并定期开放", 10, True),
    ChecklistItem("6.1", "经费管理", "工会经费独立建账，收支公开，经审监督到位", 10, True),
)
DEFAULT_THRESHOLDS = Thresholds(qualified=60, advanced=80, model=90)
DEFAULT_VALID_YEARS = 3


def default_checklist(federation_id: str) -> Checklist:
    """Version 0: offered, not yet published; the first assessment publishes it as version 1."""
    return replace(
        Checklist.publish(federation_id, 0, DEFAULT_ITEMS, DEFAULT_THRESHOLDS, DEFAULT_VALID_YEARS),
        id=uuid.UUID(int=0),
    )


@dataclass(frozen=True)
class Evidence:
    """An evidence entry for one item: a title and a description, and the files attached to it
    (the attachment kit keeps them; ``file_sha256`` and ``file_name`` name the latest)."""

    id: uuid.UUID
    assessment_id: uuid.UUID
    item_code: str
    title: str
    description: str
    added_on: dt.date
    file_sha256: str | None = None
    file_name: str | None = None


@dataclass(frozen=True)
class ItemScore:
    code: str
    self_score: int | None = None
    note: str = ""
    review_score: int | None = None


@dataclass(frozen=True)
class SelfScore:
    code: str
    score: int
    note: str = ""


@dataclass(frozen=True)
class ReviewScore:
    code: str
    score: int


def _score_in_range(score: int, item: ChecklistItem, code: str, pointer: str) -> None:
    if not 0 <= score <= item.max_points:
        raise Invalid(
            code,
            zh=f"评分项“{item.code}”的得分须在 0 至 {item.max_points} 分之间",
            en=f"item {item.code} scores 0 to {item.max_points} points",
            pointer=pointer,
        )


@dataclass(frozen=True)
class Assessment:
    id: uuid.UUID
    organization_id: str
    federation_id: str
    year: int
    checklist_id: uuid.UUID
    status: AssessmentStatus
    scores: tuple[ItemScore, ...]
    evidence: tuple[Evidence, ...] = ()
    submitted_on: dt.date | None = None
    return_reason: str | None = None
    review_comment: str | None = None
    level: Level | None = None
    awarded_on: dt.date | None = None
    renew_by: dt.date | None = None

    @classmethod
    def start(
        cls, organization_id: str, federation_id: str, year: int, checklist: Checklist, today: dt.date
    ) -> "Assessment":
        if year > today.year:
            raise Invalid(
                "assessment_year_in_future",
                zh=f"不能为 {year} 年填报自评（今年是 {today.year} 年）",
                en=f"{year} is after this year ({today.year})",
                pointer="#/year",
            )
        return cls(
            id=uuid.uuid4(),
            organization_id=organization_id,
            federation_id=federation_id,
            year=year,
            checklist_id=checklist.id,
            status="draft",
            scores=tuple(ItemScore(i.code) for i in checklist.items),
        )

    # -- totals ------------------------------------------------------------------------------
    @property
    def self_total(self) -> int:
        return sum(s.self_score or 0 for s in self.scores)

    @property
    def reviewed_total(self) -> int | None:
        if self.status != "reviewed":
            return None
        return sum(s.review_score or 0 for s in self.scores)

    def evidence_for(self, code: str) -> tuple[Evidence, ...]:
        return tuple(e for e in self.evidence if e.item_code == code)

    def is_current_award(self, today: dt.date) -> bool:
        return (
            self.level is not None
            and self.awarded_on is not None
            and self.renew_by is not None
            and self.awarded_on <= today < self.renew_by
        )

    # -- the union's self-assessment ---------------------------------------------------------
    def _editable(self) -> None:
        if self.status not in EDITABLE:
            raise Conflict(
                "assessment_not_editable",
                zh="自评已提交或已审核，不能再修改",
                en="the self-assessment is submitted or reviewed and can no longer change",
            )

    def self_scored(self, checklist: Checklist, entries: Iterable[SelfScore]) -> "Assessment":
        """Sets the self scores and notes of the items named; other items keep theirs."""
        self._editable()
        changed: dict[str, ItemScore] = {}
        for n, entry in enumerate(entries):
            item = checklist.item(entry.code, f"#/items/{n}/code")
            _score_in_range(entry.score, item, "self_score_out_of_range", f"#/items/{n}/self_score")
            if entry.code in changed:
                raise Invalid(
                    "assessment_item_repeated",
                    zh=f"评分项“{entry.code}”填写了两次",
                    en=f"item {entry.code} is given twice",
                    pointer=f"#/items/{n}/code",
                )
            changed[entry.code] = ItemScore(entry.code, entry.score, (entry.note or "").strip())
        return replace(self, scores=tuple(changed.get(s.code, s) for s in self.scores))

    def evidence_added(
        self, checklist: Checklist, item_code: str, title: str, description: str, today: dt.date
    ) -> Evidence:
        self._editable()
        checklist.item(item_code, "#/item_code")
        return Evidence(
            id=uuid.uuid4(),
            assessment_id=self.id,
            item_code=item_code,
            title=_text(title, "evidence_title_blank", "请填写佐证材料名称", "give the evidence a title", "#/title"),
            description=(description or "").strip(),
            added_on=today,
        )

    def evidence_taking_files(self, evidence_id: uuid.UUID) -> Evidence:
        """The entry, if files may be attached to it: only while the assessment can change (a draft
        or returned); submitted or reviewed, what the reviewer sees stays what was submitted."""
        self._editable()
        entry = next((e for e in self.evidence if e.id == evidence_id), None)
        if entry is None:
            raise Invalid(
                "evidence_not_of_assessment",
                zh="该佐证材料不属于此自评",
                en="the evidence entry is not one of this assessment's",
            )
        return entry

    def evidence_file_attached(self, evidence_id: uuid.UUID, sha256: str, file_name: str) -> Evidence:
        """The entry naming the file just attached as its latest."""
        return replace(self.evidence_taking_files(evidence_id), file_sha256=sha256, file_name=file_name)

    def submitted(self, checklist: Checklist, today: dt.date) -> "Assessment":
        self._editable()
        unscored = [s.code for s in self.scores if s.self_score is None]
        if unscored:
            raise Invalid(
                "self_assessment_incomplete",
                zh=f"以下评分项尚未自评打分：{'、'.join(unscored)}",
                en=f"items not yet self-scored: {', '.join(unscored)}",
                pointer="#/items",
            )
        missing = [i.code for i in checklist.items if i.evidence_required and not self.evidence_for(i.code)]
        if missing:
            raise Invalid(
                "evidence_missing",
                zh=f"以下评分项须至少提供一项佐证材料：{'、'.join(missing)}",
                en=f"items that need at least one evidence entry: {', '.join(missing)}",
                pointer="#/evidence",
            )
        return replace(self, status="submitted", submitted_on=today, return_reason=None)

    # -- the upper level's review ------------------------------------------------------------
    def _submitted(self) -> None:
        if self.status != "submitted":
            raise Conflict(
                "assessment_not_submitted",
                zh="该自评未处于待审核状态",
                en="the self-assessment is not awaiting review",
            )

    def returned(self, reason: str) -> "Assessment":
        self._submitted()
        reason = _text(reason, "return_reason_blank", "请填写退回原因", "give the reason for returning it", "#/reason")
        return replace(self, status="returned", return_reason=reason)

    def reviewed(
        self,
        checklist: Checklist,
        entries: Iterable[ReviewScore],
        comment: str,
        awarded_on: dt.date,
        today: dt.date,
    ) -> "Assessment":
        """Scores every item; the level follows from the reviewed total by the checklist's
        thresholds (None: 未达标), valid from ``awarded_on`` for the checklist's years."""
        self._submitted()
        given: dict[str, int] = {}
        for n, entry in enumerate(entries):
            item = checklist.item(entry.code, f"#/items/{n}/code")
            _score_in_range(entry.score, item, "review_score_out_of_range", f"#/items/{n}/score")
            if entry.code in given:
                raise Invalid(
                    "assessment_item_repeated",
                    zh=f"评分项“{entry.code}”填写了两次",
                    en=f"item {entry.code} is given twice",
                    pointer=f"#/items/{n}/code",
                )
            given[entry.code] = entry.score
        unscored = [s.code for s in self.scores if s.code not in given]
        if unscored:
            raise Invalid(
                "review_incomplete",
                zh=f"以下评分项尚未审核评分：{'、'.join(unscored)}",
                en=f"items not yet scored in the review: {', '.join(unscored)}",
                pointer="#/items",
            )
        if awarded_on > today:
            raise Invalid(
                "award_date_in_future",
                zh="命名日期不能晚于今天",
                en="an award is dated not after today",
                pointer="#/awarded_on",
            )
        if self.submitted_on is not None and awarded_on < self.submitted_on:
            raise Invalid(
                "award_before_submission",
                zh="命名日期不能早于自评提交日期",
                en="an award is dated on or after the self-assessment was submitted",
                pointer="#/awarded_on",
            )
        scores = tuple(replace(s, review_score=given[s.code]) for s in self.scores)
        level = checklist.level_for(sum(given.values()))
        return replace(
            self,
            status="reviewed",
            scores=scores,
            review_comment=(comment or "").strip() or None,
            level=level,
            awarded_on=awarded_on,
            renew_by=add_years(awarded_on, checklist.valid_years) if level else None,
        )


def current_awards(assessments: Iterable[Assessment], today: dt.date) -> dict[str, Assessment]:
    """Each union's current award (the latest one, when several are current)."""
    found: dict[str, Assessment] = {}
    for a in assessments:
        if a.is_current_award(today):
            held = found.get(a.organization_id)
            if held is None or (a.awarded_on or dt.date.min) > (held.awarded_on or dt.date.min):
                found[a.organization_id] = a
    return found


def latest_awards(assessments: Iterable[Assessment]) -> dict[str, Assessment]:
    """Each union's latest award, current or expired."""
    found: dict[str, Assessment] = {}
    for a in assessments:
        if a.level is None or a.awarded_on is None:
            continue
        held = found.get(a.organization_id)
        if held is None or a.awarded_on > (held.awarded_on or dt.date.min):
            found[a.organization_id] = a
    return found


def due_for_renewal(assessments: Iterable[Assessment], today: dt.date, within_days: int) -> list[Assessment]:
    """Each union's latest award whose renewal date falls within ``within_days`` of today, or has
    passed (expired, not yet renewed by a later award); the soonest first."""
    horizon = today + dt.timedelta(days=within_days)
    due = [a for a in latest_awards(assessments).values() if a.renew_by is not None and a.renew_by <= horizon]
    return sorted(due, key=lambda a: (a.renew_by, a.organization_id))


@dataclass(frozen=True)
class Certified:
    """Unions certified (holding a current award) of the unions counted, by level."""

    unions: int
    by_level: Mapping[str, int]

    @property
    def certified(self) -> int:
        return sum(self.by_level.values())

    @property
    def per_mille(self) -> int | None:
        return rates.per_mille(self.certified, self.unions)


def certified(unions: Iterable[str], awards: Mapping[str, Assessment]) -> Certified:
    counted = list(unions)
    by_level: dict[str, int] = dict.fromkeys(LEVELS, 0)
    for union in counted:
        award = awards.get(union)
        if award is not None and award.level is not None:
            by_level[award.level] += 1
    return Certified(len(counted), by_level)
