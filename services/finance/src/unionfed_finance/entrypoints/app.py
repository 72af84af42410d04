"""The finance service as the shared runtime sees it."""

from pathlib import Path

from unionfed_finance.adapters import tables
from unionfed_finance.adapters.metrics import money_outcome_counts
from unionfed_finance.entrypoints import (
    audit_findings_http,
    audit_http,
    disclosure_rollup_http,
    money_http,
    public_http,
    reports_http,
    schedules,
)
from unionfed_finance.entrypoints.http import router
from unionfed_finance.service_layer import report_figures, vouchers
from unionfed_finance.service_layer.handlers import HANDLERS, prefetch
from unionfed_finance.service_layer.permissions import BOOK_READERS
from unionfed_finance.service_layer.unit_of_work import FinanceUnitOfWork
from unionfed_finance.settings import FinanceSettings
from unionfed_shared.attachments.http import attachments_router
from unionfed_shared.attachments.object_store import blob_storage
from unionfed_shared.contracts.registry import published_by
from unionfed_shared.dead_letters_http import dead_letters_router
from unionfed_shared.metrics_http import metrics_router
from unionfed_shared.runtime import ServiceDefinition

MIGRATIONS_DIR = Path(__file__).resolve().parents[3] / "migrations"


def definition() -> ServiceDefinition[FinanceUnitOfWork, FinanceSettings]:
    return ServiceDefinition(
        name="finance",
        title="A fund ledger for every grassroots union and federation level",
        settings_factory=FinanceSettings,
        messaging_tables=(tables.outbox, tables.inbox, tables.dead_letters),
        idempotency_keys=tables.idempotency_keys,
        # Attachments' bytes: the S3-compatible bucket of ATTACHMENTS_S3_*, else PostgreSQL.
        blob_storage=blob_storage,
        uow_class=FinanceUnitOfWork,
        handlers={
            **HANDLERS,
            # Membership's statistics reports: finance answers its section (on the membership topic).
            **report_figures.HANDLERS,
        },
        prefetch=prefetch,
        routers=[
            router,
            money_http.router,
            reports_http.router,
            audit_http.router,
            audit_findings_http.router,
            public_http.router,
            attachments_router(
                [vouchers.LEDGER_ENTRY], directory=tables.directory, archive_readers=BOOK_READERS, tag="finance"
            ),
            disclosure_rollup_http.router,
            tables.directory.router("finance"),
            dead_letters_router(),
            metrics_router(),
        ],
        migrations_dir=MIGRATIONS_DIR,
        # The jobs it runs once per business day itself (entrypoints/schedules.py), recorded here.
        daily_jobs=schedules.daily_jobs,
        schedule_runs=tables.schedule_runs,
        emits=published_by("finance"),
        metrics=[money_outcome_counts],
    )
