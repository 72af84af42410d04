"""HTTP for the export layouts of statistics reports (报表样式): a federation defines them, versioned;
the reports' and roll-ups' ``format=xlsx`` routes take one as ``layout``."""

import uuid
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from unionfed_membership.domain.report_layouts import LayoutField, LayoutRow, ReportLayout
from unionfed_membership.entrypoints.dependencies import CurrentRuntime
from unionfed_membership.service_layer import commands, report_layouts
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.idempotent_routes import IdempotentRoute

router = APIRouter(prefix="/v1", tags=["membership statistics reports"], route_class=IdempotentRoute)


class LayoutFieldOut(BaseModel):
    label: str
    source: str
    text: str

    @classmethod
    def of(cls, f: LayoutField) -> "LayoutFieldOut":
        return cls(label=f.label, source=f.source, text=f.text)


class LayoutRowOut(BaseModel):
    kind: Literal["heading", "indicator", "derived", "blank"]
    number: str = Field(description="一、 （一） 1. by level, or empty")
    label: str
    level: int
    numbered: bool
    code: str
    terms: list[str]
    per: list[str]
    unit_label: str

    @classmethod
    def of(cls, r: LayoutRow, number: str) -> "LayoutRowOut":
        return cls(
            kind=r.kind,
            number=number,
            label=r.label,
            level=r.level,
            numbered=r.numbered,
            code=r.code,
            terms=list(r.terms),
            per=list(r.per),
            unit_label=r.unit_label,
        )


class ReportLayoutOut(BaseModel):
    id: uuid.UUID = Field(description="this version's id: the `layout` of a report's or roll-up's xlsx download")
    federation_id: str
    kind: Literal["monthly", "annual"]
    key: str
    version: int
    title: str
    header: list[LayoutFieldOut]
    rows: list[LayoutRowOut]
    footer: list[LayoutFieldOut]
    money_unit: Literal["yuan", "wan_yuan"]
    money_decimals: int
    percent_decimals: int
    money_note: str = Field(description="the unit and rounding the sheet states")

    @classmethod
    def of(cls, x: ReportLayout) -> "ReportLayoutOut":
        assert x.id is not None
        return cls(
            id=x.id,
            federation_id=x.federation_id,
            kind=x.kind,
            key=x.key,
            version=x.version,
            title=x.title,
            header=[LayoutFieldOut.of(f) for f in x.header],
            rows=[LayoutRowOut.of(r, n) for r, n in zip(x.rows, x.numbers(), strict=True)],
            footer=[LayoutFieldOut.of(f) for f in x.footer],
            money_unit=x.money_unit,
            money_decimals=x.money_decimals,
            percent_decimals=x.percent_decimals,
            money_note=x.money_note,
        )


@router.get("/organizations/{organization_id}/report-layouts", response_model=list[ReportLayoutOut])
async def report_layouts_of(
    organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[ReportLayoutOut]:
    """The layouts the organization's reports and roll-ups can be downloaded in (its federation's),
    every version, by kind and key, newest version first."""
    async with runtime.uow() as uow:
        return [ReportLayoutOut.of(x) for x in await report_layouts.layouts(uow, principal, organization_id)]


@router.post("/federations/{federation_id}/report-layouts", response_model=ReportLayoutOut, status_code=201)
async def define_report_layout(
    federation_id: str, body: commands.DefineReportLayout, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> ReportLayoutOut:
    """A new version of the layout with this kind and key (sheets downloaded before keep theirs)."""
    async with runtime.uow() as uow:
        return ReportLayoutOut.of(await report_layouts.define_layout(uow, principal, federation_id, body))
