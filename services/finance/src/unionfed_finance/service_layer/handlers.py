"""How finance answers the other services' events."""

from unionfed_finance.adapters.tables import directory
from unionfed_finance.domain.ledger import BOOKKEEPING_KINDS, SourceEvent, dues_posting
from unionfed_finance.service_layer.unit_of_work import FinanceUnitOfWork
from unionfed_shared.contracts.membership import DuesCollectedV1, MemberJoinedV1, OrganizationRegisteredV1
from unionfed_shared.messaging.consumer import Delivery
from unionfed_shared.observability import current_trace_id


async def on_organization_registered(
    uow: FinanceUnitOfWork, event: OrganizationRegisteredV1, delivery: Delivery
) -> None:
    await directory.on_organization_registered(uow, event, delivery)
    if event.kind in BOOKKEEPING_KINDS:
        await uow.ledgers.open(event.organization_id, event.federation_id)


async def on_member_joined(uow: FinanceUnitOfWork, event: MemberJoinedV1, delivery: Delivery) -> None:
    await directory.on_member_joined(uow, event, delivery)
    await uow.dues_accounts.open(event.member_id, event.organization_id, event.federation_id)


async def on_dues_collected(uow: FinanceUnitOfWork, event: DuesCollectedV1, delivery: Delivery) -> None:
    books = await bookkeeping_organization(uow, event.organization_id)
    await uow.ledgers.open(books, event.federation_id)
    await uow.dues_accounts.open(event.member_id, event.organization_id, event.federation_id)
    posting = dues_posting(books, event.amount_fen, event.period, event.collected_at.date())
    await uow.ledgers.append(posting, source_of(delivery))
    await uow.dues_accounts.record_payment(event.member_id, event.period, event.amount_fen)


async def bookkeeping_organization(uow: FinanceUnitOfWork, organization_id: str) -> str:
    """Union groups keep no books (独立建账 is per union): their union's ledger holds their money."""
    path = await directory.path_of(uow.session, organization_id) or [organization_id]
    kinds = await directory.kinds_of(uow.session, path)
    for candidate in reversed(path):
        if kinds.get(candidate, "grassroots_union") in BOOKKEEPING_KINDS:
            return candidate
    return organization_id


def source_of(delivery: Delivery) -> SourceEvent:
    envelope = delivery.envelope
    return SourceEvent(
        event_id=envelope.id,
        event_type=envelope.type,
        topic=delivery.topic,
        partition=delivery.partition,
        offset=delivery.offset,
        actor=envelope.actor,
        causation_id=envelope.causation_id,
        correlation_id=envelope.correlation_id,
        trace_id=current_trace_id(),
    )


HANDLERS = {
    OrganizationRegisteredV1: on_organization_registered,
    MemberJoinedV1: on_member_joined,
    DuesCollectedV1: on_dues_collected,
}
