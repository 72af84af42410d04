"""Static group membership (``CONSUMER_INSTANCE_ID``) on real Kafka: a consumer killed with SIGKILL
and started again under the same name takes its partitions back without waiting for the dead
session to expire.

The session timeout is set to a minute, so the difference cannot hide in start-up time: a dynamic
member's restart leaves the group waiting for the dead member for that minute (the coordinator
rebalances only once its session expires), while a static one is a member again as soon as it has
started.
"""

import time
import uuid

import pytest

from tests.kafka_tools import describe_groups
from tests.processes import ServiceProcess
from unionfed_finance.entrypoints.app import MIGRATIONS_DIR

pytestmark = pytest.mark.integration

SESSION_TIMEOUT_S = 60
# Well inside the session timeout, and far above a loaded machine's start-up of a service.
BACK_WITHIN_S = 40


def _instance(infra, database: str, log_dir) -> ServiceProcess:
    return ServiceProcess(
        infra,
        "finance",
        database,
        log_dir,
        consumer_instance_id="finance-0",
        consumer_session_timeout_ms=str(SESSION_TIMEOUT_S * 1000),
    )


async def test_a_static_member_killed_and_restarted_is_back_in_its_group_before_its_session_expires(infra, tmp_path):
    database = f"t_finance_{uuid.uuid4().hex[:8]}"
    first = _instance(infra, database, tmp_path)
    await first.migrate(MIGRATIONS_DIR)
    group = first.env["FINANCE_CONSUMER_GROUP_ID"]
    first.start()
    second = _instance(infra, database, tmp_path)
    try:
        await first.wait_ready(timeout=120)
        state, members = (await describe_groups(infra.kafka_bootstrap, [group]))[group]
        assert state == "Stable" and len(members) == 1
        partitions = members[0]

        first.process.kill()  # SIGKILL: no LeaveGroup, no offset commit, the session left to expire
        first.process.wait()
        killed = time.monotonic()
        second.start()
        await second.wait_ready(timeout=BACK_WITHIN_S)
        back = time.monotonic() - killed
        state, members = (await describe_groups(infra.kafka_bootstrap, [group]))[group]
        assert (state, members) == ("Stable", [partitions]), "the restarted instance holds what the killed one held"
        assert back < SESSION_TIMEOUT_S
    finally:
        first.stop()
        second.stop()
