"""``unionfed``: one command line for the platform; each service adds its group by entry point.

Services register ``[project.entry-points."unionfed.cli"] NAME = "pkg.module:cli"``, so this
module never imports a service.

A service's commands read its settings from the environment (``FINANCE_DATABASE_URL``, …); what
the environment lacks they take from the state directory of the platform ``make up`` runs
(``--state-dir``, ``UNIONFED_STATE_DIR``, else ``.run/dev`` of the repository around the working
directory), and when neither has them they say so in one line instead of a traceback.
"""

import asyncio
import datetime as dt
import json
import os
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path

import click
from pydantic import ValidationError

from unionfed_shared.auth import PLATFORM, Role, TokenService
from unionfed_shared.backup import Check, Facts, prune_backups
from unionfed_shared.contracts.topics import ALL_TOPICS
from unionfed_shared.runtime import RuntimeParts, ServiceDefinition, build_runtime
from unionfed_shared.settings import (
    STATE_DIR_ENV,
    adopt_platform_settings,
    default_state_dir,
    env_prefix,
    explain_settings_error,
)

_STATE_DIR = "unionfed.state_dir"
_ADOPTED = "unionfed.settings_file"


class _PlatformGroup(click.Group):
    def list_commands(self, ctx):
        return sorted({*super().list_commands(ctx), *(ep.name for ep in _service_entry_points())})

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is not None:
            return command
        for ep in _service_entry_points():
            if ep.name == name:
                return ep.load()
        return None


def _service_entry_points():
    return entry_points(group="unionfed.cli")


@click.group(cls=_PlatformGroup)
@click.version_option(package_name="unionfed-shared", prog_name="unionfed")
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=STATE_DIR_ENV,
    show_envvar=True,
    help="State directory of the running platform (default: .run/dev of the repository you are in); "
    "service commands read its env/NAME.env for the settings the environment does not set.",
)
@click.pass_context
def main(ctx: click.Context, state_dir: Path | None) -> None:
    """unionfed: membership, welfare, events and finance for union federations.

    After `make up`, `uv run unionfed NAME COMMAND` reaches the running platform with nothing exported.
    """
    ctx.meta[_STATE_DIR] = state_dir or default_state_dir()


def _state_dir(ctx: click.Context) -> Path | None:
    if _STATE_DIR in ctx.meta:
        return ctx.meta[_STATE_DIR]
    explicit = os.environ.get(STATE_DIR_ENV)
    return Path(explicit) if explicit else default_state_dir()


@main.command()
@click.option("--subject", required=True, help="Who the token speaks for, e.g. a user id.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option(
    "--org",
    "organization_id",
    help=f"The organization the caller acts for ({PLATFORM!r} for platform_admin, the default).",
)
@click.option("--federation", "federation_id", help=f"Its federation ({PLATFORM!r} for platform_admin, the default).")
@click.option("--hours", default=8, show_default=True, type=int)
@click.option(
    "--secret",
    envvar="UNIONFED_JWT_SECRET",
    show_envvar=True,
    help="HS256 key; default: the running platform's (jwt-secret in its state directory).",
)
@click.option("--audience", envvar="UNIONFED_JWT_AUDIENCE", default="unionfed", show_default=True)
@click.option("--issuer", envvar="UNIONFED_JWT_ISSUER", default="unionfed-local", show_default=True)
@click.pass_context
def token(ctx, subject, role, organization_id, federation_id, hours, secret, audience, issuer) -> None:
    """Mint a bearer token for local use."""
    if Role(role) is Role.PLATFORM_ADMIN:
        # The platform administrator acts for the platform, never for an organization.
        organization_id, federation_id = organization_id or PLATFORM, federation_id or PLATFORM
        if (organization_id, federation_id) != (PLATFORM, PLATFORM):
            raise click.UsageError(f"a platform_admin token names --org {PLATFORM} --federation {PLATFORM}")
    elif organization_id is None or federation_id is None:
        raise click.UsageError("--org and --federation are required for this role")
    if secret is None:
        state_dir = _state_dir(ctx)
        stored = state_dir / "jwt-secret" if state_dir else None
        if stored is None or not stored.is_file():
            raise click.ClickException(
                f"no signing secret: {stored or 'no state directory found'} does not exist. Run `make up`, "
                f"set {STATE_DIR_ENV} to a running platform's state directory, or pass --secret / UNIONFED_JWT_SECRET."
            )
        secret = stored.read_text().strip()
    tokens = TokenService(secret, audience, issuer)
    click.echo(tokens.issue(subject, Role(role), organization_id, federation_id, dt.timedelta(hours=hours)))


