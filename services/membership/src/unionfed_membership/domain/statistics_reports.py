"""Statistics reports that roll up (工会月报 / 工会统计年报): forms, a union's report for a period, its
workflow and the roll-up of an upper union. Rules only, no I/O.

- A **form** is defined per federation and kind (monthly or annual) and versioned: the standard
  indicator codes it lists (from the contract's catalogue ``INDICATORS``), the figures the union
  types in itself (manual indicators, each with a note) and the deadline, the Nth day after the
  period ends. A report keeps a copy of the form it was opened on, so a new version of the form
  never changes a report already opened.
- A **report** of a union for a period holds the figures the platform computed (membership's own at
  opening, welfare's, events' and finance's as their sections arrive for the report's current
  request) and the manual figures. It is ``open`` while the figures are collected and filled,
  ``submitted`` to the level above, which ``returned`` it with a reason or ``accepted`` it; an
  accepted report is locked, and a correction is version n+1 of the same union and period (both kept).
- The **roll-up** of an upper union for a period is its own report (its latest version, whatever its
  state) plus the latest accepted version of the report of every reporting union below it, at any
  depth: each report holds only its own union's figures (and its groups'), never a lower union's,
  so a sum over the subtree counts everything once. A county whose sub-federation reviewed its
  schools sees those schools in its roll-up through the sub-federation's acceptance.
- Membership's member counts are the roster as it stood on the period's last day (read from the
  members' dated history), never as it stands when the report is opened.
- A figure the platform cannot know for this union — ``staff`` when the union registered no staff
  count — is not a silent 0: the union types it in with a note, as a manual figure, before it submits.
- 入会率 is never summed or averaged: it is recomputed from summed figures, working members
  (``members`` − ``members_retired``) per thousand ``staff``, rounded half up by the one rule of every
  rate (:mod:`unionfed_membership.domain.rates`); never from an unknown staff count (then it is None,
  and the staff row's note says why).
"""

import datetime as dt
import re
import uuid
from calendar import monthrange
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal, get_args

from unionfed_membership.domain import rates
from unionfed_shared.contracts.reporting import INDICATORS, Source, Unit, owned_by
from unionfed_shared.errors import Conflict, Invalid

ReportKind = Literal["monthly", "annual"]
KINDS: tuple[ReportKind, ...] = get_args(ReportKind)
ReportState = Literal["open", "submitted", "returned", "accepted"]
# What the status board shows for a union: its latest version's state, with ``open`` told apart.
BoardState = Literal["not_opened", "collecting", "ready", "submitted", "returned", "accepted"]
# Organization kinds that report: a union group is counted in its union's report.
REPORTING_KINDS = ("federation", "grassroots_union")
SECTIONS: tuple[Source, ...] = ("welfare", "events", "finance")
DEFAULT_DEADLINE_DAYS: dict[ReportKind, int] = {"monthly": 10, "annual": 60}
MAX_FIGURE = 10**15
# What a staff row says when nobody knows the staff count (no registered count, nothing typed in).
STAFF_UNKNOWN_ZH = "平台未登记本工会职工人数，须由本工会填报并注明来源；未填报前不计算入会率"
STAFF_UNKNOWN_EN = "no staff count is registered for this union: it types one in with a note; 入会率 waits for it"
MANUAL_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
MONTH = re.compile(r"^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$")
YEAR = re.compile(r"^(19|2[0-9])[0-9]{2}$")


def period_bounds(kind: ReportKind, period: str) -> tuple[dt.date, dt.date]:
    """The period's first and last day, both included: a month ``YYYY-MM`` or a year ``YYYY``."""
    if kind == "monthly" and MONTH.match(period):
        year, month = int(period[:4]), int(period[5:])
        return dt.date(year, month, 1), dt.date(year, month, monthrange(year, month)[1])
    if kind == "annual" and YEAR.match(period):
        return dt.date(int(period), 1, 1), dt.date(int(period), 12, 31)
    raise Invalid(
        "report_period_invalid",
        zh="月报的报告期须为 YYYY-MM，年报须为 YYYY",
        en="a monthly report's period is YYYY-MM, an annual report's YYYY",
        pointer="#/period",
    )


@dataclass(frozen=True)
class ManualIndicator:
    """A figure the platform cannot know, typed in by the union with a note."""

    code: str
    zh: str
    en: str
    unit: Unit = "count"


