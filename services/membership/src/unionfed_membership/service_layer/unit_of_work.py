from unionfed_membership.adapters.repository import DuesRepository, MemberRepository, OrganizationRepository
from unionfed_shared.messaging.unit_of_work import UnitOfWork


class MembershipUnitOfWork(UnitOfWork):
    organizations: OrganizationRepository
    members: MemberRepository
    dues: DuesRepository

    def _open(self) -> None:
        self.organizations = OrganizationRepository(self.session)
        self.members = MemberRepository(self.session)
        self.dues = DuesRepository(self.session)
