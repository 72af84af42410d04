"""Every error leaves as an RFC 9457 problem in the caller's language (no broker, no database)."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from unionfed_shared.errors import Conflict, Invalid, NotFound
from unionfed_shared.problem_handlers import install_problem_handlers
from unionfed_shared.problems import negotiate


class Line(BaseModel):
    amount_fen: int = Field(gt=0)


class Grant(BaseModel):
    member_id: str
    lines: list[Line]


def _client() -> TestClient:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/grants")
    async def grant(body: Grant, period: str | None = None) -> dict:
        if period == "0000-01":
            raise Invalid(
                "period_out_of_range",
                zh="会费月份须在 1900-01 到 2999-12 之间",
                en="the period must be between 1900-01 and 2999-12",
            )
        raise Conflict(
            "grant_over_yearly_cap", zh="超出年度上限", en="over the yearly cap", pointer="#/lines/0/amount_fen"
        )

    @app.get("/orgs/{org}")
    async def org(org: str) -> dict:
        raise NotFound(
            "organization_not_found",
            zh="未找到该组织或不在您的范围内",
            en="organization not found or outside your scope",
        )

    @app.get("/boom")
    async def boom() -> dict:
        raise RuntimeError("secret internals")

    return TestClient(app, raise_server_exceptions=False)


def test_the_language_is_chinese_unless_the_caller_prefers_english():
    assert negotiate(None) == "zh-CN"
    assert negotiate("") == "zh-CN"
    assert negotiate("en-US,en;q=0.9") == "en"
    assert negotiate("fr-FR, en;q=0.5, zh;q=0.8") == "zh-CN"
    assert negotiate("zh-TW") == "zh-CN"
    assert negotiate("de, en;q=0") == "zh-CN"
    assert negotiate("en;q=0.9, zh-CN;q=0.2") == "en"


def test_a_refusal_is_a_problem_with_its_code_in_chinese_by_default():
    answer = _client().get("/orgs/x")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["content-language"] == "zh-CN"
    body = answer.json()
    assert body["type"] == "urn:unionfed:problem:not_found" and body["title"] == "未找到"
    assert body["code"] == "organization_not_found" and body["detail"] == "未找到该组织或不在您的范围内"
    assert body["status"] == 404 and body["instance"] == "/orgs/x"


def test_english_on_request_and_a_field_refusal_points_at_the_field():
    answer = _client().post(
        "/grants", json={"member_id": "m", "lines": [{"amount_fen": 5}]}, headers={"Accept-Language": "en"}
    )
    assert answer.status_code == 409
    body = answer.json()
    assert body["title"] == "Conflict" and body["detail"] == "over the yearly cap"
    assert body["errors"] == [
        {
            "in": "body",
            "pointer": "#/lines/0/amount_fen",
            "code": "grant_over_yearly_cap",
            "detail": "over the yearly cap",
        }
    ]


def test_fastapi_validation_is_a_problem_with_json_pointers():
    answer = _client().post("/grants", json={"lines": [{"amount_fen": 0}]})
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "request_validation" and body["type"] == "urn:unionfed:problem:invalid"
    by_pointer = {error["pointer"]: error for error in body["errors"]}
    assert by_pointer["#/member_id"]["code"] == "missing" and by_pointer["#/member_id"]["detail"] == "缺少此项"
    assert by_pointer["#/lines/0/amount_fen"]["code"] == "greater_than"
    assert by_pointer["#/lines/0/amount_fen"]["detail"] == "须大于 0"
    assert "2 处" in body["detail"]


def test_a_broken_body_and_unknown_routes_and_methods_are_problems_too():
    client = _client()
    broken = client.post("/grants", content=b"{not json", headers={"content-type": "application/json"})
    assert broken.status_code == 422 and broken.json()["errors"][0]["code"] == "json_invalid"
    missing = client.get("/nowhere")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert missing.headers["content-type"] == "application/problem+json"
    wrong = client.delete("/orgs/x")
    assert wrong.status_code == 405 and wrong.json()["code"] == "method_not_allowed"


def test_an_unexpected_failure_is_a_500_problem_that_hides_the_internals():
    answer = _client().get("/boom", headers={"Accept-Language": "en"})
    assert answer.status_code == 500 and answer.json()["code"] == "internal_error"
    assert "secret" not in answer.text


def test_a_cross_field_rule_answers_with_its_own_code_in_both_languages():
    from pydantic import model_validator

    from unionfed_shared.errors import field_refusal

    class Window(BaseModel):
        start: int
        end: int

        @model_validator(mode="after")
        def _ordered(self) -> "Window":
            if self.end < self.start:
                raise field_refusal(
                    "window_reversed", zh="结束须不早于开始", en="the end must not be before the start {x}"
                )
            return self

    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/windows")
    async def window(body: Window) -> dict:
        return {}

    client = TestClient(app)
    zh = client.post("/windows", json={"start": 2, "end": 1}).json()["errors"][0]
    en = client.post("/windows", json={"start": 2, "end": 1}, headers={"Accept-Language": "en"}).json()["errors"][0]
    assert zh["code"] == en["code"] == "window_reversed"
    assert zh["detail"] == "结束须不早于开始" and en["detail"] == "the end must not be before the start {x}"


def test_a_failure_below_the_access_log_is_a_problem_that_carries_the_request_id():
    from unionfed_shared.access_log import AccessLogMiddleware

    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(AccessLogMiddleware)

    @app.get("/boom")
    async def boom() -> dict:
        raise RuntimeError("secret internals")

    answer = TestClient(app, raise_server_exceptions=False).get("/boom")
    assert answer.status_code == 500 and answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "internal_error" and answer.headers["x-request-id"]
    assert "secret" not in answer.text
