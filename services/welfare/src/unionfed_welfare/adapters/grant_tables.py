"""Hardship files, visits, grants and their holds in finance (being built)."""
