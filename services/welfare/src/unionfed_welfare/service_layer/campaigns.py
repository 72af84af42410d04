"""Health checks and group insurance: enrol, reserve the cost, pay the provider, handle claims."""

import datetime as dt
import uuid

from sqlalchemy import func, insert, select, update

from unionfed_shared.auth import Principal
from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_shared.errors import Conflict, Invalid, NotFound
from unionfed_welfare.adapters.campaign_tables import campaign_enrollments, campaigns, insurance_claims
from unionfed_welfare.adapters.tables import directory
from unionfed_welfare.domain import campaigns as rules
from unionfed_welfare.domain.greetings import Ineligible
from unionfed_welfare.service_layer import money
from unionfed_welfare.service_layer.greetings import MANAGERS, READERS
from unionfed_welfare.service_layer.unit_of_work import WelfareUnitOfWork

KIND_NAMES = {"health_check": "体检", "insurance": "团体保险"}

members_t, organizations_t = directory.members, directory.organizations


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _hidden() -> NotFound:
    return NotFound(
        "campaign_not_found",
        zh="未找到该体检或保险项目，或不在您的管辖范围内",
        en="campaign not found or outside your scope",
    )


def _claim_hidden() -> NotFound:
    return NotFound(
        "claim_not_found", zh="未找到该理赔申请，或不在您的管辖范围内", en="claim not found or outside your scope"
    )


async def create(
    uow: WelfareUnitOfWork, principal: Principal, organization_id: str, command: rules.CreateCampaign
) -> uuid.UUID:
    path = await directory.path_of(uow.session, organization_id)
    principal.require_scope(path)
    assert path is not None  # require_scope refused an unknown organization
    principal.require_role(*MANAGERS)
    enrolled = await _eligible(uow, organization_id, command)
    total = rules.total_cost(command.cost_per_member_fen, len(enrolled))
    campaign_id, hold_id = uuid.uuid4(), uuid.uuid4()
    await uow.session.execute(
        insert(campaigns).values(
            id=campaign_id,
            organization_id=organization_id,
            federation_id=path[0],
            kind=command.kind,
            title=command.title,
            provider=command.provider,
            cost_per_member_fen=command.cost_per_member_fen,
            eligible_gender=command.eligibility.gender,
            eligible_statuses=list(dict.fromkeys(command.eligibility.statuses)),
            hold_id=hold_id,
            created_by=principal.subject,
        )
    )
    await uow.session.execute(
        insert(campaign_enrollments),
        [
            {
                "campaign_id": campaign_id,
                "member_id": m["id"],
                "display_name": m["display_name"],
                "organization_id": m["organization_id"],
            }
            for m in enrolled
        ],
    )
    # Creating the campaign approves its cost: the whole of it is reserved at once.
    await money.reserve(
        uow,
        hold_id=hold_id,
        organization_id=organization_id,
        federation_id=path[0],
        category="welfare",
        amount_fen=total,
        purpose=f"{KIND_NAMES[command.kind]}: {command.title}",
        reference=f"{rules.REFERENCE_PREFIX}{campaign_id}",
    )
    await uow.commit()
    return campaign_id


async def _eligible(uow: WelfareUnitOfWork, organization_id: str, command: rules.CreateCampaign) -> list[dict]:
    eligibility = command.eligibility
    query = (
        select(
            members_t.c.id,
            members_t.c.display_name,
            members_t.c.organization_id,
            members_t.c.gender,
            members_t.c.status,
            organizations_t.c.path,
        )
        .join(organizations_t, organizations_t.c.id == members_t.c.organization_id)
        .where(organizations_t.c.path.any_() == organization_id)
        .order_by(members_t.c.id)
    )
    if command.member_ids is not None:
        named = list(dict.fromkeys(command.member_ids))
        rows = {
            r["id"]: dict(r) for r in (await uow.session.execute(query.where(members_t.c.id.in_(named)))).mappings()
        }
        refusals = []
        for member_id in named:
            member = rows.get(member_id)
            why: Ineligible | None
            if member is None:
                why = Ineligible("不是本单位及下属单位的会员", "not a member of this organization's subtree")
            else:
                why = eligibility.refusal(member, member["path"], organization_id)
            if why:
                refusals.append((member_id, why))
        if refusals:
            raise Invalid(
                "members_not_eligible",
                zh="以下会员不能纳入本项目：" + "；".join(f"{member_id}：{why.zh}" for member_id, why in refusals[:20]),
                en="these members cannot be enrolled: "
                + "; ".join(f"{member_id}: {why.en}" for member_id, why in refusals[:20]),
            )
        return [rows[m] for m in named]
    query = query.where(members_t.c.status.in_(eligibility.statuses))
    if eligibility.gender:
        query = query.where(members_t.c.gender == eligibility.gender)
    return [dict(r) for r in (await uow.session.execute(query)).mappings()]


