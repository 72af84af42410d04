"""The exception handlers that make every error leave a service as a problem (see ``problems.py``):
our refusals, FastAPI's validation, Starlette's 404/405, a value the database cannot store, and
anything unexpected (a 500 that names its trace id and nothing of the server's insides)."""

import logging
from typing import get_args

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import Match

from unionfed_shared.contracts.membership import Language
from unionfed_shared.errors import DomainError
from unionfed_shared.messaging.errors import is_bad_value
from unionfed_shared.problems import (
    field_problems,
    internal_problem,
    language_of,
    problem_response,
    validation_summary,
)

log = logging.getLogger(__name__)

# Starlette's own refusals (no route, wrong method, …), by status.
_HTTP_STATUS: dict[int, tuple[str, str, str]] = {
    404: ("not_found", "未找到此地址", "no such resource"),
    405: ("method_not_allowed", "此地址不支持该请求方法", "this method is not allowed here"),
    406: ("not_acceptable", "无法以所要求的格式答复", "cannot answer in the requested format"),
    413: ("too_large", "请求内容过大", "the request body is too large"),
    415: ("unsupported_media_type", "不支持此内容类型", "unsupported content type"),
}


async def domain_error(request: Request, exc: DomainError) -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
    errors = None
    if exc.pointer:
        language = language_of(request)
        errors = [{"in": "body", "pointer": exc.pointer, "code": exc.code, "detail": exc.text(language)}]
    return problem_response(
        request,
        status=exc.status_code,
        category=exc.category,
        code=exc.code,
        texts=exc.texts,
        errors=errors,
        headers=headers,
    )


async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
    problems = {language: field_problems(exc.errors(), language) for language in get_args(Language)}
    language = language_of(request)
    return problem_response(
        request,
        status=422,
        category="invalid",
        code="request_validation",
        texts={name: validation_summary(found, name) for name, found in problems.items()},
        errors=problems[language],
    )


async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    category, zh, en = _HTTP_STATUS.get(exc.status_code, ("invalid_request", "请求有误", "bad request"))
    headers = dict(exc.headers) if exc.headers else None
    if exc.status_code == 405:
        # Starlette names only the methods of the first route on the path; a path may have several.
        headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
    return problem_response(
        request,
        status=exc.status_code,
        category=category,
        code=category,
        texts={"zh-CN": zh, "en": en},
        headers=headers,
    )


def allowed_methods(request: Request) -> list[str]:
    """Every method some route answers on the request's path."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        if match != Match.NONE and getattr(route, "methods", None):
            methods |= set(route.methods)
    return sorted(methods)


async def unstorable_value(request: Request, exc: DBAPIError) -> Response:
    # NUL in text, an integer past BIGINT, a lone surrogate: the caller's input, not a server fault.
    if not is_bad_value(exc):
        raise exc  # a server fault: the outermost handler answers 500, after the middlewares saw it fail
    return problem_response(
        request,
        status=422,
        category="invalid",
        code="unstorable_value",
        texts={
            "zh-CN": "请求中有无法保存的值（NUL 字符、无效的 Unicode，或超出范围的数字或日期）",
            "en": "a value in the request cannot be stored (NUL character, invalid Unicode, or a number or "
            "date out of range)",
        },
    )


async def internal_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error", exc_info=exc)
    return internal_problem(request)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, domain_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, invalid_request)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(DBAPIError, unstorable_value)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, internal_error)
