"""Membership's daily job, run by the service itself (``unionfed_shared.schedules``): what
``unionfed membership apply-scheduled`` does, once per business day on one instance.
"""

import datetime as dt

from unionfed_membership.service_layer import member_changes
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_membership.settings import MembershipSettings
from unionfed_shared.context import Causation, caused_by
from unionfed_shared.runtime import Runtime
from unionfed_shared.schedules import DailyJob

OPERATOR = "scheduler"


def daily_jobs(runtime: Runtime[MembershipUnitOfWork, MembershipSettings]) -> list[DailyJob]:
    settings = runtime.settings

    async def apply_scheduled(_day: dt.date) -> str:
        # The day is not passed down: each member's federation decides what is due today there
        # (one west of the scheduler's zone starts its day later), and everything due by then is
        # applied, so this run also covers any day missed before it.
        with caused_by(Causation.new_command(actor=OPERATOR)):
            applied = await member_changes.apply_scheduled(runtime.uow, None, OPERATOR)
        return f"{len(applied)} change(s) applied, due by today in each federation"

    return [
        DailyJob(
            "apply-scheduled",
            settings.schedule_apply_scheduled_at,
            apply_scheduled,
            enabled=settings.schedule_apply_scheduled,
        )
    ]
