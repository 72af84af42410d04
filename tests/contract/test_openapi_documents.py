"""Each service's OpenAPI document is valid OpenAPI 3.1 (``openapi-spec-validator``) and says what
the service answers: every error as a problem, no FastAPI ``HTTPValidationError``, 401/403 on every
operation behind the token, the deliberate uniform 404 described, CSV/HTML/XLSX declared.

No infrastructure: the apps are assembled as ``unionfed NAME serve`` assembles them, and only
their documents are read.
"""

import importlib
from unittest import mock

import pytest
from openapi_spec_validator import validate

from unionfed_shared.http import create_app
from unionfed_shared.problems import MEDIA_TYPE

SERVICES = ("membership", "welfare", "events", "finance")


def document_of(service: str) -> dict:
    runtime = mock.MagicMock()
    runtime.definition = importlib.import_module(f"unionfed_{service}.entrypoints.app").definition()
    return create_app(runtime).openapi()


def operations(document: dict):
    for path, entries in document["paths"].items():
        for method, operation in entries.items():
            yield path, method, operation


@pytest.mark.parametrize("service", SERVICES)
def test_the_document_is_valid_openapi(service):
    validate(document_of(service))  # raises with the first error, if any


@pytest.mark.parametrize("service", SERVICES)
def test_every_error_is_a_documented_problem(service):
    document = document_of(service)
    schemas = document["components"]["schemas"]
    assert "Problem" in schemas and "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    for path, method, operation in operations(document):
        responses = operation["responses"]
        where = f"{method.upper()} {path}"
        assert "500" in responses, where
        for status, response in responses.items():
            if status.startswith(("4", "5")):
                assert list(response["content"]) == [MEDIA_TYPE], (where, status)
                assert response["content"][MEDIA_TYPE]["schema"] == {"$ref": "#/components/schemas/Problem"}
        if operation.get("security"):
            assert {"401", "403"} <= set(responses), where
        if "{" in path:
            assert "outside the caller's scope" in responses["404"]["description"], where
        if operation.get("parameters") or operation.get("requestBody"):
            assert "422" in responses, where


def test_what_the_issue_found_is_now_documented():
    finance = document_of("finance")
    for report in ("disclosure", "audit-pack"):
        operation = finance["paths"][f"/v1/organizations/{{organization_id}}/{report}"]["get"]
        required = {p["name"]: p["required"] for p in operation["parameters"] if p["in"] == "query"}
        assert required["from"] and required["to"], report
        assert {"text/html", "text/csv"} <= set(operation["responses"]["200"]["content"]), report
    disclosure = finance["paths"]["/v1/organizations/{organization_id}/disclosure"]["get"]
    assert "application/pdf" in disclosure["responses"]["200"]["content"]
    # The check a printed statement's QR code opens is public on purpose: no token, a page or JSON.
    check = finance["paths"]["/v1/public/disclosure-check"]["get"]
    assert not check.get("security") and "401" not in check["responses"]
    assert {"application/json", "text/html"} <= set(check["responses"]["200"]["content"])
    pending = finance["paths"]["/v1/money-requests/{request_id}"]["get"]["responses"]
    assert "202" in pending and "200" in pending

    membership = document_of("membership")
    roster = membership["paths"]["/v1/organizations/{organization_id}/roster"]["get"]["responses"]["200"]["content"]
    assert {"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} <= set(roster)
    enrol = membership["paths"]["/v1/organizations/{organization_id}/members"]["post"]
    assert enrol["requestBody"]["content"]["application/json"]["examples"]

    welfare = document_of("welfare")["components"]["schemas"]
    assert set(welfare["OpenFile"]["properties"]["level"]["enum"]) == {"hardship", "special_hardship"}
    assert "hospitalised" in welfare["RecordGrant"]["properties"]["visit_type"]["enum"]
    # Bounds on money survive into the schema (minimum/exclusiveMinimum, not pydantic's raw ge/gt).
    assert welfare["VisitPolicy"]["properties"]["yearly_cap_fen"]["exclusiveMinimum"] == 0


def test_returning_a_home_assessment_or_a_statistics_report_takes_one_reason_body():
    document = document_of("membership")
    bodies = {
        path: document["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        for path in (
            "/v1/home-assessments/{assessment_id}/return",
            "/v1/statistics-reports/{report_id}/return",
        )
    }
    assert set(map(str, bodies.values())) == {str({"$ref": "#/components/schemas/ReturnWithReason"})}
    reason = document["components"]["schemas"]["ReturnWithReason"]
    assert reason["required"] == ["reason"]
    assert reason["properties"]["reason"] | {"title": None} == {
        "type": "string",
        "minLength": 1,
        "maxLength": 2000,
        "title": None,
    }
