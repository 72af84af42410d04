from unionfed_events.adapters.registration_repository import (
    ActivityRepository,
    MemberDirectory,
    RegistrationRepository,
)
from unionfed_shared.messaging.unit_of_work import UnitOfWork


class EventsUnitOfWork(UnitOfWork):
    """Repositories for activity registration; the other areas still use ``session`` directly."""

    activities: ActivityRepository
    registrations: RegistrationRepository
    directory: MemberDirectory

    def _open(self) -> None:
        self.activities = ActivityRepository(self.session)
        self.registrations = RegistrationRepository(self.session)
        self.directory = MemberDirectory(self.session)
