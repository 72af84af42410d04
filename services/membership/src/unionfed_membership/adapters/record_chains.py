"""Membership's record chains: statistics reports (统计报表) and 职工之家 reviews and awards.

A link is appended, in the transaction of the change, each time a report version is submitted,
returned (with its reason) or accepted, and each time an assessment is submitted, returned or
reviewed (its level, award day and renewal day): the link holds every column of the row as it is
then. ``unionfed membership verify-records`` and ``GET /v1/organizations/{id}/record-chain``
compare each such row now with its last link: every column while submitted, accepted or
reviewed (nothing changes it then but the next step, which is chained); while returned, the
columns the return fixed (the union edits the rest again).
"""

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_membership.adapters.home_tables import home_assessments
from unionfed_membership.adapters.metadata import metadata
from unionfed_membership.adapters.statistics_tables import statistics_reports
from unionfed_shared.record_chain.rules import Current
from unionfed_shared.record_chain.store import RecordChains, RecordKind, append_on_change, record_links_table

record_links = record_links_table(metadata)

REPORT_KIND = "statistics_report"
REPORT_STATES = ("submitted", "returned", "accepted")
REPORT_KEY = ("id", "organization_id", "kind", "period", "version")
REPORT_RETURN = ("state", "return_reason", "reviewed_by", "reviewed_at")

HOME_KIND = "home_assessment"
HOME_STATES = ("submitted", "returned", "reviewed")
HOME_KEY = ("id", "organization_id", "year")
HOME_RETURN = ("status", "return_reason", "review_comment", "reviewed_by")


def _fields(table_name: str, row, names: Sequence[str]) -> dict:
    return {f"{table_name}.{name}": row._mapping[name] for name in names}


def _report_fields(row, *, compared: bool) -> dict:
    names = [c.name for c in statistics_reports.columns]
    if compared and row.state == "returned":
        names = [*REPORT_KEY, *REPORT_RETURN]
    return _fields("statistics_reports", row, names)


def _home_fields(row, *, compared: bool) -> dict:
    names = [c.name for c in home_assessments.columns]
    if compared and row.status == "returned":
        names = [*HOME_KEY, *HOME_RETURN]
    return _fields("home_assessments", row, names)


async def chain_report(session: AsyncSession, report_id: uuid.UUID) -> None:
    """After a report version is written: a link when it has just been submitted, returned or accepted."""
    row = (await session.execute(select(statistics_reports).where(statistics_reports.c.id == report_id))).first()
    if row is not None and row.state in REPORT_STATES:
        fields = _report_fields(row, compared=False)
        await append_on_change(session, record_links, row.organization_id, REPORT_KIND, str(row.id), row.state, fields)


async def chain_assessment(session: AsyncSession, assessment_id: uuid.UUID) -> None:
    """After an assessment is written: a link when it has just been submitted, returned or reviewed."""
    row = (await session.execute(select(home_assessments).where(home_assessments.c.id == assessment_id))).first()
    if row is not None and row.status in HOME_STATES:
        fields = _home_fields(row, compared=False)
        await append_on_change(session, record_links, row.organization_id, HOME_KIND, str(row.id), row.status, fields)


async def _reports_now(session: AsyncSession, organization_ids: Sequence[str] | None) -> dict[str, Current]:
    query = select(statistics_reports).where(statistics_reports.c.state.in_(REPORT_STATES))
    if organization_ids is not None:
        query = query.where(statistics_reports.c.organization_id.in_(organization_ids))
    return {
        str(row.id): Current(
            row.organization_id,
            f"{row.organization_id} {row.kind} {row.period} v{row.version} ({row.id})",
            _report_fields(row, compared=True),
        )
        for row in await session.execute(query)
    }


async def _assessments_now(session: AsyncSession, organization_ids: Sequence[str] | None) -> dict[str, Current]:
    query = select(home_assessments).where(home_assessments.c.status.in_(HOME_STATES))
    if organization_ids is not None:
        query = query.where(home_assessments.c.organization_id.in_(organization_ids))
    return {
        str(row.id): Current(
            row.organization_id, f"{row.organization_id} {row.year} ({row.id})", _home_fields(row, compared=True)
        )
        for row in await session.execute(query)
    }


KINDS = (
    RecordKind(REPORT_KIND, "统计报表 statistics report", "statistics_reports", _reports_now),
    RecordKind(HOME_KIND, "职工之家评审 home assessment", "home_assessments", _assessments_now),
)


class RecordChainRepository(RecordChains):
    def __init__(self, session: AsyncSession):
        super().__init__(session, record_links, KINDS)
