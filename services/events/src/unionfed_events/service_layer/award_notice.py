"""An activity's 获奖名单公示: each award with its winner, posted on the notice board.

The activity's records hold no objection period nor a contact, so the notice names the organizing
union as the place to raise an objection, and leaves the period to the union's own rules.
"""

import datetime as dt
import uuid

from unionfed_shared.amount_words import yuan_figure
from unionfed_shared.documents import printed_form as form

WORDS: dict[form.Lang, dict[str, str]] = {
    "zh": {
        "title": "“{activity}”获奖名单公示",
        "file": "{activity}获奖名单公示.pdf",
        "organizer": "主办单位",
        "time": "活动时间",
        "published": "公布日期",
        "category": "项目",
        "level": "奖项",
        "winner": "获奖者",
        "union": "所在工会",
        "result": "成绩",
        "prize": "奖金（元）",
        "total": "奖金合计",
        "none": "尚未登记奖项",
        "objection": "以上名单予以公示。对公示结果如有异议，请在公示期内以书面形式向{organizer}反映。",
        "seal": "{organizer}（盖章）",
        "team": "（团体）",
    },
    "en": {
        "title": "Award winners of “{activity}”: public notice",
        "file": "{activity} award winners.pdf",
        "organizer": "Organized by",
        "time": "Held",
        "published": "Announced on",
        "category": "Category",
        "level": "Award",
        "winner": "Winner",
        "union": "Union",
        "result": "Result",
        "prize": "Prize (yuan)",
        "total": "Prizes in all",
        "none": "No award recorded yet",
        "objection": "This list is posted for public notice. An objection is raised in writing with {organizer} "
        "while the notice is posted.",
        "seal": "{organizer} (seal)",
        "team": " (team)",
    },
}

LEVELS: dict[form.Lang, dict[str, str]] = {
    "zh": {"first": "一等奖", "second": "二等奖", "third": "三等奖", "excellence": "优秀奖"},
    "en": {"first": "First prize", "second": "Second prize", "third": "Third prize", "excellence": "Excellence award"},
}
LEVEL_ORDER = ("first", "second", "third", "excellence")


def file_name(activity: dict, lang: form.Lang) -> str:
    return WORDS[lang]["file"].format(activity=activity["title"])


def render_award_notice(
    activity: dict,
    awards: list[dict],
    names: dict[uuid.UUID, tuple[str, str]],
    head: form.Letterhead,
    *,
    printed_at: dt.datetime,
) -> str:
    """The notice as HTML; ``awards`` as ``activities.awards`` gives them, ``names`` by member id."""
    lang, tz, organizer_name = head.lang, head.tz, head.organization_name
    words, levels = WORDS[lang], LEVELS[lang]

    def winner(award: dict) -> tuple[str, str]:
        if award["member_id"] is not None:
            return names.get(award["member_id"], (str(award["member_id"]), ""))
        return f"{award['team_name'] or ''}{words['team']}", ""

    ordered = sorted(
        awards,
        key=lambda a: (
            a["category"],
            LEVEL_ORDER.index(a["level"]) if a["level"] in LEVEL_ORDER else 9,
            a["recorded_at"],
        ),
    )
    rows = [
        (a["category"], levels.get(a["level"], a["level"]), *winner(a), a["result"] or "", yuan_figure(a["prize_fen"]))
        for a in ordered
    ]
    columns = [
        form.Column(words["category"]),
        form.Column(words["level"]),
        form.Column(words["winner"]),
        form.Column(words["union"]),
        form.Column(words["result"]),
        form.Column(words["prize"], number=True),
    ]
    total = (words["total"], "", "", "", "", yuan_figure(sum(a["prize_fen"] for a in awards))) if awards else None
    published = activity["awards_published_on"]
    held = f"{form.local_time(activity['starts_at'], tz)} – {form.local_time(activity['ends_at'], tz)}"
    body = (
        form.meta(
            [
                (words["organizer"], organizer_name),
                (words["time"], held),
                *([(words["published"], published.isoformat())] if published else []),
                (form.WORDS[lang]["printed"], form.local_time(printed_at, tz)),
            ],
            lang,
        )
        + form.table(columns, rows, total=total, empty=words["none"])
        + f'<p class="note">{form.escape(words["objection"].format(organizer=organizer_name))}</p>'
        + form.signatures([], lang, seal=words["seal"].format(organizer=organizer_name))
    )
    return form.page(words["title"].format(activity=activity["title"]), body, lang)