@main.group()
def topics() -> None:
    """Kafka topics of the platform."""


@topics.command("create")
@click.option("--bootstrap", envvar="UNIONFED_KAFKA_BOOTSTRAP", default="127.0.0.1:29092", show_envvar=True)
def topics_create(bootstrap: str) -> None:
    """Create every missing domain and dead-letter topic, and bring existing ones to the declared settings.

    Replicas and min.insync.replicas come from UNIONFED_KAFKA_REPLICATION_FACTOR and
    UNIONFED_KAFKA_MIN_INSYNC_REPLICAS (1 and 1 by default; 3 and 2 in production); with
    UNIONFED_KAFKA_SECURITY_PROTOCOL SASL_PLAINTEXT or SASL_SSL it authenticates as
    UNIONFED_KAFKA_SASL_USERNAME with UNIONFED_KAFKA_SASL_PASSWORD (UNIONFED_KAFKA_SASL_MECHANISM,
    UNIONFED_KAFKA_SSL_CAFILE), as the services do with their KAFKA_* settings.
    """
    from pydantic import ValidationError

    from unionfed_shared.messaging.kafka import TopicSettingsError, ensure_topics, topic_client_options
    from unionfed_shared.settings import KafkaTopicSettings

    try:
        settings = KafkaTopicSettings()
        result = asyncio.run(ensure_topics(topic_client_options(bootstrap, settings), settings=settings))
    except ValidationError as exc:  # one line: what is wrong with which UNIONFED_KAFKA_* variable
        problems = "; ".join(
            (f"UNIONFED_KAFKA_{e['loc'][0]}".upper() + ": " if e["loc"] else "") + e["msg"] for e in exc.errors()
        )
        raise click.ClickException(f"invalid settings: {problems}") from exc
    except TopicSettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    created, altered = ", ".join(result.created) or "none missing", ", ".join(result.altered) or "none differed"
    click.echo(f"created {len(result.created)} topic(s); {len(ALL_TOPICS)} expected: {created}")
    click.echo(f"brought {len(result.altered)} existing topic(s) to the declared settings: {altered}")


def _default_backup_dir(ctx: click.Context) -> Path:
    state_dir = _state_dir(ctx)
    if state_dir is None:
        raise click.UsageError("no state directory found: name the backup directory with --out")
    return state_dir.parent / "backups" / dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _service_groups() -> list[tuple[str, click.Group]]:
    order = {"membership": 0, "welfare": 1, "events": 2, "finance": 3}
    return sorted(((ep.name, ep.load()) for ep in _service_entry_points()), key=lambda s: (order.get(s[0], 9), s[0]))


@main.command("backup")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for every service's dump and manifest (default: .run/backups/<UTC time> beside the state directory).",
)
@click.option(
    "--keep",
    type=click.IntRange(min=1),
    help="Then remove all but the KEEP newest complete backups beside it (directories named by their UTC time).",
)
@click.pass_context
def backup_all(ctx: click.Context, out_dir: Path | None, keep: int | None) -> None:
    """Back up every service (`unionfed NAME backup` for each) into one directory."""
    directory = out_dir or _default_backup_dir(ctx)
    services = _service_groups()
    for name, group in services:
        with group.make_context(name, ["backup", "--out", str(directory)], parent=ctx) as sub:
            group.invoke(sub)
    click.echo(f"backup complete: {directory}")
    if keep is not None:
        # Only after this one is complete: a failed backup never costs an older good one.
        for removed in prune_backups(directory.parent, keep, [name for name, _ in services]):
            click.echo(f"removed the older backup {removed}")


