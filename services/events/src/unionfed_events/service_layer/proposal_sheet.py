"""The congress's 提案答复情况表: every proposal of a session with its answer, overdue ones marked.

Printed for the presidium and the representatives (every proposal that stands must be answered);
the proposal committee and the union chair sign it.
"""

import datetime as dt
import uuid

from unionfed_events.domain import congress as rules
from unionfed_shared.documents import printed_form as form

WORDS: dict[form.Lang, dict[str, str]] = {
    "zh": {
        "title": "{organization}{session}{congress}提案答复情况表",
        "file": "{session}{congress}提案答复情况表.pdf",
        "organization": "单位",
        "deadline": "答复截止时间",
        "summary": "提案情况",
        "counts": "共 {total} 件；成立 {standing} 件，已答复 {answered} 件，逾期未答复 {overdue} 件",
        "no": "编号",
        "proposal": "提案标题",
        "proposer": "提案人",
        "seconders": "附议人",
        "state": "状态",
        "answer": "答复",
        "none": "本次会议尚无提案",
        "committee": "提案工作委员会负责人",
        "chair": "工会主席",
        "department": "承办部门",
        "merged_into": "并入第 {number} 号提案",
        "overdue": "逾期未答复",
        "sep": "；",
    },
    "en": {
        "title": "{organization}: proposal answers, {congress}, {session}",
        "file": "Proposal answers, {congress}, {session}.pdf",
        "organization": "Organization",
        "deadline": "Answers due by",
        "summary": "Proposals",
        "counts": "{total} in all; {standing} standing, {answered} answered, {overdue} overdue",
        "no": "No.",
        "proposal": "Title",
        "proposer": "Proposer",
        "seconders": "Seconders",
        "state": "State",
        "answer": "Answer",
        "none": "No proposal in this session yet",
        "committee": "Proposal committee",
        "chair": "Union chair",
        "department": "Department",
        "merged_into": "merged into proposal {number}",
        "overdue": "overdue",
        "sep": "; ",
    },
}

CONGRESS: dict[form.Lang, dict[str, str]] = {
    "zh": {"staff": "教代会", "workers": "职代会"},
    "en": {"staff": "staff congress", "workers": "workers' congress"},
}
STATES: dict[form.Lang, dict[str, str]] = {
    "zh": {
        rules.AWAITING_SECONDERS: "附议人数不足，未成立",
        rules.SUBMITTED: "已成立，待答复",
        rules.ANSWERED: "已答复",
    },
    "en": {
        rules.AWAITING_SECONDERS: "not enough seconders",
        rules.SUBMITTED: "awaiting its answer",
        rules.ANSWERED: "answered",
    },
}
ANSWERS: dict[form.Lang, dict[str, str]] = {
    "zh": {"accepted": "立案", "merged": "并案", "referred": "转交", "rejected": "不予立案"},
    "en": {"accepted": "accepted", "merged": "merged", "referred": "referred", "rejected": "rejected"},
}


def session_title(session, lang: form.Lang) -> str:
    if lang == "zh":
        return f"第{session.congress_number}届第{session.session_number}次"
    return f"congress {session.congress_number}, session {session.session_number}"


def file_name(session, lang: form.Lang) -> str:
    return WORDS[lang]["file"].format(session=session_title(session, lang), congress=CONGRESS[lang][session.kind])


def _answer(proposal: dict, numbers: dict[uuid.UUID, int], lang: form.Lang) -> str:
    words = WORDS[lang]
    if proposal["answer"] is None:
        return ""
    parts = [ANSWERS[lang].get(proposal["answer"], proposal["answer"])]
    if proposal["merged_into"] is not None and proposal["merged_into"] in numbers:
        parts.append(words["merged_into"].format(number=numbers[proposal["merged_into"]]))
    if proposal["department"]:
        parts.append(f"{words['department']}{form.WORDS[lang]['colon']}{proposal['department']}")
    if proposal["answer_text"]:
        parts.append(proposal["answer_text"])
    return words["sep"].join(parts)


def render_proposal_sheet(
    session,
    proposals: list[dict],
    names: dict[uuid.UUID, tuple[str, str]],
    head: form.Letterhead,
    *,
    printed_at: dt.datetime,
) -> str:
    """The sheet as HTML; ``proposals`` as ``congress_proposals.proposals_of`` gives them, ``names`` by member id."""
    lang, tz, organization_name = head.lang, head.tz, head.organization_name
    words, states = WORDS[lang], STATES[lang]

    def name(member_id: uuid.UUID) -> str:
        return names.get(member_id, (str(member_id), ""))[0]

    numbers = {p["id"]: p["number"] for p in proposals}
    overdue = [rules.is_overdue(p["status"], session.answer_deadline, printed_at) for p in proposals]
    rows = [
        (
            p["number"],
            p["title"],
            name(p["proposer_id"]),
            "、".join(name(s) for s in p["seconders"]) if lang == "zh" else ", ".join(name(s) for s in p["seconders"]),
            words["overdue"] if late else states.get(p["status"], p["status"]),
            _answer(p, numbers, lang),
        )
        for p, late in zip(proposals, overdue, strict=True)
    ]
    columns = [
        form.Column(words["no"], number=True),
        form.Column(words["proposal"]),
        form.Column(words["proposer"], css_class="nowrap"),
        form.Column(words["seconders"]),
        form.Column(words["state"]),
        form.Column(words["answer"]),
    ]
    counts = words["counts"].format(
        total=len(proposals),
        standing=sum(p["status"] != rules.AWAITING_SECONDERS for p in proposals),
        answered=sum(p["status"] == rules.ANSWERED for p in proposals),
        overdue=sum(overdue),
    )
    congress = CONGRESS[lang][session.kind]
    body = (
        form.meta(
            [
                (words["organization"], organization_name),
                (words["deadline"], form.local_time(session.answer_deadline, tz)),
                (words["summary"], counts),
                (form.WORDS[lang]["printed"], form.local_time(printed_at, tz)),
            ],
            lang,
        )
        + form.table(columns, rows, flagged=overdue, empty=words["none"])
        + form.signatures([words["committee"], words["chair"]], lang)
    )
    title = words["title"].format(
        organization=organization_name, session=session_title(session, lang), congress=congress
    )
    return form.page(title, body, lang)
