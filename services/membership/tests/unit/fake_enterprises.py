"""In-memory register of enterprises and collective contracts for the use cases' unit tests."""

import datetime as dt
import uuid

from unionfed_membership.domain.collective_contracts import CollectiveContract, ContractFilter
from unionfed_membership.domain.enterprises import Enterprise
from unionfed_membership.domain.model import Organization
from unionfed_shared.errors import Conflict


class FakeEnterprises:
    def __init__(self, organizations: dict[str, Organization]) -> None:
        self.rows: dict[uuid.UUID, Enterprise] = {}
        self._organizations = organizations  # the fake unit of work's organizations, for the subtree

    async def get(self, enterprise_id: uuid.UUID, *, for_update: bool = False) -> Enterprise | None:
        return self.rows.get(enterprise_id)

    async def add(self, enterprise: Enterprise, federation_id: str, by: str) -> None:
        if any(e.credit_code == enterprise.credit_code for e in self.rows.values()):
            raise Conflict("credit_code_already_registered", zh="已登记", en="already registered")
        self.rows[enterprise.id] = enterprise

    async def save(self, enterprise: Enterprise) -> None:
        self.rows[enterprise.id] = enterprise

    def _under(self, root_id: str) -> list[Enterprise]:
        return [e for e in self.rows.values() if root_id in self._organizations[e.organization_id].path]

    async def in_subtree(
        self, root_id: str, *, has_union: bool | None = None, min_workers: int | None = None
    ) -> list[Enterprise]:
        return sorted(
            (
                e
                for e in self._under(root_id)
                if (has_union is None or e.has_union == has_union) and (min_workers is None or e.workers >= min_workers)
            ),
            key=lambda e: e.name,
        )

    async def of_union(self, union_id: str) -> Enterprise | None:
        return next((e for e in self.rows.values() if e.union_id == union_id), None)

    async def founded_between(self, root_id: str, first: dt.date, last: dt.date) -> list[Enterprise]:
        return [e for e in self._under(root_id) if e.union_founded_on and first <= e.union_founded_on <= last]


class FakeCollectiveContracts:
    def __init__(self, enterprises: FakeEnterprises) -> None:
        self.rows: dict[uuid.UUID, CollectiveContract] = {}
        self._enterprises = enterprises

    async def get(self, contract_id: uuid.UUID, *, for_update: bool = False) -> CollectiveContract | None:
        return self.rows.get(contract_id)

    async def add(self, contract: CollectiveContract, by: str) -> None:
        self.rows[contract.id] = contract

    async def save_replacement(self, contract: CollectiveContract) -> None:
        self.rows[contract.id] = contract

    async def of_enterprise(self, enterprise_id: uuid.UUID) -> list[CollectiveContract]:
        return sorted((c for c in self.rows.values() if c.enterprise_id == enterprise_id), key=lambda c: c.valid_from)

    async def in_subtree(self, root_id: str) -> list[CollectiveContract]:
        under = {e.id for e in self._enterprises._under(root_id)}
        return sorted((c for c in self.rows.values() if c.enterprise_id in under), key=lambda c: c.valid_until)

    async def page_under(
        self,
        root_id: str,
        wanted: ContractFilter,
        on: dt.date,
        after: tuple[dt.date, uuid.UUID] | None,
        limit: int,
    ) -> list[tuple[CollectiveContract, str]]:
        names = {e.id: e.name for e in self._enterprises._under(root_id)}
        found = sorted(
            (
                (c, names[c.enterprise_id])
                for c in self.rows.values()
                if c.enterprise_id in names
                and (wanted.kind is None or c.kind == wanted.kind)
                and (wanted.state is None or c.state_on(on) == wanted.state)
                and (not wanted.enterprise_name or wanted.enterprise_name.lower() in names[c.enterprise_id].lower())
                and (wanted.enterprise_id is None or c.enterprise_id == wanted.enterprise_id)
            ),
            key=lambda row: (row[0].signed_on, row[0].id),
        )
        return [row for row in found if after is None or (row[0].signed_on, row[0].id) > after][:limit]
