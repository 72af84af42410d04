"""Loading and saving health checks and group insurance (with whom they enrol), and their insurance claims."""

import dataclasses
import uuid

from sqlalchemy import exists, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_welfare.adapters.campaign_tables import campaign_enrollments, campaigns, insurance_claims
from unionfed_welfare.adapters.tables import directory
from unionfed_welfare.domain.campaigns import Campaign, Candidate, Claim, Enrollee

_CAMPAIGN_FIELDS = tuple(f.name for f in dataclasses.fields(Campaign))
_CLAIM_FIELDS = tuple(f.name for f in dataclasses.fields(Claim))
_members, _organizations = directory.members, directory.organizations


class CampaignRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def get(self, campaign_id: uuid.UUID, *, for_update: bool = False) -> Campaign | None:
        query = select(campaigns).where(campaigns.c.id == campaign_id)
        row = (await self._session.execute(query.with_for_update() if for_update else query)).mappings().first()
        return _campaign(row) if row else None

    async def add(self, campaign: Campaign, enrolled: list[Enrollee]) -> None:
        values = {f: getattr(campaign, f) for f in _CAMPAIGN_FIELDS if getattr(campaign, f) is not None}
        await self._session.execute(insert(campaigns).values(**values))
        await self._session.execute(
            insert(campaign_enrollments),
            [{"campaign_id": campaign.id, **dataclasses.asdict(e)} for e in enrolled],
        )

    async def save_status(self, campaign: Campaign) -> None:
        await self._session.execute(
            update(campaigns)
            .where(campaigns.c.id == campaign.id)
            .values(status=campaign.status, paid_fen=campaign.paid_fen, cancel_reason=campaign.cancel_reason)
        )

    async def enrolled(self, campaign_id: uuid.UUID) -> list[Enrollee]:
        """Whom the campaign enrols, by name."""
        rows = await self._session.execute(
            select(
                campaign_enrollments.c.member_id,
                campaign_enrollments.c.display_name,
                campaign_enrollments.c.organization_id,
            )
            .where(campaign_enrollments.c.campaign_id == campaign_id)
            .order_by(campaign_enrollments.c.display_name, campaign_enrollments.c.member_id)
        )
        return [Enrollee(**row) for row in rows.mappings()]

    async def is_enrolled(self, campaign_id: uuid.UUID, member_id: uuid.UUID) -> bool:
        return bool(
            await self._session.scalar(
                select(
                    exists().where(
                        campaign_enrollments.c.campaign_id == campaign_id,
                        campaign_enrollments.c.member_id == member_id,
                    )
                )
            )
        )

    async def of_organization(self, organization_id: str) -> list[tuple[Campaign, int]]:
        """The campaigns the organization runs, newest first, each with how many it enrols."""
        enrolled = (
            select(campaign_enrollments.c.campaign_id, func.count().label("enrolled"))
            .group_by(campaign_enrollments.c.campaign_id)
            .subquery()
        )
        rows = await self._session.execute(
            select(campaigns, func.coalesce(enrolled.c.enrolled, 0).label("enrolled"))
            .outerjoin(enrolled, enrolled.c.campaign_id == campaigns.c.id)
            .where(campaigns.c.organization_id == organization_id)
            .order_by(campaigns.c.created_at.desc(), campaigns.c.id)
        )
        return [(_campaign(row), row["enrolled"]) for row in rows.mappings()]

    async def members_named(self, organization_id: str, member_ids: list[uuid.UUID]) -> dict[uuid.UUID, Candidate]:
        """Those of ``member_ids`` who are members of the organization's subtree, by id."""
        rows = await self._session.execute(_subtree_members(organization_id).where(_members.c.id.in_(member_ids)))
        return {row["id"]: Candidate(**row) for row in rows.mappings()}

    async def members_eligible(self, organization_id: str, statuses: list[str], gender: str | None) -> list[Candidate]:
        """The members of the organization's subtree of these statuses (and gender, if one), by id."""
        query = _subtree_members(organization_id).where(_members.c.status.in_(statuses))
        if gender:
            query = query.where(_members.c.gender == gender)
        return [Candidate(**row) for row in (await self._session.execute(query)).mappings()]


class ClaimRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def get(self, claim_id: uuid.UUID, *, for_update: bool = False) -> Claim | None:
        query = select(insurance_claims).where(insurance_claims.c.id == claim_id)
        row = (await self._session.execute(query.with_for_update() if for_update else query)).mappings().first()
        return _claim(row) if row else None

    async def add(self, claim: Claim) -> None:
        values = {f: getattr(claim, f) for f in _CLAIM_FIELDS if getattr(claim, f) is not None}
        await self._session.execute(insert(insurance_claims).values(**values))

    async def save_decision(self, claim: Claim) -> None:
        await self._session.execute(
            update(insurance_claims)
            .where(insurance_claims.c.id == claim.id)
            .values(status=claim.status, paid_fen=claim.paid_fen, reason=claim.reason, updated_at=claim.updated_at)
        )

    async def of_campaign(self, campaign_id: uuid.UUID) -> list[Claim]:
        """The campaign's claims in the order they were filed."""
        rows = await self._session.execute(
            select(insurance_claims)
            .where(insurance_claims.c.campaign_id == campaign_id)
            .order_by(insurance_claims.c.created_at)
        )
        return [_claim(row) for row in rows.mappings()]


def _subtree_members(organization_id: str):
    return (
        select(
            _members.c.id,
            _members.c.display_name,
            _members.c.organization_id,
            _members.c.gender,
            _members.c.status,
            _organizations.c.path,
        )
        .join(_organizations, _organizations.c.id == _members.c.organization_id)
        .where(_organizations.c.path.any_() == organization_id)
        .order_by(_members.c.id)
    )


def _campaign(row) -> Campaign:
    return Campaign(**{f: row[f] for f in _CAMPAIGN_FIELDS})


def _claim(row) -> Claim:
    return Claim(**{f: row[f] for f in _CLAIM_FIELDS})
