"""How the events service answers other services' events about activities (being built)."""

HANDLERS: dict = {}
