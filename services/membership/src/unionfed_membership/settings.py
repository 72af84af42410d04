from unionfed_shared.settings import ServiceSettings, settings_config


class MembershipSettings(ServiceSettings):
    model_config = settings_config("MEMBERSHIP_")

    service_name: str = "membership"
    http_port: int = 8001
