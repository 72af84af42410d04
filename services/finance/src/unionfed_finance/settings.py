from unionfed_shared.settings import ServiceSettings, settings_config


class FinanceSettings(ServiceSettings):
    model_config = settings_config("FINANCE_")

    service_name: str = "finance"
    http_port: int = 8004
