"""Routes that accept ``Idempotency-Key``: every POST of a router built with ``IdempotentRoute``.

    router = APIRouter(prefix="/v1", route_class=IdempotentRoute)

A POST that is safe to repeat by design (it resumes work, never doing any twice) can say so with
``@exempt("why")`` under its route decorator; it then takes no key.
"""

import hashlib
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.routing import APIRoute
from starlette.datastructures import UploadFile

from unionfed_shared import idempotency
from unionfed_shared.auth import Principal
from unionfed_shared.caller import current_principal, runtime_of

_DESCRIPTION = (
    "Makes a retry safe (IETF draft *The Idempotency-Key HTTP Header Field*): a unique value per request, "
    "e.g. a UUID, optionally quoted. Sent again with the same request by the same caller within 24 hours, "
    "it answers the first answer again (with `Idempotent-Replayed: true`) and does nothing twice. The same "
    "key with another request is refused (422 `idempotency_key_reused`); while the first request is still "
    "running, 409 `idempotency_key_in_flight`."
)


async def _body_digest(request: Request) -> str:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        # The multipart boundary changes with every send: the fields and file contents are the request.
        digest = hashlib.sha256()
        for name, value in sorted((await request.form()).multi_items(), key=lambda item: item[0]):
            if isinstance(value, UploadFile):
                content = await value.read()
                await value.seek(0)
                value = f"{value.filename}:{hashlib.sha256(content).hexdigest()}"
            digest.update(f"{name}={value}\x1e".encode("utf-8", "surrogatepass"))
        return digest.hexdigest()
    # FastAPI has read the body already; request.body() returns what it read.
    return idempotency.json_body_digest(await request.body())


async def idempotency_key(
    request: Request,
    principal: Annotated[Principal, Depends(current_principal)],
    key: Annotated[
        str | None,
        Header(alias=idempotency.HEADER, description=_DESCRIPTION, examples=["8e03978e-40d5-43e8-bc93-6894a57f9324"]),
    ] = None,
) -> None:
    if key is None:
        return
    runtime = runtime_of(request)
    table = runtime.definition.idempotency_keys
    if table is None:
        raise RuntimeError("this service keeps no idempotency keys (ServiceDefinition.idempotency_keys)")
    route = getattr(request.scope.get("route"), "path", request.url.path)
    keyed = idempotency.IdempotentRequest(
        table=table,
        subject=principal.subject,
        key=idempotency.parse_key(key),
        fingerprint=idempotency.fingerprint(
            runtime.settings.hmac_key,
            request.method,
            route,
            request.path_params,
            list(request.query_params.multi_items()),
            await _body_digest(request),
        ),
        method=request.method,
        route=route,
    )
    # A request answered before is answered again here, before its endpoint runs. A race with a
    # request still running is settled by the unit of work (IdempotentRequest.guard).
    async with runtime.engine.connect() as connection:
        await keyed.check(connection)
    idempotency.register(keyed)


_EXEMPT = "__idempotency_exempt__"


def exempt(reason: str) -> Callable:
    """Mark a POST endpoint as safe to repeat without a key (state the reason)."""

    def mark(endpoint: Callable) -> Callable:
        setattr(endpoint, _EXEMPT, reason)
        return endpoint

    return mark


class IdempotentRoute(APIRoute):
    """An APIRoute whose POST takes the ``Idempotency-Key`` header (documented in OpenAPI)."""

    def __init__(self, path: str, endpoint: Callable, **kwargs):
        methods = {m.upper() for m in kwargs.get("methods") or ()}
        if "POST" in methods and not hasattr(endpoint, _EXEMPT):
            kwargs["dependencies"] = [*(kwargs.get("dependencies") or ()), Depends(idempotency_key)]
        super().__init__(path, endpoint, **kwargs)
