import datetime as dt

from pydantic import Field, SecretStr

from unionfed_membership.adapters import pii
from unionfed_shared.settings import ServiceSettings, settings_config


class MembershipSettings(ServiceSettings):
    model_config = settings_config("MEMBERSHIP_")

    service_name: str = "membership"
    http_port: int = 8001
    pii_key: SecretStr | None = Field(
        default=None,
        min_length=32,
        description="Master secret for members' personal data (MEMBERSHIP_PII_KEY); "
        "unset, a local-only default is derived from the JWT secret",
    )

    keycloak_url: str | None = Field(
        default=None,
        description="Keycloak's base URL (e.g. http://127.0.0.1:8180/auth), where accounts are managed; "
        "unset, the accounts API answers 503",
    )
    keycloak_realm: str = "unionfed"
    keycloak_client_id: str = Field(
        default="unionfed-membership", description="Confidential client whose service account manages users"
    )
    keycloak_client_secret: SecretStr | None = None

    schedule_apply_scheduled: bool = Field(
        default=True, description="Apply due member changes (transfers, retirements, …) daily, as apply-scheduled does"
    )
    schedule_apply_scheduled_at: dt.time = Field(
        default=dt.time(0, 5), description="When, on the wall clock of SCHEDULE_TIME_ZONE (HH:MM)"
    )

    def model_post_init(self, _context) -> None:
        pii.configure(
            pii.PersonalDataKeys.from_secrets(
                self.pii_key.get_secret_value() if self.pii_key else None,
                self.jwt_secret.get_secret_value() if self.jwt_secret else None,
            )
        )
