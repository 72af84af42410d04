"""Tenant isolation matrix (issue 6): every HTTP route × every role × every scope.

Routes are read from each service's FastAPI app, so a new endpoint without a row in
``matrix.ROUTES`` fails :func:`test_every_route_is_in_the_matrix`. For each route, each role acts
for A (own), F (parent), B (sibling), G (A's union group) and X (another federation) on A's
resource; refused answers of callers outside A's tree must equal the answer for a resource
that does not exist. See ``matrix.py`` for the rules and the table.
"""

import asyncio
import collections
import json
import re
import time
from dataclasses import dataclass

import pytest
from fastapi.routing import APIRoute

from tests.pytest_infra import bearer
from tests.security.conftest import fingerprint
from tests.security.matrix import (
    ENTERPRISE_UNION_READS,
    PUBLIC,
    ROLE_LETTERS,
    ROUTES,
    SCOPES,
    TESTED_ELSEWHERE,
    WRITES,
    Route,
    ghost,
)
from tests.security.world import CAUSE_DETAIL, HARDSHIP_MARKERS, RECIPIENT_NAME, STUDENT_NAME, WORKER_NAME, seed
from unionfed_shared.auth import Role

pytestmark = pytest.mark.integration

ROLES = tuple(Role(v) for v in ROLE_LETTERS.values())
DETAIL_ROLES = {Role.WELFARE_OFFICER, Role.UNION_OFFICER, Role.AUDITOR}
# A's rights case is handled by the welfare officer's subject; admins and auditors read its workers too.
CASE_DETAIL_ROLES = {Role.WELFARE_OFFICER, Role.FEDERATION_ADMIN, Role.AUDITOR}
HTTP_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
CONCURRENCY = 4
# Unauthenticated by design, no tenant data. /metrics is scraped on the service's own port, never
# through the gateway (it answers /api/<service>/metrics with 404: tests/gateway).
OPERATIONS = {"/healthz", "/readyz", "/asyncapi.json", "/metrics"}


