"""Welfare and finance side by side on real Kafka and PostgreSQL, in a federation of two schools."""

import uuid

import httpx
import pytest

from tests.kafka_tools import deliver
from unionfed_finance.entrypoints.app import definition as finance_definition
from unionfed_shared.contracts.membership import OrganizationRegisteredV1
from unionfed_shared.http import create_app
from unionfed_welfare.entrypoints.app import definition as welfare_definition


def organizations(federation: str, *schools: str) -> list:
    return [
        OrganizationRegisteredV1(
            organization_id=federation,
            federation_id=federation,
            name="县教育工会",
            kind="federation",
            parent_id=None,
            path=[federation],
        ),
        *(
            OrganizationRegisteredV1(
                organization_id=school,
                federation_id=federation,
                name=f"学校工会 {i}",
                kind="grassroots_union",
                parent_id=federation,
                path=[federation, school],
            )
            for i, school in enumerate(schools)
        ),
    ]


@pytest.fixture
async def both(build_service):
    """(welfare, finance, welfare API, finance API, federation, school, other school)."""
    welfare = await build_service(welfare_definition)
    finance = await build_service(finance_definition)
    federation, school, other = (f"{p}-{uuid.uuid4().hex[:10]}" for p in ("county", "school", "middle"))
    setup = organizations(federation, school, other)
    await deliver(welfare, setup)
    await deliver(finance, setup)
    async with (
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(welfare)), base_url="http://welfare", timeout=60
        ) as wf,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(finance)), base_url="http://finance", timeout=30
        ) as fi,
    ):
        yield welfare, finance, wf, fi, federation, school, other
