"""校务公开 recorded and rolled up: a union records the statements it published to its staff; an
upper union sees, for a year or a term, what each union under it published and when, and which
published nothing (the rules in ``domain.disclosures``)."""

import datetime as dt
from dataclasses import dataclass

from unionfed_finance.domain import disclosures as rules
from unionfed_finance.domain.disclosures import Publication, UnionDisclosures
from unionfed_finance.service_layer.commands import RecordDisclosure
from unionfed_finance.service_layer.permissions import BOOK_READERS
from unionfed_finance.service_layer.treasury import books_in_scope
from unionfed_finance.service_layer.unit_of_work import FinanceUnitOfWork
from unionfed_shared import business_time
from unionfed_shared.auth import Principal
from unionfed_shared.errors import NotFound
from unionfed_shared.problems import Language


async def record(
    uow: FinanceUnitOfWork, principal: Principal, organization_id: str, command: RecordDisclosure
) -> Publication:
    """A union's officer records a statement published to its staff, with the books' head now."""
    books = await books_in_scope(uow, principal, organization_id)
    today = business_time.today(await uow.directory.time_zone_of(organization_id))
    published_on = command.published_on or today
    rules.check_publication(command.period_from, command.period_to, published_on, today)
    head = await uow.disclosures.ledger_head(organization_id)
    if head is None:
        raise NotFound(
            "books_not_found", zh=f"{organization_id} 没有独立建账", en=f"{organization_id} keeps no books of its own"
        )
    publication = Publication(
        organization_id=organization_id,
        period_from=command.period_from,
        period_to=command.period_to,
        published_on=published_on,
        channel=command.channel.value,
        head_sequence=head[0],
        published_by=principal.subject,
        note=command.note.strip() or None if command.note else None,
    )
    await uow.disclosures.add(publication, books.federation_id, head[1])
    await uow.commit()
    return publication


@dataclass
class DisclosureRollup:
    organization_id: str
    year: int
    term: rules.Term | None
    first_day: dt.date
    last_day: dt.date
    unions: list[UnionDisclosures]

    @property
    def without(self) -> list[UnionDisclosures]:
        return [u for u in self.unions if not u.disclosed]


async def rollup(
    uow: FinanceUnitOfWork, principal: Principal, organization_id: str, year: int | None, term: rules.Term | None
) -> DisclosureRollup:
    """Every grassroots union of the subtree gets a row, those that published nothing too: a union
    that disclosed nothing is what the check looks for. A publication counts by the day it was published."""
    path = await uow.directory.path_of(organization_id)
    principal.require_scope(path)
    principal.require_role(*BOOK_READERS)
    year = year or business_time.today(await uow.directory.time_zone_of(organization_id)).year
    first_day, last_day = rules.window(year, term)
    unions = {
        union_id: UnionDisclosures(union_id, name, [])
        for union_id, name in await uow.disclosures.unions_under(organization_id)
    }
    for publication in await uow.disclosures.published_under(organization_id, first_day, last_day):
        union = unions.get(publication.organization_id)
        if union is not None:  # a federation's own statements are not a school's 校务公开
            union.publications.append(publication)
    return DisclosureRollup(organization_id, year, term, first_day, last_day, list(unions.values()))


# The sheet (format=xlsx): one row per publication, and one per union that published nothing.
TITLE: dict[Language, str] = {"zh-CN": "校务公开情况", "en": "Disclosures to staff"}
HEADERS: dict[Language, tuple[str, ...]] = {
    "zh-CN": ("工会", "是否公开", "公开期间起", "公开期间止", "公开日期", "公开方式", "账簿序号", "备注"),
    "en": ("Union", "Disclosed", "Period from", "Period to", "Published on", "Where", "Ledger head", "Note"),
}
_YES_NO: dict[Language, tuple[str, str]] = {"zh-CN": ("是", "否（未公开）"), "en": ("yes", "no (none)")}


def sheet_rows(rollup: DisclosureRollup, language: Language) -> list[list]:
    yes, no = _YES_NO[language]
    rows: list[list] = []
    for union in rollup.unions:
        if not union.publications:
            rows.append([union.name, no, None, None, None, None, None, None])
        for p in union.publications:
            channel = rules.CHANNEL_ZH[rules.Channel(p.channel)] if language == "zh-CN" else p.channel
            rows.append([union.name, yes, p.period_from, p.period_to, p.published_on, channel, p.head_sequence, p.note])
    return rows
