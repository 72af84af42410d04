"""Hardship files, visits and grants over HTTP (being built)."""

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["hardship and grants"])
