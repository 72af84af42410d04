"""Loading and saving the register of enterprises and their collective contracts."""

import datetime as dt
import uuid

from sqlalchemy import ColumnElement, Row, and_, insert, literal, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_membership.adapters.enterprise_tables import collective_contracts, enterprises
from unionfed_membership.adapters.tables import organizations
from unionfed_membership.domain.collective_contracts import (
    CollectiveContract,
    ContractFilter,
    ContractState,
    Negotiation,
)
from unionfed_membership.domain.enterprises import Enterprise
from unionfed_shared.errors import Conflict
from unionfed_shared.substring import substring_pattern


def _enterprise_of(row: Row) -> Enterprise:
    return Enterprise(
        id=row.id,
        organization_id=row.organization_id,
        name=row.name,
        credit_code=row.credit_code,
        workers=row.workers,
        union_id=row.union_id,
        union_founded_on=row.union_founded_on,
    )


def registered_in_subtree(root_id: str):
    """Enterprises registered by ``root_id`` or an organization below it."""
    return enterprises.c.organization_id.in_(select(organizations.c.id).where(organizations.c.path.any_() == root_id))


class EnterpriseRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def get(self, enterprise_id: uuid.UUID, *, for_update: bool = False) -> Enterprise | None:
        query = select(enterprises).where(enterprises.c.id == enterprise_id)
        row = (await self._session.execute(query.with_for_update() if for_update else query)).first()
        return _enterprise_of(row) if row else None

    async def add(self, enterprise: Enterprise, federation_id: str, by: str) -> None:
        try:
            async with self._session.begin_nested():
                await self._session.execute(
                    insert(enterprises).values(
                        id=enterprise.id,
                        organization_id=enterprise.organization_id,
                        federation_id=federation_id,
                        name=enterprise.name,
                        credit_code=enterprise.credit_code,
                        workers=enterprise.workers,
                        registered_by=by,
                    )
                )
        except IntegrityError as error:
            raise Conflict(
                "credit_code_already_registered",
                zh=f"统一社会信用代码 {enterprise.credit_code} 已在本联合会登记",
                en=f"an enterprise with credit code {enterprise.credit_code} is already registered",
                pointer="#/credit_code",
            ) from error

    async def save(self, enterprise: Enterprise) -> None:
        await self._session.execute(
            update(enterprises)
            .where(enterprises.c.id == enterprise.id)
            .values(
                workers=enterprise.workers,
                union_id=enterprise.union_id,
                union_founded_on=enterprise.union_founded_on,
            )
        )

    async def in_subtree(
        self, root_id: str, *, has_union: bool | None = None, min_workers: int | None = None
    ) -> list[Enterprise]:
        query = select(enterprises).where(registered_in_subtree(root_id))
        if has_union is not None:
            query = query.where(enterprises.c.union_id.is_not(None) if has_union else enterprises.c.union_id.is_(None))
        if min_workers is not None:
            query = query.where(enterprises.c.workers >= min_workers)
        rows = await self._session.execute(query.order_by(enterprises.c.name, enterprises.c.id))
        return [_enterprise_of(r) for r in rows]

    async def of_union(self, union_id: str) -> Enterprise | None:
        """The enterprise whose union ``union_id`` was founded in (建会), if any."""
        row = (await self._session.execute(select(enterprises).where(enterprises.c.union_id == union_id))).first()
        return _enterprise_of(row) if row else None

    async def founded_between(self, root_id: str, first: dt.date, last: dt.date) -> list[Enterprise]:
        query = (
            select(enterprises)
            .where(registered_in_subtree(root_id), enterprises.c.union_founded_on.between(first, last))
            .order_by(enterprises.c.union_founded_on, enterprises.c.name)
        )
        return [_enterprise_of(r) for r in await self._session.execute(query)]


def _contract_of(row: Row) -> CollectiveContract:
    negotiation = (
        Negotiation(rounds=row.negotiation_rounds, wage_increase_per_mille=row.wage_increase_per_mille)
        if row.negotiation_rounds is not None
        else None
    )
    return CollectiveContract(
        id=row.id,
        enterprise_id=row.enterprise_id,
        kind=row.kind,
        employer_party=row.employer_party,
        union_party=row.union_party,
        signed_on=row.signed_on,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        workers_covered=row.workers_covered,
        negotiation=negotiation,
        filed_on=row.filed_on,
        replaces_id=row.replaces_id,
        replaced_by_id=row.replaced_by_id,
        replaced_from=row.replaced_from,
    )


class CollectiveContractRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def get(self, contract_id: uuid.UUID, *, for_update: bool = False) -> CollectiveContract | None:
        query = select(collective_contracts).where(collective_contracts.c.id == contract_id)
        row = (await self._session.execute(query.with_for_update() if for_update else query)).first()
        return _contract_of(row) if row else None

    async def add(self, contract: CollectiveContract, by: str) -> None:
        negotiation = contract.negotiation
        await self._session.execute(
            insert(collective_contracts).values(
                id=contract.id,
                enterprise_id=contract.enterprise_id,
                kind=contract.kind,
                employer_party=contract.employer_party,
                union_party=contract.union_party,
                signed_on=contract.signed_on,
                valid_from=contract.valid_from,
                valid_until=contract.valid_until,
                workers_covered=contract.workers_covered,
                negotiation_rounds=negotiation.rounds if negotiation else None,
                wage_increase_per_mille=negotiation.wage_increase_per_mille if negotiation else None,
                filed_on=contract.filed_on,
                replaces_id=contract.replaces_id,
                recorded_by=by,
            )
        )

    async def save_replacement(self, contract: CollectiveContract) -> None:
        await self._session.execute(
            update(collective_contracts)
            .where(collective_contracts.c.id == contract.id)
            .values(replaced_by_id=contract.replaced_by_id, replaced_from=contract.replaced_from)
        )

    async def of_enterprise(self, enterprise_id: uuid.UUID) -> list[CollectiveContract]:
        query = (
            select(collective_contracts)
            .where(collective_contracts.c.enterprise_id == enterprise_id)
            .order_by(collective_contracts.c.valid_from, collective_contracts.c.kind)
        )
        return [_contract_of(r) for r in await self._session.execute(query)]

    async def in_subtree(self, root_id: str) -> list[CollectiveContract]:
        query = (
            select(collective_contracts)
            .join(enterprises, enterprises.c.id == collective_contracts.c.enterprise_id)
            .where(registered_in_subtree(root_id))
            .order_by(collective_contracts.c.valid_until, collective_contracts.c.id)
        )
        return [_contract_of(r) for r in await self._session.execute(query)]

    async def page_under(
        self,
        root_id: str,
        wanted: ContractFilter,
        on: dt.date,
        after: tuple[dt.date, uuid.UUID] | None,
        limit: int,
    ) -> list[tuple[CollectiveContract, str]]:
        """Up to ``limit`` contracts of the enterprises registered in ``root_id``'s subtree with their
        enterprise's name, by signing date, after the (signed_on, id) ``after``; ``wanted.state`` is
        the state on ``on`` (CollectiveContract.state_on, in SQL)."""
        query = (
            select(collective_contracts, enterprises.c.name.label("enterprise_name"))
            .join(enterprises, enterprises.c.id == collective_contracts.c.enterprise_id)
            .where(registered_in_subtree(root_id))
        )
        if wanted.kind is not None:
            query = query.where(collective_contracts.c.kind == wanted.kind)
        if wanted.state is not None:
            query = query.where(_in_state(wanted.state, on))
        if wanted.enterprise_name:
            query = query.where(enterprises.c.name.ilike(substring_pattern(wanted.enterprise_name), escape="\\"))
        if wanted.enterprise_id is not None:
            query = query.where(collective_contracts.c.enterprise_id == wanted.enterprise_id)
        if after is not None:
            signed_on, contract_id = after
            query = query.where(
                tuple_(collective_contracts.c.signed_on, collective_contracts.c.id)
                > tuple_(
                    literal(signed_on, collective_contracts.c.signed_on.type),
                    literal(contract_id, collective_contracts.c.id.type),
                )
            )
        query = query.order_by(collective_contracts.c.signed_on, collective_contracts.c.id).limit(limit)
        return [(_contract_of(r), r.enterprise_name) for r in await self._session.execute(query)]


def _in_state(state: ContractState, on: dt.date) -> ColumnElement[bool]:
    """CollectiveContract.state_on(on) == state, as a condition on the contract's row."""
    c = collective_contracts.c
    superseded = and_(c.replaced_from.is_not(None), c.replaced_from <= on)
    if state == "superseded":
        return superseded
    live = or_(c.replaced_from.is_(None), c.replaced_from > on)
    if state == "pending":
        return and_(live, c.valid_from > on)
    if state == "expired":
        return and_(live, c.valid_until < on)
    return and_(live, c.valid_from <= on, c.valid_until >= on)