@dataclass(frozen=True)
class ReportForm:
    federation_id: str
    kind: ReportKind
    version: int  # 0: the standard form of a federation that has defined none
    indicators: tuple[str, ...]
    manual: tuple[ManualIndicator, ...] = ()
    deadline_days: int = 10
    id: uuid.UUID | None = None

    @classmethod
    def standard(cls, federation_id: str, kind: ReportKind) -> "ReportForm":
        """Every indicator of the catalogue, nothing typed in, due 10 days (a year: 60) after the period."""
        return cls(federation_id, kind, 0, tuple(INDICATORS), (), DEFAULT_DEADLINE_DAYS[kind])

    @classmethod
    def define(
        cls,
        federation_id: str,
        kind: ReportKind,
        version: int,
        indicators: Iterable[str],
        manual: Iterable[ManualIndicator],
        deadline_days: int,
    ) -> "ReportForm":
        codes = tuple(indicators)
        for n, code in enumerate(codes):
            if code not in INDICATORS:
                raise Invalid(
                    "indicator_unknown",
                    zh=f"指标代码“{code}”不在标准指标目录中",
                    en=f"{code} is not a standard indicator",
                    pointer=f"#/indicators/{n}",
                )
        if len(set(codes)) != len(codes):
            raise Invalid(
                "indicator_repeated",
                zh="同一指标不能重复列入",
                en="an indicator is listed once",
                pointer="#/indicators",
            )
        typed: list[ManualIndicator] = []
        for n, m in enumerate(manual):
            pointer = f"#/manual/{n}"
            if not MANUAL_CODE.match(m.code) or m.code in INDICATORS or m.code in {t.code for t in typed}:
                raise Invalid(
                    "manual_indicator_code_invalid",
                    zh=f"自填指标代码“{m.code}”须为小写字母开头的字母、数字、下划线，且不与标准指标或其他自填指标重复",
                    en=f"a manual indicator's code ({m.code}) is lower-case letters, digits and _, "
                    "unique and not a standard indicator",
                    pointer=f"{pointer}/code",
                )
            if not m.zh.strip() or not m.en.strip():
                raise Invalid(
                    "manual_indicator_name_blank",
                    zh="请填写自填指标的中英文名称",
                    en="name a manual indicator in Chinese and English",
                    pointer=f"{pointer}/zh",
                )
            typed.append(replace(m, zh=m.zh.strip(), en=m.en.strip()))
        if not codes and not typed:
            raise Invalid(
                "form_empty",
                zh="报表至少须列入一项指标",
                en="a form lists at least one indicator",
                pointer="#/indicators",
            )
        if not 0 <= deadline_days <= 366:
            raise Invalid(
                "deadline_days_invalid",
                zh="报送期限须为报告期结束后 0 至 366 天",
                en="the deadline is 0 to 366 days after the period ends",
                pointer="#/deadline_days",
            )
        return cls(federation_id, kind, version, codes, tuple(typed), deadline_days, uuid.uuid4())

    @property
    def sections(self) -> frozenset[str]:
        """The services whose section the report waits for: those owning one of its indicators."""
        return frozenset(INDICATORS[c].source for c in self.indicators) - {"membership"}

    def deadline(self, period_end: dt.date) -> dt.date:
        return period_end + dt.timedelta(days=self.deadline_days)

    def manual_indicator(self, code: str) -> ManualIndicator | None:
        return next((m for m in self.manual if m.code == code), None)


@dataclass(frozen=True)
class ManualFigure:
    value: int
    note: str


@dataclass(frozen=True)
class Row:
    """One line of a report or roll-up: an indicator with its value (None: not known yet)."""

    code: str
    zh: str
    en: str
    unit: str
    value: int | None
    source: str  # membership / welfare / events / finance / manual
    note: str = ""


def _locked(report: "StatisticsReport") -> Conflict:
    zh = {"submitted": "报表已报送，审核期间不能修改", "accepted": "报表已审核通过并锁定，如需更正请新建更正版本"}
    return Conflict(
        "statistics_report_locked",
        zh=zh.get(report.state, "报表已锁定"),
        en=f"the report is {report.state}: it cannot change (an accepted one is corrected by a new version)",
    )


