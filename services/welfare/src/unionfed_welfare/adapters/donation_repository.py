"""Loading and saving donation drives with their gifts and the money paid out of them."""

import dataclasses
import uuid

from sqlalchemy import exists, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_welfare.adapters.campaign_tables import donation_disbursements, donation_drives, donations
from unionfed_welfare.domain.donations import Disbursement, Donation, Drive, DriveCodeTaken

_DRIVE_FIELDS = tuple(f.name for f in dataclasses.fields(Drive))


class DriveRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def get(self, code: str, *, for_update: bool = False) -> Drive | None:
        query = select(donation_drives).where(donation_drives.c.code == code)
        row = (await self._session.execute(query.with_for_update() if for_update else query)).mappings().first()
        return Drive(**{f: row[f] for f in _DRIVE_FIELDS}) if row else None

    async def code_taken(self, code: str) -> bool:
        return bool(await self._session.scalar(select(exists().where(donation_drives.c.code == code))))

    async def add(self, drive: Drive) -> None:
        """Store the drive; :class:`DriveCodeTaken` if another took its code meanwhile."""
        values = {f: getattr(drive, f) for f in _DRIVE_FIELDS if getattr(drive, f) is not None}
        try:
            await self._session.execute(insert(donation_drives).values(**values))
        except IntegrityError as exc:  # the unique code: taken by a concurrent request since the check
            raise DriveCodeTaken from exc

    async def save_totals(self, drive: Drive) -> None:
        """The running totals, set on the drive row the caller holds locked."""
        await self._session.execute(
            update(donation_drives)
            .where(donation_drives.c.id == drive.id)
            .values(raised_fen=drive.raised_fen, disbursed_fen=drive.disbursed_fen)
        )

    async def of_organization(self, organization_id: str) -> list[Drive]:
        """The drives the organization runs, newest first."""
        rows = await self._session.execute(
            select(donation_drives)
            .where(donation_drives.c.organization_id == organization_id)
            .order_by(donation_drives.c.created_at.desc(), donation_drives.c.code)
        )
        return [Drive(**{f: row[f] for f in _DRIVE_FIELDS}) for row in rows.mappings()]

    async def add_donation(self, donation: Donation) -> None:
        await self._session.execute(insert(donations).values(**dataclasses.asdict(donation)))

    async def donations_of(self, drive_id: uuid.UUID) -> list[Donation]:
        """The drive's gifts by the day received, then as recorded."""
        rows = await self._session.execute(
            select(
                donations.c.id,
                donations.c.drive_id,
                donations.c.donor,
                donations.c.amount_fen,
                donations.c.received_on,
                donations.c.recorded_by,
            )
            .where(donations.c.drive_id == drive_id)
            .order_by(donations.c.received_on, donations.c.created_at)
        )
        return [Donation(**row) for row in rows.mappings()]

    async def add_disbursement(self, disbursement: Disbursement) -> None:
        await self._session.execute(insert(donation_disbursements).values(**dataclasses.asdict(disbursement)))

    async def disbursements_of(self, drive_id: uuid.UUID) -> list[Disbursement]:
        """What was paid out of the drive, as recorded."""
        rows = await self._session.execute(
            select(
                donation_disbursements.c.id,
                donation_disbursements.c.drive_id,
                donation_disbursements.c.amount_fen,
                donation_disbursements.c.paid_on,
                donation_disbursements.c.recorded_by,
            )
            .where(donation_disbursements.c.drive_id == drive_id)
            .order_by(donation_disbursements.c.created_at)
        )
        return [Disbursement(**row) for row in rows.mappings()]
