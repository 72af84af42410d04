"""Activities and competitions (being built)."""

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["activities"])
