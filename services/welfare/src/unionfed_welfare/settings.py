from unionfed_shared.settings import ServiceSettings, settings_config


class WelfareSettings(ServiceSettings):
    model_config = settings_config("WELFARE_")

    service_name: str = "welfare"
    http_port: int = 8002
