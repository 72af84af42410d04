"""The welfare service as the shared runtime sees it."""

from pathlib import Path

from unionfed_shared.attachments.http import attachments_router
from unionfed_shared.attachments.object_store import blob_storage
from unionfed_shared.contracts import mutual_aid as mutual_aid_contract
from unionfed_shared.contracts.finance import MoneyRequestSettledV1, MoneyRequestsSettledV1
from unionfed_shared.contracts.registry import published_by
from unionfed_shared.dead_letters_http import dead_letters_router
from unionfed_shared.metrics_http import metrics_router
from unionfed_shared.runtime import ServiceDefinition
from unionfed_welfare.adapters import tables
from unionfed_welfare.adapters.metrics import greetings_in_flight
from unionfed_welfare.domain import campaigns as campaign_rules
from unionfed_welfare.domain import grants as grant_rules
from unionfed_welfare.domain import greetings as greeting_rules
from unionfed_welfare.domain import outside_help as outside_help_rules
from unionfed_welfare.domain import student_aid as student_aid_rules
from unionfed_welfare.entrypoints import (
    campaigns_http,
    grants_http,
    mutual_aid_http,
    outside_help_http,
    rights_http,
    student_aid_http,
)
from unionfed_welfare.service_layer import (
    campaigns,
    grants,
    greetings,
    money,
    mutual_aid,
    outside_help,
    record_files,
    report_figures,
    rights_weeks,
    student_aid,
)
from unionfed_welfare.service_layer.unit_of_work import WelfareUnitOfWork
from unionfed_welfare.settings import WelfareSettings

MIGRATIONS_DIR = Path(__file__).resolve().parents[3] / "migrations"


def definition() -> ServiceDefinition[WelfareUnitOfWork, WelfareSettings]:
    # Finance answers every hold, and every movement booked without one, through one event; each
    # area hears the answers to its own.
    finance_answers = money.answers_to(
        {
            grant_rules.REFERENCE_PREFIX: grants.on_grant_settled,
            greeting_rules.REFERENCE_PREFIX: greetings.on_greeting_settled,
            campaign_rules.REFERENCE_PREFIX: campaigns.on_campaign_settled,
            outside_help_rules.REFERENCE_PREFIX: outside_help.on_outside_grant_settled,
            student_aid_rules.REFERENCE_PREFIX: student_aid.on_student_aid_settled,
        },
        postings={mutual_aid_contract.REFERENCE_PREFIX: mutual_aid.on_finance_answer},
    )
    return ServiceDefinition(
        name="welfare",
        title="Hardship files, the five must-visits, festival greetings, donations, the mutual-aid fund",
        settings_factory=WelfareSettings,
        messaging_tables=(tables.outbox, tables.inbox, tables.dead_letters),
        idempotency_keys=tables.idempotency_keys,
        # Attachments' bytes: the S3-compatible bucket of ATTACHMENTS_S3_*, else PostgreSQL.
        blob_storage=blob_storage,
        uow_class=WelfareUnitOfWork,
        handlers={
            **tables.directory.handlers(),
            MoneyRequestSettledV1: finance_answers,
            # Batch payments (a greeting's chunk) are answered once per chunk, each line's outcome.
            MoneyRequestsSettledV1: money.batch_answers_to(
                {greeting_rules.REFERENCE_PREFIX: greetings.on_chunk_settled}
            ),
            # The events service's activities: welfare keeps the rights weeks (维权周).
            **rights_weeks.HANDLERS,
            # Membership's statistics reports: welfare answers its section (on the membership topic).
            **report_figures.HANDLERS,
        },
        routers=[
            tables.directory.router("welfare"),
            grants_http.router,
            campaigns_http.router,
            rights_http.router,
            mutual_aid_http.router,
            outside_help_http.router,
            student_aid_http.router,
            attachments_router(
                record_files.KINDS,
                directory=tables.directory,
                archive_readers=record_files.ARCHIVE_READERS,
                tag="welfare",
            ),
            dead_letters_router(),
            metrics_router(),
        ],
        migrations_dir=MIGRATIONS_DIR,
        emits=published_by("welfare"),
        metrics=[greetings_in_flight],
    )
