"""Use cases of information reporting (信息报送): a union writes items and submits them; the level
above adopts them at a level or declines them; the federation publishes its points table; the
yearly ranking of the unions by points.

A union's officers write, edit and submit its items; officers of an organization above it (the
federation admin, or the upper union's officers) adopt and decline; auditors read. A draft is seen
only in its own union: to everyone else it answers as a missing item does.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from unionfed_events.domain import information as rules
from unionfed_events.domain.information import InfoFilter, InfoItem, PointsTable, UnionInfoFigures
from unionfed_events.service_layer import commands
from unionfed_events.service_layer.nominations import federation_today
from unionfed_events.service_layer.union_scope import OFFICERS, organization_in_scope
from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Conflict, Forbidden, Invalid, NotFound
from unionfed_shared.paging import DEFAULT_LIMIT, cursor_refusal, decode_cursor, page_of

READERS = (*OFFICERS, Role.AUDITOR)
UNION_GROUP = "union_group"  # the directory's kind of a 工会小组
EVERY_ITEM = InfoFilter()


def _own_union_only() -> Forbidden:
    return Forbidden(
        "info_own_union_only",
        zh="信息由本单位工会撰写和报送，上级只能采用或退回",
        en="an item is written and submitted by its own union; the level above adopts or declines it",
    )


async def write(
    uow: EventsUnitOfWork, principal: Principal, organization_id: str, command: commands.WriteInfoItem
) -> InfoItem:
    """A draft, written by an officer of the union that reports it."""
    union = await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*OFFICERS)
    if principal.organization_id != union.id:
        raise _own_union_only()
    if union.kind == UNION_GROUP:
        raise Invalid(
            "info_needs_union",
            zh="信息由工会报送，工会小组的信息请交本单位工会报送",
            en="items are written by a union; a union group's news goes through its union",
        )
    if union.parent_id is None:
        raise Invalid(
            "info_needs_upper_level",
            zh="信息报送给上一级工会；最高一级组织没有上级可报送",
            en="items are submitted to the level above; the top of the tree has none",
        )
    today = await federation_today(uow, union.id)
    draft = InfoItem(
        id=uuid.uuid4(),
        organization_id=union.id,
        federation_id=union.federation_id,
        title="",
        body="",
        category=rules.InfoCategory.OTHER.value,
        event_on=today,
        author="",
        created_by=principal.subject,
    )
    item = rules.item_content(
        draft, command.title, command.body, command.category.value, command.event_on, command.author, today
    )
    stored = await uow.information.add(item)
    await uow.commit()
    return stored


async def _item(uow: EventsUnitOfWork, principal: Principal, item_id: uuid.UUID, *, lock: bool = False) -> InfoItem:
    """The item, if the caller sees it: in their subtree, and a draft only in its own union."""
    item = await uow.information.get(item_id, lock=lock)
    path = await uow.unions.path_of(item.organization_id) if item else None
    if (
        item is None
        or path is None
        or not principal.can_see(path)
        or (item.status == rules.DRAFT and principal.organization_id != item.organization_id)
    ):
        raise NotFound(
            "info_item_not_found",
            zh="未找到该信息，或不在您的范围内",
            en="information item not found or outside your scope",
        )
    return item


async def get(uow: EventsUnitOfWork, principal: Principal, item_id: uuid.UUID) -> InfoItem:
    item = await _item(uow, principal, item_id)
    principal.require_role(*READERS)
    return item


async def rewrite(
    uow: EventsUnitOfWork, principal: Principal, item_id: uuid.UUID, command: commands.WriteInfoItem
) -> InfoItem:
    item = await _item(uow, principal, item_id, lock=True)
    principal.require_role(*OFFICERS)
    if principal.organization_id != item.organization_id:
        raise _own_union_only()
    today = await federation_today(uow, item.organization_id)
    edited = item.edited(command.title, command.body, command.category.value, command.event_on, command.author, today)
    return await _save(uow, edited)


async def submit(uow: EventsUnitOfWork, principal: Principal, item_id: uuid.UUID) -> InfoItem:
    """To the level above (报送)."""
    item = await _item(uow, principal, item_id, lock=True)
    principal.require_role(*OFFICERS)
    if principal.organization_id != item.organization_id:
        raise _own_union_only()
    return await _save(uow, item.submitted(principal.subject, await federation_today(uow, item.organization_id)))


def _upper_level_only(principal: Principal, item: InfoItem) -> None:
    """Adopting and declining is the level above's: an organization above the item's union."""
    principal.require_role(*OFFICERS)
    if principal.organization_id == item.organization_id:
        raise Forbidden(
            "info_upper_level_only",
            zh="信息由上级工会采用或退回，报送单位不能自行采用",
            en="the level above adopts or declines an item, not the union that submitted it",
        )


async def adopt(
    uow: EventsUnitOfWork, principal: Principal, item_id: uuid.UUID, command: commands.AdoptInfoItem
) -> InfoItem:
    """Adopted (采用) at a level, with the points of the table in force on the adoption day."""
    item = await _item(uow, principal, item_id, lock=True)
    _upper_level_only(principal, item)
    today = await federation_today(uow, item.organization_id)
    tables = await uow.information.points_tables(item.federation_id)
    adopted = item.adopted(
        command.level.value,
        command.adopted_on or today,
        principal.subject,
        principal.organization_id,
        tables,
        today,
    )
    return await _save(uow, adopted)


async def decline(
    uow: EventsUnitOfWork, principal: Principal, item_id: uuid.UUID, command: commands.DeclineInfoItem
) -> InfoItem:
    item = await _item(uow, principal, item_id, lock=True)
    _upper_level_only(principal, item)
    declined = item.declined(command.reason, principal.subject, await federation_today(uow, item.organization_id))
    return await _save(uow, declined)


async def _save(uow: EventsUnitOfWork, item: InfoItem) -> InfoItem:
    await uow.information.save_step(item)
    await uow.commit()
    return item


async def items_of(
    uow: EventsUnitOfWork,
    principal: Principal,
    organization_id: str,
    wanted: InfoFilter = EVERY_ITEM,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> tuple[list[InfoItem], str | None]:
    """A page of the items of the organization and the unions under it, newest event first; a
    union's drafts only to itself. The level above's inbox is this list with ``status=submitted``."""
    await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    found = await uow.information.page_under(
        organization_id, principal.organization_id, wanted, _after(cursor) if cursor else None, limit + 1
    )
    return page_of(found, limit, key=lambda i: (i.event_on.isoformat(), i.id))


def _after(cursor: str) -> tuple[dt.date, uuid.UUID]:
    event_on, item_id = decode_cursor(cursor, 2)
    try:
        return dt.date.fromisoformat(event_on), uuid.UUID(item_id)
    except (TypeError, ValueError):
        raise cursor_refusal() from None


async def _federation(uow: EventsUnitOfWork, principal: Principal, federation_id: str) -> None:
    federation = await organization_in_scope(uow, principal, federation_id)
    if federation.parent_id is not None:
        raise Invalid(
            "info_points_table_needs_federation",
            zh="信息积分表由联合会（最高一级组织）发布",
            en="the points table is the federation's, the top of the tree",
        )


async def publish_points_table(
    uow: EventsUnitOfWork, principal: Principal, federation_id: str, command: commands.PublishPointsTable
) -> PointsTable:
    """A new version of the federation's points table; earlier adoptions keep their points."""
    await _federation(uow, principal, federation_id)
    principal.require_role(Role.FEDERATION_ADMIN)
    await uow.information.lock_points_tables(federation_id)
    today = await federation_today(uow, federation_id)
    table = rules.next_table(
        await uow.information.points_tables(federation_id),
        federation_id,
        command.effective_from or today,
        {"county": command.county, "city": command.city, "province": command.province},
        principal.subject,
        command.note,
        today,
    )
    stored = await uow.information.add_points_table(table)
    if stored is None:
        raise Conflict(
            "info_points_table_not_after_latest",
            zh="同时有另一版积分表发布，请刷新后重试",
            en="another version was published at the same time; reload and try again",
        )
    await uow.commit()
    return stored


