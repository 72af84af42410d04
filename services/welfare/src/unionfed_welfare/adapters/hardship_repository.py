"""Loading and saving hardship files and their history."""

import dataclasses
import datetime as dt
import uuid

from sqlalchemy import any_, insert, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_welfare.adapters.grant_tables import hardship_files, hardship_reviews
from unionfed_welfare.adapters.tables import directory
from unionfed_welfare.domain.hardship import OPEN, FileAlreadyOpen, HardshipFile, HardshipReview

_FILE_FIELDS = tuple(f.name for f in dataclasses.fields(HardshipFile))
_REVIEW_FIELDS = tuple(f.name for f in dataclasses.fields(HardshipReview))


class HardshipFileRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def owner_of(self, file_id: uuid.UUID) -> uuid.UUID | None:
        """The member whose hardship file this is; None for no such file."""
        return await self._session.scalar(select(hardship_files.c.member_id).where(hardship_files.c.id == file_id))

    async def get(self, file_id: uuid.UUID, *, for_update: bool = False) -> HardshipFile | None:
        query = select(hardship_files).where(hardship_files.c.id == file_id)
        row = (await self._session.execute(query.with_for_update() if for_update else query)).mappings().first()
        return _file(row) if row else None

    async def add(self, file: HardshipFile, opened: HardshipReview) -> None:
        """Store a new file and its first history entry; :class:`FileAlreadyOpen` (the transaction
        rolled back) if the member has an open file."""
        values = {f: getattr(file, f) for f in _FILE_FIELDS if getattr(file, f) is not None}
        try:
            await self._session.execute(insert(hardship_files).values(**values))
        except IntegrityError as exc:  # the unique index of a member's open file
            await self._session.rollback()
            raise FileAlreadyOpen from exc
        await self.add_review(opened)

    async def save(self, file: HardshipFile) -> None:
        await self._session.execute(
            update(hardship_files)
            .where(hardship_files.c.id == file.id)
            .values(
                level=file.level,
                family_situation=file.family_situation,
                documents=file.documents,
                status=file.status,
                next_review_on=file.next_review_on,
                closed_on=file.closed_on,
                close_reason=file.close_reason,
                updated_at=file.updated_at,
            )
        )

    async def add_review(self, review: HardshipReview) -> None:
        values = {f: getattr(review, f) for f in _REVIEW_FIELDS if getattr(review, f) is not None}
        await self._session.execute(insert(hardship_reviews).values(**values))

    async def open_file_of(self, member_id: uuid.UUID) -> uuid.UUID | None:
        """The member's open file, if any."""
        return await self._session.scalar(
            select(hardship_files.c.id).where(hardship_files.c.member_id == member_id, hardship_files.c.status == OPEN)
        )

    async def history_of(self, file_id: uuid.UUID) -> list[HardshipReview]:
        rows = await self._session.execute(
            select(hardship_reviews)
            .where(hardship_reviews.c.file_id == file_id)
            .order_by(hardship_reviews.c.reviewed_on, hardship_reviews.c.created_at)
        )
        return [HardshipReview(**{f: row[f] for f in _REVIEW_FIELDS}) for row in rows.mappings()]

    async def of_subtree(self, organization_id: str, *, due_on: dt.date | None = None) -> list[HardshipFile]:
        """The files of the organization's subtree by opening; with ``due_on``, the open ones due for
        review by then, soonest first."""
        query = (
            select(hardship_files)
            .join(directory.organizations, directory.organizations.c.id == hardship_files.c.organization_id)
            .where(literal(organization_id) == any_(directory.organizations.c.path))
        )
        if due_on is not None:
            query = query.where(hardship_files.c.status == OPEN, hardship_files.c.next_review_on <= due_on)
            query = query.order_by(hardship_files.c.next_review_on, hardship_files.c.id)
        else:
            query = query.order_by(hardship_files.c.opened_on, hardship_files.c.id)
        return [_file(row) for row in (await self._session.execute(query)).mappings()]


def _file(row) -> HardshipFile:
    return HardshipFile(**{f: row[f] for f in _FILE_FIELDS})
