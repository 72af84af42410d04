"""Personal data never leaves through events, logs, traces or the audit log.

Membership enrols a member with an ID number and a phone, welfare opens a hardship file with a
cause and a family situation, over HTTP on the real broker and databases, with every logger at
DEBUG and every span kept in memory. Then every record of every domain topic, every outbox row,
every log record, every span and every audit row is searched for those strings.
"""

import datetime as dt
import logging
import random
import uuid

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import select

from tests.kafka_tools import read_topic
from tests.pytest_infra import bearer, eventually, unique
from unionfed_membership.domain.personal_data import id_check_character
from unionfed_membership.entrypoints.app import definition as membership_definition
from unionfed_membership.service_layer import commands as membership_commands
from unionfed_membership.service_layer import founding
from unionfed_shared.audit import audit_log
from unionfed_shared.auth import Role, platform_admin
from unionfed_shared.contracts.topics import DOMAIN_TOPICS
from unionfed_shared.http import create_app
from unionfed_welfare.adapters.tables import directory
from unionfed_welfare.entrypoints.app import definition as welfare_definition

pytestmark = pytest.mark.integration


def _unique_id_number() -> str:
    rng = random.SystemRandom()
    born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(15000))
    first_17 = f"{rng.choice(['110101', '330106', '440305', '510107'])}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first_17 + id_check_character(first_17)


ID_NUMBER = _unique_id_number()
PHONE = f"13{random.SystemRandom().randrange(10**9):09d}"
CAUSE = f"罕见病 hardship-cause-{uuid.uuid4().hex}"
FAMILY = f"spouse laid off family-situation-{uuid.uuid4().hex}"
NOTES = f"review notes-{uuid.uuid4().hex}"
GRANT_NOTE = f"grant note-{uuid.uuid4().hex}"
ADMISSION = f"admission-{uuid.uuid4().hex}"
SECRETS = {
    "id number": ID_NUMBER,
    "phone": PHONE,
    "hardship cause": CAUSE,
    "family situation": FAMILY,
    "review notes": NOTES,
    "grant note": GRANT_NOTE,
    "hospital admission number": ADMISSION,
}


def leaks(where: str, blob) -> list[str]:
    """The secrets found in ``blob`` (str or bytes), each named with where it was found."""
    if isinstance(blob, bytes | bytearray | memoryview):
        blob = bytes(blob).decode("utf-8", errors="replace")
    text = str(blob)
    return [f"{name} in {where}" for name, value in SECRETS.items() if value in text]


def every_logger_at_debug(caplog) -> None:
    """Root, and every logger that sets its own level (aiokafka, faststream …), at DEBUG.

    Except SQLAlchemy's: it keeps the WARN it gives itself. Below that it is SQL echo, a
    developer's switch that prints statement parameters and result rows by design, personal data
    included; no LOG_LEVEL of a service turns it on, and the test checks that it stays off.
    """
    caplog.set_level(logging.DEBUG)
    for name in ("faststream", "fastapi", "uvicorn", "uvicorn.error", "asyncpg", *logging.root.manager.loggerDict):
        logger = logging.getLogger(name)
        if logger.level != logging.NOTSET and not name.startswith("sqlalchemy"):
            caplog.set_level(logging.DEBUG, logger=name)
    assert not logging.getLogger("sqlalchemy.engine.Engine").isEnabledFor(logging.INFO), "SQL echo is on"


@pytest.fixture
def spans():
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        trace.set_tracer_provider(TracerProvider())
        provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider), "an SDK tracer provider is needed to capture spans"
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield exporter
    exporter.shutdown()


