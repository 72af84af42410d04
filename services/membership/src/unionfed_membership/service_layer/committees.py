"""Electing a union's committee for a term (换届); the new term closes the previous one."""

import datetime as dt

from unionfed_membership.domain.committee import Seat, Term
from unionfed_membership.service_layer import clock, commands
from unionfed_membership.service_layer.permissions import require_officer
from unionfed_membership.service_layer.scope import organization_in_scope
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal


async def elect_committee(
    uow: MembershipUnitOfWork,
    principal: Principal,
    organization_id: str,
    command: commands.ElectCommittee,
    today: dt.date | None = None,
) -> Term:
    organization = await organization_in_scope(uow, principal, organization_id)
    await require_officer(uow, principal, "elect_committee")
    # Serialises elections of one union: two "next terms" cannot both be recorded.
    await uow.organizations.get_for_update(organization.id)
    previous = await uow.committees.current(organization.id)
    term = Term.elect(
        organization.id,
        organization.kind,
        command.number,
        command.elected_on,
        command.starts_on,
        command.ends_on,
        [Seat(role=s.role, subject=s.subject, display_name=s.display_name) for s in command.roster],
        previous,
        today or clock.today(organization.zone),
        principal.subject,
    )
    if previous is not None:
        await uow.committees.close(previous, term.starts_on)
    await uow.committees.add(term)
    await uow.commit()
    return term