@main.command("restore")
@click.argument("backup_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--no-replay", is_flag=True, help="Leave the tail to the services when they start.")
@click.pass_context
def restore_all(ctx: click.Context, backup_dir: Path, no_replay: bool) -> None:
    """Restore every service found in BACKUP_DIR into its own EMPTY database (`unionfed NAME restore` for each).

    The services must be stopped. A refusal of one stops before the next.
    """
    found = [(name, group) for name, group in _service_groups() if (backup_dir / f"{name}.json").is_file()]
    if not found:
        raise click.UsageError(f"{backup_dir} holds no service's manifest (NAME.json)")
    for name, group in found:
        args = ["restore", str(backup_dir)] + (["--no-replay"] if no_replay else [])
        with group.make_context(name, args, parent=ctx) as sub:
            group.invoke(sub)


class _ServiceGroup(click.Group):
    """A service's group: missing or invalid settings end in one line naming them, not a traceback."""

    def __init__(self, *args, definition_factory: Callable[[], ServiceDefinition], **kwargs):
        super().__init__(*args, **kwargs)
        self.definition_factory = definition_factory

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ValidationError as error:
            definition = self.definition_factory()
            settings_class = definition.settings_factory
            if error.title != getattr(settings_class, "__name__", None):
                raise
            message = explain_settings_error(error, settings_class, definition.name, _state_dir(ctx))
            raise click.ClickException(message) from None


