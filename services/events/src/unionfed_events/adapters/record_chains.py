"""Events' record chains: 信息报送 items (submitted, adopted at each level with their points,
declined; a declined item rewritten is chained back to a draft), democratic evaluation results
submitted upward, and 师德 lists submitted to the county.

A link is appended, in the transaction of the change, with every field a reader sees of the record
then: an item's columns and each adoption (day, who, which organization, points, points table
version); an evaluation's columns with the results as submitted; a 师德 list's submission and
every member's result, note, assessor and time. None of them changes afterwards but by a chained
step, so ``unionfed events verify-records`` and ``GET /v1/organizations/{id}/record-chain``
compare each such record now with its last link, every field (a draft again after a decline: only
that it is a draft).
"""

import uuid
from collections.abc import Sequence

from sqlalchemy import Text, and_, cast, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_events.adapters.evaluation_tables import ethics_assessments, ethics_submissions, evaluations
from unionfed_events.adapters.information_tables import info_adoptions, info_items
from unionfed_events.adapters.metadata import metadata
from unionfed_shared.record_chain.rules import Current
from unionfed_shared.record_chain.store import (
    RecordChains,
    RecordKind,
    append_on_change,
    last_action,
    record_links_table,
)

record_links = record_links_table(metadata)

INFO_KIND = "info_item"
INFO_STATES = ("submitted", "adopted", "declined")
ADOPTION_COLUMNS = ("adopted_on", "adopted_by", "adopted_by_organization", "points", "table_version", "recorded_at")
EVALUATION_KIND = "evaluation_results"
ETHICS_KIND = "ethics_list"
ETHICS_COLUMNS = ("result", "note", "assessed_by", "assessed_at")


def _info_fields(item, adoptions: Sequence, *, compared: bool = False) -> dict:
    if compared and item.status == "draft":  # being rewritten after a decline: only that it is a draft
        return {"info_items.id": item.id, "info_items.status": item.status}
    fields = {f"info_items.{c.name}": item._mapping[c.name] for c in info_items.columns}
    for adoption in adoptions:
        for name in ADOPTION_COLUMNS:
            fields[f"info_adoptions.{name} ({adoption.level})"] = adoption._mapping[name]
    return fields


def _info_action(item, adoptions: Sequence) -> str:
    """The status, and the levels adopted at: a second level's adoption is a step of its own."""
    levels = "+".join(sorted(a.level for a in adoptions))
    return f"{item.status}:{levels}" if levels else item.status


async def _adoptions(session: AsyncSession, item_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list]:
    found: dict[uuid.UUID, list] = {}
    if item_ids:
        query = select(info_adoptions).where(info_adoptions.c.item_id.in_(item_ids)).order_by(info_adoptions.c.level)
        for row in await session.execute(query):
            found.setdefault(row.item_id, []).append(row)
    return found


async def chain_info_item(session: AsyncSession, item_id: uuid.UUID) -> None:
    """After an item's step: a link when it was submitted, adopted at a level or declined."""
    item = (await session.execute(select(info_items).where(info_items.c.id == item_id))).first()
    if item is None:
        return
    # A declined item edited goes back to a draft: chained as such, so its last link is not "declined".
    reopened = item.status == "draft" and await last_action(session, record_links, INFO_KIND, str(item.id)) is not None
    if item.status not in INFO_STATES and not reopened:
        return
    adoptions = (await _adoptions(session, [item_id])).get(item_id, [])
    await append_on_change(
        session,
        record_links,
        item.organization_id,
        INFO_KIND,
        str(item.id),
        _info_action(item, adoptions),
        _info_fields(item, adoptions),
    )


def _evaluation_fields(row) -> dict:
    return {f"evaluations.{c.name}": row._mapping[c.name] for c in evaluations.columns}


