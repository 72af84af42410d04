"""Recording the statements unions published to their staff (校务公开), and reading them over a subtree."""

import datetime as dt
import uuid

from sqlalchemy import any_, select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters.tables import directory, disclosure_publications, ledgers
from unionfed_finance.domain.disclosures import Publication

orgs = directory.organizations
pubs = disclosure_publications
GRASSROOTS_UNION = "grassroots_union"


class DisclosurePublications:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def ledger_head(self, organization_id: str) -> tuple[int, str] | None:
        """(last sequence, last hash) of the organization's books; None: it keeps none."""
        row = (
            await self._session.execute(
                select(ledgers.c.last_sequence, ledgers.c.last_hash).where(ledgers.c.organization_id == organization_id)
            )
        ).first()
        return (row.last_sequence, row.last_hash) if row else None

    async def add(self, publication: Publication, federation_id: str, head_hash: str) -> uuid.UUID:
        publication_id = uuid.uuid4()
        await self._session.execute(
            pubs.insert().values(
                id=publication_id,
                federation_id=federation_id,
                head_hash=head_hash,
                **{k: getattr(publication, k) for k in Publication.__dataclass_fields__},
            )
        )
        return publication_id

    async def unions_under(self, root_id: str) -> list[tuple[str, str]]:
        """(id, name) of the grassroots unions in the subtree of ``root_id``, itself included, in tree order."""
        rows = await self._session.execute(
            select(orgs.c.id, orgs.c.name)
            .where(any_(orgs.c.path) == root_id, orgs.c.kind == GRASSROOTS_UNION)
            .order_by(orgs.c.path)
        )
        return [(r.id, r.name) for r in rows]

    async def published_under(self, root_id: str, first_day: dt.date, last_day: dt.date) -> list[Publication]:
        """The subtree's publications whose day falls between the two days, by day."""
        rows = await self._session.execute(
            select(*(pubs.c[k] for k in Publication.__dataclass_fields__))
            .join(orgs, orgs.c.id == pubs.c.organization_id)
            .where(any_(orgs.c.path) == root_id, pubs.c.published_on.between(first_day, last_day))
            .order_by(pubs.c.published_on, pubs.c.recorded_at)
        )
        return [Publication(**row._mapping) for row in rows]
