"""The record chains' route and commands, the same in every service that keeps chains: the service
says what its chains cover, who may verify (its use case) and how to open its chains on a session."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import click
from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_shared.auth import Principal
from unionfed_shared.caller import CurrentPrincipal, CurrentRuntime
from unionfed_shared.record_chain.rules import Verification
from unionfed_shared.record_chain.store import RecordChains
from unionfed_shared.runtime import ServiceDefinition, build_runtime

# A service's use case: the verification of an organization's chains and those below it, for a reader
# in scope. Its first argument is the service's own unit of work (what ``runtime.uow()`` opens).
Verify = Callable[[Any, Principal, str], Awaitable[Verification]]


class RecordChainVerification(BaseModel):
    organization_id: str
    ok: bool = Field(description="true when every link hashes and chains and every chained record is as chained")
    checked_links: int
    checked_records: int = Field(description="records in a state that is chained")
    findings: list[str] = Field(description="each names the record and the field that is not what was chained")


def record_chain_router(service: str, covers: str, verification: Verify) -> APIRouter:
    """``GET /v1/organizations/{organization_id}/record-chain``: what ``verify-records`` checks."""
    router = APIRouter(prefix="/v1", tags=[f"{service} record chains"])

    @router.get(
        "/organizations/{organization_id}/record-chain",
        response_model=RecordChainVerification,
        summary=f"Verify the record chains of {covers} (as `unionfed {service} verify-records`)",
        description=f"Each link of the organization's chains and those below it re-hashed, and each of its "
        f"{covers} in a chained state compared with its last link, field by field.",
    )
    async def record_chain(
        organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime
    ) -> RecordChainVerification:
        async with runtime.uow() as uow:
            checked = await verification(uow, principal, organization_id)
        return RecordChainVerification(
            organization_id=organization_id,
            ok=checked.ok,
            checked_links=checked.checked_links,
            checked_records=checked.checked_records,
            findings=list(checked.findings),
        )

    return router


def add_record_chain_commands(
    cli: click.Group,
    definition: Callable[[], ServiceDefinition],
    chains: Callable[[AsyncSession], RecordChains],
    covers: str,
) -> None:
    """``verify-records`` and ``seal-records`` on the service's command group."""

    async def on_session(work: Callable[[RecordChains], Awaitable], *, write: bool):
        runtime = build_runtime(definition())
        try:
            async with runtime.session_factory() as session:
                if not write:
                    return await work(chains(session))
                async with session.begin():
                    return await work(chains(session))
        finally:
            await runtime.engine.dispose()

    @cli.command(
        "verify-records",
        help=f"Re-verify the record chains ({covers}); exit 1 naming each record and field that is not what was chained.",
    )
    @click.option(
        "--org", "organization_ids", multiple=True, help="An organization whose chain to verify (repeatable)."
    )
    def verify_records(organization_ids: tuple[str, ...]) -> None:
        checked = asyncio.run(on_session(lambda c: c.verify(list(organization_ids) or None), write=False))
        click.echo(str(checked))
        if not checked.ok:
            raise SystemExit(1)

    @cli.command(
        "seal-records",
        help="Append a `sealed` link for each record in a chained state that has none (rows from before the "
        "chains) or whose last link lacks a column added since; run after such an upgrade. Safe to run again.",
    )
    def seal_records() -> None:
        click.echo(f"{asyncio.run(on_session(lambda c: c.seal_unchained(), write=True))} record(s) sealed")
