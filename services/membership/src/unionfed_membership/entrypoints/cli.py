"""``unionfed membership …``"""

import asyncio

import click

from unionfed_membership.entrypoints.app import definition
from unionfed_membership.service_layer import commands, handlers
from unionfed_shared.cli import service_cli
from unionfed_shared.context import Causation, caused_by
from unionfed_shared.runtime import build_runtime

cli = service_cli(definition)


@cli.command("found-federation")
@click.option("--id", "federation_id", required=True, help="e.g. county-edu")
@click.option("--name", required=True, help="e.g. 某县教育工会")
@click.option("--operator", default="operator", show_default=True, help="Who is founding it, for the audit trail.")
def found_federation(federation_id: str, name: str, operator: str) -> None:
    """Found a root federation (the top of a tree)."""

    async def run():
        runtime = build_runtime(definition())
        try:
            with caused_by(Causation.new_command(actor=operator)):
                async with runtime.uow() as uow:
                    return await handlers.found_federation(uow, commands.FoundFederation(id=federation_id, name=name))
        finally:
            await runtime.engine.dispose()

    federation = asyncio.run(run())
    click.echo(f"founded federation {federation.id} ({federation.name})")
