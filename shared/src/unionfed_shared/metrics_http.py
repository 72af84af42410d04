"""``GET /metrics``: the service's series for Prometheus, on the service's own port.

Each app mounts ``metrics_router()`` explicitly in its ``entrypoints/app.py``. It is not in the
OpenAPI document (no client of the API calls it) and asks for no token, as Prometheus scrapes:
the service ports are internal (the gateway answers ``/api/<service>/metrics`` with 404 and
never forwards it), and no series names a member, a path as typed or a payload.
"""

from fastapi import APIRouter
from fastapi.responses import Response

from unionfed_shared.caller import CurrentRuntime
from unionfed_shared.metrics import CONTENT_TYPE


def metrics_router() -> APIRouter:
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    async def metrics(runtime: CurrentRuntime) -> Response:
        return Response(await runtime.metrics.render(), media_type=CONTENT_TYPE)

    return router
