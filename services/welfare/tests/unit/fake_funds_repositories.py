"""In-memory repositories of campaigns, insurance claims and donation drives, for ``fake_unit_of_work``."""

import dataclasses
import datetime as dt
import itertools
import uuid
from typing import TYPE_CHECKING

from unionfed_welfare.domain.campaigns import Campaign, Candidate, Claim, Enrollee
from unionfed_welfare.domain.donations import Disbursement, Donation, Drive, DriveCodeTaken

if TYPE_CHECKING:
    from services.welfare.tests.unit.fake_unit_of_work import FakeDirectory

_EPOCH = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
_clock = itertools.count(1)


def _stored() -> dt.datetime:
    """A distinct, later time for each row stored, as the database's now() of separate commits."""
    return _EPOCH + dt.timedelta(seconds=next(_clock))


class FakeCampaigns:
    def __init__(self, directory: "FakeDirectory") -> None:
        self.rows: dict[uuid.UUID, Campaign] = {}
        self.enrollees: dict[uuid.UUID, list[Enrollee]] = {}
        self._directory = directory

    async def get(self, campaign_id: uuid.UUID, *, for_update: bool = False) -> Campaign | None:
        campaign = self.rows.get(campaign_id)
        return dataclasses.replace(campaign) if campaign else None  # a copy, as a fresh read would be

    async def add(self, campaign: Campaign, enrolled: list[Enrollee]) -> None:
        self.rows[campaign.id] = dataclasses.replace(campaign, created_at=_stored())
        self.enrollees[campaign.id] = list(enrolled)

    async def save_status(self, campaign: Campaign) -> None:
        self.rows[campaign.id] = dataclasses.replace(campaign)

    async def enrolled(self, campaign_id: uuid.UUID) -> list[Enrollee]:
        return sorted(self.enrollees.get(campaign_id, []), key=lambda e: (e.display_name, e.member_id))

    async def is_enrolled(self, campaign_id: uuid.UUID, member_id: uuid.UUID) -> bool:
        return any(e.member_id == member_id for e in self.enrollees.get(campaign_id, []))

    async def of_organization(self, organization_id: str) -> list[tuple[Campaign, int]]:
        mine = [c for c in self.rows.values() if c.organization_id == organization_id]
        mine.sort(key=lambda c: c.created_at or _EPOCH, reverse=True)
        return [(c, len(self.enrollees[c.id])) for c in mine]

    def _subtree(self, organization_id: str) -> list[Candidate]:
        found = [self._directory.candidate(m) for m in self._directory.members]
        return sorted((c for c in found if organization_id in c.path), key=lambda c: c.id)

    async def members_named(self, organization_id: str, member_ids: list[uuid.UUID]) -> dict[uuid.UUID, Candidate]:
        return {c.id: c for c in self._subtree(organization_id) if c.id in member_ids}

    async def members_eligible(self, organization_id: str, statuses: list[str], gender: str | None) -> list[Candidate]:
        return [
            c for c in self._subtree(organization_id) if c.status in statuses and (not gender or c.gender == gender)
        ]


class FakeClaims:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Claim] = {}

    async def get(self, claim_id: uuid.UUID, *, for_update: bool = False) -> Claim | None:
        claim = self.rows.get(claim_id)
        return dataclasses.replace(claim) if claim else None

    async def add(self, claim: Claim) -> None:
        now = _stored()
        self.rows[claim.id] = dataclasses.replace(claim, created_at=now, updated_at=now)

    async def save_decision(self, claim: Claim) -> None:
        self.rows[claim.id] = dataclasses.replace(claim)

    async def of_campaign(self, campaign_id: uuid.UUID) -> list[Claim]:
        return sorted(
            (c for c in self.rows.values() if c.campaign_id == campaign_id), key=lambda c: c.created_at or _EPOCH
        )


class FakeDrives:
    def __init__(self) -> None:
        self.rows: dict[str, Drive] = {}
        self.donations: list[Donation] = []
        self.disbursements: list[Disbursement] = []

    async def get(self, code: str, *, for_update: bool = False) -> Drive | None:
        drive = self.rows.get(code)
        return dataclasses.replace(drive) if drive else None

    async def code_taken(self, code: str) -> bool:
        return code in self.rows

    async def add(self, drive: Drive) -> None:
        if drive.code in self.rows:  # the unique code
            raise DriveCodeTaken
        self.rows[drive.code] = dataclasses.replace(drive, created_at=_stored())

    async def save_totals(self, drive: Drive) -> None:
        stored = self.rows[drive.code]
        stored.raised_fen, stored.disbursed_fen = drive.raised_fen, drive.disbursed_fen

    async def of_organization(self, organization_id: str) -> list[Drive]:
        mine = [d for d in self.rows.values() if d.organization_id == organization_id]
        return sorted(mine, key=lambda d: d.created_at or _EPOCH, reverse=True)

    async def add_donation(self, donation: Donation) -> None:
        self.donations.append(donation)

    async def donations_of(self, drive_id: uuid.UUID) -> list[Donation]:
        return sorted((d for d in self.donations if d.drive_id == drive_id), key=lambda d: d.received_on)

    async def add_disbursement(self, disbursement: Disbursement) -> None:
        self.disbursements.append(disbursement)

    async def disbursements_of(self, drive_id: uuid.UUID) -> list[Disbursement]:
        return [d for d in self.disbursements if d.drive_id == drive_id]
