"""Every error a service answers, as one RFC 9457 ``application/problem+json`` document.

``type`` names the category (``urn:unionfed:problem:invalid``) and ``title`` says it in words;
``code`` is the stable machine name of the refusal (``grant_over_yearly_cap``); ``detail`` explains
this occurrence in the caller's language, chosen from ``Accept-Language`` (zh-CN unless the caller
prefers English); ``errors`` points at the fields at fault; ``trace_id`` finds the request's lines
in the logs and traces.
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse

from unionfed_shared.observability import current_trace_id

Language = Literal["zh-CN", "en"]
DEFAULT_LANGUAGE: Language = "zh-CN"
MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:unionfed:problem:"

# The title of each category, in each language; a category's title never changes between occurrences.
TITLES: dict[str, tuple[str, str]] = {
    "invalid_request": ("请求有误", "Bad request"),
    "invalid": ("请求内容无效", "The request is not valid"),
    "unauthorized": ("未登录或登录已失效", "Not signed in"),
    "forbidden": ("无权进行此操作", "Not allowed"),
    "not_found": ("未找到", "Not found"),
    "method_not_allowed": ("不支持此请求方法", "Method not allowed"),
    "not_acceptable": ("无法提供所要求的格式", "Not acceptable"),
    "conflict": ("与现有数据冲突", "Conflict"),
    "too_large": ("内容过大", "Content too large"),
    "unsupported_media_type": ("不支持的文件或内容类型", "Unsupported media type"),
    "idempotency_key_invalid": ("幂等键无效", "Invalid Idempotency-Key"),
    "idempotency_key_reused": ("幂等键已用于另一请求", "Idempotency-Key already used for another request"),
    "idempotency_key_in_flight": (
        "相同幂等键的请求仍在处理中",
        "A request with this Idempotency-Key is still being processed",
    ),
    "commit_failed": ("保存结果未知", "The change may not have been saved"),
    "unavailable": ("服务暂不可用", "Service unavailable"),
    "internal_error": ("服务器内部错误", "Internal server error"),
}


class FieldProblem(BaseModel):
    """One field at fault: where (``in`` plus a JSON pointer into the body, or a parameter's name),
    a machine code and the reason in the caller's language."""

    in_: Literal["body", "query", "path", "header", "cookie"] = Field(alias="in")
    pointer: str | None = Field(default=None, description="JSON pointer into the body, e.g. `#/lines/0/amount_fen`")
    name: str | None = Field(default=None, description="The parameter or header, when not in the body")
    code: str
    detail: str

    model_config = {"populate_by_name": True}


class Problem(BaseModel):
    """RFC 9457 problem details, as every error of every service is answered."""

    type: str = Field(examples=["urn:unionfed:problem:invalid"])
    title: str = Field(examples=["请求内容无效"])
    status: int = Field(ge=400, le=599, examples=[422])
    detail: str = Field(examples=["会费月份须在 1900-01 到 2999-12 之间"])
    code: str = Field(description="Stable machine name of the refusal", examples=["period_out_of_range"])
    instance: str | None = Field(default=None, description="The request path")
    trace_id: str | None = Field(default=None, description="W3C trace id of the request")
    errors: list[FieldProblem] | None = None


def negotiate(accept_language: str | None) -> Language:
    """The caller's language: the first of their preferences (by q) that is Chinese or English."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, position, tag.strip().lower()))
    for _, _, tag in sorted(ranked):
        if tag == "zh" or tag.startswith("zh-"):
            return "zh-CN"
        if tag == "en" or tag.startswith("en-"):
            return "en"
    return DEFAULT_LANGUAGE


def language_of(request: Request) -> Language:
    return negotiate(request.headers.get("accept-language"))


def title_of(category: str, language: Language) -> str:
    zh, en = TITLES.get(category, TITLES["invalid_request"])
    return en if language == "en" else zh


def problem_document(
    *,
    status: int,
    category: str,
    code: str,
    detail: str,
    language: Language,
    instance: str | None = None,
    errors: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "type": TYPE_PREFIX + category,
        "title": title_of(category, language),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if instance:
        document["instance"] = instance
    trace_id = current_trace_id()
    if trace_id:
        document["trace_id"] = trace_id
    if errors:
        document["errors"] = list(errors)
    return document


class ProblemResponse(JSONResponse):
    media_type = MEDIA_TYPE

    def render(self, content: Any) -> bytes:
        # Hostile input echoed back (a lone surrogate is valid JSON as ``\\ud800``) is not UTF-8.
        try:
            return super().render(content)
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode()


def problem_response(
    request: Request,
    *,
    status: int,
    category: str,
    code: str,
    texts: Mapping[str, str],
    errors: Sequence[Mapping[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> ProblemResponse:
    """The problem for ``request``, its detail picked from ``texts`` ({"zh-CN": …, "en": …})."""
    language = language_of(request)
    document = problem_document(
        status=status,
        category=category,
        code=code,
        detail=texts.get(language) or texts.get("en") or "",
        language=language,
        instance=request.url.path,
        errors=errors,
    )
    answer_headers = {"Content-Language": language, "Vary": "Accept-Language", **(headers or {})}
    return ProblemResponse(document, status_code=status, headers=answer_headers)


def internal_problem(request: Request) -> ProblemResponse:
    """The 500 of an unexpected failure: its trace id, and nothing of the server's insides."""
    return problem_response(
        request,
        status=500,
        category="internal_error",
        code="internal_error",
        texts={
            "zh-CN": "服务器出错，请求未完成；请凭 trace_id 联系管理员",
            "en": "the server failed to complete the request; quote the trace_id to an administrator",
        },
    )


# -- FastAPI's own validation, in the caller's language ---------------------------------------------

# pydantic's error types that a request can produce, in Chinese; the context fills the braces.
_FIELD_ZH: dict[str, str] = {
    "missing": "缺少此项",
    "extra_forbidden": "不接受此项",
    "string_type": "须为文字",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "至多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不符（须符合 {pattern}）",
    "int_type": "须为整数",
    "int_parsing": "须为整数",
    "int_from_float": "须为整数，不能带小数",
    "float_type": "须为数字",
    "float_parsing": "须为数字",
    "bool_type": "须为 true 或 false",
    "bool_parsing": "须为 true 或 false",
    "greater_than": "须大于 {gt}",
    "greater_than_equal": "须不小于 {ge}",
    "less_than": "须小于 {lt}",
    "less_than_equal": "须不大于 {le}",
    "multiple_of": "须为 {multiple_of} 的倍数",
    "enum": "须为以下之一：{expected}",
    "literal_error": "须为以下之一：{expected}",
    "date_type": "须为日期（YYYY-MM-DD）",
    "date_parsing": "须为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "须为日期（YYYY-MM-DD）",
    "date_from_datetime_inexact": "须为日期，不能带时刻",
    "datetime_type": "须为带时区的时间（ISO 8601）",
    "datetime_parsing": "须为带时区的时间（ISO 8601）",
    "datetime_from_date_parsing": "须为带时区的时间（ISO 8601）",
    "timezone_aware": "须带时区",
    "uuid_type": "须为 UUID",
    "uuid_parsing": "须为 UUID",
    "list_type": "须为列表",
    "too_short": "至少 {min_length} 项",
    "too_long": "至多 {max_length} 项",
    "dict_type": "须为对象",
    "model_type": "须为对象",
    "model_attributes_type": "须为对象",
    "json_invalid": "不是有效的 JSON",
    "json_type": "不是有效的 JSON",
    "url_parsing": "须为网址",
    "url_scheme": "网址协议不受支持",
    "value_error": "取值无效：{message}",
    "assertion_error": "取值无效：{message}",
    "union_tag_invalid": "类型须为以下之一：{expected_tags}",
    "union_tag_not_found": "缺少类型字段 {discriminator}",
}


def _escape(part: object) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def _zh(error: Mapping[str, Any]) -> str:
    own = (error.get("ctx") or {}).get("zh")
    if isinstance(own, str):  # our own rule (errors.field_refusal) says it in Chinese itself
        return own
    template = _FIELD_ZH.get(str(error.get("type")))
    if template is None:
        return f"取值无效（{error.get('msg', '')}）"
    context = dict(error.get("ctx") or {})
    if "message" not in context:
        context["message"] = str(error.get("msg", "")).removeprefix("Value error, ")
    context.setdefault("error", context["message"])
    try:
        return template.format(**context)
    except (KeyError, IndexError, ValueError):
        return f"取值无效（{error.get('msg', '')}）"


def field_problems(errors: Iterable[Mapping[str, Any]], language: Language) -> list[dict[str, Any]]:
    """FastAPI's validation errors as problem ``errors``: a JSON pointer for the body, a name elsewhere."""
    problems = []
    for error in errors:
        location = list(error.get("loc") or ())
        where = str(location[0]) if location else "body"
        if where not in ("body", "query", "path", "header", "cookie"):
            where, location = "body", ["body", *location]
        rest = location[1:]
        item: dict[str, Any] = {"in": where}
        if where == "body":
            item["pointer"] = "#/" + "/".join(_escape(part) for part in rest) if rest else "#"
        else:
            item["name"] = str(rest[0]) if rest else ""
        item["code"] = str(error.get("type", "invalid"))
        item["detail"] = str(error.get("msg", "")) if language == "en" else _zh(error)
        problems.append(item)
    return problems


def validation_summary(problems: Sequence[Mapping[str, Any]], language: Language) -> str:
    """One sentence naming the fields at fault, for ``detail``."""
    names = []
    for problem in problems:
        name = problem.get("name") or (problem.get("pointer") or "#").removeprefix("#/").replace("~1", "/").replace(
            "~0", "~"
        )
        names.append(f"{name or '(body)'}: {problem['detail']}")
    joined = "; ".join(names[:5]) + ("; …" if len(names) > 5 else "")
    return (
        f"The request has {len(problems)} invalid field(s) — {joined}"
        if language == "en"
        else f"请求中有 {len(problems)} 处填写有误——{joined}"
    )
