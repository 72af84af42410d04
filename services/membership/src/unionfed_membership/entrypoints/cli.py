"""``unionfed membership …``"""

import asyncio
from typing import get_args

import click
from pydantic import ValidationError

from unionfed_membership.adapters.record_chains import RecordChainRepository
from unionfed_membership.entrypoints import roster_cli
from unionfed_membership.entrypoints.app import definition
from unionfed_membership.service_layer import commands, founding
from unionfed_shared import business_time
from unionfed_shared.auth import platform_admin
from unionfed_shared.cli import service_cli
from unionfed_shared.context import Causation, caused_by
from unionfed_shared.contracts.membership import DEFAULT_LANGUAGE, Language, Sector
from unionfed_shared.record_chain.entrypoints import add_record_chain_commands
from unionfed_shared.runtime import build_runtime

cli = service_cli(definition)
roster_cli.register(cli)


@cli.command("found-federation")
@click.option("--id", "federation_id", required=True, help="e.g. county-edu")
@click.option("--name", required=True, help="e.g. 某县教育工会")
@click.option(
    "--time-zone",
    default=business_time.DEFAULT_TIME_ZONE,
    show_default=True,
    help="IANA time zone; every business date of the federation (bookings, periods, yearly caps) is a date there.",
)
@click.option("--language", type=click.Choice(get_args(Language)), default=DEFAULT_LANGUAGE, show_default=True)
@click.option(
    "--sector",
    type=click.Choice(get_args(Sector)),
    default=None,
    help="The sector of its unions, inherited by every organization under it that names none.",
)
@click.option("--operator", default="operator", show_default=True, help="Who is founding it, for the audit trail.")
def found_federation(
    federation_id: str, name: str, time_zone: str, language: Language, sector: Sector | None, operator: str
) -> None:
    """Found a top-level federation (the root of a tree), as a platform administrator.

    The same use case as `POST /v1/federations` with a platform_admin token.
    """
    try:
        command = commands.FoundFederation(
            id=federation_id, name=name, time_zone=time_zone, language=language, sector=sector
        )
    except ValidationError as error:
        raise click.UsageError("; ".join(f"{e['loc'][0]}: {e['msg']}" for e in error.errors())) from error

    async def run():
        runtime = build_runtime(definition())
        try:
            with caused_by(Causation.new_command(actor=operator)):
                async with runtime.uow() as uow:
                    return await founding.found_federation(uow, platform_admin(operator), command)
        finally:
            await runtime.engine.dispose()

    federation = asyncio.run(run())
    click.echo(f"founded federation {federation.id} ({federation.name}), time zone {federation.time_zone}")


@cli.command("apply-scheduled")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Defaults to today in each member's federation's time zone.",
)
@click.option("--operator", default="scheduler", show_default=True, help="Who applies them, for the audit trail.")
def apply_scheduled(today, operator: str) -> None:
    """Apply every member change (transfer, retirement, …) due by today and emit its event.

    The service runs this itself every day at MEMBERSHIP_SCHEDULE_APPLY_SCHEDULED_AT (00:05 in
    the federation's zone; `unionfed membership schedules` shows its runs); by hand it is for a
    given --today or an instance with MEMBERSHIP_SCHEDULES_ENABLED=false. Commands about a member
    also apply that member's due change first, so a missed run delays only members nobody touched.
    """
    from unionfed_membership.service_layer import member_changes

    # Without --today, each member's federation decides what today is (see apply_scheduled).
    day = today.date() if today else None

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
    click.echo(f"{len(applied)} change(s) applied, due by {day or 'today in each federation'}")


@cli.command("reencrypt-pii")
@click.option("--batch-size", type=click.IntRange(min=1), default=500, show_default=True, help="Rows per transaction.")
def reencrypt_pii(batch_size: int) -> None:
    """Re-encrypt every member's and safety inspector's personal data under the current key.

    Rotating the personal-data key: put the new key into MEMBERSHIP_PII_KEYS beside the old one,
    make it MEMBERSHIP_PII_KEY_ID on every instance, run this, then remove the old key. Batches
    commit one by one: run it again to resume after an interruption; a second run moves nothing.
    Refuses, changing nothing, while any row is under a key the ring does not hold.
    """
    from unionfed_membership.service_layer.personal_data_keys import reencrypt_personal_data
    from unionfed_shared.errors import DomainError

    def progress(table: str, done: int, total: int) -> None:
        click.echo(f"{table}: {done}/{total} re-encrypted")

    async def run():
        runtime = build_runtime(definition())
        try:
            return await reencrypt_personal_data(runtime.uow, batch_size=batch_size, progress=progress)
        finally:
            await runtime.engine.dispose()

    try:
        done = asyncio.run(run())
    except DomainError as exc:
        raise click.ClickException(f"{exc.zh}\n{exc.en}") from None
    for table, by_key in done.by_key_before.items():
        counts = ", ".join(f"{key}: {rows}" for key, rows in sorted(by_key.items())) or "no rows"
        click.echo(f"{table} before: {counts}")
    total = sum(done.moved.values())
    if total:
        click.echo(f"{total} row(s) re-encrypted under key {done.current_key_id}")
    else:
        click.echo(f"nothing to re-encrypt: every row is under key {done.current_key_id}")


add_record_chain_commands(cli, definition, RecordChainRepository, covers="statistics reports, 职工之家 reviews")
