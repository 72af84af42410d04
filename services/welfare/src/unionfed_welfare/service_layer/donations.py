"""Donation drives: record gifts and pay them out to the beneficiary, each through the outbox.

Finance keeps the drive's money apart (2301/<code>) on these events; the drive row here, locked
for each disbursement, keeps the running totals so an over-disbursement is refused before
anything is emitted (finance would refuse it as well).
"""

import uuid

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.donations import DonationReceivedV1, DonationsDisbursedV1
from unionfed_shared.errors import Conflict, Invalid, NotFound
from unionfed_welfare.adapters.campaign_tables import donation_disbursements, donation_drives, donations
from unionfed_welfare.adapters.tables import directory
from unionfed_welfare.domain import donations as rules
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


async def create(
    uow: WelfareUnitOfWork, principal: Principal, organization_id: str, command: rules.CreateDrive
) -> dict:
    path = await directory.path_of(uow.session, organization_id)
    principal.require_scope(path)
    assert path is not None  # require_scope refused an unknown organization
    principal.require_role(*MANAGERS)
    beneficiary = (
        (
            await uow.session.execute(
                select(directory.members).where(directory.members.c.id == command.beneficiary_member_id)
            )
        )
        .mappings()
        .first()
    )
    beneficiary_path = beneficiary and await directory.path_of(uow.session, beneficiary["organization_id"])
    if beneficiary is None or organization_id not in (beneficiary_path or []):
        raise Invalid(
            "beneficiary_not_in_scope",
            zh="受助人不是本单位及下属单位的会员",
            en="the beneficiary is not a member of this organization's subtree",
        )
    if await uow.session.scalar(select(donation_drives.c.id).where(donation_drives.c.code == command.code)):
        raise _code_taken(command.code)
    drive_id = uuid.uuid4()
    # The label finance will write into the books: the federation's language, the union's words.
    locale = await directory.locale_of(uow.session, organization_id)
    pseudonym = command.pseudonym or rules.default_pseudonym(command.code, locale.language, locale.sector)
    try:
        await uow.session.execute(
            insert(donation_drives).values(
                id=drive_id,
                code=command.code,
                organization_id=organization_id,
                federation_id=path[0],
                title=command.title,
                beneficiary_member_id=beneficiary["id"],
                beneficiary_name=beneficiary["display_name"],
                pseudonym=pseudonym,
                created_by=principal.subject,
            )
        )
    except IntegrityError:  # the same code taken by a concurrent request
        raise _code_taken(command.code) from None
    await uow.commit()
    return await load(uow, principal, command.code, roles=MANAGERS)


async def load(uow: WelfareUnitOfWork, principal: Principal, code: str, roles=tuple(Role), lock: bool = False) -> dict:
    query = select(donation_drives).where(donation_drives.c.code == code)
    row = (await uow.session.execute(query.with_for_update() if lock else query)).mappings().first()
    if row is None or not principal.can_see(await directory.path_of(uow.session, row["organization_id"]) or []):
        raise _hidden()
    principal.require_role(*roles)
    return dict(row)


async def of_organization(uow: WelfareUnitOfWork, principal: Principal, organization_id: str) -> list[dict]:
    """The drives an organization runs, newest first, with their totals (no donations listed)."""
    await directory.require_in_scope(uow.session, principal, organization_id)
    officer = principal.role in MANAGERS
    rows = (
        (
            await uow.session.execute(
                select(donation_drives)
                .where(donation_drives.c.organization_id == organization_id)
                .order_by(donation_drives.c.created_at.desc(), donation_drives.c.code)
            )
        )
        .mappings()
        .all()
    )
    return [
        {
            "code": row["code"],
            "title": row["title"],
            "beneficiary": row["beneficiary_name"] if officer else row["pseudonym"],
            "raised_fen": row["raised_fen"],
            "disbursed_fen": row["disbursed_fen"],
            "held_fen": row["raised_fen"] - row["disbursed_fen"],
            "created_at": row["created_at"],
        }
        for row in rows
    ]


