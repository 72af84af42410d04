"""``unionfed events …``"""

import asyncio

import click

from unionfed_events.entrypoints.app import definition
from unionfed_shared.cli import service_cli
from unionfed_shared.runtime import build_runtime

cli = service_cli(definition)


@cli.command("verify-records")
@click.option("--org", "organization_ids", multiple=True, help="An organization whose chain to verify (repeatable).")
def verify_records(organization_ids: tuple[str, ...]) -> None:
    """Re-verify the record chains (信息报送 items, evaluation results, 师德 lists); exit 1 naming each
    record and field that is not what was chained."""
    from unionfed_events.adapters.record_chains import RecordChainRepository

    async def run():
        runtime = build_runtime(definition())
        try:
            async with runtime.session_factory() as session:
                return await RecordChainRepository(session).verify(list(organization_ids) or None)
        finally:
            await runtime.engine.dispose()

    checked = asyncio.run(run())
    click.echo(str(checked))
    if not checked.ok:
        raise SystemExit(1)


@cli.command("seal-records")
def seal_records() -> None:
    """Append a ``sealed`` link for each record in a chained state that has none (the rows from before
    migration 0014_record_chains); run once after upgrading. Safe to run again."""
    from unionfed_events.adapters.record_chains import RecordChainRepository

    async def run():
        runtime = build_runtime(definition())
        try:
            async with runtime.session_factory() as session, session.begin():
                return await RecordChainRepository(session).seal_unchained()
        finally:
            await runtime.engine.dispose()

    click.echo(f"{asyncio.run(run())} record(s) sealed")
