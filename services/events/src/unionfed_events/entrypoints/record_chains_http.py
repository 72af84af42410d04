"""HTTP for the record chains: what ``unionfed events verify-records`` checks, for an
organization and the organizations below it (officers and auditors in scope)."""

from fastapi import APIRouter
from pydantic import BaseModel, Field

from unionfed_events.entrypoints.dependencies import CurrentRuntime
from unionfed_events.service_layer import record_chains
from unionfed_shared.caller import CurrentPrincipal

router = APIRouter(prefix="/v1", tags=["events record chains"])


class RecordChainVerification(BaseModel):
    organization_id: str
    ok: bool = Field(description="true when every link hashes and chains and every chained record is as chained")
    checked_links: int
    checked_records: int = Field(description="records in a chained state (submitted, adopted, declined)")
    findings: list[str] = Field(description="each names the record and the field that is not what was chained")


@router.get(
    "/organizations/{organization_id}/record-chain",
    response_model=RecordChainVerification,
    summary="Verify the record chains of 信息报送 items, evaluation results and 师德 lists (as `verify-records`)",
)
async def record_chain(
    organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> RecordChainVerification:
    """Each link of the organization's chains and those below it re-hashed, and each 信息报送 item
    (submitted, adopted, declined), submitted evaluation result and submitted 师德 list compared with
    its last link, field by field."""
    async with runtime.uow() as uow:
        checked = await record_chains.verification(uow, principal, organization_id)
    return RecordChainVerification(
        organization_id=organization_id,
        ok=checked.ok,
        checked_links=checked.checked_links,
        checked_records=checked.checked_records,
        findings=list(checked.findings),
    )
