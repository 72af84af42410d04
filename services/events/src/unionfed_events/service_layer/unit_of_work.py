from unionfed_events.adapters.activity_repository import ActivityRepository, BudgetRepository
from unionfed_events.adapters.award_repository import AwardRepository, TeamRepository
from unionfed_events.adapters.member_inbox import MemberInbox
from unionfed_events.adapters.registration_repository import MemberDirectory, RegistrationRepository
from unionfed_shared.messaging.unit_of_work import UnitOfWork


class EventsUnitOfWork(UnitOfWork):
    """Events' transaction with its repositories; the areas not yet moved onto them use ``session``."""

    activities: ActivityRepository
    budget: BudgetRepository
    registrations: RegistrationRepository
    teams: TeamRepository
    awards: AwardRepository
    directory: MemberDirectory
    member_inbox: MemberInbox

    def _open(self) -> None:
        self.activities = ActivityRepository(self.session)
        self.budget = BudgetRepository(self.session)
        self.registrations = RegistrationRepository(self.session)
        self.teams = TeamRepository(self.session)
        self.awards = AwardRepository(self.session)
        self.directory = MemberDirectory(self.session)
        self.member_inbox = MemberInbox(self.session)
