"""The activities list and a congress session's proposals as .xlsx sheets, headed in the reader's language.

Times are written on the federation's wall clock (Excel has no time zones), money in yuan as
numbers, people and unions by name.
"""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from unionfed_events.domain import congress as rules
from unionfed_events.domain.activities import ActivityFilter
from unionfed_events.service_layer import activities, congress_proposals, congress_sessions
from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_shared.auth import Principal
from unionfed_shared.documents.spreadsheet import Cell, Yuan
from unionfed_shared.paging import MAX_LIMIT
from unionfed_shared.problems import Language

ACTIVITIES_TITLE: dict[Language, str] = {"zh-CN": "活动列表", "en": "Activities"}
ACTIVITY_HEADERS: dict[Language, tuple[str, ...]] = {
    "zh-CN": (
        "活动名称",
        "类型",
        "主办单位",
        "开始时间",
        "结束时间",
        "报名截止",
        "名额",
        "已报名",
        "候补",
        "预算（元）",
        "状态",
    ),
    "en": (
        "Title",
        "Kind",
        "Organizer",
        "Starts",
        "Ends",
        "Registration closes",
        "Capacity",
        "Registered",
        "Waitlisted",
        "Budget (yuan)",
        "Status",
    ),
}
ACTIVITY_KINDS: dict[Language, dict[str, str]] = {
    "zh-CN": {
        "sport": "体育",
        "culture": "文艺",
        "contest": "竞赛",
        "trip": "外出活动",
        "training": "培训",
        "health_check": "体检",
        "labour_competition": "劳动竞赛",
        "skill_contest": "技能比武",
        "rights_week": "维权周",
    },
    "en": {
        "sport": "Sport",
        "culture": "Culture",
        "contest": "Contest",
        "trip": "Trip",
        "training": "Training",
        "health_check": "Health check",
        "labour_competition": "Labour competition",
        "skill_contest": "Skill contest",
        "rights_week": "Workers' rights week",
    },
}
ACTIVITY_STATUSES: dict[Language, dict[str, str]] = {
    "zh-CN": {"draft": "草稿", "published": "已发布", "cancelled": "已取消"},
    "en": {"draft": "Draft", "published": "Published", "cancelled": "Cancelled"},
}

PROPOSALS_TITLE: dict[Language, str] = {"zh-CN": "提案", "en": "Proposals"}
PROPOSAL_HEADERS: dict[Language, tuple[str, ...]] = {
    "zh-CN": ("编号", "提案标题", "提案人", "附议人数", "状态", "答复", "答复日期", "是否超期"),
    "en": ("No.", "Title", "Proposer", "Seconders", "Status", "Answer", "Answered on", "Overdue"),
}
PROPOSAL_STATUSES: dict[Language, dict[str, str]] = {
    "zh-CN": {rules.AWAITING_SECONDERS: "征集附议中", rules.SUBMITTED: "已成立，待答复", rules.ANSWERED: "已答复"},
    "en": {
        rules.AWAITING_SECONDERS: "Awaiting seconders",
        rules.SUBMITTED: "Standing, awaiting answer",
        rules.ANSWERED: "Answered",
    },
}
ANSWERS: dict[Language, dict[str, str]] = {
    "zh-CN": {"accepted": "立案", "merged": "并案", "referred": "转交有关部门", "rejected": "不予立案"},
    "en": {"accepted": "Accepted", "merged": "Merged", "referred": "Referred", "rejected": "Rejected"},
}
YES_NO: dict[Language, tuple[str, str]] = {"zh-CN": ("是", "否"), "en": ("Yes", "No")}


def _wall_clock(moment: dt.datetime | None, zone: ZoneInfo) -> dt.datetime | None:
    return None if moment is None else moment.astimezone(zone).replace(tzinfo=None)


async def activity_rows(
    uow: EventsUnitOfWork, principal: Principal, organization_id: str, wanted: ActivityFilter, language: Language
) -> tuple[str, list[list[Cell]]]:
    """The organization's name and every activity the filter finds, in the list's order."""
    found, cursor = await activities.activities_of(uow, principal, organization_id, wanted, None, MAX_LIMIT)
    while cursor:
        page, cursor = await activities.activities_of(uow, principal, organization_id, wanted, cursor, MAX_LIMIT)
        found.extend(page)
    summaries = [await activities.summary(uow, a.id) for a in found]
    names = await uow.directory.names_of({organization_id} | {a["organization_id"] for a in summaries})
    zone = await uow.directory.time_zone_of(organization_id)
    kinds, statuses = ACTIVITY_KINDS[language], ACTIVITY_STATUSES[language]
    rows: list[list[Cell]] = [
        [
            a["title"],
            kinds.get(a["kind"], a["kind"]),
            names.get(a["organization_id"], a["organization_id"]),
            _wall_clock(a["starts_at"], zone),
            _wall_clock(a["ends_at"], zone),
            _wall_clock(a["registration_deadline"], zone),
            a["capacity"],
            a["confirmed"],
            a["waitlisted"],
            Yuan.of_fen(a["budget_fen"]),
            statuses.get(a["status"], a["status"]),
        ]
        for a in summaries
    ]
    return names.get(organization_id, organization_id), rows


async def proposal_rows(
    uow: EventsUnitOfWork, principal: Principal, session_id: uuid.UUID, language: Language, as_of: dt.datetime
) -> tuple[str, list[list[Cell]]]:
    """The session's title and its proposals by number: proposer by name, the answer and its date
    in the union's zone, and whether it stands unanswered after the session's deadline."""
    session = await congress_sessions.session_in_scope(uow, principal, session_id)
    proposals = await congress_proposals.proposals_of(uow, principal, session_id)
    people = await uow.directory.member_names_of({p["proposer_id"] for p in proposals})
    zone = await uow.directory.time_zone_of(session.organization_id)
    statuses, answers, (yes, no) = PROPOSAL_STATUSES[language], ANSWERS[language], YES_NO[language]
    rows: list[list[Cell]] = [
        [
            p["number"],
            p["title"],
            people.get(p["proposer_id"], str(p["proposer_id"])),
            len(p["seconders"]),
            statuses.get(p["status"], p["status"]),
            answers.get(p["answer"], p["answer"]) if p["answer"] else None,
            p["answered_at"].astimezone(zone).date() if p["answered_at"] else None,
            yes if rules.is_overdue(p["status"], session.answer_deadline, as_of) else no,
        ]
        for p in proposals
    ]
    title = (
        f"第{session.congress_number}届第{session.session_number}次"
        if language == "zh-CN"
        else (f"Congress {session.congress_number}, session {session.session_number}")
    )
    return title, rows
