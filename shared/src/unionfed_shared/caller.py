"""Who is calling: the verified token's principal and the service's runtime, as FastAPI dependencies.

Its own module so that routers anywhere (the shared audit log's too) depend on it without
importing the app factory in ``http``, which assembles those routers.
"""

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from unionfed_shared.auth import Principal
from unionfed_shared.context import Causation, set_causation
from unionfed_shared.errors import Unauthorized
from unionfed_shared.messaging.unit_of_work import UnitOfWork
from unionfed_shared.runtime import Runtime
from unionfed_shared.settings import ServiceSettings

# Where the audit middleware leaves a holder in the ASGI scope for the verified principal.
AUDIT_SCOPE_KEY = "unionfed.audit"
_bearer = HTTPBearer(auto_error=False, description="JWT minted by `unionfed token`")


def runtime_of(request: Request) -> Runtime[Any, Any]:
    return request.app.state.runtime


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise Unauthorized("token_missing", zh="缺少登录凭据（Bearer 令牌）", en="missing bearer token")
    principal = runtime_of(request).tokens.verify(credentials.credentials)
    # The audit row of a state-changing request names the caller.
    holder = request.scope.get(AUDIT_SCOPE_KEY)
    if holder is not None:
        holder["principal"] = principal
    # Everything this request emits names the caller and the command as its cause.
    set_causation(Causation.new_command(principal.subject, request.headers.get("x-correlation-id")))
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
# The shared unit of work and settings; a service with its own declares its own alias over runtime_of.
CurrentRuntime = Annotated[Runtime[UnitOfWork, ServiceSettings], Depends(runtime_of)]
