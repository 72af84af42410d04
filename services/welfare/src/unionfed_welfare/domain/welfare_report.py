"""The figures of the welfare report, as the database counts them per union (no I/O)."""

import datetime as dt
from dataclasses import dataclass

from unionfed_shared.errors import Invalid


def require_period(start: dt.date, end: dt.date) -> None:
    """A statistics period runs forward: the welfare report's, the rights cases'."""
    if end < start:
        raise Invalid(
            "period_reversed",
            zh=f"统计期间的结束日期（{end}）早于开始日期（{start}）",
            en=f"the period ends ({end}) before it starts ({start})",
        )


@dataclass(frozen=True)
class VisitsMade:
    """A union's grants of one visit type whose occasion fell in the period (not cancelled, not refused)."""

    organization_id: str
    visit_type: str
    visits: int
    granted_fen: int


@dataclass(frozen=True)
class GrantsPaid:
    """A union's grants of one visit type paid in the period; a grant is paid in full, so the split is its own."""

    organization_id: str
    visit_type: str
    paid: int
    paid_fen: int
    paid_money_fen: int
    paid_goods_fen: int


@dataclass(frozen=True)
class HardshipTally:
    """A union's hardship files of one level: open at the period's end, opened and closed in it."""

    organization_id: str
    level: str
    open: int
    opened: int
    closed: int
