"""``unionfed welfare greet --batch ID``: run (or resume) a festival greeting, showing progress.

Wire with ``register(cli)`` in ``entrypoints/cli.py``. The command needs only the database: the
holds it asks for go into the outbox, which the running service's relay publishes.
"""

import asyncio
import uuid

import click


def register(cli_group: click.Group) -> None:
    cli_group.add_command(greet)


@click.command()
@click.option("--batch", "batch_id", required=True, type=click.UUID, help="The festival greeting's id.")
# At most one payment request's lines (greetings.CHUNK, the contract's limit): a chunk is one request.
@click.option("--chunk-size", default=1000, show_default=True, type=click.IntRange(1, 1000))
def greet(batch_id: uuid.UUID, chunk_size: int) -> None:
    """Process the recipients of a festival greeting still pending; safe to run again after a crash."""
    from unionfed_shared.context import Causation, caused_by
    from unionfed_shared.errors import DomainError
    from unionfed_shared.runtime import Runtime
    from unionfed_welfare.entrypoints.app import definition
    from unionfed_welfare.service_layer import greetings

    async def run():
        runtime = Runtime(definition())
        try:
            with caused_by(Causation.new_command(actor="cli:welfare-greet")):
                return await greetings.run(
                    runtime.uow,
                    batch_id,
                    chunk_size=chunk_size,
                    on_chunk=lambda p: click.echo(p.line()),
                )
        finally:
            await runtime.engine.dispose()

    try:
        progress = asyncio.run(run())
    except DomainError as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(f"batch {batch_id}: every recipient processed; {progress.line()}")
