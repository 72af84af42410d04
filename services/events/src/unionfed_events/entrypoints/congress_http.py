"""Staff congresses, surveys and award nominations (being built)."""

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["staff congress, surveys, awards"])
