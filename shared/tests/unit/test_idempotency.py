"""Idempotency-Key: parsing, what "the same request" means, and which operations take the header."""

import importlib

import pytest
from fastapi import APIRouter, FastAPI

from unionfed_shared import idempotency
from unionfed_shared.idempotent_routes import IdempotentRoute, exempt

# POSTs that take no key, and why. The first two resume work and never do any twice, committing piece
# by piece; the last two are secret or anonymous: a stored key (caller, body digest, answer) would tie
# the voter to the vote. The domain takes one ballot or answer per person, so a retry is refused.
# Account creation and password resets answer a temporary password, which must never be stored to
# replay; disabling and enabling set a state, harmless to repeat. Checking a signed ledger head
# changes nothing, nor does a preview. Replaying dead letters takes only pending ones, each applied once (the inbox).
EXEMPT = {
    ("membership", "/v1/organizations/{organization_id}/accounts"),
    ("membership", "/v1/organizations/{organization_id}/accounts/{account_id}/password-reset"),
    ("membership", "/v1/organizations/{organization_id}/accounts/{account_id}/disable"),
    ("membership", "/v1/organizations/{organization_id}/accounts/{account_id}/enable"),
    ("membership", "/v1/organizations/{organization_id}/roster-imports"),
    ("welfare", "/v1/organizations/{organization_id}/festival-greetings/{batch_id}/run"),
    ("welfare", "/v1/organizations/{organization_id}/grants/preview"),
    ("welfare", "/v1/organizations/{organization_id}/festival-greeting-previews"),
    ("events", "/v1/congress-motions/{motion_id}/ballots"),
    ("events", "/v1/surveys/{survey_id}/responses"),
    ("events", "/v1/me/surveys/{survey_id}/responses"),
    # Anonymous evaluation forms: a member's (no key ties them to it) and a parent's (the code is the key).
    ("events", "/v1/me/evaluations/{evaluation_id}/responses"),
    ("events", "/v1/public/evaluation-responses"),
    ("finance", "/v1/ledger-heads/verify"),
    *((service, "/v1/dead-letters/replay") for service in ("membership", "welfare", "events", "finance")),
}


@pytest.mark.parametrize(
    "raw, key",
    [
        ("8e03978e-40d5-43e8-bc93-6894a57f9324", "8e03978e-40d5-43e8-bc93-6894a57f9324"),
        ('"8e03978e-40d5-43e8-bc93-6894a57f9324"', "8e03978e-40d5-43e8-bc93-6894a57f9324"),  # sf-string, as the draft
        (' "a \\"quoted\\" key" ', 'a "quoted" key'),
        ("k" * 255, "k" * 255),
    ],
)
def test_a_key_is_a_structured_field_string_or_a_bare_token(raw, key):
    assert idempotency.parse_key(raw) == key


@pytest.mark.parametrize("raw", ["", '""', "   ", "k" * 256, "tab\there", "中文"])
def test_an_unusable_key_is_refused_as_invalid(raw):
    with pytest.raises(idempotency.IdempotencyKeyInvalid) as refused:
        idempotency.parse_key(raw)
    assert refused.value.status_code == 400 and refused.value.code == "idempotency_key_invalid"


def test_the_same_json_body_reserialised_is_the_same_request():
    one = idempotency.json_body_digest(b'{"amount_fen": 100, "note": "\\u4e50"}')
    other = idempotency.json_body_digest('{ "note":"乐",\n "amount_fen":100 }'.encode())
    assert one == other
    assert idempotency.json_body_digest(b'{"amount_fen": 101, "note": "\\u4e50"}') != one
    assert idempotency.json_body_digest(b"not json") != idempotency.json_body_digest(b"not json ")


