"""Activity tables (being built)."""
