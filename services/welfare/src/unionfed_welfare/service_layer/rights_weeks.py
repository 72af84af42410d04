"""The monthly workers' rights week (维权周) as welfare knows it: heard of from the events service's
activity events, named by the rights cases opened at it, listed with the count of those cases.

Only activities of kind ``rights_week`` are kept. The consumer applies each event once (inbox) and
commits; a week heard of again keeps what was first heard.
"""

from unionfed_shared import business_time
from unionfed_shared.auth import Principal
from unionfed_shared.contracts.events import ActivityCancelledV1, ActivityPublishedV1
from unionfed_shared.messaging.consumer import Delivery
from unionfed_welfare.domain import rights_cases as case_rules
from unionfed_welfare.domain.rights_weeks import KIND, RightsWeek
from unionfed_welfare.service_layer.unit_of_work import WelfareUnitOfWork


async def on_activity_published(uow: WelfareUnitOfWork, event: ActivityPublishedV1, _delivery: Delivery) -> None:
    if event.kind != KIND:
        return
    zone = await uow.directory.time_zone_of(event.organization_id)
    await uow.rights_weeks.add_if_new(
        RightsWeek(
            activity_id=event.activity_id,
            organization_id=event.organization_id,
            federation_id=event.federation_id,
            title=event.title,
            scope_organization_ids=tuple(event.scope_organization_ids),
            starts_on=business_time.business_date(event.starts_at, zone),
            ends_on=business_time.business_date(event.ends_at, zone),
        )
    )


async def on_activity_cancelled(uow: WelfareUnitOfWork, event: ActivityCancelledV1, delivery: Delivery) -> None:
    """Cases already opened at it stay; no new one may name it."""
    await uow.rights_weeks.mark_cancelled(event.activity_id, delivery.envelope.time)


HANDLERS: dict = {ActivityPublishedV1: on_activity_published, ActivityCancelledV1: on_activity_cancelled}


async def weeks_of(uow: WelfareUnitOfWork, principal: Principal, organization_id: str) -> list[tuple[RightsWeek, int]]:
    """The rights weeks open to the organization or held in its subtree, newest first, each with the
    count of cases the organization's subtree opened at it."""
    path = await uow.directory.path_of(organization_id)
    principal.require_scope(path)
    principal.require_role(*case_rules.READERS)
    assert path is not None  # require_scope refused a missing one
    return await uow.rights_weeks.concerning(organization_id, path)
