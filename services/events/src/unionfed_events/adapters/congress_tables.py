"""Staff congress, survey and award tables (being built)."""
