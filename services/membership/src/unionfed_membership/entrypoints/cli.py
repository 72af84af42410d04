"""``unionfed membership …``"""

import asyncio
import datetime as dt

import click

from unionfed_membership.entrypoints import roster_cli
from unionfed_membership.entrypoints.app import definition
from unionfed_membership.service_layer import commands, handlers
from unionfed_shared.cli import service_cli
from unionfed_shared.context import Causation, caused_by
from unionfed_shared.runtime import build_runtime

cli = service_cli(definition)
roster_cli.register(cli)


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


@cli.command("apply-scheduled")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Defaults to today.")
@click.option("--operator", default="scheduler", show_default=True, help="Who applies them, for the audit trail.")
def apply_scheduled(today, operator: str) -> None:
    """Apply every member change (transfer, retirement, …) due by today and emit its event.

    Run it daily (e.g. from cron just after midnight). Commands about a member also apply
    that member's due change first, so a missed run delays only members nobody touched.
    """
    from unionfed_membership.service_layer import member_changes

    day = today.date() if today else dt.date.today()

    async def run():
        runtime = build_runtime(definition())
        try:
            with caused_by(Causation.new_command(actor=operator)):
                return await member_changes.apply_scheduled(runtime.uow, day, operator)
        finally:
            await runtime.engine.dispose()

    applied = asyncio.run(run())
    for change in applied:
        target = f" to {change.to_organization_id}" if change.to_organization_id else ""
        click.echo(f"applied {change.change}{target} of member {change.member_id}, effective {change.effective_on}")
    click.echo(f"{len(applied)} change(s) applied, due by {day}")
