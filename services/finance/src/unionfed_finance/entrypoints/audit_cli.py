"""``unionfed finance verify-chain | export-head | public-key | reconcile | verify-audit-records``: the
auditor's (经审) commands.

``register(group)`` adds them to the finance command group. Each exits non-zero when what it
checks does not hold, so a scheduled job or CI step fails loudly.
"""

import asyncio
import json
from pathlib import Path

import click

from unionfed_finance.adapters.audit_repository import AuditRepository
from unionfed_finance.adapters.chain import verify_chain
from unionfed_finance.adapters.reconciliation import reconcile
from unionfed_finance.adapters.signed_head import (
    ChainBroken,
    SigningKeyMissing,
    export_head,
    key_id,
    load_signing_key,
    load_trusted_keys,
    public_key_pem,
    trusted_keys_of,
    verify_against_head,
)
from unionfed_finance.entrypoints.app import definition
from unionfed_shared.runtime import build_runtime


def _in_session(work):
    """Run ``await work(session, settings)`` on a fresh runtime and dispose its engine after."""

    async def run():
        runtime = build_runtime(definition())
        try:
            async with runtime.session_factory() as session:
                return await work(session, runtime.settings)
        finally:
            if runtime.blob_storage is not None:
                await runtime.blob_storage.close()
            await runtime.engine.dispose()

    return asyncio.run(run())


@click.command("verify-chain")
@click.option("--org", "organization_id", required=True, help="The organization whose ledger to verify.")
@click.option(
    "--against",
    "head_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A head exported by export-head: nothing up to the entry it signed may have changed.",
)
@click.option(
    "--trusted-key",
    "trusted_paths",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="A public key PEM, or a directory of *.pem, trusted to have signed heads (repeatable; current and "
    "retired keys). Default: the service's signing key and FINANCE_HEAD_TRUSTED_KEYS_DIR.",
)
def verify_chain_command(organization_id: str, head_file: Path | None, trusted_paths: tuple[Path, ...]) -> None:
    """Re-verify a ledger's hash chain from sequence 1; exit 1 naming the first broken entry and column."""
    head = _read_head(head_file) if head_file else None
    if head is not None and head.get("organization_id") != organization_id:
        raise click.UsageError(f"{head_file} signs the head of {head.get('organization_id')}, not {organization_id}")

    async def work(session, settings):
        report = await verify_chain(session, organization_id)
        if head is None:
            return report, None
        try:
            trusted = load_trusted_keys(trusted_paths) if trusted_paths else trusted_keys_of(settings)
        except (SigningKeyMissing, OSError, ValueError) as exc:
            raise click.UsageError(f"cannot read the trusted keys: {exc}") from exc
        return report, await verify_against_head(session, head, trusted, report)

    report, against = _in_session(work)
    click.echo(str(report))
    if against is not None:
        click.echo(str(against))
    if not report.ok or (against is not None and not against.ok):
        raise SystemExit(1)


def _signing_key(settings):
    try:
        return load_signing_key(settings.head_signing_key_file)
    except SigningKeyMissing as exc:
        raise click.UsageError(str(exc)) from exc


def _read_head(path: Path) -> dict:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise click.UsageError(f"{path} is not a readable JSON head: {exc}") from exc
    if not isinstance(document, dict):
        raise click.UsageError(f"{path} is not a JSON object")
    return document


@click.command("export-head")
@click.option("--org", "organization_id", required=True, help="The organization whose ledger head to sign off.")
@click.option("--auditor", required=True, help="Who signs off (name of the auditor or review group).")
@click.option(
    "--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout."
)
def export_head_command(organization_id: str, auditor: str, out_file: Path | None) -> None:
    """Sign off the verified current head of a ledger (Ed25519) for an auditor to keep."""

    async def work(session, settings):
        return await export_head(session, organization_id, auditor, _signing_key(settings))

    try:
        document = _in_session(work)
    except ValueError as invalid:
        raise click.UsageError(str(invalid)) from None
    except ChainBroken as broken:
        click.echo(f"refusing to sign off a broken chain: {broken.report}", err=True)
        raise SystemExit(1) from None
    rendered = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if out_file is None:
        click.echo(rendered, nl=False)
    else:
        out_file.write_text(rendered, encoding="utf-8")
        click.echo(f"signed off {organization_id} at sequence {document['sequence']} → {out_file}")


@click.command("public-key")
@click.option(
    "--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout."
)
def public_key_command(out_file: Path | None) -> None:
    """Print the public key (PEM) that checks the heads export-head signs; no secret in it."""
    public = _signing_key(definition().settings_factory()).public_key()
    pem = public_key_pem(public)
    if out_file is None:
        click.echo(pem, nl=False)
    else:
        out_file.write_text(pem, encoding="ascii")
    click.echo(f"key id {key_id(public)}", err=True)


@click.command("reconcile")
def reconcile_command() -> None:
    """Check every invariant of the books over all ledgers; exit 1 when any check fails."""

    async def work(session, _settings):
        return await reconcile(session)

    report = _in_session(work)
    click.echo(str(report))
    if not report.ok:
        raise SystemExit(1)


@click.command("verify-audit-records")
@click.option("--ledger", "ledgers", multiple=True, help="A ledger whose audit chain to verify (repeatable).")
@click.option("--federation", help="Every ledger of this federation with audit records.")
def verify_audit_records_command(ledgers: tuple[str, ...], federation: str | None) -> None:
    """Re-verify the audit committee's chains (findings, answers, sign-offs); exit 1 when one breaks."""
    if not ledgers and not federation:
        raise click.UsageError("name --ledger or --federation")

    async def work(session, _settings):
        repository = AuditRepository(session)
        names = list(ledgers) + (await repository.federation_ledgers(federation) if federation else [])
        return [await repository.verify(name) for name in names]

    checks = _in_session(work)
    for check in checks:
        click.echo(str(check))
    if not all(check.ok for check in checks):
        raise SystemExit(1)


def register(cli_group: click.Group) -> None:
    """Attach the audit commands to ``unionfed finance``."""
    for command in (
        verify_chain_command,
        export_head_command,
        public_key_command,
        reconcile_command,
        verify_audit_records_command,
    ):
        cli_group.add_command(command)
