"""Festival greetings, health checks, insurance and donation drives over HTTP (being built)."""

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["greetings and campaigns"])