async def load(
    uow: WelfareUnitOfWork, principal: Principal, campaign_id: uuid.UUID, roles=READERS, lock: bool = False
) -> dict:
    query = select(campaigns).where(campaigns.c.id == campaign_id)
    row = (await uow.session.execute(query.with_for_update() if lock else query)).mappings().first()
    if row is None or not principal.can_see(await directory.path_of(uow.session, row["organization_id"]) or []):
        raise _hidden()
    principal.require_role(*roles)
    return dict(row)


async def of_organization(uow: WelfareUnitOfWork, principal: Principal, organization_id: str) -> list[dict]:
    """The campaigns an organization runs, newest first, with how many are enrolled and the cost."""
    await directory.require_in_scope(uow.session, principal, organization_id)
    principal.require_role(*READERS)
    enrolled = (
        select(campaign_enrollments.c.campaign_id, func.count().label("enrolled"))
        .group_by(campaign_enrollments.c.campaign_id)
        .subquery()
    )
    rows = (
        (
            await uow.session.execute(
                select(campaigns, func.coalesce(enrolled.c.enrolled, 0).label("enrolled"))
                .outerjoin(enrolled, enrolled.c.campaign_id == campaigns.c.id)
                .where(campaigns.c.organization_id == organization_id)
                .order_by(campaigns.c.created_at.desc(), campaigns.c.id)
            )
        )
        .mappings()
        .all()
    )
    return [
        {
            "id": row["id"],
            "kind": row["kind"],
            "title": row["title"],
            "provider": row["provider"],
            "cost_per_member_fen": row["cost_per_member_fen"],
            "enrolled": row["enrolled"],
            "total_cost_fen": row["cost_per_member_fen"] * row["enrolled"],
            "status": row["status"],
            "created_at": row["created_at"],
        }
        for row in rows
    ]


async def view(uow: WelfareUnitOfWork, campaign: dict) -> dict:
    enrolled = (
        (
            await uow.session.execute(
                select(
                    campaign_enrollments.c.member_id,
                    campaign_enrollments.c.display_name,
                    campaign_enrollments.c.organization_id,
                )
                .where(campaign_enrollments.c.campaign_id == campaign["id"])
                .order_by(campaign_enrollments.c.display_name, campaign_enrollments.c.member_id)
            )
        )
        .mappings()
        .all()
    )
    hold = (await money.holds(uow.session, [campaign["hold_id"]])).get(campaign["hold_id"], {})
    return {
        **campaign,
        "enrolled": len(enrolled),
        "members": [dict(m) for m in enrolled],
        "total_cost_fen": campaign["cost_per_member_fen"] * len(enrolled),
        "money_status": hold.get("status"),
        "finance_reason": hold.get("reason"),
    }


async def pay(uow: WelfareUnitOfWork, principal: Principal, campaign_id: uuid.UUID, command: rules.PayCampaign) -> dict:
    campaign = await load(uow, principal, campaign_id, roles=MANAGERS, lock=True)
    hold = (await money.holds(uow.session, [campaign["hold_id"]]))[campaign["hold_id"]]
    rules.check_payment(command.amount_fen, hold["amount_fen"], campaign["status"])
    # money.pay refuses (409, with finance's reason) unless finance has reserved the cost.
    await money.pay(
        uow,
        hold_id=campaign["hold_id"],
        amount_fen=command.amount_fen,
        paid_on=command.paid_on,
        description=command.description,
    )
    await uow.session.execute(
        update(campaigns).where(campaigns.c.id == campaign_id).values(status="paid", paid_fen=command.amount_fen)
    )
    await uow.commit()
    return await view(uow, await load(uow, principal, campaign_id))


