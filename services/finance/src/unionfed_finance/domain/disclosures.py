"""校务公开 as an upper union checks it: which statements each union published to its staff, and when.

A union's officer records that its income and expenditure statement (the public disclosure, see
``service_layer.disclosure_statement``) for a period was published to the staff — on which day and
where (the notice board, the staff congress, the school's website, elsewhere). The record keeps the
ledger's head at that moment, so the statement published can be rebuilt and checked as it was.
The roll-up over a subtree lists, for a year or a school term, each union's publications by the
day they were published, and the unions that published none. No I/O.
"""

import datetime as dt
import enum
from dataclasses import dataclass

from unionfed_shared.errors import Invalid


class Channel(enum.StrEnum):
    NOTICE_BOARD = "notice_board"  # 公示栏
    STAFF_CONGRESS = "staff_congress"  # 教代会
    WEBSITE = "website"  # 校园网
    OTHER = "other"


CHANNEL_ZH = {
    Channel.NOTICE_BOARD: "公示栏",
    Channel.STAFF_CONGRESS: "教（职）代会",
    Channel.WEBSITE: "校园网",
    Channel.OTHER: "其他",
}


class Term(enum.StrEnum):
    """A school term of a year: spring (Feb–Jul) and autumn (Aug–Jan of the next year)."""

    SPRING = "spring"
    AUTUMN = "autumn"


def window(year: int, term: Term | None) -> tuple[dt.date, dt.date]:
    """The days a roll-up reads publications of: the calendar year, or one term of it, inclusive."""
    if term is Term.SPRING:
        return dt.date(year, 2, 1), dt.date(year, 7, 31)
    if term is Term.AUTUMN:
        return dt.date(year, 8, 1), dt.date(year + 1, 1, 31)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def check_publication(period_from: dt.date, period_to: dt.date, published_on: dt.date, today: dt.date) -> None:
    """A statement is published after the period it shows, and not in the future."""
    if period_from > period_to:
        raise Invalid(
            "disclosure_period_reversed", zh="公开期间的起始日不能晚于截止日", en="the period starts after it ends"
        )
    if published_on > today:
        raise Invalid("disclosure_published_in_future", zh="公开日期不能晚于今天", en="published_on is in the future")
    if published_on < period_to:
        raise Invalid(
            "disclosure_published_before_period_end",
            zh=f"公开日期（{published_on}）不能早于公开期间的截止日（{period_to}）",
            en=f"published_on ({published_on}) precedes the end of the period shown ({period_to})",
        )


@dataclass(frozen=True)
class Publication:
    organization_id: str
    period_from: dt.date
    period_to: dt.date
    published_on: dt.date
    channel: str
    head_sequence: int
    published_by: str
    note: str | None = None


@dataclass
class UnionDisclosures:
    organization_id: str
    name: str
    publications: list[Publication]

    @property
    def disclosed(self) -> bool:
        return bool(self.publications)

    @property
    def last_published_on(self) -> dt.date | None:
        return max((p.published_on for p in self.publications), default=None)
