"""How finance answers the other services' events: read models, and money into the journal."""

import uuid
from collections import defaultdict

from unionfed_finance.adapters.tables import directory
from unionfed_finance.domain import flows
from unionfed_finance.domain.ledger import BOOKKEEPING_KINDS, SPENDING_ACCOUNTS
from unionfed_finance.domain.texts import describe
from unionfed_finance.service_layer import journal
from unionfed_finance.service_layer.locale import language_of
from unionfed_finance.service_layer.poster import apply_journal_entry
from unionfed_finance.service_layer.unit_of_work import FinanceUnitOfWork
from unionfed_shared import business_time
from unionfed_shared.contracts import finance as contract
from unionfed_shared.contracts import mutual_aid
from unionfed_shared.contracts.base import IntegrationEvent
from unionfed_shared.contracts.donations import DonationReceivedV1, DonationsDisbursedV1
from unionfed_shared.contracts.finance import JournalEntryV1
from unionfed_shared.contracts.membership import (
    DuesBatchCollectedV1,
    DuesCollectedV1,
    MemberJoinedV1,
    MemberStatusChangedV1,
    MemberTransferredV1,
    OrganizationMovedV1,
    OrganizationRegisteredV1,
)
from unionfed_shared.contracts.mutual_aid import MutualAidContributedV1, MutualAidLoanDisbursedV1, MutualAidRepaidV1
from unionfed_shared.contracts.spending import (
    HOLD_CANCELLED,
    HOLD_PAID,
    HOLD_REQUESTED,
    WelfareBatchPaymentRequestedV1,
)
from unionfed_shared.messaging.consumer import Delivery, Handler


async def on_organization_registered(
    uow: FinanceUnitOfWork, event: OrganizationRegisteredV1, delivery: Delivery
) -> None:
    await directory.on_organization_registered(uow, event, delivery)
    uow.books_of.clear()  # the tree changed under this batch's later messages
    if event.kind in BOOKKEEPING_KINDS:
        # Opening books writes no entry, so it may happen in any order relative to the journal.
        await uow.ledgers.open(event.organization_id, event.federation_id)


async def on_organization_moved(uow: FinanceUnitOfWork, event: OrganizationMovedV1, delivery: Delivery) -> None:
    await directory.on_organization_moved(uow, event, delivery)
    uow.books_of.clear()


async def on_member_joined(uow: FinanceUnitOfWork, event: MemberJoinedV1, delivery: Delivery) -> None:
    if (event.member_id, event.member_version) in uow.joinings_applied:
        return  # applied with its batch's other joinings (prefetch)
    await directory.on_member_joined(uow, event, delivery)
    await uow.dues_accounts.open(event.member_id, event.organization_id, event.federation_id)


async def on_member_transferred(uow: FinanceUnitOfWork, event: MemberTransferredV1, delivery: Delivery) -> None:
    """The member's dues account follows them to the new union; what they paid stays on it."""
    if await directory.on_member_transferred(uow, event, delivery):
        await uow.dues_accounts.transfer(event.member_id, event.organization_id, event.federation_id)


async def on_dues_collected(uow: FinanceUnitOfWork, event: DuesCollectedV1, delivery: Delivery) -> None:
    books = await bookkeeping_organization(uow, event.organization_id)
    await uow.dues_accounts.open(event.member_id, event.organization_id, event.federation_id)
    await uow.dues_accounts.record_payment(event.member_id, event.period, event.amount_fen)
    # Booked on the day it was collected on the federation's calendar, not on UTC's.
    booked_on = business_time.business_date(event.collected_at, await uow.directory.time_zone_of(event.organization_id))
    language = await language_of(uow, event.organization_id)
    posting = flows.dues(books, event.amount_fen, event.period, booked_on, language)
    await journal.write(
        uow,
        event.federation_id,
        event.organization_id,
        journal.post(posting),
        delivery=delivery,
        reference=f"dues/{event.payment_id}",
    )


async def on_dues_batch_collected(uow: FinanceUnitOfWork, event: DuesBatchCollectedV1, delivery: Delivery) -> None:
    """A chunk of a month's dues: one CollectDues entry in the journal, booked as one posting."""
    booked_on = business_time.business_date(event.collected_at, await uow.directory.time_zone_of(event.organization_id))
    language = await language_of(uow, event.organization_id)
    instruction = contract.CollectDues(
        organization_id=await bookkeeping_organization(uow, event.organization_id),
        member_organization_id=event.organization_id,
        period=event.period,
        effective_date=booked_on,
        description=describe(language, "dues", period=event.period),
        lines=[
            contract.DuesReceiptLine(payment_id=line.payment_id, member_id=line.member_id, amount_fen=line.amount_fen)
            for line in event.lines
        ],
    )
    await journal.write(
        uow,
        event.federation_id,
        event.organization_id,
        instruction,
        delivery=delivery,
        reference=f"dues-batch/{event.batch_id}",
    )