async def points_tables(uow: EventsUnitOfWork, principal: Principal, federation_id: str) -> list[PointsTable]:
    """Every version, oldest first, read by the officers and auditors of the whole federation."""
    if principal.federation_id != federation_id:
        await organization_in_scope(uow, principal, federation_id)
    principal.require_role(*READERS)
    return await uow.information.points_tables(federation_id)


@dataclass
class InfoRanking:
    organization_id: str
    year: int
    unions: list[UnionInfoFigures]  # ranked
    total: UnionInfoFigures = field(default_factory=lambda: UnionInfoFigures("", ""))


async def ranking(uow: EventsUnitOfWork, principal: Principal, organization_id: str, year: int | None) -> InfoRanking:
    """Every grassroots union of the subtree (zeros too) and any other union that reported in the
    year, ranked by points. Items count in the year they were submitted; adoptions and their points
    in the year they were adopted."""
    await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    year = year or (await federation_today(uow, organization_id)).year
    unions = {
        union_id: UnionInfoFigures(union_id, name)
        for union_id, name in await uow.unions.grassroots_unions_under(organization_id)
    }
    for figures in await uow.information.figures_under(organization_id, year):
        unions[figures.organization_id] = UnionInfoFigures(
            figures.organization_id,
            unions[figures.organization_id].name if figures.organization_id in unions else figures.name,
            figures.submitted,
            figures.adopted,
            figures.points,
        )
    result = InfoRanking(organization_id, year, rules.ranked(unions.values()))
    for union in result.unions:
        result.total.submitted += union.submitted
        result.total.points += union.points
        for level, count in union.adopted.items():
            result.total.adopted[level] += count
    return result
