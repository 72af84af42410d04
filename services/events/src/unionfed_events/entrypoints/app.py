"""The events service as the shared runtime sees it."""

from pathlib import Path

from unionfed_events.adapters import tables
from unionfed_events.entrypoints import (
    activities_http,
    congress_http,
    congress_rollup_http,
    evaluations_http,
    improvements_http,
    information_http,
    me_http,
    skills_http,
    spot_checks_http,
)
from unionfed_events.service_layer import activity_handlers, record_chains, record_files, report_figures
from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_events.settings import EventsSettings
from unionfed_shared.attachments.http import attachments_router
from unionfed_shared.attachments.object_store import blob_storage
from unionfed_shared.contracts.registry import published_by
from unionfed_shared.dead_letters_http import dead_letters_router
from unionfed_shared.metrics_http import metrics_router
from unionfed_shared.record_chain.entrypoints import record_chain_router
from unionfed_shared.runtime import ServiceDefinition

MIGRATIONS_DIR = Path(__file__).resolve().parents[3] / "migrations"


def definition() -> ServiceDefinition[EventsUnitOfWork, EventsSettings]:
    return ServiceDefinition(
        name="events",
        title="Activities and competitions, staff congresses, surveys and awards",
        settings_factory=EventsSettings,
        messaging_tables=(tables.outbox, tables.inbox, tables.dead_letters),
        idempotency_keys=tables.idempotency_keys,
        # Attachments' bytes: the S3-compatible bucket of ATTACHMENTS_S3_*, else PostgreSQL.
        blob_storage=blob_storage,
        uow_class=EventsUnitOfWork,
        handlers={
            **tables.directory.handlers(),
            **activity_handlers.HANDLERS,
            # Membership's statistics reports: events answers its section (on the membership topic).
            **report_figures.HANDLERS,
        },
        routers=[
            tables.directory.router("events"),
            activities_http.router,
            congress_http.router,
            congress_rollup_http.router,
            improvements_http.router,
            information_http.router,
            skills_http.router,
            spot_checks_http.router,
            me_http.router,
            evaluations_http.router,
            record_chain_router(
                "events", "信息报送 items, evaluation results and 师德 lists", record_chains.verification
            ),
            evaluations_http.me_router,
            evaluations_http.public_router,
            attachments_router(
                record_files.KINDS,
                directory=tables.directory,
                archive_readers=record_files.ARCHIVE_READERS,
                tag="events",
            ),
            dead_letters_router(),
            metrics_router(),
        ],
        migrations_dir=MIGRATIONS_DIR,
        emits=published_by("events"),
    )
