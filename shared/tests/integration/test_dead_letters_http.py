"""Dead letters over HTTP (real Kafka and PostgreSQL): a poison message goes through finance's
running consumer into its dead-letter table, a platform administrator sees it in
``GET /v1/dead-letters`` (without its payload), replays it once the cause is fixed and finds it
counted as replayed; a federation's officers are refused both routes."""

import json

import httpx
import pytest

from tests.factories import dues, school_events
from tests.kafka_tools import envelope_for, producer, send_envelope, skip_history
from tests.pytest_infra import bearer, eventually, unique
from unionfed_finance.entrypoints.app import definition
from unionfed_finance.service_layer.handlers import HANDLERS
from unionfed_shared.auth import PLATFORM, Role
from unionfed_shared.contracts import topics
from unionfed_shared.contracts.membership import DuesCollectedV1
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration

OPERATOR = bearer(Role.PLATFORM_ADMIN, PLATFORM, PLATFORM, "platform-ops")


async def test_a_dead_letter_is_listed_replayed_once_fixed_and_counted_as_replayed(build_service, infra):
    finance = await build_service(definition, start=False, consumer_max_attempts="2", consumer_retry_backoff_s="0")

    async def buggy_handler(uow, event, delivery):
        raise RuntimeError("a bug in this release")

    finance.consumer.register(DuesCollectedV1, buggy_handler)
    await skip_history(infra.kafka_bootstrap, finance.settings.consumer_group)
    await finance.start()
    federation, school = unique("fed"), unique("school")
    member_id, setup = school_events(federation, school)
    async with producer(infra.kafka_bootstrap) as client:
        for event in setup:
            await send_envelope(client, topics.MEMBERSHIP, envelope_for(event))
        poisoned = await send_envelope(
            client, topics.MEMBERSHIP, envelope_for(dues(federation, school, member_id, 2150))
        )

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(finance)), base_url="http://finance"
    ) as api:

        async def listed():
            answer = await api.get("/v1/dead-letters", headers=OPERATOR)
            assert answer.status_code == 200, answer.text
            return answer.json() if answer.json()["items"] else None

        listing = await eventually(listed)
        [letter] = listing["items"]
        assert listing["service"] == "finance" and listing["counts"] == {"pending": 1, "replayed": 0}
        assert (letter["topic"], letter["partition"], letter["offset"]) == (
            topics.MEMBERSHIP,
            poisoned.partition,
            poisoned.offset,
        )
        assert letter["event_type"] == DuesCollectedV1.event_type and letter["attempts"] == 2
        assert "a bug in this release" in letter["error"] and letter["status"] == "pending"
        assert letter["first_failed_at"] and letter["last_failed_at"] and letter["resolved_at"] is None
        # What the message said (here a member's payment) stays in the table.
        assert "payload" not in letter and str(member_id) not in json.dumps(listing)

        # A federation's officers, its auditor included, reach neither route; nothing is replayed.
        for role in (Role.FEDERATION_ADMIN, Role.AUDITOR, Role.UNION_OFFICER, Role.WELFARE_OFFICER, Role.MEMBER):
            officer = bearer(role, federation, federation)
            refused = [
                await api.get("/v1/dead-letters", headers=officer),
                await api.post("/v1/dead-letters/replay", json={"all": True}, headers=officer),
            ]
            assert [(r.status_code, r.json()["code"]) for r in refused] == [(403, "role_not_allowed")] * 2
        assert (await api.get("/v1/dead-letters", headers=OPERATOR)).json()["counts"]["pending"] == 1

        # Neither or both targets: refused with its code, nothing replayed.
        vague = await api.post("/v1/dead-letters/replay", json={}, headers=OPERATOR)
        assert vague.status_code == 422 and vague.json()["errors"][0]["code"] == "dead_letter_replay_target"

        finance.consumer.register(DuesCollectedV1, HANDLERS[DuesCollectedV1])  # the fixed release
        replay = await api.post("/v1/dead-letters/replay", json={"ids": [letter["id"]]}, headers=OPERATOR)
        assert replay.status_code == 200, replay.text
        assert replay.json() == {
            "results": [{"id": letter["id"], "outcome": "processed"}],
            "replayed": 1,
            "still_failing": 0,
        }

        pending = (await api.get("/v1/dead-letters", headers=OPERATOR)).json()
        assert pending["items"] == [] and pending["counts"] == {"pending": 0, "replayed": 1}
        [done] = (await api.get("/v1/dead-letters", params={"status": "replayed"}, headers=OPERATOR)).json()["items"]
        assert done["id"] == letter["id"] and done["status"] == "replayed" and done["resolved_at"]

        again = await api.post("/v1/dead-letters/replay", json={"ids": [letter["id"]]}, headers=OPERATOR)
        assert again.status_code == 422 and again.json()["code"] == "dead_letter_not_pending"
