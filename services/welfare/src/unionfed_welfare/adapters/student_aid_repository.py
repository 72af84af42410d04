"""Loading and saving student aid schemes and applications, and what the year's roll-up counts."""

import dataclasses
import uuid

from sqlalchemy import any_, insert, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_welfare.adapters.grant_tables import welfare_holds
from unionfed_welfare.adapters.outside_help_tables import student_aid_applications, student_aid_schemes
from unionfed_welfare.adapters.tables import directory
from unionfed_welfare.domain.student_aid import AidLevel, Application, Counted, Scheme, StudentAlreadyApplied

_APPLICATION_FIELDS = tuple(f.name for f in dataclasses.fields(Application))
orgs = directory.organizations
applications = student_aid_applications


class StudentAidRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    # Schemes

    async def add_scheme(self, scheme: Scheme) -> bool:
        """Store the scheme; False when the federation already has one of that name in that year."""
        values = {
            "id": scheme.id,
            "federation_id": scheme.federation_id,
            "year": scheme.year,
            "name": scheme.name,
            "criteria": scheme.criteria,
            "levels": [dataclasses.asdict(level) for level in scheme.levels],
            "created_by": scheme.created_by,
        }
        try:
            async with self._session.begin_nested():
                await self._session.execute(insert(student_aid_schemes).values(**values))
        except IntegrityError:
            return False
        return True

    async def scheme(self, scheme_id: uuid.UUID) -> Scheme | None:
        query = select(student_aid_schemes).where(student_aid_schemes.c.id == scheme_id)
        row = (await self._session.execute(query)).mappings().first()
        return _scheme(row) if row else None

    async def schemes_of(self, federation_id: str, year: int | None) -> list[Scheme]:
        query = select(student_aid_schemes).where(student_aid_schemes.c.federation_id == federation_id)
        if year is not None:
            query = query.where(student_aid_schemes.c.year == year)
        query = query.order_by(student_aid_schemes.c.year.desc(), student_aid_schemes.c.name)
        return [_scheme(row) for row in (await self._session.execute(query)).mappings()]

    # Applications

    async def get(self, application_id: uuid.UUID, *, for_update: bool = False) -> Application | None:
        query = select(applications).where(applications.c.id == application_id)
        row = (await self._session.execute(query.with_for_update() if for_update else query)).mappings().first()
        return _application(row) if row else None

    async def add(self, application: Application) -> None:
        """Store the application; :class:`StudentAlreadyApplied` (the transaction rolled back) when the
        student was applied for in the scheme meanwhile."""
        values = {f: getattr(application, f) for f in _APPLICATION_FIELDS if getattr(application, f) is not None}
        try:
            await self._session.execute(insert(applications).values(**values))
        except IntegrityError as exc:  # the unique index of a student in a scheme
            await self._session.rollback()
            raise StudentAlreadyApplied from exc

    async def save_status(self, application: Application) -> None:
        await self._session.execute(
            update(applications)
            .where(applications.c.id == application.id)
            .values(
                status=application.status,
                reviewed_by=application.reviewed_by,
                reviewed_at=application.reviewed_at,
                refuse_reason=application.refuse_reason,
            )
        )

    async def of_student(self, scheme_id: uuid.UUID, id_number: str) -> Application | None:
        """The application (not refused) that holds this student in the scheme, if any."""
        query = select(applications).where(
            applications.c.scheme_id == scheme_id,
            applications.c.id_number == id_number,
            applications.c.status != "refused",
        )
        row = (await self._session.execute(query)).mappings().first()
        return _application(row) if row else None

    async def of_subtree(
        self, organization_id: str, *, year: int | None = None, scheme_id: uuid.UUID | None = None
    ) -> list[Application]:
        query = (
            select(applications)
            .join(orgs, orgs.c.id == applications.c.organization_id)
            .where(literal(organization_id) == any_(orgs.c.path))
            .order_by(applications.c.applied_on, applications.c.recorded_at, applications.c.id)
        )
        if year is not None:
            query = query.where(applications.c.year == year)
        if scheme_id is not None:
            query = query.where(applications.c.scheme_id == scheme_id)
        return [_application(row) for row in (await self._session.execute(query)).mappings()]

    async def counted(self, organization_id: str, year: int) -> list[Counted]:
        rows = await self._session.execute(
            select(
                applications.c.level,
                applications.c.student_kind,
                applications.c.status,
                applications.c.amount_fen,
                welfare_holds.c.status.label("hold_status"),
                welfare_holds.c.paid_fen,
            )
            .select_from(
                applications.join(orgs, orgs.c.id == applications.c.organization_id).join(
                    welfare_holds, welfare_holds.c.hold_id == applications.c.hold_id
                )
            )
            .where(literal(organization_id) == any_(orgs.c.path), applications.c.year == year)
        )
        return [Counted(**row) for row in rows.mappings()]


def _scheme(row) -> Scheme:
    return Scheme(
        id=row["id"],
        federation_id=row["federation_id"],
        year=row["year"],
        name=row["name"],
        criteria=row["criteria"],
        levels=tuple(AidLevel(**level) for level in row["levels"]),
        created_by=row["created_by"],
        created_at=row["created_at"],
    )


def _application(row) -> Application:
    return Application(**{f: row[f] for f in _APPLICATION_FIELDS})
