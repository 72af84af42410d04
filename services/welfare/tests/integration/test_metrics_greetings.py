"""Welfare's /metrics (PostgreSQL): festival greetings in flight, paid / size each, and none once settled."""

import datetime as dt
import uuid

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from unionfed_shared.http import create_app
from unionfed_welfare.adapters.campaign_tables import greeting_batches, greeting_recipients
from unionfed_welfare.entrypoints.app import definition

pytestmark = pytest.mark.integration


async def _greeting(welfare, organization: str, batch_status: str, recipient_statuses: list[str]) -> str:
    batch_id = uuid.uuid4()
    async with welfare.session_factory() as session, session.begin():
        await session.execute(
            greeting_batches.insert().values(
                id=batch_id,
                organization_id=organization,
                federation_id="county",
                festival="mid_autumn",
                amount_fen=20000,
                eligible_statuses=["active"],
                paid_on=dt.date(2026, 9, 20),
                status=batch_status,
                total=len(recipient_statuses),
                created_by="officer",
            )
        )
        for n, status in enumerate(recipient_statuses):
            await session.execute(
                greeting_recipients.insert().values(
                    batch_id=batch_id,
                    member_id=uuid.uuid4(),
                    display_name=f"会员{n}",
                    organization_id=organization,
                    hold_id=uuid.uuid4(),
                    status=status,
                )
            )
    return str(batch_id)


async def test_greetings_in_flight_show_their_progress_and_settled_ones_disappear(build_service):
    welfare = await build_service(definition, start=False)
    running = await _greeting(welfare, "shiyan-middle", "running", ["paid", "requested", "pending", "skipped"])
    waiting = await _greeting(welfare, "no1-primary", "processed", ["paid", "pay_requested"])
    settled = await _greeting(welfare, "no2-primary", "processed", ["paid", "paid", "refused"])

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(welfare)), base_url="http://w") as api:
        answer = await api.get("/metrics")
    assert answer.status_code == 200
    found = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
        if sample.name.startswith("unionfed_welfare_greeting")
    }

    def series(name, greeting, organization, **labels):
        return found.get((name, tuple(sorted({"greeting": greeting, "organization": organization, **labels}.items()))))

    assert series("unionfed_welfare_greeting_size", running, "shiyan-middle") == 4
    assert series("unionfed_welfare_greeting_recipients", running, "shiyan-middle", status="paid") == 1
    assert series("unionfed_welfare_greeting_recipients", running, "shiyan-middle", status="requested") == 1
    assert series("unionfed_welfare_greeting_recipients", running, "shiyan-middle", status="refused") == 0
    assert series("unionfed_welfare_greeting_size", waiting, "no1-primary") == 2
    assert series("unionfed_welfare_greeting_recipients", waiting, "no1-primary", status="pay_requested") == 1
    assert settled not in answer.text  # every recipient paid or refused: no longer in flight
    # Six statuses for each greeting in flight, and its size: nothing else, no member named.
    assert len(found) == 2 * 7 and "会员" not in answer.text
