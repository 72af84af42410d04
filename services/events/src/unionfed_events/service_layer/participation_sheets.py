"""The year's roll-ups of workers' participation as .xlsx sheets, headed in the reader's language:
rationalization proposals per union, and skills and jobs as one figure per line. Money in yuan as
numbers, unions by name."""

from unionfed_events.domain.skills import SkillsRollup
from unionfed_events.service_layer.improvements import ImprovementRollup
from unionfed_shared.documents.spreadsheet import Cell, Yuan
from unionfed_shared.problems import Language

IMPROVEMENTS_TITLE: dict[Language, str] = {"zh-CN": "合理化建议和技术革新", "en": "Proposals and innovations"}
IMPROVEMENT_HEADERS: dict[Language, tuple[str, ...]] = {
    "zh-CN": ("工会", "提出（件）", "其中技术革新", "采纳（件）", "实施（件）", "创造经济效益（元）"),
    "en": ("Union", "Filed", "Of them innovations", "Adopted", "Implemented", "Value created (yuan)"),
}
TOTAL: dict[Language, str] = {"zh-CN": "合计", "en": "Total"}


def improvement_rows(rollup: ImprovementRollup, language: Language) -> list[list[Cell]]:
    """A line per grassroots union in tree order, then the total."""
    rows: list[list[Cell]] = []
    for name, figures, innovations in [
        *((u.name, u.figures, u.by_kind["innovation"].filed) for u in rollup.unions),
        (TOTAL[language], rollup.total, rollup.by_kind["innovation"].filed),
    ]:
        rows.append(
            [name, figures.filed, innovations, figures.adopted, figures.implemented, Yuan.of_fen(figures.value_fen)]
        )
    return rows


SKILLS_TITLE: dict[Language, str] = {"zh-CN": "技能与就业", "en": "Skills and jobs"}
SKILLS_HEADERS: dict[Language, tuple[str, ...]] = {"zh-CN": ("项目", "数量"), "en": ("Figure", "Count")}
KIND_LINES: dict[Language, dict[str, tuple[str, str, str, str]]] = {
    "zh-CN": {
        "training": ("举办培训班（期）", "培训报名（人次）", "培训实到（人次）", "培训结业表彰（项）"),
        "labour_competition": (
            "开展劳动竞赛（场）",
            "劳动竞赛参赛（人次）",
            "劳动竞赛实到（人次）",
            "劳动竞赛获奖（项）",
        ),
        "skill_contest": ("举办技能比武（场）", "技能比武参赛（人次）", "技能比武实到（人次）", "技能比武获奖（项）"),
    },
    "en": {
        "training": ("Training courses held", "Trainees registered", "Trainees present", "Training awards"),
        "labour_competition": (
            "Labour competitions held",
            "Competitors registered",
            "Competitors present",
            "Competition awards",
        ),
        "skill_contest": ("Skill contests held", "Contestants registered", "Contestants present", "Contest awards"),
    },
}
PLACEMENT_LINES: dict[Language, tuple[str, str, str, str]] = {
    "zh-CN": ("帮助再就业（人）", "其中会员（人）", "其中经工会培训后就业（人）", "安置记录（条）"),
    "en": (
        "People helped into work",
        "Of them members",
        "Of them after a union training course",
        "Placements recorded",
    ),
}


def skills_rows(rollup: SkillsRollup, language: Language) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for kind, labels in KIND_LINES[language].items():
        f = rollup.by_kind[kind]
        rows += [
            [label, value] for label, value in zip(labels, (f.held, f.entrants, f.attended, f.awards), strict=True)
        ]
    p = rollup.placements
    values = (p.people, p.members, p.after_training, p.records)
    rows += [[label, value] for label, value in zip(PLACEMENT_LINES[language], values, strict=True)]
    return rows
