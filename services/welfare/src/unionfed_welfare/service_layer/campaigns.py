"""Health checks and group insurance: enrol, reserve the cost, pay the provider, handle claims.

Creating a campaign stores it, whom it enrols and its hold, and stages WelfareHoldRequestedV1 in
one transaction (through :mod:`money`); paying and cancelling stage theirs in the campaign's own
transaction in the same way. Finance's answers land on the hold, and a refusal on the campaign too.
"""

import dataclasses
import datetime as dt
import uuid

from unionfed_shared.auth import Principal
from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_shared.errors import NotFound
from unionfed_welfare.domain import campaigns as rules
from unionfed_welfare.domain.campaigns import Campaign, Candidate, Claim, Enrollee
from unionfed_welfare.service_layer import money
from unionfed_welfare.service_layer.commands import CancelCampaign, CreateCampaign, DecideClaim, FileClaim, PayCampaign
from unionfed_welfare.service_layer.greetings import MANAGERS, READERS
from unionfed_welfare.service_layer.unit_of_work import WelfareUnitOfWork


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
    uow: WelfareUnitOfWork, principal: Principal, organization_id: str, command: CreateCampaign
) -> uuid.UUID:
    path = await uow.directory.path_of(organization_id)
    principal.require_scope(path)
    assert path is not None  # require_scope refused an unknown organization
    principal.require_role(*MANAGERS)
    enrolled = await _eligible(uow, organization_id, command)
    total = rules.total_cost(command.cost_per_member_fen, len(enrolled))
    campaign = Campaign(
        id=uuid.uuid4(),
        organization_id=organization_id,
        federation_id=path[0],
        kind=command.kind,
        title=command.title,
        provider=command.provider,
        cost_per_member_fen=command.cost_per_member_fen,
        eligible_gender=command.eligibility.gender,
        eligible_statuses=list(dict.fromkeys(command.eligibility.statuses)),
        hold_id=uuid.uuid4(),
        created_by=principal.subject,
    )
    await uow.campaigns.add(campaign, [Enrollee(m.id, m.display_name, m.organization_id) for m in enrolled])
    # Creating the campaign approves its cost: the whole of it is reserved at once.
    await money.reserve(
        uow,
        hold_id=campaign.hold_id,
        organization_id=organization_id,
        federation_id=campaign.federation_id,
        category="welfare",
        amount_fen=total,
        purpose=f"{rules.KIND_NAMES[command.kind]}: {command.title}",
        reference=f"{rules.REFERENCE_PREFIX}{campaign.id}",
    )
    await uow.commit()
    return campaign.id


async def _eligible(uow: WelfareUnitOfWork, organization_id: str, command: CreateCampaign) -> list[Candidate]:
    """Those named, each refused unless eligible; or else everyone eligible in the subtree."""
    eligibility = command.eligibility
    if command.member_ids is not None:
        named = list(dict.fromkeys(command.member_ids))
        found = await uow.campaigns.members_named(organization_id, named)
        rules.check_named_members(named, found, eligibility, organization_id)
        return [found[m] for m in named]
    return await uow.campaigns.members_eligible(organization_id, list(eligibility.statuses), eligibility.gender)


async def load(
    uow: WelfareUnitOfWork, principal: Principal, campaign_id: uuid.UUID, roles=READERS, lock: bool = False
) -> Campaign:
    campaign = await uow.campaigns.get(campaign_id, for_update=lock)
    if campaign is None or not principal.can_see(await uow.directory.path_of(campaign.organization_id) or []):
        raise _hidden()
    principal.require_role(*roles)
    return campaign


async def of_organization(uow: WelfareUnitOfWork, principal: Principal, organization_id: str) -> list[dict]:
    """The campaigns an organization runs, newest first, with how many are enrolled and the cost."""
    await uow.directory.require_in_scope(principal, organization_id)
    principal.require_role(*READERS)
    return [
        {
            "id": campaign.id,
            "kind": campaign.kind,
            "title": campaign.title,
            "provider": campaign.provider,
            "cost_per_member_fen": campaign.cost_per_member_fen,
            "enrolled": enrolled,
            "total_cost_fen": campaign.cost_of(enrolled),
            "status": campaign.status,
            "created_at": campaign.created_at,
        }
        for campaign, enrolled in await uow.campaigns.of_organization(organization_id)
    ]


