import datetime as dt
from pathlib import Path

from pydantic import Field

from unionfed_shared.settings import ServiceSettings, settings_config


class FinanceSettings(ServiceSettings):
    model_config = settings_config("FINANCE_")

    service_name: str = "finance"
    http_port: int = 8004
    head_signing_key_file: Path | None = Field(
        default=None,
        description="Ed25519 private key (PEM) that signs the ledger heads auditors export; "
        "`unionfed finance public-key` prints its public half",
    )
    head_trusted_keys_dir: Path | None = Field(
        default=None,
        description="Public keys (*.pem) of retired head signing keys: heads they signed still verify",
    )
    disclosure_check_url: str = Field(
        default="http://localhost:8080/api/finance/v1/public/disclosure-check",
        description="The public check of a printed disclosure as readers reach it (through the gateway): "
        "the QR code on every printed statement points here",
    )
    schedule_reconcile: bool = Field(default=True, description="Check every invariant of the books nightly (reconcile)")
    schedule_reconcile_at: dt.time = Field(
        default=dt.time(2, 0), description="When, on the wall clock of SCHEDULE_TIME_ZONE (HH:MM)"
    )
    schedule_verify_chain: bool = Field(
        default=True, description="Re-verify every ledger's hash chain nightly (verify-chain for all ledgers)"
    )
    schedule_verify_chain_at: dt.time = Field(
        default=dt.time(2, 30), description="When, on the wall clock of SCHEDULE_TIME_ZONE (HH:MM)"
    )
