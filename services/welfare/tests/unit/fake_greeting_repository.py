"""An in-memory greeting repository, for ``fake_unit_of_work``."""

import dataclasses
import datetime as dt
import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.welfare.tests.unit.fake_unit_of_work import FakeDirectory

from unionfed_welfare.domain.greetings import (
    Eligibility,
    EligibleMember,
    GreetingBatch,
    MemberStanding,
    Progress,
    Recipient,
    SignSheetLine,
)


class FakeGreetings:
    def __init__(self, directory: "FakeDirectory") -> None:
        self.batches: dict[uuid.UUID, GreetingBatch] = {}
        self.recipients: dict[tuple[uuid.UUID, uuid.UUID], Recipient] = {}
        self._directory = directory

    async def eligible(self, organization_id: str, eligibility: Eligibility) -> list[EligibleMember]:
        return [
            EligibleMember(m.id, self._directory.members[m.id]["display_name"], m.organization_id)
            for m in sorted(self._standings(), key=lambda m: m.id)
            if organization_id in (m.organization_path or [])
            and m.status in eligibility.statuses
            and (not eligibility.gender or m.gender == eligibility.gender)
        ]

    async def add(self, batch: GreetingBatch, recipients: list[Recipient]) -> None:
        self.batches[batch.id] = dataclasses.replace(batch, created_at=dt.datetime.now(dt.UTC))
        self.recipients.update({(r.batch_id, r.member_id): r for r in recipients})

    async def get(self, batch_id: uuid.UUID, *, for_update: bool = False) -> GreetingBatch | None:
        batch = self.batches.get(batch_id)
        return dataclasses.replace(batch) if batch else None  # a copy, as a fresh read would be

    async def save_status(self, batch: GreetingBatch) -> None:
        self.batches[batch.id] = dataclasses.replace(batch)

    async def progress(self, batch_id: uuid.UUID) -> Progress | None:
        if batch_id not in self.batches:
            return None
        counts: dict[str, int] = {}
        for r in self._of(batch_id):
            counts[r.status] = counts.get(r.status, 0) + 1
        return Progress(total=self.batches[batch_id].total, counts=counts)

    async def recipient(
        self, batch_id: uuid.UUID, member_id: uuid.UUID, *, for_update: bool = False
    ) -> Recipient | None:
        return self.recipients.get((batch_id, member_id))

    async def in_status(
        self, batch_id: uuid.UUID, *statuses: str, limit: int | None = None, after: uuid.UUID | None = None
    ) -> list[Recipient]:
        found = sorted(
            (r for r in self._of(batch_id) if r.status in statuses and (after is None or r.member_id > after)),
            key=lambda r: r.member_id,
        )
        return found[:limit]

    async def by_name(
        self, batch_id: uuid.UUID, *statuses: str, after: tuple[str, uuid.UUID] | None = None, limit: int | None = None
    ) -> list[Recipient]:
        found = sorted(
            (r for r in self._of(batch_id) if not statuses or r.status in statuses),
            key=lambda r: (r.display_name, r.member_id),
        )
        return [r for r in found if after is None or (r.display_name, r.member_id) > after][:limit]

    async def save_recipients(self, recipients: list[Recipient]) -> None:
        self.recipients.update({(r.batch_id, r.member_id): r for r in recipients})

    async def settle_lines(self, answers, at: dt.datetime) -> None:
        by_hold = {r.hold_id: key for key, r in self.recipients.items()}
        for hold_id, status, reason in answers:
            key = by_hold.get(hold_id)
            if key is not None and self.recipients[key].status == "pay_requested":
                self.recipients[key] = dataclasses.replace(
                    self.recipients[key], status=status, reason=reason, settled_at=at
                )

    async def members_now(self, member_ids: list[uuid.UUID]) -> dict[uuid.UUID, MemberStanding]:
        return {m.id: m for m in self._standings() if m.id in member_ids}

    async def sign_sheet(self, batch_id: uuid.UUID) -> list[SignSheetLine]:
        return [
            SignSheetLine(r.member_id, r.display_name, r.organization_id, r.organization_id, r.status)
            for r in sorted(self._of(batch_id), key=lambda r: (r.organization_id, r.display_name))
        ]

    def _of(self, batch_id: uuid.UUID) -> list[Recipient]:
        return [r for (b, _m), r in self.recipients.items() if b == batch_id]

    def _standings(self) -> list[MemberStanding]:
        return [
            MemberStanding(
                m["id"],
                m["organization_id"],
                m.get("status", "active"),
                m.get("gender"),
                self._directory.paths.get(m["organization_id"]),
            )
            for m in self._directory.members.values()
        ]