async def on_hold_requested(uow: FinanceUnitOfWork, event, delivery: Delivery) -> None:
    # Fixed here, in the entry, so a replay of the journal counts the hold in the same year.
    zone = await uow.directory.time_zone_of(event.organization_id)
    instruction = contract.Reserve(
        fiscal_year=business_time.business_year(delivery.envelope.time, zone),
        hold_id=event.hold_id,
        organization_id=await bookkeeping_organization(uow, event.organization_id),
        category_account=SPENDING_ACCOUNTS[event.category],
        amount_fen=event.amount_fen,
        description=event.purpose,
        reference=event.reference,
    )
    await journal.write(
        uow, event.federation_id, event.organization_id, instruction, delivery=delivery, reference=event.reference
    )


async def on_batch_payment_requested(
    uow: FinanceUnitOfWork, event: WelfareBatchPaymentRequestedV1, delivery: Delivery
) -> None:
    """A chunk of members to pay at once (a greeting's chunk): one PayMany entry in the journal."""
    instruction = contract.PayMany(
        organization_id=await bookkeeping_organization(uow, event.organization_id),
        category_account=SPENDING_ACCOUNTS[event.category],
        effective_date=event.paid_on,
        description=event.description,
        lines=[
            contract.PayLine(hold_id=line.hold_id, reference=line.reference, amount_fen=line.amount_fen)
            for line in event.lines
        ],
    )
    await journal.write(
        uow, event.federation_id, event.organization_id, instruction, delivery=delivery, reference=event.reference
    )


async def on_hold_paid(uow: FinanceUnitOfWork, event, delivery: Delivery) -> None:
    instruction = contract.Capture(
        hold_id=event.hold_id,
        amount_fen=event.amount_fen,
        effective_date=event.paid_on,
        description=event.description,
        goods_fen=event.goods_fen,
    )
    await journal.write(
        uow,
        event.federation_id,
        event.organization_id,
        instruction,
        delivery=delivery,
        reference=f"hold/{event.hold_id}",
        ledger=await hold_ledger(uow, event.hold_id, event.organization_id),
    )


async def on_hold_cancelled(uow: FinanceUnitOfWork, event, delivery: Delivery) -> None:
    instruction = contract.Void(hold_id=event.hold_id, reason=event.reason)
    await journal.write(
        uow,
        event.federation_id,
        event.organization_id,
        instruction,
        delivery=delivery,
        reference=f"hold/{event.hold_id}",
        ledger=await hold_ledger(uow, event.hold_id, event.organization_id),
    )


async def on_donation_received(uow: FinanceUnitOfWork, event: DonationReceivedV1, delivery: Delivery) -> None:
    books = await bookkeeping_organization(uow, event.organization_id)
    language = await language_of(uow, event.organization_id)
    posting = flows.donation_received(books, event.drive, event.amount_fen, event.received_on, event.donor, language)
    await journal.write(
        uow,
        event.federation_id,
        event.organization_id,
        journal.post(posting),
        delivery=delivery,
        reference=f"donation/{event.donation_id}",
    )


async def on_donations_disbursed(uow: FinanceUnitOfWork, event: DonationsDisbursedV1, delivery: Delivery) -> None:
    books = await bookkeeping_organization(uow, event.organization_id)
    language = await language_of(uow, event.organization_id)
    posting = flows.donation_disbursed(books, event.drive, event.amount_fen, event.paid_on, event.beneficiary, language)
    await journal.write(
        uow,
        event.federation_id,
        event.organization_id,
        journal.post(posting),
        delivery=delivery,
        reference=f"disbursement/{event.disbursement_id}",
    )


async def on_mutual_aid_contributed(uow: FinanceUnitOfWork, event: MutualAidContributedV1, delivery: Delivery) -> None:
    books = await bookkeeping_organization(uow, event.organization_id)
    language = await language_of(uow, event.organization_id)
    posting = flows.mutual_aid_contributed(
        books, event.contributor, event.amount_fen, event.received_on, event.label, language
    )
    await _journal_mutual_aid(
        uow, event, delivery, posting, mutual_aid.reference("contribution", event.contribution_id)
    )


async def on_mutual_aid_loan_disbursed(
    uow: FinanceUnitOfWork, event: MutualAidLoanDisbursedV1, delivery: Delivery
) -> None:
    books = await bookkeeping_organization(uow, event.organization_id)
    language = await language_of(uow, event.organization_id)
    posting = flows.mutual_aid_lent(books, event.amount_fen, event.paid_on, event.borrower, language)
    await _journal_mutual_aid(uow, event, delivery, posting, mutual_aid.reference("loan", event.loan_id))


async def on_mutual_aid_repaid(uow: FinanceUnitOfWork, event: MutualAidRepaidV1, delivery: Delivery) -> None:
    books = await bookkeeping_organization(uow, event.organization_id)
    language = await language_of(uow, event.organization_id)
    posting = flows.mutual_aid_repaid(books, event.amount_fen, event.repaid_on, event.borrower, language)
    await _journal_mutual_aid(uow, event, delivery, posting, mutual_aid.reference("repayment", event.repayment_id))


