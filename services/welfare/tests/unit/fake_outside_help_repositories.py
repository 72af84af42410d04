"""In-memory repositories of help beyond the members and of student aid, for ``fake_unit_of_work``."""

import dataclasses
import datetime as dt
import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.welfare.tests.unit.fake_unit_of_work import FakeDirectory, FakeHolds

from unionfed_welfare.domain.grants import GoodsLine
from unionfed_welfare.domain.outside_help import HelpCounted, OutsideGrant
from unionfed_welfare.domain.student_aid import Application, Counted, Scheme, StudentAlreadyApplied


class FakeOutsideGrants:
    def __init__(self, directory: "FakeDirectory", holds: "FakeHolds") -> None:
        self.rows: dict[uuid.UUID, OutsideGrant] = {}
        self.goods: dict[uuid.UUID, list[GoodsLine]] = {}
        self._directory, self._holds = directory, holds

    async def get(self, grant_id: uuid.UUID, *, for_update: bool = False) -> OutsideGrant | None:
        grant = self.rows.get(grant_id)
        return dataclasses.replace(grant) if grant else None

    async def add(self, grant: OutsideGrant, goods: list[GoodsLine]) -> None:
        self.rows[grant.id] = dataclasses.replace(grant, recorded_at=dt.datetime.now(dt.UTC))
        self.goods[grant.id] = list(goods)

    async def save_status(self, grant: OutsideGrant) -> None:
        self.rows[grant.id] = dataclasses.replace(grant)

    async def goods_of(self, grant_id: uuid.UUID) -> list[GoodsLine]:
        return list(self.goods.get(grant_id, []))

    async def of_subtree(
        self, organization_id: str, *, given_from: dt.date | None = None, given_to: dt.date | None = None
    ) -> list[OutsideGrant]:
        found = [
            g
            for g in self.rows.values()
            if organization_id in (await self._directory.path_of(g.organization_id) or [])
            and (given_from is None or g.given_on >= given_from)
            and (given_to is None or g.given_on <= given_to)
        ]
        return sorted(found, key=lambda g: (g.given_on, g.recorded_at))

    async def counted(self, organization_id: str, start: dt.date, end: dt.date) -> list[HelpCounted]:
        counted = []
        for g in await self.of_subtree(organization_id):
            hold = self._holds.rows[g.hold_id]
            counted.append(
                HelpCounted(
                    g.group,
                    g.given_on,
                    g.people_reached,
                    g.money_fen,
                    g.goods_fen,
                    g.status,
                    hold["status"],
                    hold["paid_fen"],
                    hold["paid_on"],
                )
            )
        return counted


class FakeStudentAid:
    def __init__(self, directory: "FakeDirectory", holds: "FakeHolds") -> None:
        self.schemes: dict[uuid.UUID, Scheme] = {}
        self.rows: dict[uuid.UUID, Application] = {}
        self._directory, self._holds = directory, holds

    async def add_scheme(self, scheme: Scheme) -> bool:
        if any(
            (s.federation_id, s.year, s.name) == (scheme.federation_id, scheme.year, scheme.name)
            for s in self.schemes.values()
        ):
            return False
        self.schemes[scheme.id] = dataclasses.replace(scheme, created_at=dt.datetime.now(dt.UTC))
        return True

    async def scheme(self, scheme_id: uuid.UUID) -> Scheme | None:
        return self.schemes.get(scheme_id)

    async def schemes_of(self, federation_id: str, year: int | None) -> list[Scheme]:
        return [s for s in self.schemes.values() if s.federation_id == federation_id and year in (None, s.year)]

    async def get(self, application_id: uuid.UUID, *, for_update: bool = False) -> Application | None:
        found = self.rows.get(application_id)
        return dataclasses.replace(found) if found else None

    async def add(self, application: Application) -> None:
        if await self.of_student(application.scheme_id, application.id_number):  # the unique index
            raise StudentAlreadyApplied
        self.rows[application.id] = dataclasses.replace(application, recorded_at=dt.datetime.now(dt.UTC))

    async def save_status(self, application: Application) -> None:
        self.rows[application.id] = dataclasses.replace(application)

    async def of_student(self, scheme_id: uuid.UUID, id_number: str) -> Application | None:
        return next(
            (
                a
                for a in self.rows.values()
                if (a.scheme_id, a.id_number) == (scheme_id, id_number) and a.status != "refused"
            ),
            None,
        )

    async def of_subtree(
        self, organization_id: str, *, year: int | None = None, scheme_id: uuid.UUID | None = None
    ) -> list[Application]:
        found = [
            a
            for a in self.rows.values()
            if organization_id in (await self._directory.path_of(a.organization_id) or [])
            and year in (None, a.year)
            and scheme_id in (None, a.scheme_id)
        ]
        return sorted(found, key=lambda a: (a.applied_on, a.recorded_at))

    async def counted(self, organization_id: str, year: int) -> list[Counted]:
        return [
            Counted(
                a.level,
                a.student_kind,
                a.status,
                a.amount_fen,
                self._holds.rows[a.hold_id]["status"],
                self._holds.rows[a.hold_id]["paid_fen"],
            )
            for a in await self.of_subtree(organization_id, year=year)
        ]