async def view(uow: WelfareUnitOfWork, campaign: Campaign) -> dict:
    enrolled = await uow.campaigns.enrolled(campaign.id)
    hold = await uow.holds.get(campaign.hold_id) or {}
    return {
        **dataclasses.asdict(campaign),
        "enrolled": len(enrolled),
        "members": [dataclasses.asdict(m) for m in enrolled],
        "total_cost_fen": campaign.cost_of(len(enrolled)),
        "money_status": hold.get("status"),
        "finance_reason": hold.get("reason"),
    }


async def read(uow: WelfareUnitOfWork, principal: Principal, campaign_id: uuid.UUID) -> dict:
    return await view(uow, await load(uow, principal, campaign_id))


async def pay(uow: WelfareUnitOfWork, principal: Principal, campaign_id: uuid.UUID, command: PayCampaign) -> dict:
    campaign = await load(uow, principal, campaign_id, roles=MANAGERS, lock=True)
    hold = await uow.holds.get(campaign.hold_id)
    assert hold is not None  # a campaign's hold is stored with it
    campaign.pay(command.amount_fen, hold["amount_fen"])
    # money.pay refuses (409, with finance's reason) unless finance has reserved the cost.
    await money.pay(
        uow,
        hold_id=campaign.hold_id,
        amount_fen=command.amount_fen,
        paid_on=command.paid_on,
        description=command.description,
    )
    await uow.campaigns.save_status(campaign)
    await uow.commit()
    return await read(uow, principal, campaign_id)


async def cancel(uow: WelfareUnitOfWork, principal: Principal, campaign_id: uuid.UUID, command: CancelCampaign) -> dict:
    campaign = await load(uow, principal, campaign_id, roles=MANAGERS, lock=True)
    campaign.cancel(command.reason)
    await money.cancel(uow, hold_id=campaign.hold_id, reason=f"campaign cancelled: {command.reason}")
    await uow.campaigns.save_status(campaign)
    await uow.commit()
    return await read(uow, principal, campaign_id)


async def on_campaign_settled(uow: WelfareUnitOfWork, hold: dict, settled: MoneyRequestSettledV1) -> None:
    """Finance answered about a campaign's hold: a refusal shows on the campaign's status too."""
    campaign_id = uuid.UUID(hold["reference"].removeprefix(rules.REFERENCE_PREFIX))
    campaign = await uow.campaigns.get(campaign_id, for_update=True)
    if campaign is None or campaign.hold_id != hold["hold_id"]:
        return
    if campaign.hear(settled.operation, settled.outcome):
        await uow.campaigns.save_status(campaign)


# Insurance claims


async def file_claim(uow: WelfareUnitOfWork, principal: Principal, campaign_id: uuid.UUID, command: FileClaim) -> dict:
    campaign = await load(uow, principal, campaign_id, roles=MANAGERS)
    rules.check_claimable(campaign, await uow.campaigns.is_enrolled(campaign_id, command.member_id))
    claim = Claim(
        id=uuid.uuid4(),
        campaign_id=campaign_id,
        member_id=command.member_id,
        claimed_fen=command.claimed_fen,
        description=command.description,
        filed_by=principal.subject,
    )
    await uow.claims.add(claim)
    await uow.commit()
    return await _claim(uow, claim.id)


async def decide_claim(
    uow: WelfareUnitOfWork, principal: Principal, claim_id: uuid.UUID, decision: DecideClaim
) -> dict:
    claim = await uow.claims.get(claim_id, for_update=True)
    if claim is None:
        raise _claim_hidden()
    try:
        await load(uow, principal, claim.campaign_id, roles=MANAGERS)
    except NotFound:
        raise _claim_hidden() from None
    claim.decide(decision, _now())
    await uow.claims.save_decision(claim)
    await uow.commit()
    return await _claim(uow, claim_id)


async def claims_of(uow: WelfareUnitOfWork, principal: Principal, campaign_id: uuid.UUID) -> list[dict]:
    """The campaign's claims in the order they were filed."""
    await load(uow, principal, campaign_id)
    return [dataclasses.asdict(claim) for claim in await uow.claims.of_campaign(campaign_id)]


async def _claim(uow: WelfareUnitOfWork, claim_id: uuid.UUID) -> dict:
    claim = await uow.claims.get(claim_id)
    assert claim is not None  # filed or decided in this unit of work
    return dataclasses.asdict(claim)
