"""A member's 入会申请书, filled in from the roster, for the applicant to sign and the union to seal.

The union keeps the signed paper in the member's file. The form shows what GET /v1/members/{id}
shows the same reader: the ID number (masked) and the staff number only to officers; for anyone
else those boxes stay empty, to be written by hand.
"""

import datetime as dt

from unionfed_membership.domain.model import Member
from unionfed_shared.documents import printed_form as form

WORDS: dict[form.Lang, dict[str, str]] = {
    "zh": {
        "title": "工会会员入会申请书",
        "file": "入会申请书-{name}.pdf",
        "name": "姓名",
        "gender": "性别",
        "union": "所在工会",
        "staff_no": "工号",
        "id_number": "身份证号",
        "joined_on": "入会日期",
        "statement_heading": "申请人声明",
        "statement": "本人自愿加入中国工会，承认《中国工会章程》，遵守工会纪律，履行会员义务，"
        "按时缴纳会费，积极参加工会组织的活动。",
        "applicant": "申请人",
        "opinion_heading": "基层工会委员会意见",
        "seal": "工会（盖章）",
        "chair": "工会主席",
        "female": "女",
        "male": "男",
    },
    "en": {
        "title": "Application for union membership",
        "file": "Membership application - {name}.pdf",
        "name": "Name",
        "gender": "Gender",
        "union": "Union",
        "staff_no": "Staff no.",
        "id_number": "ID number",
        "joined_on": "Joined on",
        "statement_heading": "Applicant's declaration",
        "statement": "I apply of my own will to join the trade union, accept its constitution, keep its rules, "
        "carry out a member's duties, pay the dues on time and take part in the union's activities.",
        "applicant": "Applicant",
        "opinion_heading": "Opinion of the union committee",
        "seal": "Union (seal)",
        "chair": "Union chair",
        "female": "female",
        "male": "male",
    },
}


def file_name(member: Member, lang: form.Lang) -> str:
    return WORDS[lang]["file"].format(name=member.display_name)


def render_application_form(
    member: Member, head: form.Letterhead, *, show_personal_data: bool, printed_at: dt.datetime
) -> str:
    """The form as HTML for the PDF renderer; ``show_personal_data``: the reader is an officer."""
    lang = head.lang
    words, e = WORDS[lang], form.escape
    id_number = member.masked_id_number if show_personal_data else None
    staff_no = member.staff_no if show_personal_data else None

    def field(label: str, value: object, span: int = 1) -> str:
        colspan = f' colspan="{span}"' if span > 1 else ""
        return f'<td class="label">{e(label)}</td><td{colspan}>{e(value)}</td>'

    fields = (
        '<table class="fields">'
        f"<tr>{field(words['name'], member.display_name)}{field(words['gender'], words[member.gender])}</tr>"
        f"<tr>{field(words['union'], head.organization_name, span=3)}</tr>"
        f"<tr>{field(words['staff_no'], staff_no)}{field(words['id_number'], id_number)}</tr>"
        f"<tr>{field(words['joined_on'], member.joined_on.isoformat(), span=3)}</tr>"
        "</table>"
    )
    body = (
        form.meta([(form.WORDS[lang]["printed"], form.local_time(printed_at, head.tz))], lang)
        + fields
        + f"<h2>{e(words['statement_heading'])}</h2>"
        + f'<div class="statement">{e(words["statement"])}'
        + form.signatures([words["applicant"]], lang)
        + "</div>"
        + f"<h2>{e(words['opinion_heading'])}</h2>"
        # Left blank: the committee writes its own opinion by hand.
        + '<div class="statement">'
        + form.signatures([words["chair"]], lang, seal=words["seal"])
        + "</div>"
    )
    return form.page(words["title"], body, lang)
