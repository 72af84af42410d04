"""Dues policy and roster import tables (being built)."""
