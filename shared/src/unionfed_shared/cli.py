"""``unionfed``: one command line for the platform; each service adds its group by entry point.

Services register ``[project.entry-points."unionfed.cli"] NAME = "pkg.module:cli"``, so this
module never imports a service.
"""

import asyncio
import datetime as dt
import json
from collections.abc import Callable
from importlib.metadata import entry_points

import click

from unionfed_shared.auth import Role, TokenService
from unionfed_shared.contracts.topics import ALL_TOPICS
from unionfed_shared.runtime import ServiceDefinition, build_runtime


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
def main() -> None:
    """unionfed: membership, welfare, events and finance for union federations."""


@main.command()
@click.option("--subject", required=True, help="Who the token speaks for, e.g. a user id.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--org", "organization_id", required=True, help="The organization the caller acts for.")
@click.option("--federation", "federation_id", required=True)
@click.option("--hours", default=8, show_default=True, type=int)
@click.option("--secret", envvar="UNIONFED_JWT_SECRET", required=True, show_envvar=True)
@click.option("--audience", envvar="UNIONFED_JWT_AUDIENCE", default="unionfed", show_default=True)
@click.option("--issuer", envvar="UNIONFED_JWT_ISSUER", default="unionfed-local", show_default=True)
def token(subject, role, organization_id, federation_id, hours, secret, audience, issuer) -> None:
    """Mint a bearer token for local use."""
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
    UNIONFED_KAFKA_MIN_INSYNC_REPLICAS (1 and 1 by default; 3 and 2 in production).
    """
    from pydantic import ValidationError

    from unionfed_shared.messaging.kafka import TopicSettingsError, ensure_topics
    from unionfed_shared.settings import KafkaTopicSettings

    try:
        result = asyncio.run(ensure_topics(bootstrap, settings=KafkaTopicSettings()))
    except (TopicSettingsError, ValidationError) as exc:
        raise click.ClickException(str(exc)) from exc
    created, altered = ", ".join(result.created) or "none missing", ", ".join(result.altered) or "none differed"
    click.echo(f"created {len(result.created)} topic(s); {len(ALL_TOPICS)} expected: {created}")
    click.echo(f"brought {len(result.altered)} existing topic(s) to the declared settings: {altered}")


def service_cli(definition_factory: Callable[[], ServiceDefinition]) -> click.Group:
    """The commands every service has: serve, migrate, dead-letters."""

    @click.group()
    def group() -> None:
        pass

    @group.command()
    def serve() -> None:
        """Run the HTTP API, the event consumer and the outbox relay."""
        import uvicorn

        from unionfed_shared.http import create_app

        runtime = build_runtime(definition_factory())
        uvicorn.run(
            create_app(runtime),
            host=runtime.settings.http_host,
            port=runtime.settings.http_port,
            log_config=None,
            access_log=False,
        )

    @group.command()
    def migrate() -> None:
        """Create the service's database if missing and apply every migration."""
        from unionfed_shared.migrations import upgrade_database

        definition = definition_factory()
        settings = definition.settings_factory()
        asyncio.run(upgrade_database(settings.database_url, definition.migrations_dir))
        click.echo(f"{definition.name}: database is at the newest migration")

    @group.group("dead-letters")
    def dead_letters() -> None:
        """Messages this service could not apply."""

    @dead_letters.command("list")
    @click.option("--status", default="pending", show_default=True, help="pending, replayed or all")
    def list_dead_letters(status: str) -> None:
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
