"""An in-memory unit of work for the registration use cases' unit tests (cosmicpython's fake repositories).

The repositories keep what is stored in dictionaries and lists and hand out copies, so a use case
changes what is stored only through their methods; ``committed`` says whether it committed.
"""

import dataclasses
import datetime as dt
import uuid
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from unionfed_events.domain.registration_model import Activity, ListedRegistration, Registrant, Registration
from unionfed_shared import business_time

# When the fake store stamps a registration (the database's now()).
STORED_AT = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


class FakeDirectory:
    def __init__(self) -> None:
        self.paths: dict[str, list[str]] = {}
        self.members: dict[uuid.UUID, Registrant] = {}

    async def member(self, member_id: uuid.UUID) -> Registrant | None:
        return self.members.get(member_id)

    async def path_of(self, organization_id: str) -> list[str] | None:
        return self.paths.get(organization_id)

    async def time_zone_of(self, organization_id: str) -> ZoneInfo:
        return business_time.DEFAULT_ZONE


class FakeActivities:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Activity] = {}

    async def get(self, activity_id: uuid.UUID, *, lock: bool = False) -> Activity | None:
        """Nothing interleaves in memory, so the lock is nothing."""
        row = self.rows.get(activity_id)
        return dataclasses.replace(row) if row else None

    async def save_sequence(self, activity: Activity) -> None:
        self.rows[activity.id] = dataclasses.replace(self.rows[activity.id], next_sequence=activity.next_sequence)


class FakeRegistrations:
    def __init__(self, directory: FakeDirectory) -> None:
        self.rows: list[Registration] = []
        self._directory = directory

    def of(self, activity_id: uuid.UUID, status: str | None = None) -> list[Registration]:
        """What is stored for an activity in the order asked (for the tests to read)."""
        return sorted(
            (r for r in self.rows if r.activity_id == activity_id and status in (None, r.status)),
            key=lambda r: r.sequence,
        )

    async def live(self, activity_id: uuid.UUID, member_id: uuid.UUID) -> Registration | None:
        found = [r for r in self.of(activity_id) if r.member_id == member_id and r.status != "cancelled"]
        return dataclasses.replace(found[0]) if found else None

    async def count(self, activity_id: uuid.UUID, status: str) -> int:
        return len(self.of(activity_id, status))

    async def waitlist_position(self, registration: Registration) -> int:
        return sum(1 for r in self.of(registration.activity_id, "waitlisted") if r.sequence <= registration.sequence)

    async def queue(self, activity_id: uuid.UUID, status: str) -> list[ListedRegistration]:
        listed = []
        for row in self.of(activity_id, status):
            member = self._directory.members.get(row.member_id)
            listed.append(
                ListedRegistration(
                    dataclasses.replace(row),
                    member.display_name if member else None,
                    member.organization_id if member else None,
                    member.path if member else None,
                )
            )
        return listed

    async def add(self, registration: Registration) -> None:
        self.rows.append(dataclasses.replace(registration, registered_at=STORED_AT))

    async def cancel(self, registration: Registration, at: dt.datetime) -> None:
        self._update(registration.id, status="cancelled", cancelled_at=at, team_id=None)

    async def promote(self, waiting: Sequence[Registration], at: dt.datetime) -> None:
        for registration in waiting:
            self._update(registration.id, status="confirmed", promoted_at=at)

    def _update(self, registration_id: uuid.UUID, **values: object) -> None:
        [index] = [i for i, r in enumerate(self.rows) if r.id == registration_id]
        self.rows[index] = dataclasses.replace(self.rows[index], **values)


@dataclasses.dataclass
class FakeUnitOfWork:
    directory: FakeDirectory = dataclasses.field(default_factory=FakeDirectory)
    activities: FakeActivities = dataclasses.field(default_factory=FakeActivities)
    registrations: FakeRegistrations = dataclasses.field(init=False)
    committed: bool = False

    def __post_init__(self) -> None:
        self.registrations = FakeRegistrations(self.directory)

    def sharing_store(self) -> "FakeUnitOfWork":
        """A fresh transaction over the same stored rows."""
        again = FakeUnitOfWork(self.directory, self.activities)
        again.registrations = self.registrations
        return again

    async def commit(self) -> None:
        self.committed = True
