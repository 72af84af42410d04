"""The rights cases' statistics of a period as an .xlsx sheet, headed in the reader's language: one
line a figure (the cases by claim kind among them, and by rights week), money in yuan numbers."""

import datetime as dt

from unionfed_shared.documents.spreadsheet import Cell, Yuan
from unionfed_shared.problems import Language

TITLE: dict[Language, str] = {"zh-CN": "维权案件统计", "en": "Rights cases statistics"}
HEADERS: dict[Language, tuple[str, ...]] = {"zh-CN": ("项目", "数值"), "en": ("Figure", "Value")}
FIGURES: dict[Language, dict[str, str]] = {
    "zh-CN": {
        "period": "统计期间",
        "opened": "受理案件（件）",
        "by_claim_kind": "其中{kind}（件）",
        "closed": "结案（件）",
        "closed_in_time": "按期结案（件）",
        "referred": "移送仲裁或诉讼（件）",
        "claimed": "诉求金额（元）",
        "recovered": "追回金额（元）",
        "workers_helped": "帮助职工（人）",
        "opened_at_rights_weeks": "维权周受理（件）",
        "by_rights_week": "其中 {week} 维权周（件）",
    },
    "en": {
        "period": "Period",
        "opened": "Cases accepted",
        "by_claim_kind": "of which {kind}",
        "closed": "Closed",
        "closed_in_time": "Closed in time",
        "referred": "Referred to arbitration or court",
        "claimed": "Claimed (yuan)",
        "recovered": "Recovered (yuan)",
        "workers_helped": "Workers helped",
        "opened_at_rights_weeks": "Accepted at rights weeks",
        "by_rights_week": "of which the {week} rights week",
    },
}
CLAIM_KINDS: dict[Language, dict[str, str]] = {
    "zh-CN": {"wage_arrears": "欠薪", "labour_contract": "劳动合同争议", "work_injury": "工伤", "other": "其他"},
    "en": {
        "wage_arrears": "wage arrears",
        "labour_contract": "labour contract disputes",
        "work_injury": "work injury",
        "other": "other",
    },
}


def filename(language: Language, organization_name: str, start: dt.date, end: dt.date) -> str:
    return f"{TITLE[language]}-{organization_name}-{start}-{end}.xlsx"


def statistics_rows(statistics: dict, language: Language) -> list[list[Cell]]:
    said, kinds = FIGURES[language], CLAIM_KINDS[language]
    rows: list[list[Cell]] = [
        [said["period"], f"{statistics['start']} – {statistics['end']}"],
        [said["opened"], statistics["opened"]],
    ]
    rows.extend(
        [said["by_claim_kind"].format(kind=kinds.get(kind, kind)), count]
        for kind, count in statistics["by_claim_kind"].items()
    )
    rows += [
        [said["closed"], statistics["closed"]],
        [said["closed_in_time"], statistics["closed_in_time"]],
        [said["referred"], statistics["referred"]],
        [said["claimed"], Yuan.of_fen(statistics["claimed_fen"])],
        [said["recovered"], Yuan.of_fen(statistics["recovered_fen"])],
        [said["workers_helped"], statistics["workers_helped"]],
        [said["opened_at_rights_weeks"], statistics["opened_at_rights_weeks"]],
    ]
    rows.extend(
        [said["by_rights_week"].format(week=week), count]
        for week, count in sorted(statistics["by_rights_week"].items())
    )
    return rows
