"""The yearly information ranking (信息报送排名) as an .xlsx sheet, headed in the reader's language:
a line per union in rank order, then the total."""

from unionfed_events.domain.information import UnionInfoFigures
from unionfed_events.service_layer.information import InfoRanking
from unionfed_shared.documents.spreadsheet import Cell
from unionfed_shared.problems import Language

RANKING_TITLE: dict[Language, str] = {"zh-CN": "信息报送积分排名", "en": "Information reporting ranking"}
RANKING_HEADERS: dict[Language, tuple[str, ...]] = {
    "zh-CN": ("名次", "工会", "报送（篇）", "县级采用", "市级采用", "省级采用", "积分"),
    "en": ("Rank", "Union", "Submitted", "Adopted by county", "Adopted by city", "Adopted by province", "Points"),
}
TOTAL: dict[Language, str] = {"zh-CN": "合计", "en": "Total"}


def ranking_rows(ranking: InfoRanking, language: Language) -> list[list[Cell]]:
    lines: list[tuple[Cell, str, UnionInfoFigures]] = [(u.rank, u.name, u) for u in ranking.unions]
    lines.append((None, TOTAL[language], ranking.total))
    return [
        [rank, name, f.submitted, f.adopted["county"], f.adopted["city"], f.adopted["province"], f.points]
        for rank, name, f in lines
    ]
