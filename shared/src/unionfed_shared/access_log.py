"""Request ids and the access log: every HTTP answer carries ``x-request-id`` and leaves one JSON line.

The caller's ``x-request-id`` is echoed when it is a plain token (letters, digits, ``._:-``, at
most 100); otherwise one is generated. The id is kept in the ASGI scope (the audit log stores the
same one) and in a context variable (every log line written while answering names it).

The access line names the route template (``/v1/organizations/{organization_id}/members``), never
the path or query the caller typed: those carry personal data.
"""

import logging
import re
import time
import uuid
from collections.abc import Callable

from starlette.requests import Request

from unionfed_shared.observability import request_id_var
from unionfed_shared.problems import internal_problem

access_log = logging.getLogger("unionfed.access")
log = logging.getLogger(__name__)

_SCOPE_KEY = "unionfed.request_id"
_VALID = re.compile(r"[A-Za-z0-9._:-]{1,100}")


def request_id_of(scope) -> str:
    """The request's id: the one already chosen for it, else the caller's if valid, else a new one."""
    chosen = scope.get(_SCOPE_KEY)
    if chosen is None:
        supplied = next((v.decode("latin-1") for k, v in scope.get("headers") or () if k == b"x-request-id"), None)
        chosen = supplied if supplied and _VALID.fullmatch(supplied) else uuid.uuid4().hex
        scope[_SCOPE_KEY] = chosen
    return chosen


class AccessLogMiddleware:
    """ASGI middleware: ``x-request-id`` on every answer and one ``unionfed.access`` line per request.

    ``observe(method, route template, status, seconds)`` is told of every answer too (the
    service's /metrics counts them by the same route template as the line).
    """

    def __init__(self, app, observe: Callable[[str, str | None, int | None, float], None] | None = None):
        self.app = app
        self.observe = observe

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = None

        async def send_with_id(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), (b"x-request-id", request_id.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            if status is not None:
                raise
            # Answered here rather than by Starlette's last-resort handler, so the 500 carries the id.
            log.exception("unhandled error answering %s %s", scope["method"], _route(scope) or "<unmatched>")
            status = 500
            failed = internal_problem(Request(scope))
            await send_with_id({"type": "http.response.start", "status": 500, "headers": failed.raw_headers})
            body = failed.body
            await send({"type": "http.response.body", "body": body})
        finally:
            elapsed = time.perf_counter() - started
            duration_ms = round(elapsed * 1000, 1)
            route = _route(scope)
            if self.observe is not None:
                self.observe(scope["method"], route, status, elapsed)
            access_log.info(
                "%s %s %s %.1f ms",
                scope["method"],
                route or "<unmatched>",
                status,
                duration_ms,
                extra={
                    "method": scope["method"],
                    "route": route,
                    "status": status,
                    "duration_ms": duration_ms,
                    "request_id": request_id,
                },
            )
            request_id_var.reset(token)


def _route(scope) -> str | None:
    return getattr(scope.get("route"), "path", None)
