"""Loading and saving export layouts of statistics reports."""

import uuid

from sqlalchemy import Row, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_membership.adapters.report_layout_tables import report_layouts
from unionfed_membership.domain.report_layouts import LayoutField, LayoutRow, ReportLayout


def _field_json(f: LayoutField) -> dict:
    return {"label": f.label, "source": f.source, "text": f.text}


def _row_json(r: LayoutRow) -> dict:
    return {
        "kind": r.kind,
        "label": r.label,
        "level": r.level,
        "numbered": r.numbered,
        "code": r.code,
        "terms": list(r.terms),
        "per": list(r.per),
        "unit_label": r.unit_label,
    }


def definition_json(layout: ReportLayout) -> dict:
    return {
        "header": [_field_json(f) for f in layout.header],
        "rows": [_row_json(r) for r in layout.rows],
        "footer": [_field_json(f) for f in layout.footer],
        "money_unit": layout.money_unit,
        "money_decimals": layout.money_decimals,
        "percent_decimals": layout.percent_decimals,
    }


def _layout_of(row: Row) -> ReportLayout:
    d = row.definition
    return ReportLayout(
        federation_id=row.federation_id,
        kind=row.kind,
        key=row.key,
        version=row.version,
        title=row.title,
        header=tuple(LayoutField(f["label"], f["source"], f["text"]) for f in d["header"]),
        rows=tuple(
            LayoutRow(
                r["kind"],
                r["label"],
                r["level"],
                r["numbered"],
                r["code"],
                tuple(r["terms"]),
                tuple(r["per"]),
                r["unit_label"],
            )
            for r in d["rows"]
        ),
        footer=tuple(LayoutField(f["label"], f["source"], f["text"]) for f in d["footer"]),
        money_unit=d["money_unit"],
        money_decimals=d["money_decimals"],
        percent_decimals=d["percent_decimals"],
        id=row.id,
    )


class ReportLayoutRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def of_federation(self, federation_id: str) -> list[ReportLayout]:
        """Every version of every layout of the federation: by kind and key, newest version first."""
        query = (
            select(report_layouts)
            .where(report_layouts.c.federation_id == federation_id)
            .order_by(report_layouts.c.kind, report_layouts.c.key, report_layouts.c.version.desc())
        )
        return [_layout_of(r) for r in await self._session.execute(query)]

    async def get(self, layout_id: uuid.UUID) -> ReportLayout | None:
        row = (await self._session.execute(select(report_layouts).where(report_layouts.c.id == layout_id))).first()
        return _layout_of(row) if row else None

    async def add(self, layout: ReportLayout, by: str) -> None:
        await self._session.execute(
            insert(report_layouts).values(
                id=layout.id,
                federation_id=layout.federation_id,
                kind=layout.kind,
                key=layout.key,
                version=layout.version,
                title=layout.title,
                definition=definition_json(layout),
                defined_by=by,
            )
        )
