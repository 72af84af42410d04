"""HTTP for the record chains: what ``unionfed membership verify-records`` checks, for an
organization and the organizations below it (officers and auditors in scope)."""

from fastapi import APIRouter
from pydantic import BaseModel, Field

from unionfed_membership.entrypoints.dependencies import CurrentRuntime
from unionfed_membership.service_layer import record_chains
from unionfed_shared.caller import CurrentPrincipal

router = APIRouter(prefix="/v1", tags=["membership record chains"])


class RecordChainVerification(BaseModel):
    organization_id: str
    ok: bool = Field(description="true when every link hashes and chains and every chained record is as chained")
    checked_links: int
    checked_records: int = Field(description="records in a chained state (submitted, returned, accepted, reviewed)")
    findings: list[str] = Field(description="each names the record and the field that is not what was chained")


@router.get(
    "/organizations/{organization_id}/record-chain",
    response_model=RecordChainVerification,
    summary="Verify the record chains of statistics reports and 职工之家 reviews (as `verify-records`)",
)
async def record_chain(
    organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> RecordChainVerification:
    """Each link of the organization's chains and those below it re-hashed, and each statistics report
    version and 职工之家 assessment in a chained state compared with its last link, field by field."""
    async with runtime.uow() as uow:
        checked = await record_chains.verification(uow, principal, organization_id)
    return RecordChainVerification(
        organization_id=organization_id,
        ok=checked.ok,
        checked_links=checked.checked_links,
        checked_records=checked.checked_records,
        findings=list(checked.findings),
    )
