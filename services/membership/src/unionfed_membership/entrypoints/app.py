"""The membership service as the shared runtime sees it."""

from pathlib import Path

from unionfed_membership.adapters import tables
from unionfed_membership.adapters.organization_scope import OrganizationTree
from unionfed_membership.entrypoints import (
    accounts_http,
    enterprises_http,
    home_http,
    labour_contracts_http,
    me_http,
    mobile_workers_http,
    report_layouts_http,
    roster_http,
    safety_http,
    schedules,
    statistics_http,
)
from unionfed_membership.entrypoints.http import router
from unionfed_membership.service_layer import home_files, record_chains, statistics_reports
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_membership.settings import MembershipSettings
from unionfed_shared.attachments.http import attachments_router
from unionfed_shared.attachments.object_store import blob_storage
from unionfed_shared.contracts.registry import published_by
from unionfed_shared.contracts.reporting import EventsReportFiguresV1, FinanceReportFiguresV1, WelfareReportFiguresV1
from unionfed_shared.dead_letters_http import dead_letters_router
from unionfed_shared.metrics_http import metrics_router
from unionfed_shared.record_chain.entrypoints import record_chain_router
from unionfed_shared.runtime import ServiceDefinition

MIGRATIONS_DIR = Path(__file__).resolve().parents[3] / "migrations"


def definition() -> ServiceDefinition[MembershipUnitOfWork, MembershipSettings]:
    return ServiceDefinition(
        name="membership",
        title="The organization tree (federation → unions → groups), members and dues",
        settings_factory=MembershipSettings,
        messaging_tables=(tables.outbox, tables.inbox, tables.dead_letters),
        idempotency_keys=tables.idempotency_keys,
        # Attachments' bytes: the S3-compatible bucket of ATTACHMENTS_S3_*, else PostgreSQL.
        blob_storage=blob_storage,
        uow_class=MembershipUnitOfWork,
        # The sections of statistics reports: welfare's, events' and finance's figures for a report.
        handlers={
            WelfareReportFiguresV1: statistics_reports.on_section,
            EventsReportFiguresV1: statistics_reports.on_section,
            FinanceReportFiguresV1: statistics_reports.on_section,
        },
        routers=[
            router,
            roster_http.router,
            accounts_http.router,
            me_http.router,
            enterprises_http.router,
            mobile_workers_http.router,
            labour_contracts_http.router,
            safety_http.router,
            home_http.router,
            statistics_http.router,
            # 职工之家 evidence files, and the union's files of a year as one zip (台账).
            attachments_router(
                home_files.KINDS,
                directory=OrganizationTree(),
                archive_readers=home_files.ARCHIVE_READERS,
                tag="membership workers' home certification",
            ),
            record_chain_router("membership", "statistics reports and 职工之家 reviews", record_chains.verification),
            report_layouts_http.router,
            dead_letters_router(),
            metrics_router(),
        ],
        migrations_dir=MIGRATIONS_DIR,
        # The jobs it runs once per business day itself (entrypoints/schedules.py), recorded here.
        daily_jobs=schedules.daily_jobs,
        schedule_runs=tables.schedule_runs,
        emits=published_by("membership"),
    )