async def test_personal_data_never_appears_in_events_logs_traces_or_the_audit_log(build_service, infra, caplog, spans):
    every_logger_at_debug(caplog)
    membership = await build_service(membership_definition)
    welfare = await build_service(welfare_definition)
    county, school = unique("county"), unique("school")
    async with membership.uow() as uow:
        await founding.found_federation(
            uow, platform_admin("ops"), membership_commands.FoundFederation(id=county, name="某县教育工会")
        )
    admin = bearer(Role.FEDERATION_ADMIN, county, county, "admin-wang")
    officer = bearer(Role.WELFARE_OFFICER, school, county, "officer-zhao")

    members_api = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(membership)), base_url="http://m")
    welfare_api = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(welfare)), base_url="http://w")
    async with members_api, welfare_api:
        created = await members_api.post(
            "/v1/organizations",
            headers=admin,
            json={"id": school, "name": "一小工会", "kind": "grassroots_union", "parent_id": county},
        )
        assert created.status_code == 201, created.text
        person = {
            "display_name": "陈老师",
            "gender": "female",
            "joined_on": "2020-09-01",
            "id_number": ID_NUMBER,
            "phone": PHONE,
        }
        joined = await members_api.post(f"/v1/organizations/{school}/members", json=person, headers=admin)
        assert joined.status_code == 201, joined.text
        member_id = joined.json()["id"]
        # Refusals too: the same ID number again, and a malformed phone around the real one.
        again = await members_api.post(f"/v1/organizations/{school}/members", json=person, headers=admin)
        assert again.status_code == 409
        malformed = await members_api.post(
            f"/v1/organizations/{school}/members",
            headers=admin,
            json={**person, "id_number": None, "phone": f"{PHONE}-{PHONE}"},
        )
        assert malformed.status_code == 422
        # The one answer that carries them in clear, to an officer in scope.
        personal = await members_api.get(f"/v1/members/{member_id}/personal-data", headers=admin)
        assert personal.status_code == 200 and personal.json()["id_number"] == ID_NUMBER

        async def welfare_knows_the_member():
            async with welfare.engine.connect() as connection:
                return await connection.scalar(
                    select(directory.members.c.id).where(directory.members.c.id == member_id)
                )

        await eventually(welfare_knows_the_member)
        opened = await welfare_api.post(
            f"/v1/organizations/{school}/hardship-files",
            headers=officer,
            json={
                "member_id": member_id,
                "level": "special_hardship",
                "cause": "serious_illness",
                "cause_detail": CAUSE,
                "family_situation": FAMILY,
                "opened_on": "2026-03-02",
            },
        )
        assert opened.status_code == 201, opened.text
        file_id = opened.json()["id"]
        reviewed = await welfare_api.post(
            f"/v1/hardship-files/{file_id}/reviews",
            headers=officer,
            json={"reviewed_on": "2026-06-03", "level": "hardship", "notes": NOTES},
        )
        assert reviewed.status_code == 200, reviewed.text
        early = await welfare_api.post(
            f"/v1/hardship-files/{file_id}/reviews", headers=officer, json={"reviewed_on": "2020-01-01", "notes": NOTES}
        )
        assert early.status_code == 422
        shown = await welfare_api.get(f"/v1/hardship-files/{file_id}", headers=officer)
        assert shown.json()["cause_detail"] == CAUSE
        # A grant for the file: welfare asks finance for the money, through its outbox.
        policy = await welfare_api.put(
            f"/v1/federations/{county}/visit-policy",
            headers=admin,
            json={"amounts_fen": {"major_hardship": 200000}, "yearly_cap_fen": 500000},
        )
        assert policy.status_code == 200, policy.text
        grant = await welfare_api.post(
            f"/v1/organizations/{school}/grants",
            headers=officer,
            json={
                "member_id": member_id,
                "visit_type": "major_hardship",
                "occasion_on": "2026-06-04",
                "occasion_ref": ADMISSION,
                "hardship_file_id": file_id,
                "note": GRANT_NOTE,
            },
        )
        assert grant.status_code == 201, grant.text

    found: list[str] = []
    outboxes = {"membership": membership, "welfare": welfare}

    async def everything_published():
        for runtime in outboxes.values():
            async with runtime.engine.connect() as connection:
                if await connection.scalar(select(runtime.outbox.c.id).where(runtime.outbox.c.published_at.is_(None))):
                    return False
        return True

    await eventually(everything_published)

    published = 0
    for name, runtime in outboxes.items():
        async with runtime.engine.connect() as connection:
            rows = (await connection.execute(select(runtime.outbox))).mappings().all()
            audit = (await connection.execute(select(audit_log))).mappings().all()
        assert rows, f"{name} emitted nothing"
        published += len(rows)
        for row in rows:
            found += leaks(f"{name} outbox {row['event_type']} payload", row["payload"])
            found += leaks(f"{name} outbox {row['event_type']} headers/key", f"{row['headers']} {row['key']!r}")
        assert audit, f"{name} audited nothing"
        for row in audit:
            assert row["trace_id"] and row["request_id"], row  # each write is findable in the traces
            found += leaks(f"{name} audit_log", dict(row))

    records = 0
    for topic in DOMAIN_TOPICS:
        for record in await read_topic(infra.kafka_bootstrap, topic):
            records += 1
            found += leaks(f"topic {topic} value", record.value or b"")
            found += leaks(f"topic {topic} key/headers", f"{record.key!r} {record.headers!r}")
    assert records >= published

    assert caplog.records, "nothing was logged"
    for record in caplog.records:
        found += leaks(f"log {record.name}", f"{record.getMessage()} {record.__dict__!r}")
    found += leaks("log text", caplog.text)

    finished = spans.get_finished_spans()
    assert any(span.attributes.get("http.route") == "/v1/organizations/{organization_id}/members" for span in finished)
    for span in finished:
        found += leaks(f"span {span.name}", span.to_json())

    assert not found, sorted(set(found))
