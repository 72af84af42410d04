from unionfed_shared.settings import ServiceSettings, settings_config


class EventsSettings(ServiceSettings):
    model_config = settings_config("EVENTS_")

    service_name: str = "events"
    http_port: int = 8003
