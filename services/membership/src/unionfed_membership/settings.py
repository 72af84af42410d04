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
        description="Master secret for members' personal data (MEMBERSHIP_PII_KEY): the key ring's key `0`; "
        "with no key at all, a local-only default is derived from the JWT secret",
    )
    pii_keys: dict[str, SecretStr] = Field(
        default_factory=dict,
        description="The personal-data key ring (MEMBERSHIP_PII_KEYS): a JSON object, key id → secret of at least "
        "32 characters; rows under any of them are read, rows are written under MEMBERSHIP_PII_KEY_ID",
    )
    pii_key_id: str | None = Field(
        default=None,
        description="The ring's current key (MEMBERSHIP_PII_KEY_ID), which new personal data is encrypted under "
        "and reencrypt-pii moves every row to; may be unset when the ring holds one key",
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
            pii.PersonalDataKeyRing.from_settings(
                pii_key=self.pii_key.get_secret_value() if self.pii_key else None,
                pii_keys={key_id: secret.get_secret_value() for key_id, secret in self.pii_keys.items()},
                pii_key_id=self.pii_key_id,
                jwt_secret=self.jwt_secret.get_secret_value() if self.jwt_secret else None,
            )
        )