def service_cli(
    definition_factory: Callable[[], ServiceDefinition],
    *,
    backup_facts: "Facts | None" = None,
    restore_check: "Check | None" = None,
) -> click.Group:
    """The commands every service has: serve, migrate, backup, restore, dead-letters.

    ``backup_facts`` reads what the service adds to its backup's manifest from the dump's snapshot;
    ``restore_check`` checks the restored database against them (``unionfed_shared.backup``).
    """
    described = definition_factory()

    @click.group(
        cls=_ServiceGroup,
        definition_factory=definition_factory,
        help=f"{described.title} (the {described.name} service).\n\n"
        f"Settings come from {env_prefix(described.settings_factory)}* variables, "
        "else from the running platform's state directory (see `unionfed --help`).",
    )
    @click.pass_context
    def group(ctx: click.Context) -> None:
        # Explicit, before any command builds its settings: what the environment lacks comes from
        # the file `make up` wrote for this service. The environment wins variable by variable.
        ctx.meta[_ADOPTED] = adopt_platform_settings(
            described.settings_factory, described.name, _state_dir(ctx), os.environ
        )

    @group.command()
    @click.pass_context
    def settings(ctx: click.Context) -> None:
        """Show the settings this service's commands use and where they came from (secrets hidden)."""
        from pydantic import SecretStr
        from sqlalchemy.engine import make_url

        values = described.settings_factory()
        prefix = env_prefix(described.settings_factory)
        source = ctx.meta.get(_ADOPTED)
        click.echo(f"# {described.name}: environment" + (f", then {source}" if source else ""))
        for name, value in values.model_dump().items():
            if isinstance(value, SecretStr):
                value = "********"
            elif name == "database_url":
                value = make_url(value).render_as_string(hide_password=True)
            click.echo(f"{prefix}{name}".upper() + f"={'' if value is None else value}")

    @group.command()
    @click.option(
        "--mode",
        type=click.Choice(["all", "api", "consumer"]),
        default="all",
        show_default=True,
        help="all: HTTP, consumer, outbox relay and daily jobs (one machine); api: no consumer (HTTP pods); "
        "consumer: no daily jobs (pods scaled on lag). Every mode serves /healthz, /readyz and /metrics.",
    )
    def serve(mode: str) -> None:
        """Run the HTTP API, the event consumer, the outbox relay and the daily jobs."""
        import uvicorn

        from unionfed_shared.http import create_app

        runtime = build_runtime(definition_factory())
        runtime.parts = RuntimeParts.of_mode(mode)
        uvicorn.run(
            create_app(runtime),
            host=runtime.settings.http_host,
            port=runtime.settings.http_port,
            log_config=None,
            access_log=False,
            # Longer than any client's or the gateway's idle keep-alive: a server that closes an idle
            # connection first (uvicorn's default is 5 s, httpx's pool keeps one 5 s too) races the
            # client's next request on it, which then fails with a reset (seen as httpx.ReadError).
            timeout_keep_alive=75,
        )

    @group.command()
    def migrate() -> None:
        """Create the service's database if missing and apply every migration."""
        from unionfed_shared.migrations import upgrade_database

        definition = definition_factory()
        settings = definition.settings_factory()
        asyncio.run(upgrade_database(settings.database_url, definition.migrations_dir))
        click.echo(f"{definition.name}: database is at the newest migration")

    @group.command("backup")
    @click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Directory to write NAME.dump and NAME.json into (default: .run/backups/<UTC time> beside the state directory).",
    )
    @click.pass_context
    def backup_command(ctx: click.Context, out_dir: Path | None) -> None:
        """Dump the database (pg_dump, one snapshot) with a manifest: the consumer group's offsets read
        just before the snapshot, the migration revision, the service's own facts and the files' SHA-256."""
        from unionfed_shared.backup import take_backup

        directory = out_dir or _default_backup_dir(ctx)
        definition = definition_factory()
        try:
            asyncio.run(
                take_backup(
                    definition, definition.settings_factory(), directory, facts=backup_facts, progress=click.echo
                )
            )
        except (FileExistsError, FileNotFoundError, RuntimeError) as exc:
            raise click.ClickException(str(exc)) from None

    @group.command("restore")
    @click.argument("backup_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--into", "database_url", help="The empty database to restore into (default: the service's own).")
    @click.option(
        "--consumer-group",
        help="The consumer group set to the backup's offsets and replayed with (default: the service's own).",
    )
    @click.option(
        "--replay/--no-replay",
        default=True,
        show_default=True,
        help="Consume the topics' tail after the backup now (relay off); without it, the service does when started.",
    )
    def restore_command(backup_dir: Path, database_url: str | None, consumer_group: str | None, replay: bool) -> None:
        """Restore a backup into an EMPTY database, check it against its manifest, then replay the tail.

        Refuses, changing nothing, when the database holds anything, when a file's checksum differs
        from the manifest, or when the consumer group still has members (stop the service first).
        """
        from unionfed_shared.backup import RestoreFailed, RestoreRefused, restore_backup

        definition = definition_factory()
        settings = definition.settings_factory()
        updates = {"database_url": database_url} if database_url else {}
        if consumer_group:
            updates["consumer_group_id"] = consumer_group
        settings = settings.model_copy(update=updates)
        try:
            report = asyncio.run(
                restore_backup(
                    definition, settings, backup_dir, check=restore_check, replay=replay, progress=click.echo
                )
            )
        except RestoreRefused as refused:
            click.echo(f"restore refused: {refused}", err=True)
            raise SystemExit(1) from None
        except RestoreFailed as failed:
            click.echo(f"restore FAILED: {failed}", err=True)
            raise SystemExit(1) from None
        replayed = "not replayed" if report.replayed is None else f"{report.replayed:,} message(s) replayed"
        click.echo(
            f"{definition.name}: restored into {report.database} ({report.tables} tables), {replayed} "
            f"with group {report.consumer_group}, in {report.seconds:.1f} s"
        )

    if described.schedule_runs is not None:

        @group.command("run-job")
        @click.argument("job_name", metavar="JOB")
        def run_job(job_name: str) -> None:
            """Run one daily job for its due day now, once (what a Kubernetes CronJob calls); exit 1 if it fails.

            The same run as the service's own schedule: under its advisory lock, recorded in
            schedule_runs (`schedules` shows it), skipped when the day's run already succeeded.
            """

            async def run():
                runtime = build_runtime(definition_factory())
                try:
                    assert runtime.scheduler is not None
                    jobs = {job.name: job for job in runtime.scheduler.jobs}
                    if job_name not in jobs:
                        raise click.UsageError(f"no daily job {job_name!r}; this service has: {', '.join(jobs)}")
                    return await runtime.scheduler.run_due(jobs[job_name])
                finally:
                    await runtime.engine.dispose()

            record = asyncio.run(run())
            if record is None:
                click.echo(f"{job_name}: not run (already done for its day, or another instance is running it)")
                return
            click.echo(f"{job_name}: {record.business_day} attempt {record.attempt} {record.outcome}: {record.summary}")
            if record.outcome != "succeeded":
                raise SystemExit(1)

        @group.command("schedules")
        def schedules() -> None:
            """The daily jobs this service runs itself: when, whether, and each one's latest run."""
            from unionfed_shared.business_time import utc_now
            from unionfed_shared.schedules import next_run

            async def run():
                runtime = build_runtime(definition_factory())
                try:
                    assert runtime.scheduler is not None
                    return runtime, await runtime.scheduler.last_runs()
                finally:
                    await runtime.engine.dispose()

            runtime, runs = asyncio.run(run())
            scheduler = runtime.scheduler
            assert scheduler is not None
            latest = {record.job: record for record in runs}
            if not runtime.settings.schedules_enabled:
                click.echo(f"{env_prefix(described.settings_factory)}SCHEDULES_ENABLED is off: this instance runs none")
            now = utc_now()
            for job in runtime.definition.daily_jobs(runtime) if runtime.definition.daily_jobs else ():
                when = f"{job.at.isoformat('minutes')} {scheduler.tz.key}"
                upcoming = next_run(now, job.at, scheduler.tz).isoformat(timespec="minutes") if job.enabled else "off"
                click.echo(f"{job.name}: daily at {when}, next {upcoming}")
                record = latest.get(job.name)
                if record is None:
                    click.echo("    no run yet")
                    continue
                finished = record.finished_at.isoformat(timespec="seconds") if record.finished_at else "-"
                click.echo(
                    f"    last: {record.business_day} attempt {record.attempt} {record.outcome} on {record.instance}, "
                    f"started {record.started_at.isoformat(timespec='seconds')}, finished {finished}: {record.summary}"
                )

    @group.group("dead-letters")
    def dead_letters() -> None:
        """Messages this service could not apply."""

    @dead_letters.command("list")
    @click.option("--status", default="pending", show_default=True, help="pending, replayed or all")
    def list_dead_letters(status: str) -> None:
        """List dead letters: where each came from, why it failed, how often it was tried."""

        async def run():
            runtime = build_runtime(definition_factory())
            try:
                return await runtime.dead_letters.find(None if status == "all" else status)
            finally:
                await runtime.engine.dispose()

        rows = asyncio.run(run())
        if not rows:
            click.echo("no dead letters")
        for row in rows:
            click.echo(
                f"#{row['id']} {row['status']:<8} {row['topic']}/{row['partition']}@{row['offset']} "
                f"{row['event_type'] or '(unparsed)'} event={row['event_id'] or '-'} "
                f"attempts={row['attempts']} at={row['created_at'].isoformat()}\n    {row['error']}"
            )

    @dead_letters.command("replay")
    @click.argument("ids", nargs=-1, type=int)
    @click.option("--all", "replay_all", is_flag=True, help="Replay every pending dead letter.")
    def replay_dead_letters(ids: tuple[int, ...], replay_all: bool) -> None:
        """Apply dead letters again, after the cause was fixed."""
        if not ids and not replay_all:
            raise click.UsageError("name dead-letter ids or pass --all")

        async def run():
            runtime = build_runtime(definition_factory())
            await runtime.start(consume=False, relay=False)
            try:
                return await runtime.dead_letters.replay(list(ids) if ids else None)
            finally:
                await runtime.stop()

        results = asyncio.run(run())
        for result in results:
            click.echo(f"#{result.dead_letter_id}: {result.outcome.value}")
        failed = [r for r in results if r.outcome.value == "dead_lettered"]
        click.echo(json.dumps({"replayed": len(results) - len(failed), "still_failing": len(failed)}))
        if failed:
            raise SystemExit(1)

    return group


if __name__ == "__main__":
    main()
