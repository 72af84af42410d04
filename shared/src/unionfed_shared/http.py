"""The HTTP side every service shares: app factory, health, AsyncAPI, errors, the caller."""

import asyncio

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from sqlalchemy import text

from unionfed_shared import idempotency, openapi_problems
from unionfed_shared.access_log import AccessLogMiddleware
from unionfed_shared.audit import AuditMiddleware, audit_router
from unionfed_shared.problem_handlers import install_problem_handlers
from unionfed_shared.runtime import Runtime


def create_app(runtime: Runtime) -> FastAPI:
    definition = runtime.definition
    app = FastAPI(
        title=f"unionfed {definition.name}",
        summary=definition.title,
        description=definition.description,
        version="0.1.0",
        lifespan=runtime.lifespan,
    )
    app.state.runtime = runtime
    for router in definition.routers:
        app.include_router(router)
    app.include_router(audit_router())
    if definition.idempotency_keys is not None:
        # Inside the audit middleware: the audit row records the answer that actually leaves.
        idempotency.install(app)
    # Every POST/PUT/PATCH/DELETE, refused ones included, leaves a row in audit_log.
    app.add_middleware(AuditMiddleware, runtime=runtime)
    # Outside the audit (which stores the same request id), inside the trace span (ids on its line).
    app.add_middleware(AccessLogMiddleware, observe=runtime.metrics.observe_request)

    install_problem_handlers(app)

    @app.get("/healthz", tags=["operations"], summary="The process is alive")
    async def healthz() -> dict:
        return {"status": "ok", "service": definition.name}

    @app.get(
        "/readyz",
        tags=["operations"],
        summary="Database and broker reachable; the consumer a member of its group, the outbox relay running",
    )
    async def readyz() -> JSONResponse:
        checks = {"database": await _database_ok(runtime), "broker": await _broker_ok(runtime)}
        # Only what this process runs (`serve --mode`): an API instance has no consumer to wait for.
        if runtime.consuming:
            checks["consumer_group"] = runtime.membership.joined
        relay = runtime.relay_alive()
        if relay is not None:
            checks["outbox_relay"] = relay
        ready = all(checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not_ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    @app.get("/asyncapi.json", tags=["operations"], summary="AsyncAPI document of this service's messaging")
    async def asyncapi() -> JSONResponse:
        return JSONResponse(runtime.asyncapi)

    # The document names every problem each operation can answer (once here, not per route).
    openapi_problems.install(app)
    # Scrapes and probes every few seconds would only bury the requests worth tracing.
    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz,/metrics$")
    return app


async def _database_ok(runtime: Runtime) -> bool:
    try:
        async with asyncio.timeout(2):
            async with runtime.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


async def _broker_ok(runtime: Runtime) -> bool:
    try:
        return bool(await runtime.broker.ping(timeout=2))
    except Exception:
        return False