async def _journal_mutual_aid(uow: FinanceUnitOfWork, event, delivery: Delivery, posting, reference: str) -> None:
    await journal.write(
        uow, event.federation_id, event.organization_id, journal.post(posting), delivery=delivery, reference=reference
    )


async def hold_ledger(uow: FinanceUnitOfWork, hold_id, organization_id: str) -> str:
    """The ledger a capture or void is keyed by under ledger keys: its hold's, so it follows the reserve.

    The hold is in the books when it is paid or cancelled (welfare and events pay only what finance
    answered as reserved); if not, the instruction will be refused, and the union's books are the
    ledger the reserve would have named.
    """
    hold = await uow.holds.get(hold_id)
    return hold["organization_id"] if hold is not None else await bookkeeping_organization(uow, organization_id)


async def bookkeeping_organization(uow: FinanceUnitOfWork, organization_id: str) -> str:
    """Union groups keep no books (独立建账 is per union): their union's ledger holds their money.

    Asked once per organization in a unit of work: a batch of a union's spending asks it hundreds of times.
    """
    books = uow.books_of.get(organization_id)
    if books is None:
        books = uow.books_of[organization_id] = await _bookkeeping_organization(uow, organization_id)
    return books


async def _bookkeeping_organization(uow: FinanceUnitOfWork, organization_id: str) -> str:
    path = await uow.directory.path_of(organization_id) or [organization_id]
    kinds = await uow.directory.kinds_of(path)
    for candidate in reversed(path):
        if kinds.get(candidate, "grassroots_union") in BOOKKEEPING_KINDS:
            return candidate
    return organization_id


async def prefetch(uow: FinanceUnitOfWork, events: list) -> None:
    """Lock and read, in a few statements, the holds and ledgers a batch of journal entries will touch."""
    organizations: set[str] = set()
    hold_ids: set[uuid.UUID] = set()
    # The accounts the batch's plain postings name, per ledger; a ledger anything else touches
    # (a hold, a chunk, a reversal) has all its accounts read.
    posted_codes: dict[str, set[str]] = defaultdict(set)
    whole: set[str] = set()
    joinings = [event for event in events if isinstance(event, MemberJoinedV1)]
    if len(joinings) > 1:
        # A roster's joinings (a rebuild replays a federation's members) in two statements, not two each.
        await uow.directory.apply_joinings(joinings)
        await uow.dues_accounts.open_many([(e.member_id, e.organization_id, e.federation_id) for e in joinings])
        uow.joinings_applied.update((e.member_id, e.member_version) for e in joinings)
    for event in events:
        if isinstance(event, JournalEntryV1):
            instruction = event.instruction
            for spec in getattr(instruction, "postings", ()):
                organizations.add(spec.organization_id)
                posted_codes[spec.organization_id].update(line.account for line in spec.lines)
            if organization_id := getattr(instruction, "organization_id", None):
                organizations.add(organization_id)
                whole.add(organization_id)
            if hold_id := getattr(instruction, "hold_id", None):
                hold_ids.add(hold_id)
            if isinstance(instruction, contract.PayMany):
                hold_ids.update(line.hold_id for line in instruction.lines)
    if hold_ids:
        await uow.holds.prefetch(hold_ids)
        held = {hold["organization_id"] for hold in await uow.holds.known(hold_ids)}
        organizations.update(held)
        whole.update(held)
    if organizations:
        await uow.ledgers.prefetch(
            organizations, {org: codes for org, codes in posted_codes.items() if org not in whole}
        )
        await uow.budgets.prefetch(organizations)


HANDLERS: dict[type[IntegrationEvent], Handler] = {
    OrganizationRegisteredV1: on_organization_registered,
    MemberJoinedV1: on_member_joined,
    MemberTransferredV1: on_member_transferred,
    MemberStatusChangedV1: directory.on_member_status_changed,
    OrganizationMovedV1: on_organization_moved,
    DuesCollectedV1: on_dues_collected,
    DuesBatchCollectedV1: on_dues_batch_collected,
    DonationReceivedV1: on_donation_received,
    DonationsDisbursedV1: on_donations_disbursed,
    MutualAidContributedV1: on_mutual_aid_contributed,
    MutualAidLoanDisbursedV1: on_mutual_aid_loan_disbursed,
    MutualAidRepaidV1: on_mutual_aid_repaid,
    JournalEntryV1: apply_journal_entry,
    **dict.fromkeys(HOLD_REQUESTED, on_hold_requested),
    WelfareBatchPaymentRequestedV1: on_batch_payment_requested,
    **dict.fromkeys(HOLD_PAID, on_hold_paid),
    **dict.fromkeys(HOLD_CANCELLED, on_hold_cancelled),
}
