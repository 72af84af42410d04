"""The scheduler's time rules: a job's day is the federation's business day, never the server's."""

import datetime as dt

import pytest
from pydantic import ValidationError

from unionfed_shared import business_time
from unionfed_shared.schedules import DailyJob, Decision, decide, due_day, lock_key, next_run, run_moment
from unionfed_shared.settings import ServiceSettings

SHANGHAI = business_time.zone("Asia/Shanghai")
BERLIN = business_time.zone("Europe/Berlin")
FIVE_PAST_MIDNIGHT = dt.time(0, 5)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_at_23_30_utc_the_business_day_is_already_beijings_next_day():
    # 23:30 UTC on December 5th is 07:30 on December 6th in Beijing: December 6th's run is due.
    assert due_day(utc(2026, 12, 5, 23, 30), FIVE_PAST_MIDNIGHT, SHANGHAI) == dt.date(2026, 12, 6)
    # The server's own (UTC) date would still say December 5th.
    assert utc(2026, 12, 5, 23, 30).date() == dt.date(2026, 12, 5)


def test_before_the_time_of_day_the_due_day_is_yesterday():
    # 00:04 in Beijing on December 6th (16:04 UTC on the 5th): today's 00:05 has not come yet.
    assert due_day(utc(2026, 12, 5, 16, 4), FIVE_PAST_MIDNIGHT, SHANGHAI) == dt.date(2026, 12, 5)
    assert due_day(utc(2026, 12, 5, 16, 5), FIVE_PAST_MIDNIGHT, SHANGHAI) == dt.date(2026, 12, 6)


def test_the_run_moment_is_the_time_on_the_zones_wall_clock():
    assert run_moment(dt.date(2026, 12, 6), dt.time(2, 30), SHANGHAI) == utc(2026, 12, 5, 18, 30)
    assert run_moment(dt.date(2026, 12, 6), dt.time(2, 30), BERLIN) == utc(2026, 12, 6, 1, 30)
    # Summer time in Berlin moves the UTC moment, not the wall-clock time.
    assert run_moment(dt.date(2026, 7, 6), dt.time(2, 30), BERLIN) == utc(2026, 7, 6, 0, 30)


def test_next_run_is_the_following_wall_clock_time():
    assert next_run(utc(2026, 12, 5, 16, 4), FIVE_PAST_MIDNIGHT, SHANGHAI) == utc(2026, 12, 5, 16, 5)
    assert next_run(utc(2026, 12, 5, 16, 5), FIVE_PAST_MIDNIGHT, SHANGHAI) == utc(2026, 12, 6, 16, 5)


def test_a_naive_clock_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        due_day(dt.datetime(2026, 12, 5, 23, 30), FIVE_PAST_MIDNIGHT, SHANGHAI)


@pytest.mark.parametrize(
    ("outcomes", "decision"),
    [
        ([], Decision("run", attempt=1)),
        (["failed"], Decision("run", attempt=2)),
        (["failed", "interrupted"], Decision("run", attempt=3)),
        (["failed", "failed", "failed"], Decision("gave_up")),
        (["failed", "succeeded"], Decision("done")),
        (["succeeded"], Decision("done")),
    ],
)
def test_a_day_runs_until_it_succeeds_at_most_max_attempts_times(outcomes, decision):
    assert decide(outcomes, max_attempts=3) == decision


def test_each_job_of_each_service_has_its_own_stable_lock():
    assert lock_key("finance", "reconcile") == lock_key("finance", "reconcile")
    keys = {lock_key(s, j) for s in ("membership", "finance") for j in ("apply-scheduled", "reconcile", "verify-chain")}
    assert len(keys) == 6
    assert all(-(2**63) <= key < 2**63 for key in keys)


def test_settings_read_the_zone_and_times_of_day(monkeypatch):
    monkeypatch.setenv("JWT_SECRET", "x")
    settings = ServiceSettings(service_name="s", database_url="postgresql+asyncpg://u@h/d")
    assert settings.schedules_enabled is True
    assert settings.schedule_time_zone == "Asia/Shanghai"
    with pytest.raises(ValidationError, match="IANA"):
        ServiceSettings(service_name="s", database_url="postgresql+asyncpg://u@h/d", schedule_time_zone="Beijing")


def test_a_disabled_job_is_not_scheduled():
    from unionfed_shared.schedules import DailyScheduler

    async def job(_day):
        return ""

    scheduler = DailyScheduler(
        "s",
        engine=None,  # type: ignore[arg-type]  (never reached: nothing is run)
        runs=None,  # type: ignore[arg-type]
        jobs=[DailyJob("on", FIVE_PAST_MIDNIGHT, job), DailyJob("off", FIVE_PAST_MIDNIGHT, job, enabled=False)],
        tz=SHANGHAI,
    )
    assert [job.name for job in scheduler.jobs] == ["on"]
