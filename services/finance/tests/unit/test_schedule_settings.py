"""Finance's nightly jobs are set by FINANCE_SCHEDULE_* settings (times on the zone's wall clock, on/off)."""

import datetime as dt

from unionfed_finance.settings import FinanceSettings


def test_service_settings_name_each_jobs_time_and_switch(monkeypatch):
    monkeypatch.setenv("FINANCE_JWT_SECRET", "x")
    monkeypatch.setenv("FINANCE_DATABASE_URL", "postgresql+asyncpg://u@h/d")
    monkeypatch.setenv("FINANCE_SCHEDULE_RECONCILE_AT", "03:15")
    monkeypatch.setenv("FINANCE_SCHEDULE_VERIFY_CHAIN", "false")
    finance = FinanceSettings()
    assert finance.schedule_reconcile_at == dt.time(3, 15)
    assert finance.schedule_verify_chain is False
    assert finance.schedule_verify_chain_at == dt.time(2, 30)
