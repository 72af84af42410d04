"""Money through finance: holds requested, paid, cancelled, and finance's answers (being built)."""

HANDLERS: dict = {}