async def record(uow: WelfareUnitOfWork, principal: Principal, code: str, command: rules.RecordDonation) -> dict:
    drive = await load(uow, principal, code, roles=MANAGERS, lock=True)
    donation_id, donor = uuid.uuid4(), command.donor_label()
    await uow.session.execute(
        insert(donations).values(
            id=donation_id,
            drive_id=drive["id"],
            donor=donor,
            amount_fen=command.amount_fen,
            received_on=command.received_on,
            recorded_by=principal.subject,
        )
    )
    await uow.session.execute(
        update(donation_drives)
        .where(donation_drives.c.id == drive["id"])
        .values(raised_fen=donation_drives.c.raised_fen + command.amount_fen)
    )
    uow.emit(
        DonationReceivedV1(
            organization_id=drive["organization_id"],
            federation_id=drive["federation_id"],
            donation_id=donation_id,
            drive=code,
            amount_fen=command.amount_fen,
            received_on=command.received_on,
            donor=donor,
        )
    )
    await uow.commit()
    return {"id": donation_id, "donor": donor, "amount_fen": command.amount_fen, "received_on": command.received_on}


async def disburse(uow: WelfareUnitOfWork, principal: Principal, code: str, command: rules.Disburse) -> dict:
    # The row lock makes two disbursements at once check one after the other.
    drive = await load(uow, principal, code, roles=MANAGERS, lock=True)
    rules.check_disbursement(command.amount_fen, drive["raised_fen"], drive["disbursed_fen"])
    disbursement_id = uuid.uuid4()
    await uow.session.execute(
        insert(donation_disbursements).values(
            id=disbursement_id,
            drive_id=drive["id"],
            amount_fen=command.amount_fen,
            paid_on=command.paid_on,
            recorded_by=principal.subject,
        )
    )
    await uow.session.execute(
        update(donation_drives)
        .where(donation_drives.c.id == drive["id"])
        .values(disbursed_fen=donation_drives.c.disbursed_fen + command.amount_fen)
    )
    # Finance records the beneficiary's pseudonym only: the ledger and its disclosure are public.
    uow.emit(
        DonationsDisbursedV1(
            organization_id=drive["organization_id"],
            federation_id=drive["federation_id"],
            disbursement_id=disbursement_id,
            drive=code,
            amount_fen=command.amount_fen,
            paid_on=command.paid_on,
            beneficiary=drive["pseudonym"],
        )
    )
    await uow.commit()
    return {"id": disbursement_id, "amount_fen": command.amount_fen, "paid_on": command.paid_on}


async def view(uow: WelfareUnitOfWork, principal: Principal, drive: dict) -> dict:
    """Officers see whom the drive is for; everyone else in scope sees the pseudonym."""
    officer = principal.role in MANAGERS
    gifts = (
        (
            await uow.session.execute(
                select(donations.c.id, donations.c.donor, donations.c.amount_fen, donations.c.received_on)
                .where(donations.c.drive_id == drive["id"])
                .order_by(donations.c.received_on, donations.c.created_at)
            )
        )
        .mappings()
        .all()
    )
    paid = (
        (
            await uow.session.execute(
                select(
                    donation_disbursements.c.id, donation_disbursements.c.amount_fen, donation_disbursements.c.paid_on
                )
                .where(donation_disbursements.c.drive_id == drive["id"])
                .order_by(donation_disbursements.c.created_at)
            )
        )
        .mappings()
        .all()
    )
    return {
        "code": drive["code"],
        "organization_id": drive["organization_id"],
        "title": drive["title"],
        "beneficiary": drive["beneficiary_name"] if officer else drive["pseudonym"],
        "beneficiary_member_id": drive["beneficiary_member_id"] if officer else None,
        "pseudonym": drive["pseudonym"],
        "raised_fen": drive["raised_fen"],
        "disbursed_fen": drive["disbursed_fen"],
        "held_fen": drive["raised_fen"] - drive["disbursed_fen"],
        "donations": [dict(g) for g in gifts],
        "disbursements": [dict(p) for p in paid],
        "created_at": drive["created_at"],
    }
