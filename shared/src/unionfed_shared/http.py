"""The HTTP side every service shares: app factory, health, AsyncAPI, errors, the caller."""

import asyncio
import json
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from unionfed_shared import idempotency
from unionfed_shared.access_log import AccessLogMiddleware
from unionfed_shared.audit import AuditMiddleware, audit_router, remember_principal
from unionfed_shared.auth import Principal
from unionfed_shared.context import Causation, set_causation
from unionfed_shared.errors import DomainError, Unauthorized
from unionfed_shared.messaging.errors import is_bad_value
from unionfed_shared.runtime import Runtime


class SafeJSONResponse(JSONResponse):
    """JSON that survives echoing hostile input: a lone surrogate (valid JSON as ``\\ud800``) is not UTF-8."""

    def render(self, content) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode()


_bearer = HTTPBearer(auto_error=False, description="JWT minted by `unionfed token`")


def runtime_of(request: Request) -> Runtime:
    return request.app.state.runtime


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise Unauthorized("missing bearer token")
    principal = runtime_of(request).tokens.verify(credentials.credentials)
    remember_principal(request, principal)
    # Everything this request emits names the caller and the command as its cause.
    set_causation(Causation.new_command(principal.subject, request.headers.get("x-correlation-id")))
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
CurrentRuntime = Annotated[Runtime, Depends(runtime_of)]


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
    app.add_middleware(AccessLogMiddleware)

    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return SafeJSONResponse(
            {"error": exc.code, "detail": exc.detail}, status_code=exc.status_code, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        try:
            return await request_validation_exception_handler(request, exc)
        except UnicodeEncodeError:  # the refusal echoes a lone surrogate back
            return SafeJSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)

    @app.exception_handler(DBAPIError)
    async def unstorable_value(_request: Request, exc: DBAPIError) -> JSONResponse:
        # NUL in text, an integer past BIGINT, a lone surrogate: the caller's input, not a server fault.
        if not is_bad_value(exc):
            raise exc
        return SafeJSONResponse(
            {"error": "invalid", "detail": "a value in the request cannot be stored (NUL character, "
             "invalid Unicode, or a number or date out of range)"},
            status_code=422,
        )

    @app.get("/healthz", tags=["operations"], summary="The process is alive")
    async def healthz() -> dict:
        return {"status": "ok", "service": definition.name}

    @app.get("/readyz", tags=["operations"], summary="Database and broker are reachable")
    async def readyz() -> JSONResponse:
        checks = {"database": await _database_ok(runtime), "broker": await _broker_ok(runtime)}
        ready = all(checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not_ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    @app.get("/asyncapi.json", tags=["operations"], summary="AsyncAPI document of this service's messaging")
    async def asyncapi() -> JSONResponse:
        return JSONResponse(runtime.asyncapi)

    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz")
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
