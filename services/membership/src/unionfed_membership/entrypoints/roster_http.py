"""Roster import, export and membership reports (being built)."""

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["membership rosters and reports"])
