"""Loading and saving information items (信息报送), their adoptions and the points tables, and the
reads of the yearly ranking."""

import datetime as dt
import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import any_, func, literal, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_events.adapters.information_tables import info_adoptions, info_items, info_points_tables
from unionfed_events.adapters.record_chains import chain_info_item
from unionfed_events.adapters.tables import directory
from unionfed_events.domain.information import DRAFT, Adoption, InfoFilter, InfoItem, PointsTable, UnionInfoFigures

orgs = directory.organizations
# What editing, submitting and declining change; the adoptions are rows of their own.
STEP_COLUMNS = (
    "title",
    "body",
    "category",
    "event_on",
    "author",
    "status",
    "submitted_on",
    "submitted_by",
    "declined_on",
    "declined_by",
    "decline_reason",
)


class InformationRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def add(self, item: InfoItem) -> InfoItem:
        row = (await self._session.execute(info_items.insert().values(**_values(item)).returning(info_items))).one()
        return _item_of(row, ())

    async def get(self, item_id: uuid.UUID, *, lock: bool = False) -> InfoItem | None:
        """``lock``: the row locked for this transaction, so two steps on it are taken one after the other."""
        query = select(info_items).where(info_items.c.id == item_id)
        row = (await self._session.execute(query.with_for_update() if lock else query)).first()
        if row is None:
            return None
        return _item_of(row, (await self._adoptions_of([item_id])).get(item_id, ()))

    async def save_step(self, item: InfoItem) -> None:
        """The item's content and status, and any adoption not yet stored (adoptions are only added)."""
        values = _values(item)
        await self._session.execute(
            update(info_items).where(info_items.c.id == item.id).values({c: values[c] for c in STEP_COLUMNS})
        )
        stored = {a.level for a in (await self._adoptions_of([item.id])).get(item.id, ())}
        for adoption in item.adoptions:
            if adoption.level not in stored:
                await self._session.execute(
                    info_adoptions.insert().values(
                        item_id=item.id,
                        level=adoption.level,
                        adopted_on=adoption.adopted_on,
                        adopted_by=adoption.adopted_by,
                        adopted_by_organization=adoption.adopted_by_organization,
                        points=adoption.points,
                        table_version=adoption.table_version,
                    )
                )
        await chain_info_item(self._session, item.id)  # submitted, adopted at a level, declined: chained

    async def page_under(
        self,
        root_id: str,
        viewer_organization_id: str,
        wanted: InfoFilter,
        after: tuple[dt.date, uuid.UUID] | None,
        limit: int,
    ) -> list[InfoItem]:
        """Up to ``limit`` items of ``root_id`` and the unions under it, newest event first, after the
        (event_on, id) ``after``; drafts only of the viewer's own union."""
        query = (
            select(info_items)
            .join(orgs, orgs.c.id == info_items.c.organization_id)
            .where(
                any_(orgs.c.path) == root_id,
                or_(info_items.c.status != DRAFT, info_items.c.organization_id == viewer_organization_id),
            )
        )
        for column, value in (
            (info_items.c.status, wanted.status),
            (info_items.c.category, wanted.category),
            (info_items.c.organization_id, wanted.organization_id),
        ):
            if value is not None:
                query = query.where(column == value)
        if wanted.year is not None:
            query = query.where(info_items.c.event_on.between(dt.date(wanted.year, 1, 1), dt.date(wanted.year, 12, 31)))
        if after is not None:
            query = query.where(
                tuple_(info_items.c.event_on, info_items.c.id)
                < tuple_(literal(after[0], info_items.c.event_on.type), literal(after[1], info_items.c.id.type))
            )
        query = query.order_by(info_items.c.event_on.desc(), info_items.c.id.desc()).limit(limit)
        rows = list(await self._session.execute(query))
        adoptions = await self._adoptions_of([r.id for r in rows])
        return [_item_of(r, adoptions.get(r.id, ())) for r in rows]

    async def _adoptions_of(self, item_ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[Adoption, ...]]:
        if not item_ids:
            return {}
        rows = await self._session.execute(
            select(info_adoptions)
            .where(info_adoptions.c.item_id.in_(item_ids))
            .order_by(info_adoptions.c.item_id, info_adoptions.c.adopted_on, info_adoptions.c.recorded_at)
        )
        found: dict[uuid.UUID, list[Adoption]] = defaultdict(list)
        for r in rows:
            found[r.item_id].append(
                Adoption(r.level, r.adopted_on, r.adopted_by, r.adopted_by_organization, r.points, r.table_version)
            )
        return {k: tuple(v) for k, v in found.items()}

    async def figures_under(self, root_id: str, year: int) -> list[UnionInfoFigures]:
        """Per union of the subtree with anything in the year: items submitted in it, and adoptions
        made in it per level with their points (counted in PostgreSQL)."""
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        in_tree = any_(orgs.c.path) == root_id
        submitted = await self._session.execute(
            select(info_items.c.organization_id, orgs.c.name, func.count().label("n"))
            .join(orgs, orgs.c.id == info_items.c.organization_id)
            .where(in_tree, info_items.c.submitted_on.between(first, last))
            .group_by(info_items.c.organization_id, orgs.c.name)
        )
        figures: dict[str, UnionInfoFigures] = {}
        for r in submitted:
            figures[r.organization_id] = UnionInfoFigures(r.organization_id, r.name, submitted=r.n)
        adopted = await self._session.execute(
            select(
                info_items.c.organization_id,
                orgs.c.name,
                info_adoptions.c.level,
                func.count().label("n"),
                func.sum(info_adoptions.c.points).label("points"),
            )
            .join(info_items, info_items.c.id == info_adoptions.c.item_id)
            .join(orgs, orgs.c.id == info_items.c.organization_id)
            .where(in_tree, info_adoptions.c.adopted_on.between(first, last))
            .group_by(info_items.c.organization_id, orgs.c.name, info_adoptions.c.level)
        )
        for r in adopted:
            union = figures.setdefault(r.organization_id, UnionInfoFigures(r.organization_id, r.name))
            union.adopted[r.level] = r.n
            union.points += int(r.points)
        return list(figures.values())

    async def points_tables(self, federation_id: str) -> list[PointsTable]:
        rows = await self._session.execute(
            select(info_points_tables)
            .where(info_points_tables.c.federation_id == federation_id)
            .order_by(info_points_tables.c.version)
        )
        return [_table_of(r) for r in rows]

    async def lock_points_tables(self, federation_id: str) -> None:
        """Publishing is one at a time per federation (a transaction-scoped advisory lock)."""
        await self._session.execute(select(func.pg_advisory_xact_lock(func.hashtext("info_points:" + federation_id))))

    async def add_points_table(self, table: PointsTable) -> PointsTable | None:
        """The stored table, or None when its version or effective date is taken."""
        row = (
            await self._session.execute(
                insert(info_points_tables)
                .values(
                    federation_id=table.federation_id,
                    version=table.version,
                    effective_from=table.effective_from,
                    points=table.points,
                    note=table.note,
                    published_by=table.published_by,
                )
                .on_conflict_do_nothing()
                .returning(info_points_tables)
            )
        ).first()
        return _table_of(row) if row else None


def _values(item: InfoItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "organization_id": item.organization_id,
        "federation_id": item.federation_id,
        "created_by": item.created_by,
        **{c: getattr(item, c) for c in STEP_COLUMNS},
    }


def _item_of(row: Any, adoptions: tuple[Adoption, ...]) -> InfoItem:
    values = {column.name: row._mapping[column.name] for column in info_items.columns}
    return InfoItem(**values, adoptions=adoptions)


def _table_of(row: Any) -> PointsTable:
    return PointsTable(
        federation_id=row.federation_id,
        version=row.version,
        effective_from=row.effective_from,
        points=dict(row.points),
        published_by=row.published_by,
        published_at=row.published_at,
        note=row.note,
    )