@dataclass(frozen=True)
class StatisticsReport:
    id: uuid.UUID
    organization_id: str
    federation_id: str
    kind: ReportKind
    period: str
    version: int
    form: ReportForm
    period_start: dt.date
    period_end: dt.date
    request_id: uuid.UUID
    figures: Mapping[str, int]  # the platform's figures, by indicator code
    sections: frozenset[str] = frozenset()  # the sections that answered the current request
    manual: Mapping[str, ManualFigure] = field(default_factory=dict)
    state: ReportState = "open"
    return_reason: str | None = None
    opened_by: str = ""
    submitted_by: str | None = None
    submitted_at: dt.datetime | None = None
    reviewed_by: str | None = None
    reviewed_at: dt.datetime | None = None

    @classmethod
    def open(
        cls,
        organization_id: str,
        federation_id: str,
        form: ReportForm,
        period: str,
        own_figures: Mapping[str, int | None],
        today: dt.date,
        by: str,
        *,
        version: int = 1,
    ) -> "StatisticsReport":
        """``own_figures``: membership's figures for the union and its groups over the period."""
        start, end = period_bounds(form.kind, period)
        if start > today:
            raise Invalid(
                "report_period_not_started",
                zh="报告期尚未开始，不能填报",
                en="a report is opened once its period has started",
                pointer="#/period",
            )
        return cls(
            id=uuid.uuid4(),
            organization_id=organization_id,
            federation_id=federation_id,
            kind=form.kind,
            period=period,
            version=version,
            form=form,
            period_start=start,
            period_end=end,
            request_id=uuid.uuid4(),
            figures=_membership(form, own_figures),
            opened_by=by,
        )

    @property
    def deadline(self) -> dt.date:
        return self.form.deadline(self.period_end)

    @property
    def editable(self) -> bool:
        return self.state in ("open", "returned")

    @property
    def sections_missing(self) -> list[str]:
        return sorted(self.form.sections - self.sections)

    @property
    def unknown(self) -> list[str]:
        """The form's membership figures the platform could not compute for this union (``staff``
        without a registered staff count): the union types them in, like a manual figure."""
        return [c for c in self.form.indicators if INDICATORS[c].source == "membership" and c not in self.figures]

    @property
    def manual_missing(self) -> list[str]:
        typed = [m.code for m in self.form.manual] + self.unknown
        return [c for c in typed if c not in self.manual]

    def _typed_name(self, code: str) -> str:
        manual = self.form.manual_indicator(code)
        return manual.zh if manual else INDICATORS[code].zh

    @property
    def board_state(self) -> BoardState:
        if self.state == "open":
            return "collecting" if self.sections_missing or self.manual_missing else "ready"
        return self.state

    def late_on(self, today: dt.date) -> bool:
        """Not submitted (nor accepted) after its deadline: on the deadline itself it is in time. A
        correction (version 2 and up) is never late: its first version was accepted."""
        return self.version == 1 and self.state in ("open", "returned") and today > self.deadline

    def with_section(self, source: str, request_id: uuid.UUID, figures: Mapping[str, int]) -> "StatisticsReport | None":
        """The report with one service's section, or None to ignore it: an answer to an older
        request, a section already in, or a report no longer collecting (submitted or accepted)."""
        if source not in SECTIONS or not self.editable or request_id != self.request_id or source in self.sections:
            return None
        owned = {c: max(0, int(figures.get(c, 0))) for c in owned_by(source) if c in self.form.indicators}
        return replace(self, figures={**self.figures, **owned}, sections=self.sections | {source})

    def filled(self, entries: Mapping[str, ManualFigure]) -> "StatisticsReport":
        """The manual figures given (each with a note); others typed before stay."""
        if not self.editable:
            raise _locked(self)
        manual = dict(self.manual)
        for code, entry in entries.items():
            pointer = f"#/figures/{code}"
            if self.form.manual_indicator(code) is None and code not in self.unknown:
                raise Invalid(
                    "manual_indicator_unknown",
                    zh=f"“{code}”不是本报表的自填指标（平台已知的数据由平台计算，不能手填）",
                    en=f"{code} is not a figure of this form typed in by the union",
                    pointer=pointer,
                )
            if not 0 <= entry.value <= MAX_FIGURE:
                raise Invalid(
                    "manual_figure_invalid",
                    zh="填报数值须为不小于 0 的整数",
                    en="a figure is a whole number, not negative",
                    pointer=f"{pointer}/value",
                )
            note = entry.note.strip()
            if not note:
                raise Invalid(
                    "manual_figure_note_blank",
                    zh="自填数据须注明来源或说明",
                    en="a figure typed in carries a note (where it comes from)",
                    pointer=f"{pointer}/note",
                )
            manual[code] = ManualFigure(entry.value, note[:500])
        return replace(self, manual=manual)

    def refreshed(self, request_id: uuid.UUID, own_figures: Mapping[str, int | None]) -> "StatisticsReport":
        """Computed again (the data behind it was put right): membership's figures anew, the sections asked again."""
        if not self.editable:
            raise _locked(self)
        return replace(self, request_id=request_id, figures=_membership(self.form, own_figures), sections=frozenset())

    def submitted(self, by: str, at: dt.datetime) -> "StatisticsReport":
        if not self.editable:
            raise _locked(self)
        if self.sections_missing or self.manual_missing:
            missing_zh = "、".join(
                [{"welfare": "福利", "events": "活动", "finance": "财务"}[s] + "数据" for s in self.sections_missing]
                + [self._typed_name(c) for c in self.manual_missing]
            )
            raise Conflict(
                "statistics_report_incomplete",
                zh=f"报表尚不完整，不能报送：缺少{missing_zh}",
                en="the report is not complete: "
                + ", ".join([f"{s} section" for s in self.sections_missing] + self.manual_missing),
            )
        return replace(self, state="submitted", submitted_by=by, submitted_at=at, return_reason=None)

    def _reviewable(self) -> None:
        if self.state != "submitted":
            raise Conflict(
                "statistics_report_not_submitted",
                zh="只能审核已报送的报表",
                en=f"only a submitted report is reviewed (this one is {self.state})",
            )

    def returned(self, reason: str, by: str, at: dt.datetime) -> "StatisticsReport":
        self._reviewable()
        reason = reason.strip()
        if not reason:
            raise Invalid(
                "return_reason_blank", zh="退回须说明理由", en="say why the report is returned", pointer="#/reason"
            )
        return replace(self, state="returned", return_reason=reason, reviewed_by=by, reviewed_at=at)

    def accepted(self, by: str, at: dt.datetime) -> "StatisticsReport":
        self._reviewable()
        return replace(self, state="accepted", reviewed_by=by, reviewed_at=at)

    def correction(self, own_figures: Mapping[str, int | None], by: str) -> "StatisticsReport":
        """Version n+1 of an accepted report, on the same form, computed anew; the accepted one is kept
        (and counts in roll-ups until its correction is accepted). The caller checks it is the latest."""
        if self.state != "accepted":
            raise Conflict(
                "statistics_report_not_accepted",
                zh="只有审核通过的报表才需要更正；未通过的报表可直接修改",
                en="only an accepted report is corrected by a new version",
            )
        return StatisticsReport(
            id=uuid.uuid4(),
            organization_id=self.organization_id,
            federation_id=self.federation_id,
            kind=self.kind,
            period=self.period,
            version=self.version + 1,
            form=self.form,
            period_start=self.period_start,
            period_end=self.period_end,
            request_id=uuid.uuid4(),
            figures=_membership(self.form, own_figures),
            manual=dict(self.manual),
            opened_by=by,
        )

    def value(self, code: str) -> int | None:
        if code in self.figures:
            return self.figures[code]
        typed = self.manual.get(code)
        return typed.value if typed else None

    def rows(self) -> list[Row]:
        rows = []
        for code in self.form.indicators:
            i = INDICATORS[code]
            if code in self.figures:
                rows.append(Row(code, i.zh, i.en, i.unit, self.figures[code], i.source))
            elif INDICATORS[code].source == "membership":  # unknown to the platform: typed in by the union
                typed = self.manual.get(code)
                note = typed.note if typed else f"{STAFF_UNKNOWN_ZH} / {STAFF_UNKNOWN_EN}"
                rows.append(Row(code, i.zh, i.en, i.unit, typed.value if typed else None, "manual", note))
            else:
                rows.append(Row(code, i.zh, i.en, i.unit, None, i.source))
        for m in self.form.manual:
            typed = self.manual.get(m.code)
            rows.append(
                Row(m.code, m.zh, m.en, m.unit, typed.value if typed else None, "manual", typed.note if typed else "")
            )
        return rows

    @property
    def membership_rate_per_mille(self) -> int | None:
        values = {c: v for c in ("members", "members_retired", "staff") if (v := self.value(c)) is not None}
        return membership_rate_per_mille(values)


