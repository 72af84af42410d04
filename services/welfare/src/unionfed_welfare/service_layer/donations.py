"""Donation drives: record gifts and pay them out to the beneficiary, each through the outbox.

Finance keeps the drive's money apart (2301/<code>) on these events; the drive row here, locked
for each disbursement, keeps the running totals so an over-disbursement is refused before
anything is emitted (finance would refuse it as well).
"""

import uuid

from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.donations import DonationReceivedV1, DonationsDisbursedV1
from unionfed_shared.errors import Conflict, Invalid, NotFound
from unionfed_welfare.domain import donations as rules
from unionfed_welfare.domain.donations import Disbursement, Donation, Drive, DriveCodeTaken
from unionfed_welfare.service_layer.commands import CreateDrive, Disburse, RecordDonation
from unionfed_welfare.service_layer.greetings import MANAGERS
from unionfed_welfare.service_layer.unit_of_work import WelfareUnitOfWork


def _hidden() -> NotFound:
    return NotFound(
        "donation_drive_not_found",
        zh="未找到该爱心捐款，或不在您的管辖范围内",
        en="donation drive not found or outside your scope",
    )


def _code_taken(code: str) -> Conflict:
    return Conflict("donation_drive_code_taken", zh=f"捐款编号 {code} 已被使用", en=f"the drive code {code} is taken")


async def create(uow: WelfareUnitOfWork, principal: Principal, organization_id: str, command: CreateDrive) -> Drive:
    path = await uow.directory.path_of(organization_id)
    principal.require_scope(path)
    assert path is not None  # require_scope refused an unknown organization
    principal.require_role(*MANAGERS)
    beneficiary = await uow.directory.member(command.beneficiary_member_id)
    beneficiary_path = beneficiary and await uow.directory.path_of(beneficiary["organization_id"])
    if beneficiary is None or organization_id not in (beneficiary_path or []):
        raise Invalid(
            "beneficiary_not_in_scope",
            zh="受助人不是本单位及下属单位的会员",
            en="the beneficiary is not a member of this organization's subtree",
        )
    if await uow.drives.code_taken(command.code):
        raise _code_taken(command.code)
    # The label finance will write into the books: the federation's language, the union's words.
    locale = await uow.directory.locale_of(organization_id)
    drive = Drive(
        id=uuid.uuid4(),
        code=command.code,
        organization_id=organization_id,
        federation_id=path[0],
        title=command.title,
        beneficiary_member_id=beneficiary["id"],
        beneficiary_name=beneficiary["display_name"],
        pseudonym=command.pseudonym or rules.default_pseudonym(command.code, locale.language, locale.sector),
        created_by=principal.subject,
    )
    try:
        await uow.drives.add(drive)
    except DriveCodeTaken:
        raise _code_taken(command.code) from None
    await uow.commit()
    return await load(uow, principal, command.code, roles=MANAGERS)


async def load(uow: WelfareUnitOfWork, principal: Principal, code: str, roles=tuple(Role), lock: bool = False) -> Drive:
    drive = await uow.drives.get(code, for_update=lock)
    if drive is None or not principal.can_see(await uow.directory.path_of(drive.organization_id) or []):
        raise _hidden()
    principal.require_role(*roles)
    return drive


async def of_organization(uow: WelfareUnitOfWork, principal: Principal, organization_id: str) -> list[dict]:
    """The drives an organization runs, newest first, with their totals (no donations listed)."""
    await uow.directory.require_in_scope(principal, organization_id)
    officer = principal.role in MANAGERS
    return [
        {
            "code": drive.code,
            "title": drive.title,
            "beneficiary": drive.beneficiary_for(officer),
            "raised_fen": drive.raised_fen,
            "disbursed_fen": drive.disbursed_fen,
            "held_fen": drive.held_fen,
            "created_at": drive.created_at,
        }
        for drive in await uow.drives.of_organization(organization_id)
    ]


async def record(uow: WelfareUnitOfWork, principal: Principal, code: str, command: RecordDonation) -> dict:
    drive = await load(uow, principal, code, roles=MANAGERS, lock=True)
    donation = Donation(
        id=uuid.uuid4(),
        drive_id=drive.id,
        donor=command.donor_label(),
        amount_fen=command.amount_fen,
        received_on=command.received_on,
        recorded_by=principal.subject,
    )
    drive.receive(donation)
    await uow.drives.add_donation(donation)
    await uow.drives.save_totals(drive)
    uow.emit(
        DonationReceivedV1(
            organization_id=drive.organization_id,
            federation_id=drive.federation_id,
            donation_id=donation.id,
            drive=code,
            amount_fen=donation.amount_fen,
            received_on=donation.received_on,
            donor=donation.donor,
        )
    )
    await uow.commit()
    return _gift(donation)


async def disburse(uow: WelfareUnitOfWork, principal: Principal, code: str, command: Disburse) -> dict:
    # The row lock makes two disbursements at once check one after the other.
    drive = await load(uow, principal, code, roles=MANAGERS, lock=True)
    disbursement = Disbursement(
        id=uuid.uuid4(),
        drive_id=drive.id,
        amount_fen=command.amount_fen,
        paid_on=command.paid_on,
        recorded_by=principal.subject,
    )
    drive.pay_out(disbursement)
    await uow.drives.add_disbursement(disbursement)
    await uow.drives.save_totals(drive)
    # Finance records the beneficiary's pseudonym only: the ledger and its disclosure are public.
    uow.emit(
        DonationsDisbursedV1(
            organization_id=drive.organization_id,
            federation_id=drive.federation_id,
            disbursement_id=disbursement.id,
            drive=code,
            amount_fen=disbursement.amount_fen,
            paid_on=disbursement.paid_on,
            beneficiary=drive.pseudonym,
        )
    )
    await uow.commit()
    return _paid_out(disbursement)


async def view(uow: WelfareUnitOfWork, principal: Principal, drive: Drive) -> dict:
    """Officers see whom the drive is for; everyone else in scope sees the pseudonym."""
    officer = principal.role in MANAGERS
    return {
        "code": drive.code,
        "organization_id": drive.organization_id,
        "title": drive.title,
        "beneficiary": drive.beneficiary_for(officer),
        "beneficiary_member_id": drive.beneficiary_member_id if officer else None,
        "pseudonym": drive.pseudonym,
        "raised_fen": drive.raised_fen,
        "disbursed_fen": drive.disbursed_fen,
        "held_fen": drive.held_fen,
        "donations": [_gift(g) for g in await uow.drives.donations_of(drive.id)],
        "disbursements": [_paid_out(p) for p in await uow.drives.disbursements_of(drive.id)],
        "created_at": drive.created_at,
    }


def _gift(donation: Donation) -> dict:
    return {
        "id": donation.id,
        "donor": donation.donor,
        "amount_fen": donation.amount_fen,
        "received_on": donation.received_on,
    }


def _paid_out(disbursement: Disbursement) -> dict:
    return {"id": disbursement.id, "amount_fen": disbursement.amount_fen, "paid_on": disbursement.paid_on}