async def chain_evaluation(session: AsyncSession, evaluation_id: uuid.UUID) -> None:
    """After an evaluation's state is written: a link when its results have been submitted."""
    row = (await session.execute(select(evaluations).where(evaluations.c.id == evaluation_id))).first()
    if row is not None and row.submitted_at is not None:
        fields = _evaluation_fields(row)
        await append_on_change(
            session, record_links, row.organization_id, EVALUATION_KIND, str(row.id), "submitted", fields
        )


def _ethics_id(organization_id: str, year: int) -> str:
    return f"{organization_id}/{year}"


async def _ethics_fields(session: AsyncSession, submission) -> dict:
    fields = {f"ethics_submissions.{c.name}": submission._mapping[c.name] for c in ethics_submissions.columns}
    rows = await session.execute(
        select(ethics_assessments)
        .where(
            ethics_assessments.c.organization_id == submission.organization_id,
            ethics_assessments.c.year == submission.year,
        )
        .order_by(ethics_assessments.c.member_id)
    )
    for row in rows:
        for name in ETHICS_COLUMNS:
            fields[f"ethics_assessments.{name} ({row.member_id})"] = row._mapping[name]
    return fields


async def chain_ethics_list(session: AsyncSession, organization_id: str, year: int) -> None:
    """After a 师德 list is submitted: a link with the submission and every member's result."""
    submission = (
        await session.execute(
            select(ethics_submissions).where(
                ethics_submissions.c.organization_id == organization_id, ethics_submissions.c.year == year
            )
        )
    ).first()
    if submission is not None:
        fields = await _ethics_fields(session, submission)
        await append_on_change(
            session, record_links, organization_id, ETHICS_KIND, _ethics_id(organization_id, year), "submitted", fields
        )


async def _items_now(session: AsyncSession, organization_ids: Sequence[str] | None) -> dict[str, Current]:
    reopened = select(record_links.c.record_id).where(record_links.c.record_kind == INFO_KIND)
    query = select(info_items).where(
        or_(
            info_items.c.status.in_(INFO_STATES),
            and_(info_items.c.status == "draft", cast(info_items.c.id, Text).in_(reopened)),
        )
    )
    if organization_ids is not None:
        query = query.where(info_items.c.organization_id.in_(organization_ids))
    items = (await session.execute(query)).all()
    adoptions = await _adoptions(session, [item.id for item in items])
    return {
        str(item.id): Current(
            item.organization_id,
            f"{item.title!r} of {item.organization_id} ({item.id})",
            _info_fields(item, adoptions.get(item.id, []), compared=True),
        )
        for item in items
    }


async def _evaluations_now(session: AsyncSession, organization_ids: Sequence[str] | None) -> dict[str, Current]:
    query = select(evaluations).where(evaluations.c.submitted_at.is_not(None))
    if organization_ids is not None:
        query = query.where(evaluations.c.organization_id.in_(organization_ids))
    return {
        str(row.id): Current(
            row.organization_id,
            f"{row.title!r} of {row.organization_id} {row.year} ({row.id})",
            _evaluation_fields(row),
        )
        for row in await session.execute(query)
    }


async def _ethics_now(session: AsyncSession, organization_ids: Sequence[str] | None) -> dict[str, Current]:
    query = select(ethics_submissions)
    if organization_ids is not None:
        query = query.where(ethics_submissions.c.organization_id.in_(organization_ids))
    found = {}
    for submission in (await session.execute(query)).all():
        record_id = _ethics_id(submission.organization_id, submission.year)
        found[record_id] = Current(submission.organization_id, record_id, await _ethics_fields(session, submission))
    return found


KINDS = (
    RecordKind(INFO_KIND, "信息报送 info item", "info_items", _items_now),
    RecordKind(EVALUATION_KIND, "民主评议结果 evaluation results", "evaluations", _evaluations_now),
    RecordKind(ETHICS_KIND, "师德考核名单 ethics list", "ethics_submissions", _ethics_now),
)


class RecordChainRepository(RecordChains):
    def __init__(self, session: AsyncSession):
        super().__init__(session, record_links, KINDS)