def _membership(form: ReportForm, own: Mapping[str, int | None]) -> dict[str, int]:
    """The form's membership figures; one the platform does not know (None or absent) is left out,
    for the union to type in."""
    return {
        c: int(v) for c in form.indicators if INDICATORS[c].source == "membership" and (v := own.get(c)) is not None
    }


def membership_rate_per_mille(figures: Mapping[str, int]) -> int | None:
    """入会率: working members (members − retired) per thousand staff, rounded half up (the one
    rounding rule, :func:`rates.per_mille`); None when the staff count is unknown (absent) or 0."""
    if "members" not in figures or "staff" not in figures:
        return None
    working = max(0, figures["members"] - figures.get("members_retired", 0))
    return rates.per_mille(working, figures["staff"])


@dataclass(frozen=True)
class Contribution:
    organization_id: str
    report_id: uuid.UUID
    version: int
    state: ReportState
    value: int


@dataclass(frozen=True)
class Rollup:
    organization_id: str
    kind: ReportKind
    period: str
    own: StatisticsReport | None
    accepted: tuple[StatisticsReport, ...]  # the latest accepted version of each union below
    rows: tuple[Row, ...]
    # The counted reports whose staff count nobody knows (not registered, not typed in yet).
    staff_unknown: tuple[str, ...] = ()

    @property
    def totals(self) -> dict[str, int]:
        return {r.code: r.value or 0 for r in self.rows}

    @property
    def membership_rate_per_mille(self) -> int | None:
        """Recomputed from the summed figures; None while a counted report's staff count is unknown
        (a sum missing someone's staff would overstate the rate)."""
        if self.staff_unknown:
            return None
        return membership_rate_per_mille({r.code: r.value or 0 for r in self.rows if r.value is not None})

    def trace(self, code: str) -> list[Contribution]:
        """The reports a figure came from, with their values: the own report first, then the unions below."""
        found = []
        for report in ([self.own] if self.own else []) + list(self.accepted):
            value = report.value(code)
            if value is not None:
                found.append(Contribution(report.organization_id, report.id, report.version, report.state, value))
        return found