def test_method_route_parameters_and_body_all_make_the_request():
    base = (b"secret", "POST", "/v1/organizations/{organization_id}/expenses", {"organization_id": "a"}, [], "d")
    same = idempotency.fingerprint(*base)
    assert idempotency.fingerprint(*base) == same
    for changed in (
        (b"secret", "POST", "/v1/organizations/{organization_id}/donations", {"organization_id": "a"}, [], "d"),
        (b"secret", "POST", base[2], {"organization_id": "b"}, [], "d"),
        (b"secret", "POST", base[2], {"organization_id": "a"}, [("import_valid_rows", "true")], "d"),
        (b"secret", "POST", base[2], {"organization_id": "a"}, [], "e"),
    ):
        assert idempotency.fingerprint(*changed) != same


def test_the_stored_fingerprint_cannot_be_recomputed_without_the_services_secret():
    # A body with an ID number: without the key, trying every ID number against the stored value finds nothing.
    request = ("POST", "/v1/organizations/{organization_id}/members", {"organization_id": "a"}, [], "digest")
    assert idempotency.fingerprint(b"one secret", *request) != idempotency.fingerprint(b"another", *request)
    assert idempotency.fingerprint(b"", *request) != idempotency.fingerprint(b"one secret", *request)


def test_only_the_answer_headers_are_replayed_and_the_replay_says_so():
    replay = idempotency.IdempotentReplay(201, [["content-type", "application/json"], ["location", "/v1/x/1"]], b"{}")
    answer = idempotency.replay_response(replay)
    assert answer.status_code == 201 and answer.body == b"{}"
    assert answer.headers["location"] == "/v1/x/1" and answer.headers["content-type"] == "application/json"
    assert answer.headers["idempotent-replayed"] == "true"


def test_key_problems_are_refusals_with_their_own_status_and_type():
    busy = idempotency.IdempotencyKeyInFlight("idempotency_key_in_flight", zh="处理中", en="busy")
    reused = idempotency.IdempotencyKeyReused("idempotency_key_reused", zh="已用", en="used")
    assert (busy.status_code, busy.category) == (409, "idempotency_key_in_flight")
    assert (reused.status_code, reused.category) == (422, "idempotency_key_reused")


def test_the_route_class_puts_the_header_on_posts_unless_exempt():
    router = APIRouter(route_class=IdempotentRoute)

    @router.post("/things")
    async def create() -> None: ...

    @router.post("/things/resume")
    @exempt("resumes; never does anything twice")
    async def resume() -> None: ...

    @router.get("/things")
    async def read() -> None: ...

    app = FastAPI()
    app.include_router(router)
    paths = app.openapi()["paths"]  # before install: FastAPI's own, inline parameter

    def header_names(operation: dict) -> list[str]:
        return [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]

    assert header_names(paths["/things"]["post"]) == ["Idempotency-Key"]
    assert header_names(paths["/things/resume"]["post"]) == []
    assert header_names(paths["/things"]["get"]) == []


@pytest.mark.parametrize("service", ["membership", "welfare", "events", "finance"])
def test_every_post_of_every_service_takes_the_key_but_the_declared_exemptions(service):
    definition = importlib.import_module(f"unionfed_{service}.entrypoints.app").definition()
    assert definition.idempotency_keys is not None, "the service keeps its keys"
    app = FastAPI()
    for router in definition.routers:
        app.include_router(router)
    idempotency.install(app)
    document = app.openapi()
    reference = {"$ref": "#/components/parameters/IdempotencyKey"}
    header = document["components"]["parameters"]["IdempotencyKey"]
    assert header["in"] == "header" and header["name"] == "Idempotency-Key" and not header.get("required")
    assert "24 hours" in header["description"]
    posts = {path: op for path, ops in document["paths"].items() for method, op in ops.items() if method == "post"}
    assert posts
    for path, operation in posts.items():
        parameters = operation.get("parameters", [])
        assert not [p for p in parameters if p.get("name") == "Idempotency-Key"], "documented once, by reference"
        if (service, path) in EXEMPT:
            assert reference not in parameters, path
        else:
            assert parameters.count(reference) == 1, path
