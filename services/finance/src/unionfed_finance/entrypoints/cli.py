"""``unionfed finance …``"""

import asyncio
import sys

import click

from unionfed_finance.adapters import backup_facts
from unionfed_finance.entrypoints import audit_cli
from unionfed_finance.entrypoints.app import definition
from unionfed_shared.cli import service_cli

# A backup's manifest holds every ledger's head from the dump; a restore verifies each chain against it.
cli = service_cli(definition, backup_facts=backup_facts.ledger_heads, restore_check=backup_facts.check_restored)
audit_cli.register(cli)


@cli.command()
@click.option("--into", "database_url", required=True, help="An empty database: postgresql+asyncpg://…/finance_rebuilt")
@click.option(
    "--compare/--no-compare", default=True, show_default=True, help="Compare the rebuilt ledgers with the live ones."
)
@click.option(
    "--from-snapshot",
    "snapshot_url",
    default=None,
    help="A snapshot (a database on the same server taken with --snapshot): verified, copied, and only the tail replayed.",
)
@click.option(
    "--snapshot/--no-snapshot",
    "take_snapshot",
    default=False,
    show_default=True,
    help="Record a verified snapshot (offsets and ledger heads) in the rebuilt database at the end.",
)
@click.option("--batch-size", default=None, type=click.IntRange(min=1), help="Records applied per transaction [5000].")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Processes replaying in parallel, the input topics' partitions dealt among them (up to the cores PostgreSQL leaves free).",
)
def rebuild(
    database_url: str,
    compare: bool,
    snapshot_url: str | None,
    take_snapshot: bool,
    batch_size: int | None,
    workers: int,
) -> None:
    """Replay every input topic from offset 0 (or from a snapshot) into an empty database, and compare with the live books.

    Exits 1 without writing when records were deleted or expired from an input topic or the
    snapshot's ledgers do not verify to the heads it records, and after the replay when a ledger's
    sequences have a gap or stop short of the live database's head.
    """
    from unionfed_finance.adapters.book_snapshots import SnapshotRefused
    from unionfed_finance.adapters.ledger_fingerprints import ledger_fingerprint
    from unionfed_finance.entrypoints.rebuild_workers import worker_processes
    from unionfed_finance.service_layer.rebuild import REBUILD_BATCH, IncompleteHistory, IncompleteLedgers
    from unionfed_finance.service_layer.rebuild import rebuild as run_rebuild
    from unionfed_shared.db import make_engine, make_session_factory

    live_settings = definition().settings_factory()
    settings = live_settings.model_copy(update={"database_url": database_url})

    def progress(done: int, total: int) -> None:
        share = 100 * done // total if total else 100
        click.echo(f"\rrebuild: {done:,} of {total:,} messages applied ({share}%)", nl=False, err=True)

    async def fingerprint(url: str) -> dict:
        engine = make_engine(url)
        try:
            async with make_session_factory(engine)() as session:
                return await ledger_fingerprint(session)
        finally:
            await engine.dispose()

    async def run():
        try:
            report = await run_rebuild(
                definition(),
                settings,
                live_database_url=live_settings.database_url,
                progress=progress,
                batch_size=batch_size or REBUILD_BATCH,
                from_snapshot=snapshot_url,
                take_snapshot=take_snapshot,
                say=lambda line: click.echo(f"rebuild: {line}", err=True),
                other_workers=lambda rebuild_settings, backlog: worker_processes(
                    rebuild_settings, backlog, workers - 1
                ),
            )
        except SnapshotRefused as refusal:
            click.echo(f"\n重建被拒绝 / rebuild refused: {refusal}", err=True)
            sys.exit(1)
        except (IncompleteHistory, IncompleteLedgers) as refusal:
            click.echo(f"\nrebuild refused: {refusal}", err=True)
            sys.exit(1)
        if report.from_snapshot is not None:
            click.echo(f"\nrebuild: started from {report.from_snapshot}, its ledgers verified")
        click.echo(f"\nrebuild: {report.messages:,} messages in {report.seconds:.1f} s (group {report.consumer_group})")
        checked = f"  {report.ledgers:,} ledgers without a gap; "
        if report.live_heads is None:
            click.echo(checked + f"live heads not compared ({report.live_unreachable})")
        else:
            click.echo(checked + f"all {report.live_heads:,} live heads reached")
            click.echo(f"  {report.vouchers:,} vouchers (票据) copied from the live database (files are not events)")
        if report.snapshot is not None:
            click.echo(f"  took {report.snapshot}, every ledger verified, in {report.snapshot_seconds:.1f} s")
        if compare:
            live, rebuilt = await fingerprint(live_settings.database_url), await fingerprint(database_url)
            for part in ("entries", "lines", "balances", "heads"):
                same = live[part] == rebuilt[part]
                click.echo(
                    f"  {part:<9} live {len(live[part]):>8,}  rebuilt {len(rebuilt[part]):>8,}  {'identical' if same else 'DIFFERENT'}"
                )
                if not same:
                    sys.exit(1)

    asyncio.run(run())


@cli.command("key-journal-by-ledger")
@click.argument("federation_id")
def key_journal_by_ledger(federation_id: str) -> None:
    """Key FEDERATION_ID's journal by ledger: its load spreads over the journal's partitions.

    For a federation without journal history (before its first money instruction); refused otherwise.
    """
    from unionfed_finance.service_layer import journal
    from unionfed_shared.errors import Conflict
    from unionfed_shared.runtime import Runtime

    async def run() -> bool:
        runtime = Runtime(definition())
        try:
            async with runtime.uow() as uow:
                return await journal.key_by_ledger(uow, federation_id)
        finally:
            await runtime.engine.dispose()

    try:
        changed = asyncio.run(run())
    except Conflict as refusal:
        click.echo(f"refused: {refusal.zh} / {refusal.en}", err=True)
        sys.exit(1)
    click.echo(f"{federation_id}: journal keyed by ledger" + ("" if changed else " (already)"))