def _walk(routes, prefix: str = ""):
    """Every APIRoute, also those of included routers (FastAPI >= 0.165 keeps them nested)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route.methods
        elif hasattr(route, "original_router"):
            yield from _walk(route.original_router.routes, prefix + getattr(route.include_context, "prefix", ""))
        elif isinstance(getattr(route, "routes", None), list):  # a mounted sub-application
            yield from _walk(route.routes, prefix + getattr(route, "path", ""))


def app_routes(services) -> list[tuple[str, str, str]]:
    """(service, method, path) of every authenticated route of every service's app.

    Read from the routing tree and, in case a FastAPI release nests it differently, from the
    OpenAPI document too: a route either one knows is in the matrix.
    """
    found = set()
    for name, (_runtime, client) in services.items():
        app = client._transport.app
        for path, methods in _walk(app.routes):
            found.update((name, m, path) for m in methods - {"HEAD", "OPTIONS"})
        for path, operations in app.openapi()["paths"].items():
            found.update((name, m.upper(), path) for m in operations if m.upper() in HTTP_METHODS)
    return sorted(r for r in found if r[2] not in OPERATIONS)


@dataclass
class Answer:
    status: int
    body: str

    @property
    def refused(self) -> bool:
        """403, or a 404 about scope ("… not found or outside your scope", asked in English); other 404s
        are domain answers given after the caller was let in (no registration of this member …)."""
        if self.status == 403:
            return True
        return self.status == 404 and "scope" in self.body


@dataclass
class Case:
    service: str
    method: str
    path: str
    role: Role
    scope: str
    expected: bool
    answer: Answer | None = None
    unknown: Answer | None = None
    allowed: bool | None = None


class Matrix:
    def __init__(self, services, world):
        self.services = services
        self.world = world
        self.cases: list[Case] = []
        self.problems: dict[str, list[str]] = collections.defaultdict(list)
        self.fingerprints: dict[str, tuple] = {}
        self.requests = 0

    def principal(self, role: Role, scope: str) -> dict:
        w = self.world
        org = {"own": w.a, "parent": w.fed, "sibling": w.b, "child": w.group, "foreign": w.foreign}[scope]
        subject = None
        w.me_member = w["a3"]
        if role is Role.MEMBER:
            member = {"own": w["a1"], "sibling": w["b1"]}.get(scope)
            subject = member or f"member-{scope}"
            w.me_member = member or w["a3"]
        return bearer(role, org, w.foreign if scope == "foreign" else w.fed, subject)

    async def send(self, case: Case, spec: Route, *, unknown: bool = False) -> Answer:
        w = self.world
        # English, so that a scope refusal says "scope" whichever code its service gives it.
        headers = {**self.principal(case.role, case.scope), "Accept-Language": "en"}
        params = {**spec.params(w)}
        body = spec.body(w) if spec.body else None
        target_name = spec.target or (re.findall(r"{(\w+)}", case.path) or [None])[0]
        real = params.get(target_name) if not spec.target_body else body[spec.target_body]
        fake = ghost(target_name or spec.target_body)
        if unknown:
            if spec.target_body:
                body = {**body, spec.target_body: fake}
            else:
                params[target_name] = fake
        url = case.path.format(**params)
        _runtime, client = self.services[case.service]
        # In English: a scope refusal is told from a domain 404 by its words ("… outside your scope").
        kwargs = {"headers": {**headers, "Accept-Language": "en"}}
        if body is not None:
            kwargs["json"] = body
        if spec.query:
            kwargs["params"] = spec.query(w)
        if spec.files:
            kwargs["files"] = spec.files(w)
        self.requests += 1
        response = await client.request(case.method, url, **kwargs)
        # Each request has its own trace id; the rest of two refusals must be the same.
        text = re.sub(r',"trace_id":"[0-9a-f]+"', "", response.text)
        if text and real:
            text = text.replace(fake, "<TARGET>").replace(str(real), "<TARGET>")
        answer = Answer(response.status_code, text)
        self.check_answer(case, spec, answer)
        return answer

    def check_answer(self, case: Case, spec: Route, answer: Answer) -> None:
        label = f"{case.service} {case.method} {case.path} as {case.role.value} for {case.scope}"
        if answer.status == 401 or answer.status >= 500:
            self.problems["unexpected status"].append(f"{label}: {answer.status} {answer.body[:200]}")
        if answer.status in (403, 404):
            try:
                shape = json.loads(answer.body)
            except ValueError:
                shape = None
            if not (isinstance(shape, dict) and {"type", "title", "status", "detail", "code"} <= set(shape)):
                self.problems["refusal shape"].append(f"{label}: {answer.status} {answer.body[:200]}")
        if any(marker in answer.body for marker in HARDSHIP_MARKERS) and not (
            case.role in DETAIL_ROLES and case.scope in ("own", "parent")
        ):
            self.problems["hardship details leaked"].append(f"{label}: {answer.body[:300]}")

    def is_refused(self, spec: Route, answer: Answer) -> bool:
        if spec.pending and answer.status == 202:
            return json.loads(answer.body).get("status") == "pending"
        return answer.refused

    async def run(self, case: Case, spec: Route) -> None:
        case.answer = await self.send(case, spec)
        case.allowed = not self.is_refused(spec, case.answer)
        label = f"{case.service} {case.method} {case.path}: {case.role.value} for {case.scope}"
        if case.allowed != case.expected:
            what = "allowed" if case.allowed else "refused"
            self.problems[f"unexpectedly {what}"].append(f"{label}: {case.answer.status} {case.answer.body[:200]}")
        if case.scope in spec.hidden_scopes():
            case.unknown = await self.send(case, spec, unknown=True)
            if (case.answer.status, case.answer.body) != (case.unknown.status, case.unknown.body):
                self.problems["existence oracle"].append(
                    f"{label}: A's thing -> {case.answer.status} {case.answer.body[:160]} | "
                    f"unknown -> {case.unknown.status} {case.unknown.body[:160]}"
                )

    def summary(self) -> str:
        """One line per route: for each scope, one character per role (F U W M A).

        ``+`` allowed, ``.`` refused, as expected; ``!`` allowed but should be refused,
        ``x`` refused but should be allowed.
        """
        cells = {}
        for c in self.cases:
            if c.allowed is None:
                mark = "?"
            elif c.allowed == c.expected:
                mark = "+" if c.allowed else "."
            else:
                mark = "!" if c.allowed else "x"
            cells[(c.service, c.method, c.path, c.scope, c.role)] = mark
        keys = sorted({(c.service, c.method, c.path) for c in self.cases})
        header = f"{'route':<86} " + " ".join(f"{s:<7}" for s in SCOPES)
        lines = [header, f"{'':<86} " + " ".join(f"{'FUWMA':<7}" for _ in SCOPES)]
        for key in keys:
            row = " ".join("".join(cells.get((*key, s, r), " ") for r in ROLES).ljust(7) for s in SCOPES)
            lines.append(f"{' '.join(key)[:86]:<86} {row}")
        return "\n".join(lines)

    def report(self, *kinds: str) -> str:
        shown = [
            f"== {k} ({len(self.problems[k])})\n" + "\n".join(self.problems[k][:40]) for k in kinds if self.problems[k]
        ]
        return "\n".join(shown) + "\n\n" + self.summary()


@pytest.fixture(scope="module")
async def world(services):
    return await seed(services)


@pytest.fixture(scope="module")
async def matrix(services, world) -> Matrix:
    started = time.monotonic()
    seeded = time.monotonic()
    m = Matrix(services, world)
    known = [r for r in app_routes(services) if (r[0], f"{r[1]} {r[2]}") in ROUTES]
    order = sorted(known, key=lambda r: ROUTES[(r[0], f"{r[1]} {r[2]}")].last)
    for service, method, path in order:
        spec = ROUTES[(service, f"{method} {path}")]
        for scope in SCOPES:
            for role in ROLES:
                m.cases.append(Case(service, method, path, role, scope, spec.expected(method, role.value, scope)))
    spec_of = {id(c): ROUTES[(c.service, f"{c.method} {c.path}")] for c in m.cases}

    # Phase 1: every call that should be refused, between two snapshots of every database.
    # They change nothing, so they run concurrently (one route at a time per task).
    before = {name: await fingerprint(runtime) for name, (runtime, _c) in services.items()}
    by_route = collections.defaultdict(list)
    for case in m.cases:
        if not case.expected:
            by_route[(case.service, case.method, case.path)].append(case)
    gate = asyncio.Semaphore(CONCURRENCY)

    async def refused_calls(cases):
        async with gate:
            for case in cases:
                await m.run(case, spec_of[id(case)])

    await asyncio.gather(*(refused_calls(cases) for cases in by_route.values()))
    after = {name: await fingerprint(runtime) for name, (runtime, _c) in services.items()}
    m.fingerprints = {name: (before[name], after[name]) for name in services}
    refused_at = time.monotonic()

    # Phase 2: the calls that should be allowed, the routes that use up their resource last.
    for case in m.cases:
        if case.expected:
            await m.run(case, spec_of[id(case)])
    m.elapsed = time.monotonic() - started
    print(
        f"\nisolation matrix: {len(m.cases)} cases, {m.requests} requests, {m.elapsed:.1f}s "
        f"(seed {seeded - started:.1f}s, refused {refused_at - seeded:.1f}s, allowed {time.monotonic() - refused_at:.1f}s)"
    )
    return m


def test_every_route_is_in_the_matrix(services):
    routes = app_routes(services)
    present = {(s, f"{m} {p}") for s, m, p in routes}
    unclassified = sorted(present - set(ROUTES) - set(TESTED_ELSEWHERE) - set(PUBLIC))
    stale = sorted((set(ROUTES) | set(TESTED_ELSEWHERE) | set(PUBLIC)) - present)
    assert not unclassified, (
        "routes without a row in tests/security/matrix.py ROUTES (say who may call them and give a sample):\n"
        + "\n".join(f"  {s} {r}" for s, r in unclassified)
    )
    assert not stale, "rows of ROUTES naming no route any more:\n" + "\n".join(f"  {s} {r}" for s, r in stale)


def test_callers_outside_the_tree_learn_nothing(matrix):
    """Sibling, child-group and foreign callers get exactly the answer for a thing that does not exist."""
    assert not matrix.problems["existence oracle"], matrix.report("existence oracle")
    hidden = [c for c in matrix.cases if c.unknown is not None]
    assert hidden and all(not c.allowed for c in hidden), matrix.report("unexpectedly allowed")


def test_each_role_is_allowed_or_refused_as_the_matrix_says(matrix):
    assert not (matrix.problems["unexpectedly allowed"] or matrix.problems["unexpectedly refused"]), matrix.report(
        "unexpectedly allowed", "unexpectedly refused"
    )


def test_refusals_have_one_shape_and_nothing_fails(matrix):
    assert not (matrix.problems["refusal shape"] or matrix.problems["unexpected status"]), matrix.report(
        "refusal shape", "unexpected status"
    )


def test_auditors_write_nothing_but_their_findings_and_refused_calls_change_nothing(matrix):
    writes = [
        c
        for c in matrix.cases
        if c.role is Role.AUDITOR
        and c.method in WRITES
        and not ROUTES[(c.service, f"{c.method} {c.path}")].auditor_writes  # its own findings
    ]
    assert writes and not [c for c in writes if c.allowed], matrix.report("unexpectedly allowed")
    changed = {
        name: sorted(t for t in before if before[t] != after.get(t))
        for name, (before, after) in matrix.fingerprints.items()
        if before != after
    }
    assert not changed, f"refused calls changed these tables: {changed}"


def test_the_auditor_reads_everything_in_its_scope_and_writes_only_its_findings(matrix):
    """The audit committee (经审): every read another role may make in a scope, the auditor made there
    too; every write it was refused, but on the routes of its own findings (and the reads that hand
    over the means to write, such as unused answer codes)."""
    by_route = collections.defaultdict(dict)
    for c in matrix.cases:
        by_route[(c.service, c.method, c.path, c.scope)][c.role] = c
    problems = []
    for (service, method, path, scope), cases in by_route.items():
        auditor = cases[Role.AUDITOR]
        spec = ROUTES[(service, f"{method} {path}")]
        label = f"{service} {method} {path} for {scope}: {auditor.answer.status if auditor.answer else '?'}"
        if method in WRITES or spec.hands_over_a_write:
            if auditor.allowed and not spec.auditor_writes:
                problems.append(f"the auditor wrote, or took the means to: {label}")
        elif (
            spec.me is None
            and not auditor.allowed
            and any(c.allowed for r, c in cases.items() if r is not Role.AUDITOR)
        ):
            problems.append(f"the auditor may not read what others read: {label}")
    assert not problems, "\n".join(problems)
    findings = [
        c for c in matrix.cases if c.role is Role.AUDITOR and ROUTES[(c.service, f"{c.method} {c.path}")].auditor_writes
    ]
    assert findings and all(c.allowed for c in findings if c.scope in ("own", "parent"))


def test_hardship_details_only_to_welfare_union_officers_and_auditors(matrix):
    assert not matrix.problems["hardship details leaked"], matrix.report("hardship details leaked")
    reads = [c for c in matrix.cases if c.path == "/v1/hardship-files/{file_id}" and c.method == "GET"]
    for c in reads:
        sees = CAUSE_DETAIL in c.answer.body
        should = c.role in DETAIL_ROLES and c.scope in ("own", "parent")
        assert sees == should, (
            f"{c.role.value} for {c.scope}: details {'shown' if sees else 'hidden'}: {c.answer.body[:300]}"
        )
        if c.allowed and not should:
            assert json.loads(c.answer.body)["details_visible"] is False and "pseudonym" in c.answer.body


def test_rights_case_workers_only_to_the_handler_admins_and_auditors(matrix):
    leaks = [c for c in matrix.cases if c.answer and WORKER_NAME in c.answer.body]
    assert not [
        f"{c.method} {c.path}: {c.role.value} for {c.scope}"
        for c in leaks
        if not (c.role in CASE_DETAIL_ROLES and c.scope in ("own", "parent"))
    ]
    reads = [c for c in matrix.cases if c.path == "/v1/rights-cases/{case_id}" and c.method == "GET"]
    for c in reads:
        sees = WORKER_NAME in c.answer.body
        should = c.role in CASE_DETAIL_ROLES and c.scope in ("own", "parent")
        assert sees == should, f"{c.role.value} for {c.scope}: {c.answer.status} {c.answer.body[:300]}"
        if c.allowed and not should:  # the union officer of A: the case, its workers by pseudonym
            assert json.loads(c.answer.body)["details_visible"] is False and "劳动者-" in c.answer.body


@pytest.mark.parametrize(
    ("name", "path", "pseudonym"),
    [
        (RECIPIENT_NAME, "/v1/outside-grants/{grant_id}", "受助人-"),
        (STUDENT_NAME, "/v1/student-aid-applications/{application_id}", "学生-"),
    ],
)
def test_a_non_member_helped_and_a_student_are_named_only_to_the_recorder_admins_and_auditors(
    matrix, name, path, pseudonym
):
    leaks = [c for c in matrix.cases if c.answer and name in c.answer.body]
    assert not [
        f"{c.method} {c.path}: {c.role.value} for {c.scope}"
        for c in leaks
        if not (c.role in CASE_DETAIL_ROLES and c.scope in ("own", "parent"))
    ]
    reads = [c for c in matrix.cases if c.path == path and c.method == "GET"]
    for c in reads:
        sees = name in c.answer.body
        should = c.role in CASE_DETAIL_ROLES and c.scope in ("own", "parent")
        assert sees == should, f"{c.role.value} for {c.scope}: {c.answer.status} {c.answer.body[:300]}"
        if c.allowed and not should:  # the union officer of A: the record, its person by pseudonym
            assert json.loads(c.answer.body)["details_visible"] is False and pseudonym in c.answer.body


async def _as_enterprise_union(services, world, key, role: Role, target: str) -> Answer:
    """``role`` acting for E calls the row ``key`` of ENTERPRISE_UNION_READS with its target set to ``target``."""
    service, route, _what = key
    spec = ENTERPRISE_UNION_READS[key]
    method, path = route.split(" ", 1)
    [(target_name, real)] = spec.params(world).items()
    headers = {**bearer(role, world["enterprise_union"], world.fed), "Accept-Language": "en"}
    body = {"json": spec.body(world)} if spec.body else {}
    _runtime, client = services[service]
    answer = await client.request(method, path.format(**{target_name: target}), headers=headers, **body)
    text = re.sub(r',"trace_id":"[0-9a-f]+"', "", answer.text)
    return Answer(answer.status_code, text.replace(target, "<TARGET>").replace(str(real), "<TARGET>"))


async def test_an_enterprises_union_reads_its_enterprises_contracts_and_nothing_else_of_the_register(services, world):
    """Each role acting for E, the union founded in F's enterprise 甲, on the rows of ENTERPRISE_UNION_READS
    (its auditor reads what its officers read); a hidden refusal is exactly the answer for a thing that does not exist."""
    problems = []
    for key, spec in ENTERPRISE_UNION_READS.items():
        [(target_name, real)] = spec.params(world).items()
        method = key[1].split(" ", 1)[0]
        for letter, role in ROLE_LETTERS.items():
            answer = await _as_enterprise_union(services, world, key, Role(role), str(real))
            label = f"{key[1]} ({key[2]}) as {role} for E: {answer.status} {answer.body[:160]}"
            if answer.status == 401 or answer.status >= 500:
                problems.append(f"unexpected status: {label}")
            # The audit committee reads whatever the union's other roles read (it writes nothing).
            allowed = letter in spec.allow or (letter == "A" and bool(spec.allow) and method not in WRITES)
            if answer.refused == allowed or (allowed and answer.status != 200):
                problems.append(f"{'refused' if answer.refused else 'allowed'}: {label}")
            if spec.hidden:
                unknown = await _as_enterprise_union(services, world, key, Role(role), ghost(target_name))
                if (unknown.status, unknown.body) != (answer.status, answer.body):
                    problems.append(f"existence oracle: {label} | unknown -> {unknown.status} {unknown.body[:160]}")
    assert not problems, "\n".join(problems)