async def cancel(
    uow: WelfareUnitOfWork, principal: Principal, campaign_id: uuid.UUID, command: rules.CancelCampaign
) -> dict:
    campaign = await load(uow, principal, campaign_id, roles=MANAGERS, lock=True)
    if campaign["status"] != "open":
        raise Conflict(
            "campaign_not_open",
            zh=f"该项目{rules.status_zh(campaign['status'])}，只有进行中的项目可以取消",
            en=f"the campaign is {campaign['status']}; only an open campaign is cancelled",
        )
    await money.cancel(uow, hold_id=campaign["hold_id"], reason=f"campaign cancelled: {command.reason}")
    await uow.session.execute(
        update(campaigns).where(campaigns.c.id == campaign_id).values(status="cancelled", cancel_reason=command.reason)
    )
    await uow.commit()
    return await view(uow, await load(uow, principal, campaign_id))


async def on_campaign_settled(uow: WelfareUnitOfWork, hold: dict, settled: MoneyRequestSettledV1) -> None:
    """Finance answered about a campaign's hold: a refusal shows on the campaign's status too."""
    campaign_id = uuid.UUID(hold["reference"].removeprefix(rules.REFERENCE_PREFIX))
    campaign = (
        (await uow.session.execute(select(campaigns).where(campaigns.c.id == campaign_id).with_for_update()))
        .mappings()
        .first()
    )
    if campaign is None or campaign["hold_id"] != hold["hold_id"]:
        return
    values = rules.after_answer(campaign["status"], settled.operation, settled.outcome)
    if values:
        await uow.session.execute(update(campaigns).where(campaigns.c.id == campaign_id).values(**values))


# Insurance claims


async def file_claim(
    uow: WelfareUnitOfWork, principal: Principal, campaign_id: uuid.UUID, command: rules.FileClaim
) -> dict:
    campaign = await load(uow, principal, campaign_id, roles=MANAGERS)
    if campaign["kind"] != "insurance":
        raise Invalid(
            "claim_needs_insurance",
            zh="理赔只能针对团体保险项目申请",
            en="claims are filed against an insurance campaign",
        )
    enrolled = await uow.session.scalar(
        select(func.count())
        .select_from(campaign_enrollments)
        .where(campaign_enrollments.c.campaign_id == campaign_id, campaign_enrollments.c.member_id == command.member_id)
    )
    if not enrolled:
        raise Invalid(
            "claim_member_not_insured", zh="该会员未参加此保险项目", en="the member is not insured by this campaign"
        )
    claim_id = uuid.uuid4()
    await uow.session.execute(
        insert(insurance_claims).values(
            id=claim_id,
            campaign_id=campaign_id,
            member_id=command.member_id,
            claimed_fen=command.claimed_fen,
            description=command.description,
            filed_by=principal.subject,
        )
    )
    await uow.commit()
    return await _claim(uow, claim_id)


async def decide_claim(
    uow: WelfareUnitOfWork, principal: Principal, claim_id: uuid.UUID, decision: rules.DecideClaim
) -> dict:
    claim = (
        (await uow.session.execute(select(insurance_claims).where(insurance_claims.c.id == claim_id).with_for_update()))
        .mappings()
        .first()
    )
    if claim is None:
        raise _claim_hidden()
    try:
        await load(uow, principal, claim["campaign_id"], roles=MANAGERS)
    except NotFound:
        raise _claim_hidden() from None
    values = rules.next_claim(claim["status"], decision, claim["claimed_fen"])
    await uow.session.execute(
        update(insurance_claims).where(insurance_claims.c.id == claim_id).values(updated_at=_now(), **values)
    )
    await uow.commit()
    return await _claim(uow, claim_id)


async def claims_of(uow: WelfareUnitOfWork, campaign_id: uuid.UUID) -> list[dict]:
    rows = await uow.session.execute(
        select(insurance_claims)
        .where(insurance_claims.c.campaign_id == campaign_id)
        .order_by(insurance_claims.c.created_at)
    )
    return [dict(r) for r in rows.mappings()]


async def _claim(uow: WelfareUnitOfWork, claim_id: uuid.UUID) -> dict:
    return dict(
        (await uow.session.execute(select(insurance_claims).where(insurance_claims.c.id == claim_id))).mappings().one()
    )
