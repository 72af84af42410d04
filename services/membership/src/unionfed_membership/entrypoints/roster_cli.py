"""``unionfed membership import-roster``: a union office's Excel roster into the membership service."""

import asyncio
import sys
from pathlib import Path

import click

from unionfed_shared.auth import Principal, Role
from unionfed_shared.context import Causation, caused_by
from unionfed_shared.errors import DomainError
from unionfed_shared.runtime import build_runtime


def register(cli_group: click.Group) -> None:
    cli_group.add_command(import_roster)


@click.command("import-roster")
@click.option("--org", "organization_id", required=True, help="The grassroots union (or union group) to import into.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--import-valid-rows", is_flag=True, help="Import the good rows even when others are bad.")
@click.option("--operator", default="operator", show_default=True, help="Who is importing, for the audit trail.")
def import_roster(organization_id: str, file: Path, import_valid_rows: bool, operator: str) -> None:
    """Import members from an .xlsx or .csv roster (姓名, 性别, 身份证号, 手机, 工号, 入会日期, 基本工资, 工会小组)."""
    from unionfed_membership.entrypoints.app import definition
    from unionfed_membership.service_layer import roster_import

    def progress(done: int, total: int) -> None:
        # One line rewritten in place on a terminal; every 100 rows (and the last) otherwise.
        if sys.stderr.isatty():
            click.echo(f"\rimporting: {done}/{total} rows", nl=done == total, err=True)
        elif done % 100 == 0 or done == total:
            click.echo(f"importing: {done}/{total} rows", err=True)

    async def run():
        runtime = build_runtime(definition())
        try:
            async with runtime.uow() as uow:
                organization = await uow.organizations.get(organization_id)
            if organization is None:
                raise click.ClickException(f"organization {organization_id} not found")
            # The operator acts as the federation's administrator, as found-federation does.
            principal = Principal(
                operator, Role.FEDERATION_ADMIN, organization.federation_id, organization.federation_id
            )
            with caused_by(Causation.new_command(actor=operator)):
                return await roster_import.import_roster(
                    runtime.uow,
                    principal,
                    organization_id,
                    file.name,
                    file.read_bytes(),  # noqa: ASYNC240 - a one-shot CLI
                    import_valid_rows=import_valid_rows,
                    progress=progress,
                )
        finally:
            await runtime.engine.dispose()

    try:
        summary = asyncio.run(run())
    except DomainError as exc:
        raise click.ClickException(exc.detail) from None
    for error in summary.refused:
        click.echo(f"line {error.line}: {error.en}", err=True)
    for skipped in summary.skipped:
        click.echo(f"line {skipped.line}: skipped, {skipped.en} ({skipped.member_id})")
    click.echo(
        f"{file.name}: {summary.rows} rows, {summary.created} created, "
        f"{len(summary.skipped)} skipped as already members, {len(summary.refused)} refused"
    )
    if not summary.imported:
        raise click.ClickException(
            "nothing was imported because of the refused rows (--import-valid-rows imports the rest)"
        )
