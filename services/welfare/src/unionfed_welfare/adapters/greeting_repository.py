"""Loading and saving festival greetings (a batch and its frozen recipients), and who they reach.

A batch may reach a hundred thousand: recipients are written with one COPY and updated a chunk
at a time with one set-based statement each (an UPDATE over arrays), and counted in the database,
never one row per round trip.
"""

import dataclasses
import datetime as dt
import uuid

from sqlalchemy import Uuid, any_, func, insert, literal, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_shared.db import copy_rows
from unionfed_welfare.adapters.campaign_tables import greeting_batches, greeting_recipients
from unionfed_welfare.adapters.hold_repository import by_outcome
from unionfed_welfare.adapters.tables import directory
from unionfed_welfare.domain.greetings import (
    PAY_REQUESTED,
    Eligibility,
    EligibleMember,
    GreetingBatch,
    MemberStanding,
    Progress,
    Recipient,
    SignSheetLine,
)

members_t, organizations_t = directory.members, directory.organizations
_BATCH_FIELDS = tuple(f.name for f in dataclasses.fields(GreetingBatch))
_RECIPIENT_FIELDS = tuple(f.name for f in dataclasses.fields(Recipient))


class GreetingRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def eligible(self, organization_id: str, eligibility: Eligibility) -> list[EligibleMember]:
        """The members of the organization's subtree a greeting of ``eligibility`` reaches now, by id."""
        query = (
            select(members_t.c.id, members_t.c.display_name, members_t.c.organization_id)
            .join(organizations_t, organizations_t.c.id == members_t.c.organization_id)
            .where(organizations_t.c.path.any_() == organization_id, members_t.c.status.in_(eligibility.statuses))
            .order_by(members_t.c.id)
        )
        if eligibility.gender:
            query = query.where(members_t.c.gender == eligibility.gender)
        return [EligibleMember(**row) for row in (await self._session.execute(query)).mappings()]

    async def add(self, batch: GreetingBatch, recipients: list[Recipient]) -> None:
        values = {f: getattr(batch, f) for f in _BATCH_FIELDS if getattr(batch, f) is not None}
        await self._session.execute(insert(greeting_batches).values(**values))
        # The frozen list in one COPY (a hundred thousand rows are a hundred multi-row INSERTs otherwise).
        await copy_rows(
            self._session,
            greeting_recipients,
            [
                {f: getattr(r, f) for f in ("batch_id", "member_id", "display_name", "organization_id", "hold_id")}
                for r in recipients
            ],
        )

    async def get(self, batch_id: uuid.UUID, *, for_update: bool = False) -> GreetingBatch | None:
        """The batch; ``for_update`` holds it until commit, so two runs of one batch take turns."""
        query = select(greeting_batches).where(greeting_batches.c.id == batch_id)
        row = (await self._session.execute(query.with_for_update() if for_update else query)).mappings().first()
        return _batch(row) if row else None

    async def save_status(self, batch: GreetingBatch) -> None:
        await self._session.execute(
            update(greeting_batches)
            .where(greeting_batches.c.id == batch.id)
            .values(status=batch.status, processed_at=batch.processed_at)
        )

    async def page_of_subtree(
        self, organization_id: str, before: tuple[dt.datetime, uuid.UUID] | None, limit: int
    ) -> list[GreetingBatch]:
        """Up to ``limit`` batches of the subtree before the key (creation, id), newest first."""
        query = (
            select(greeting_batches)
            .join(organizations_t, organizations_t.c.id == greeting_batches.c.organization_id)
            .where(organizations_t.c.path.any_() == organization_id)
        )
        key = (greeting_batches.c.created_at, greeting_batches.c.id)
        if before is not None:
            query = query.where(tuple_(*key) < tuple_(*(literal(v, c.type) for v, c in zip(before, key))))
        rows = await self._session.execute(query.order_by(*(c.desc() for c in key)).limit(limit))
        return [_batch(row) for row in rows.mappings()]

    async def progress(self, batch_id: uuid.UUID) -> Progress | None:
        """How many of the batch's recipients stand in each status; None for no such batch."""
        total = await self._session.scalar(select(greeting_batches.c.total).where(greeting_batches.c.id == batch_id))
        if total is None:
            return None
        rows = await self._session.execute(
            select(greeting_recipients.c.status, func.count())
            .where(greeting_recipients.c.batch_id == batch_id)
            .group_by(greeting_recipients.c.status)
        )
        return Progress(total=total, counts=dict(rows.all()))

    # Recipients

    async def recipient(
        self, batch_id: uuid.UUID, member_id: uuid.UUID, *, for_update: bool = False
    ) -> Recipient | None:
        query = select(greeting_recipients).where(
            greeting_recipients.c.batch_id == batch_id, greeting_recipients.c.member_id == member_id
        )
        row = (await self._session.execute(query.with_for_update() if for_update else query)).mappings().first()
        return _recipient(row) if row else None

    async def in_status(
        self, batch_id: uuid.UUID, *statuses: str, limit: int | None = None, after: uuid.UUID | None = None
    ) -> list[Recipient]:
        """The batch's recipients in these statuses by member (``limit``: the next chunk of them;
        ``after``: only members after this one, so a run's next chunk starts where the last ended
        rather than walking past the index entries of the recipients already reached)."""
        query = (
            select(greeting_recipients)
            .where(greeting_recipients.c.batch_id == batch_id, greeting_recipients.c.status.in_(statuses))
            .order_by(greeting_recipients.c.member_id)
        )
        if after is not None:
            query = query.where(greeting_recipients.c.member_id > after)
        rows = await self._session.execute(query if limit is None else query.limit(limit))
        return [_recipient(row) for row in rows.mappings()]

    async def by_name(
        self,
        batch_id: uuid.UUID,
        *statuses: str,
        after: tuple[str, uuid.UUID] | None = None,
        limit: int | None = None,
    ) -> list[Recipient]:
        """The batch's recipients (in these statuses, if any given) by name, after the key (name, member)."""
        query = select(greeting_recipients).where(greeting_recipients.c.batch_id == batch_id)
        if statuses:
            query = query.where(greeting_recipients.c.status.in_(statuses))
        key = (greeting_recipients.c.display_name, greeting_recipients.c.member_id)
        if after is not None:
            query = query.where(tuple_(*key) > tuple_(*(literal(v, c.type) for v, c in zip(after, key))))
        query = query.order_by(*key)
        rows = await self._session.execute(query if limit is None else query.limit(limit))
        return [_recipient(row) for row in rows.mappings()]

    async def save_recipients(self, recipients: list[Recipient]) -> None:
        """Store where each recipient now stands, one set-based statement for all of them (a chunk's
        thousand rows are one UPDATE over arrays, not a thousand statements)."""
        if not recipients:
            return
        await self._session.execute(
            text(
                """
                UPDATE greeting_recipients AS r
                SET hold_id = a.hold_id, status = a.status, reason = a.reason,
                    processed_at = a.processed_at, settled_at = a.settled_at
                FROM unnest(
                    CAST(:batches AS uuid[]), CAST(:members AS uuid[]), CAST(:holds AS uuid[]),
                    CAST(:statuses AS text[]), CAST(:reasons AS text[]),
                    CAST(:processed AS timestamptz[]), CAST(:settled AS timestamptz[])
                ) AS a(batch_id, member_id, hold_id, status, reason, processed_at, settled_at)
                WHERE r.batch_id = a.batch_id AND r.member_id = a.member_id
                """
            ),
            {
                "batches": [r.batch_id for r in recipients],
                "members": [r.member_id for r in recipients],
                "holds": [r.hold_id for r in recipients],
                "statuses": [r.status for r in recipients],
                "reasons": [r.reason for r in recipients],
                "processed": [r.processed_at for r in recipients],
                "settled": [r.settled_at for r in recipients],
            },
        )

    async def settle_lines(self, answers: list[tuple[uuid.UUID, str, str | None]], at: dt.datetime) -> None:
        """Recipients paid or refused by finance, (hold, status, reason) each, in one statement per
        outcome (see ``hold_repository.by_outcome``); only recipients still waiting for their payment move."""
        for (status, reason), hold_ids in by_outcome(answers).items():
            await self._session.execute(
                update(greeting_recipients)
                .where(greeting_recipients.c.hold_id == any_(literal(hold_ids, ARRAY(Uuid))))
                .where(greeting_recipients.c.status == PAY_REQUESTED)
                .values(status=status, reason=reason, settled_at=at)
            )

    async def members_now(self, member_ids: list[uuid.UUID]) -> dict[uuid.UUID, MemberStanding]:
        """The directory's members of these ids as they stand now (a member gone is absent)."""
        query = (
            select(
                members_t.c.id,
                members_t.c.organization_id,
                members_t.c.status,
                members_t.c.gender,
                organizations_t.c.path.label("organization_path"),
            )
            .join(organizations_t, organizations_t.c.id == members_t.c.organization_id, isouter=True)
            .where(members_t.c.id == any_(literal(member_ids, ARRAY(Uuid))))
        )
        return {row["id"]: MemberStanding(**row) for row in (await self._session.execute(query)).mappings()}

    async def sign_sheet(self, batch_id: uuid.UUID) -> list[SignSheetLine]:
        """Every recipient of the batch with their union's name, by union (in tree order) then name."""
        query = (
            select(
                greeting_recipients.c.member_id,
                greeting_recipients.c.display_name,
                greeting_recipients.c.organization_id,
                func.coalesce(organizations_t.c.name, greeting_recipients.c.organization_id).label("organization_name"),
                greeting_recipients.c.status,
            )
            .join(organizations_t, organizations_t.c.id == greeting_recipients.c.organization_id, isouter=True)
            .where(greeting_recipients.c.batch_id == batch_id)
            .order_by(organizations_t.c.path, greeting_recipients.c.display_name, greeting_recipients.c.member_id)
        )
        return [SignSheetLine(**row) for row in (await self._session.execute(query)).mappings()]


def _batch(row) -> GreetingBatch:
    return GreetingBatch(**{f: row[f] for f in _BATCH_FIELDS})


def _recipient(row) -> Recipient:
    return Recipient(**{f: row[f] for f in _RECIPIENT_FIELDS})