def latest_versions(reports: Iterable[StatisticsReport]) -> dict[str, StatisticsReport]:
    """Each union's highest version."""
    latest: dict[str, StatisticsReport] = {}
    for r in reports:
        if r.organization_id not in latest or r.version > latest[r.organization_id].version:
            latest[r.organization_id] = r
    return latest


def rollup(
    organization_id: str, kind: ReportKind, period: str, reports: Iterable[StatisticsReport], below: Iterable[str]
) -> Rollup:
    """The roll-up of ``organization_id`` from every version of the period's reports in its subtree;
    ``below``: the reporting unions strictly under it. Its own report counts in its latest version;
    each union below counts in its latest accepted version, or not at all."""
    reports = list(reports)
    own = latest_versions(r for r in reports if r.organization_id == organization_id).get(organization_id)
    below_ids = set(below)
    accepted = sorted(
        latest_versions(r for r in reports if r.organization_id in below_ids and r.state == "accepted").values(),
        key=lambda r: r.organization_id,
    )
    counted = ([own] if own else []) + accepted
    # Standard indicators in catalogue order, then the manual ones in the order first seen.
    standard = [c for c in INDICATORS if any(c in r.form.indicators for r in counted)]
    manual: dict[str, ManualIndicator] = {}
    for r in counted:
        for m in r.form.manual:
            manual.setdefault(m.code, m)
    staff_unknown = tuple(
        r.organization_id for r in counted if "staff" in r.form.indicators and r.value("staff") is None
    )
    rows = []
    for code in standard:
        i = INDICATORS[code]
        total = sum(v for r in counted if (v := r.value(code)) is not None)
        note = ""
        if code == "staff" and staff_unknown:
            note = (
                f"职工人数未知（{'、'.join(staff_unknown)} 未登记也未填报），合计不含其职工，不计算入会率 / "
                f"staff count unknown for {', '.join(staff_unknown)}: not in the total, 入会率 not computed"
            )
        rows.append(Row(code, i.zh, i.en, i.unit, total, i.source, note))
    for code, m in manual.items():
        total = sum(v for r in counted if (v := r.value(code)) is not None)
        rows.append(Row(code, m.zh, m.en, m.unit, total, "manual"))
    return Rollup(organization_id, kind, period, own, tuple(accepted), tuple(rows), staff_unknown)


@dataclass(frozen=True)
class BoardLine:
    organization_id: str
    name: str
    state: BoardState
    late: bool
    deadline: dt.date
    report: StatisticsReport | None


def board_line(
    organization_id: str,
    name: str,
    latest: StatisticsReport | None,
    form: ReportForm,
    period_end: dt.date,
    today: dt.date,
) -> BoardLine:
    """A union's line on its upper union's board: not opened, or its latest version's state; late
    when past the deadline (its report's form's, or the federation's current form's) and not submitted."""
    if latest is None:
        deadline = form.deadline(period_end)
        return BoardLine(organization_id, name, "not_opened", today > deadline, deadline, None)
    return BoardLine(organization_id, name, latest.board_state, latest.late_on(today), latest.deadline, latest)
