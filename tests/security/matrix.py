"""Who may call what, for every HTTP route of every service: the isolation matrix's table.

Each route has one :class:`Route`: a sample request pointing at union A's resource (or, for
``/federations/{federation_id}`` routes, at federation F) and the roles allowed. Roles are
letters: F federation admin, U union officer, W welfare officer, M member, A auditor.

Scopes (the organization the caller acts for):
  own      A, the union that owns the resource
  parent   F, the federation above A (sees its subtree)
  sibling  B, another union of F
  child    G, a union group under A (does not see its parent's things)
  foreign  X, another federation

Generated rules, applied to every route unless the route says otherwise:
  * sibling, child and foreign callers are refused with exactly the answer the same caller gets
    for a resource or organization that does not exist (no existence oracle);
  * ``parent`` allows what ``own`` allows (the tree rule);
  * the audit committee (经审, A) reads everything in its scope and writes nothing but its own
    findings: on a read (GET) it is allowed wherever any other role is allowed in that scope,
    whatever the route's letters say; on a write (POST/PUT/PATCH/DELETE) it is refused, whatever
    the route says, unless the route is one of its findings' (``auditor_writes``), where the
    route's letters decide. A new route falls under both halves by its method alone;
  * hardship details reach only welfare officers, union officers and auditors in scope;
  * a self-service route (``me``, under ``/v1/me``) serves the calling member's own data: it lets
    in a member token naming a member (the matrix's members: a1 acting for A, b1 acting for B) in
    the scopes it lists, and refuses every other role and a member token naming no member.
"""

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.pytest_infra import unique
from tests.security.world import PDF, id_number

ROLE_LETTERS = {"F": "federation_admin", "U": "union_officer", "W": "welfare_officer", "M": "member", "A": "auditor"}
SCOPES = ("own", "parent", "sibling", "child", "foreign")
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
EVERYONE = "FUWMA"
CONGRESS = "FUMA"  # the staff congress is not the welfare officer's business


@dataclass(frozen=True)
class Route:
    allow: str  # roles allowed acting for A (own scope)
    params: Callable = lambda w: {}  # path parameters, beyond the target
    body: Callable | None = None
    query: Callable | None = None
    files: Callable | None = None
    target: str | None = None  # the path parameter naming A's thing; default: the first one
    target_body: str | None = None  # or a body field naming it
    parent: str | None = None  # roles allowed acting for F; default: ``allow``
    child: str | None = None  # roles allowed acting for G; None: G is outside A's things (hidden)
    federation: bool = False  # the target is federation F itself: A, B and G are inside it
    below: str = ""  # federation routes: roles allowed acting for A, B or G
    last: bool = False  # uses up or changes its resource: run after the other routes
    pending: bool = False  # refusals answer 202 pending (the answer for an unknown request id)
    notes: str = ""
    extra: dict = field(default_factory=dict)
    me: tuple[str, ...] | None = None  # a self-service route: the scopes whose member it lets in
    auditor_writes: bool = False  # the audit committee's own findings: A writes here as ``allow`` says
    # Reading it hands over the means to write (an evaluation's unused one-time answer codes): the
    # auditor, who writes nothing, does not read it either.
    hands_over_a_write: bool = False

    def expected(self, method: str, role: str, scope: str) -> bool:
        """True when ``role`` acting for ``scope`` is allowed."""
        letter = next(k for k, v in ROLE_LETTERS.items() if v == role)
        if self.me is not None:
            return letter == "M" and scope in self.me
        if letter == "A" and (method in WRITES or self.hands_over_a_write) and not self.auditor_writes:
            return False
        allowed = self.allowed_in(scope)
        if letter == "A" and method not in WRITES:
            return bool(allowed)  # the auditor reads whatever anyone reads in its scope
        return letter in allowed

    def allowed_in(self, scope: str) -> str:
        """The route's letters for ``scope``, before the auditor's rule."""
        if self.federation:
            return {"parent": self.allow, "own": self.below, "sibling": self.below, "child": self.below}.get(scope, "")
        return {
            "own": self.allow,
            "parent": self.allow if self.parent is None else self.parent,
            "child": self.child or "",
        }.get(scope, "")

    def hidden_scopes(self) -> tuple[str, ...]:
        if self.federation:
            return ("foreign",)
        hidden = ("sibling", "foreign") if self.child is not None else ("sibling", "child", "foreign")
        # A self-service route answers a member from there with their own data: nothing of A's is hidden.
        return tuple(s for s in hidden if s not in (self.me or ()))


def ghost(name: str) -> str:
    """A value for path parameter ``name`` that names nothing."""
    if name in ("organization_id", "federation_id", "code", "id"):
        return unique("ghost")
    return str(uuid.uuid4())


def _csv(w) -> dict:
    return {"file": ("roster.csv", "姓名,性别\n,unknown\n".encode(), "text/csv")}


def _pdf(w) -> dict:
    return {"file": ("会议纪要.pdf", PDF, "application/pdf")}


def _year(w) -> dict:
    return {"year": dt.datetime.now(dt.UTC).year}


M, WF, EV, FI = "membership", "welfare", "events", "finance"
ACTIVITY = lambda w: {"activity_id": w["activity"]}  # noqa: E731
SESSION = lambda w: {"session_id": w["session"]}  # noqa: E731
GRANT = lambda w: {"grant_id": w["grant"]}  # noqa: E731
POSTING = lambda w: {"posting_id": w["posting"]}  # noqa: E731
SPOT_CHECK = lambda w: {"spot_check_id": w["spot_check"]}  # noqa: E731
EVIDENCE = lambda w: {"evidence_id": w["home_evidence"]}  # noqa: E731
ORG = lambda w: {"organization_id": w.a}  # noqa: E731
FED = lambda w: {"federation_id": w.fed}  # noqa: E731
STREET = lambda w: {"organization_id": w.fed}  # noqa: E731
ENTERPRISE = lambda w: {"enterprise_id": w["enterprise"]}  # noqa: E731
REPORT = lambda w: {"report_id": w["statistics_report"]}  # noqa: E731


def _contract(kind: str) -> dict:
    return {
        "kind": kind,
        "employer_party": "甲公司",
        "union_party": "甲公司工会",
        "signed_on": "2026-01-01",
        "valid_from": "2026-01-01",
        "valid_until": "2026-12-31",
        "workers_covered": 40,
    }


# Routes whose isolation is proven by their own tests, with what the matrix's world lacks: the
# accounts of a subtree against a real Keycloak (above, beside and missing organizations answer alike;
# roles below one's own), the audit desk with a head signing key (out of scope answers like
# missing; only auditors and federation admins), and dead letters with a real poison message.
TESTED_ELSEWHERE: dict[tuple[str, str], str] = {
    **{
        (M, f"{method} /v1/organizations/{{organization_id}}/accounts{suffix}"): (
            "services/membership/tests/integration/test_accounts_keycloak.py"
        )
        for method, suffix in (
            ("GET", ""),
            ("POST", ""),
            ("POST", "/{account_id}/password-reset"),
            ("POST", "/{account_id}/disable"),
            ("POST", "/{account_id}/enable"),
        )
    },
    **{
        (FI, route): "services/finance/tests/integration/test_audit_http.py"
        for route in (
            "GET /v1/organizations/{organization_id}/ledger/chain",
            "GET /v1/organizations/{organization_id}/ledger/head",
            "POST /v1/ledger-heads/verify",
            "GET /v1/reconcile",
        )
    },
    # Dead letters belong to no organization: platform administrators only, in every service.
    **{
        (service, route): "shared/tests/integration/test_dead_letters_http.py"
        for service in (M, WF, EV, FI)
        for route in ("GET /v1/dead-letters", "POST /v1/dead-letters/replay")
    },
}

# Routes anyone may call without a token, on purpose, with the test that proves what they reveal:
# the check of a printed disclosure answers only for the ledger head printed on the sheet.
PUBLIC: dict[tuple[str, str], str] = {
    (FI, "GET /v1/public/disclosure-check"): "services/finance/tests/integration/test_disclosure_pdf.py",
    # An outside respondent's (a parent's) evaluation form: only with a one-time code printed for them.
    (EV, "GET /v1/public/evaluation-form"): "services/events/tests/integration/test_evaluations_http.py",
    (EV, "POST /v1/public/evaluation-responses"): "services/events/tests/integration/test_evaluations_http.py",
}

# (service, "METHOD /path") -> Route
ROUTES: dict[tuple[str, str], Route] = {
    # Membership: the tree, members, dues, rosters.
    (M, "POST /v1/organizations"): Route(
        "F",
        target_body="parent_id",
        body=lambda w: {"id": unique("secnew"), "name": "New group", "kind": "union_group", "parent_id": w.a},
    ),
    # Founding a top-level federation is the platform administrator's alone (tests/security/test_platform_admin.py).
    (M, "POST /v1/federations"): Route(
        "", target_body="id", body=lambda w: {"id": unique("secfed"), "name": "New federation"}
    ),
    (M, "GET /v1/organizations/{organization_id}"): Route(EVERYONE, ORG),
    (M, "GET /v1/organizations/{organization_id}/subtree"): Route(EVERYONE, ORG),
    (M, "POST /v1/organizations/{organization_id}/members"): Route(
        "FU", ORG, body=lambda w: {"display_name": "New member", "gender": "male", "joined_on": "2021-01-01"}
    ),
    (M, "GET /v1/organizations/{organization_id}/members"): Route(EVERYONE, ORG),
    (M, "GET /v1/members/{member_id}"): Route(EVERYONE, lambda w: {"member_id": w["a1"]}),
    (M, "POST /v1/organizations/{organization_id}/dues-payments"): Route(
        "FU", ORG, body=lambda w: {"member_id": w["a1"], "period": "2026-02", "amount_fen": 2000}
    ),
    (M, "GET /v1/organizations/{organization_id}/dues-payments"): Route(EVERYONE, ORG),
    (M, "POST /v1/organizations/{organization_id}/move"): Route(
        "", ORG, parent="F", body=lambda w: {"new_parent_id": w.fed}, last=True
    ),
    (M, "GET /v1/organizations/{organization_id}/moves"): Route(EVERYONE, ORG),
    (M, "POST /v1/members/{member_id}/transfer"): Route(
        "FU",
        lambda w: {"member_id": w["a2"]},
        body=lambda w: {"to_organization_id": w.group, "effective_on": "2031-01-01"},
    ),
    (M, "POST /v1/members/{member_id}/status"): Route(
        "FU", lambda w: {"member_id": w["a2"]}, body=lambda w: {"status": "retired", "effective_on": "2032-01-01"}
    ),
    (M, "GET /v1/members/{member_id}/history"): Route(EVERYONE, lambda w: {"member_id": w["a1"]}),
    (M, "GET /v1/members/{member_id}/dues-payments"): Route(EVERYONE, lambda w: {"member_id": w["a1"]}),
    # The printed 入会申请书: whoever reads the member prints it (personal data on it for officers only).
    (M, "GET /v1/members/{member_id}/application-form"): Route(EVERYONE, lambda w: {"member_id": w["a1"]}),
    (M, "GET /v1/organizations/{organization_id}/scheduled-changes"): Route(EVERYONE, ORG),
    (M, "DELETE /v1/scheduled-changes/{change_id}"): Route("FU", lambda w: {"change_id": w["change"]}, last=True),
    (M, "GET /v1/members/{member_id}/personal-data"): Route("FU", lambda w: {"member_id": w["a1"]}),
    (M, "POST /v1/organizations/{organization_id}/committee-terms"): Route(
        "FU",
        ORG,
        last=True,
        body=lambda w: {
            "number": 1,
            "elected_on": "2026-06-01",
            "starts_on": "2026-06-01",
            "ends_on": "2031-05-31",
            "roster": [{"role": "chair", "subject": "union_officer-1", "display_name": "Chair"}],
        },
    ),
    (M, "GET /v1/organizations/{organization_id}/committee-terms"): Route(EVERYONE, ORG),
    (M, "GET /v1/organizations/{organization_id}/committee"): Route(EVERYONE, ORG),
    (M, "PUT /v1/federations/{federation_id}/dues-policies/{valid_from}"): Route(
        "F",
        lambda w: {"federation_id": w.fed, "valid_from": "2026-01-01"},
        federation=True,
        body=lambda w: {"rate_per_mille": 5},
    ),
    # Every union of the federation reads the rule it is charged by.
    (M, "GET /v1/federations/{federation_id}/dues-policies"): Route(EVERYONE, FED, federation=True, below=EVERYONE),
    (M, "GET /v1/organizations/{organization_id}/dues"): Route("FUA", ORG, query=lambda w: {"period": "2026-01"}),
    (M, "POST /v1/organizations/{organization_id}/dues-collections"): Route(
        "FU", ORG, body=lambda w: {"period": "2026-03"}
    ),
    # A month for every union of the federation at once: the federation's officers only; a union's
    # officer does not see the federation (404, as for one that does not exist).
    (M, "POST /v1/federations/{federation_id}/dues-collections"): Route(
        "FU", FED, federation=True, body=lambda w: {"period": "2026-03"}
    ),
    (M, "GET /v1/organizations/{organization_id}/dues-arrears"): Route("FUA", ORG),
    (M, "GET /v1/members/{member_id}/dues-arrears"): Route("FUA", lambda w: {"member_id": w["a1"]}),
    (M, "POST /v1/organizations/{organization_id}/roster-imports"): Route("FU", ORG, files=_csv),
    (M, "GET /v1/organizations/{organization_id}/roster"): Route("FU", ORG, query=lambda w: {"format": "csv"}),
    (M, "PUT /v1/organizations/{organization_id}/staff-count"): Route("FU", ORG, body=lambda w: {"staff_count": 40}),
    (M, "GET /v1/organizations/{organization_id}/membership-report"): Route("FUA", ORG),
    # The street federation's register of enterprises and their collective contracts: kept by a
    # federation-level organization (here F), written by its administrators, read by them and its
    # auditors; the unions below see none of it.
    (M, "POST /v1/organizations/{organization_id}/enterprises"): Route(
        "F",
        STREET,
        federation=True,
        body=lambda w: {"name": "乙公司", "credit_code": w["credit_code_2"], "workers": 30},
    ),
    (M, "GET /v1/organizations/{organization_id}/enterprises"): Route("FA", STREET, federation=True),
    (M, "GET /v1/organizations/{organization_id}/enterprises/should-found"): Route("FA", STREET, federation=True),
    (M, "GET /v1/organizations/{organization_id}/union-foundings"): Route(
        "FA", STREET, federation=True, query=lambda w: {"from": "2026-01-01", "to": "2026-12-31"}
    ),
    (M, "GET /v1/organizations/{organization_id}/collective-contracts/expiring"): Route(
        "FA", STREET, federation=True, query=lambda w: {"within_days": 30}
    ),
    (M, "GET /v1/organizations/{organization_id}/collective-contracts/rollup"): Route("FA", STREET, federation=True),
    # The register's contracts (F's subtree here); a union founded in an enterprise lists its
    # enterprise's through the same route (ENTERPRISE_UNION_READS below).
    (M, "GET /v1/organizations/{organization_id}/collective-contracts"): Route(
        "FA", STREET, federation=True, query=lambda w: {"state": "in_force"}
    ),
    (M, "GET /v1/enterprises/{enterprise_id}"): Route("FA", ENTERPRISE, federation=True),
    (M, "PATCH /v1/enterprises/{enterprise_id}"): Route(
        "F", ENTERPRISE, federation=True, body=lambda w: {"workers": 41}
    ),
    (M, "POST /v1/enterprises/{enterprise_id}/union"): Route(
        "F",
        lambda w: {"enterprise_id": w["enterprise_without_union"]},
        federation=True,
        body=lambda w: {"union_id": unique("secent-union"), "union_name": "丙公司工会", "founded_on": "2026-03-08"},
        last=True,
    ),
    # Read also by the officers of the enterprise's own union (ENTERPRISE_UNION_READS), which is none of A, B, G.
    (M, "GET /v1/enterprises/{enterprise_id}/collective-contracts"): Route("FA", ENTERPRISE, federation=True),
    (M, "POST /v1/enterprises/{enterprise_id}/collective-contracts"): Route(
        "F", ENTERPRISE, federation=True, body=lambda w: _contract("women_workers")
    ),
    (M, "POST /v1/collective-contracts/{contract_id}/renewal"): Route(
        "F",
        lambda w: {"contract_id": w["contract"]},
        federation=True,
        body=lambda w: {**_contract("comprehensive"), "valid_from": "2027-01-01", "valid_until": "2027-12-31"},
        last=True,
    ),
    # Migrant and new-form workers: federation admins designate a joint or trade union; a member's
    # category and employer are kept by the officers who manage the member (as transfers), read by
    # them and auditors; 会籍接转 into the employer's union reaches two unions, so F's officers
    # arrange it, as any transfer between unions (a4 leaves A: the other rows use a1). The counts
    # and the labour-contract checks (春暖行动) belong to F's register.
    (M, "PUT /v1/organizations/{organization_id}/joint-union"): Route(
        "F", ORG, body=lambda w: {"form": "joint", "designated_on": "2026-06-01"}
    ),
    (M, "GET /v1/organizations/{organization_id}/joint-unions"): Route("FUA", ORG),
    (M, "GET /v1/members/{member_id}/worker-record"): Route("FUA", lambda w: {"member_id": w["a1"]}),
    (M, "PUT /v1/members/{member_id}/worker-category"): Route(
        "FU",
        lambda w: {"member_id": w["a1"]},
        body=lambda w: {"migrant_worker": True, "new_form": "courier", "effective_on": "2026-06-01"},
    ),
    (M, "POST /v1/members/{member_id}/employer-changes"): Route(
        "FU",
        lambda w: {"member_id": w["a1"]},
        body=lambda w: {"employer_name": "某外卖平台", "effective_on": "2026-06-01"},
        notes="the first allowed call records the employer; the others are answered 409 employer unchanged",
    ),
    (M, "POST /v1/members/{member_id}/transfer-to-employer-union"): Route(
        "",
        lambda w: {"member_id": w["a4"]},
        parent="FU",
        body=lambda w: {"effective_on": "2026-06-01"},
        last=True,
        notes="the enterprise's union is outside A: A's officers are answered 404 for it; F's reach both",
    ),
    (M, "GET /v1/organizations/{organization_id}/mobile-worker-counts"): Route("FA", STREET, federation=True),
    (M, "POST /v1/enterprises/{enterprise_id}/labour-contract-checks"): Route(
        "F",
        ENTERPRISE,
        federation=True,
        body=lambda w: {
            "checked_on": "2026-03-15",
            "workers_checked": 40,
            "workers_signed": 39,
            "migrant_checked": 10,
            "migrant_signed": 10,
        },
    ),
    (M, "GET /v1/enterprises/{enterprise_id}/labour-contract-checks"): Route("FA", ENTERPRISE, federation=True),
    (M, "GET /v1/organizations/{organization_id}/labour-contract-checks/rollup"): Route(
        "FA", STREET, federation=True, query=lambda w: {"from": "2026-01-01", "to": "2026-12-31"}
    ),
    # Safety supervision in the register's enterprises: like the register, F's administrators write
    # and F's administrators and auditors read; the unions below see none of it.
    (M, "POST /v1/enterprises/{enterprise_id}/safety-inspectors"): Route(
        "F",
        ENTERPRISE,
        federation=True,
        body=lambda w: {"member_id": w["safety_member"], "appointed_on": "2026-03-10"},
    ),
    (M, "GET /v1/enterprises/{enterprise_id}/safety-inspectors"): Route("FA", ENTERPRISE, federation=True),
    (M, "POST /v1/safety-inspectors/{inspector_id}/retirement"): Route(
        "F",
        lambda w: {"inspector_id": w["safety_inspector"]},
        federation=True,
        body=lambda w: {"retired_on": "2026-11-30"},
        last=True,
    ),
    (M, "POST /v1/enterprises/{enterprise_id}/safety-inspections"): Route(
        "F",
        ENTERPRISE,
        federation=True,
        body=lambda w: {
            "inspector_id": w["safety_inspector"],
            "inspected_on": "2026-05-01",
            "findings": "例行检查",
            "hazards": [{"description": "灭火器过期", "severity": "major", "deadline": "2026-05-10"}],
        },
    ),
    (M, "GET /v1/enterprises/{enterprise_id}/safety-inspections"): Route("FA", ENTERPRISE, federation=True),
    (M, "POST /v1/safety-hazards/{hazard_id}/fix"): Route(
        "F", lambda w: {"hazard_id": w["hazard"]}, federation=True, body=lambda w: {"fixed_on": "2026-04-10"}, last=True
    ),
    (M, "GET /v1/organizations/{organization_id}/safety-hazards/overdue"): Route("FA", STREET, federation=True),
    (M, "GET /v1/organizations/{organization_id}/safety-rollup"): Route(
        "FA", STREET, federation=True, query=lambda w: {"from": "2026-01-01", "to": "2026-12-31"}
    ),
    # 职工之家 certification: every officer and auditor of the federation reads its checklist, its
    # admins publish it; A's own officers assess and submit, the level above (F) reviews, returns
    # and awards; officers and auditors in scope read.
    (M, "GET /v1/federations/{federation_id}/home-checklist"): Route("FUA", FED, federation=True, below="FUA"),
    (M, "PUT /v1/federations/{federation_id}/home-checklist"): Route(
        "F",
        FED,
        federation=True,
        body=lambda w: {
            "items": [
                {"code": "1", "section": "组织健全", "text": "组织健全", "max_points": 50, "evidence_required": True},
                {"code": "2", "section": "民主管理", "text": "教代会", "max_points": 50, "evidence_required": False},
            ],
            "thresholds": {"qualified": 60, "advanced": 80, "model": 90},
            "valid_years": 3,
        },
    ),
    (M, "POST /v1/organizations/{organization_id}/home-assessments"): Route(
        "FU", ORG, parent="", body=lambda w: {"year": 2025}, notes="the first allowed call starts 2025; then 409"
    ),
    (M, "GET /v1/organizations/{organization_id}/home-assessments"): Route("FUA", ORG),
    (M, "GET /v1/home-assessments/{assessment_id}"): Route("FUA", lambda w: {"assessment_id": w["home_assessment"]}),
    (M, "PUT /v1/home-assessments/{assessment_id}/scores"): Route(
        "FU",
        lambda w: {"assessment_id": w["home_assessment"]},
        parent="",
        body=lambda w: {"items": [{"code": w["home_item"], "self_score": 8, "note": "按期换届"}]},
    ),
    (M, "POST /v1/home-assessments/{assessment_id}/evidence"): Route(
        "FU",
        lambda w: {"assessment_id": w["home_assessment"]},
        parent="",
        body=lambda w: {"item_code": w["home_item"], "title": "换届选举报告"},
    ),
    (M, "POST /v1/home-assessments/{assessment_id}/submission"): Route(
        "FU", lambda w: {"assessment_id": w["home_assessment"]}, parent="", last=True
    ),
    (M, "POST /v1/home-assessments/{assessment_id}/return"): Route(
        "",
        lambda w: {"assessment_id": w["home_submitted"]},
        parent="FU",
        body=lambda w: {"reason": "材料不全"},
        last=True,
    ),
    (M, "POST /v1/home-assessments/{assessment_id}/review"): Route(
        "",
        lambda w: {"assessment_id": w["home_submitted"]},
        parent="FU",
        body=lambda w: {"items": w["home_review"], "awarded_on": w["home_award_day"]},
        last=True,
    ),
    (M, "GET /v1/organizations/{organization_id}/home-awards/due-for-renewal"): Route("FUA", ORG),
    (M, "GET /v1/organizations/{organization_id}/home-certification-rate"): Route("FUA", ORG),
    # Statistics reports: F's forms (its administrators define, its officers and auditors read); a
    # union's own officers open, fill and submit its report, the organization above reviews it,
    # officers and auditors in scope read reports, boards and roll-ups.
    (M, "GET /v1/federations/{federation_id}/report-forms"): Route("FUA", FED, federation=True),
    (M, "POST /v1/federations/{federation_id}/report-forms"): Route(
        "F", FED, federation=True, body=lambda w: {"kind": "annual", "indicators": ["members"], "deadline_days": 30}
    ),
    # Export layouts (报表样式): F's administrators define them; officers and auditors in scope of a
    # union read its federation's.
    (M, "GET /v1/organizations/{organization_id}/report-layouts"): Route("FUA", ORG),
    (M, "POST /v1/federations/{federation_id}/report-layouts"): Route(
        "F",
        FED,
        federation=True,
        body=lambda w: {
            "kind": "monthly",
            "key": "city-monthly",
            "title": "工会统计月报",
            "rows": [{"kind": "indicator", "code": "members"}],
        },
    ),
    (M, "POST /v1/organizations/{organization_id}/statistics-reports"): Route(
        "FU", ORG, parent="", body=lambda w: {"kind": "monthly", "period": "2026-10"}
    ),
    (M, "GET /v1/organizations/{organization_id}/statistics-reports"): Route("FUA", ORG),
    (M, "GET /v1/statistics-reports/{report_id}"): Route("FUA", REPORT),
    (M, "PUT /v1/statistics-reports/{report_id}/manual-figures"): Route(
        "FU", REPORT, parent="", body=lambda w: {"figures": {}}
    ),
    (M, "POST /v1/statistics-reports/{report_id}/refresh"): Route("FU", REPORT, parent=""),
    (M, "POST /v1/statistics-reports/{report_id}/submission"): Route("FU", REPORT, parent="", last=True),
    (M, "POST /v1/statistics-reports/{report_id}/return"): Route(
        "", REPORT, parent="FU", body=lambda w: {"reason": "数据有误"}, last=True
    ),
    (M, "POST /v1/statistics-reports/{report_id}/acceptance"): Route("", REPORT, parent="FU", last=True),
    (M, "POST /v1/statistics-reports/{report_id}/corrections"): Route("FU", REPORT, parent="", last=True),
    (M, "GET /v1/organizations/{organization_id}/statistics-board"): Route(
        "FUA", ORG, query=lambda w: {"kind": "monthly", "period": "2026-11"}
    ),
    (M, "GET /v1/organizations/{organization_id}/statistics-rollup"): Route(
        "FUA", ORG, query=lambda w: {"kind": "monthly", "period": "2026-11"}
    ),
    (M, "GET /v1/organizations/{organization_id}/statistics-rollup/trace"): Route(
        "FUA", ORG, query=lambda w: {"kind": "monthly", "period": "2026-11", "code": "members"}
    ),
    # Record chains (统计报表, 职工之家 reviews): officers and auditors in scope verify an organization's
    # chains and those below it.
    (M, "GET /v1/organizations/{organization_id}/record-chain"): Route("FUA", ORG),
    # Welfare: hardship files, grants, greetings, campaigns, drives.
    (WF, "GET /v1/organizations/{organization_id}/members"): Route(EVERYONE, ORG),
    (WF, "POST /v1/organizations/{organization_id}/hardship-files"): Route(
        "UW",
        ORG,
        body=lambda w: {"member_id": w["a2"], "level": "hardship", "cause": "other", "opened_on": "2026-04-01"},
    ),
    (WF, "GET /v1/organizations/{organization_id}/hardship-files"): Route(EVERYONE, ORG),
    (WF, "GET /v1/organizations/{organization_id}/hardship-files/due-for-review"): Route(
        EVERYONE, ORG, query=lambda w: {"on": "2027-01-01"}
    ),
    (WF, "GET /v1/hardship-files/{file_id}"): Route(EVERYONE, lambda w: {"file_id": w["hardship"]}),
    (WF, "POST /v1/hardship-files/{file_id}/reviews"): Route(
        "UW", lambda w: {"file_id": w["hardship"]}, body=lambda w: {"reviewed_on": "2026-05-01"}
    ),
    (WF, "POST /v1/hardship-files/{file_id}/closure"): Route(
        "UW",
        lambda w: {"file_id": w["hardship"]},
        body=lambda w: {"closed_on": "2026-11-01", "reason": "better"},
        last=True,
    ),
    # Rights cases: every officer and auditor in scope reads them; only the handler (the matrix's
    # welfare officer opened A's case) and federation admins move them; only admins hand them over.
    (WF, "POST /v1/organizations/{organization_id}/rights-cases"): Route(
        "FUW",
        ORG,
        body=lambda w: {
            "employer_name": "某某物流有限公司",
            "workers": [{"member_id": w["a2"]}],
            "claim_kind": "labour_contract",
            "claimed_fen": 500000,
            "accepted_on": "2026-11-12",
        },
    ),
    (WF, "GET /v1/organizations/{organization_id}/rights-cases"): Route("FUWA", ORG),
    # The rights weeks open to A (F's, heard of from events) with the cases A opened at each.
    (WF, "GET /v1/organizations/{organization_id}/rights-weeks"): Route("FUWA", ORG),
    (WF, "GET /v1/organizations/{organization_id}/rights-cases/statistics"): Route(
        "FUWA", ORG, query=lambda w: {"from": "2026-11-01", "to": "2026-11-30"}
    ),
    (WF, "GET /v1/rights-cases/{case_id}"): Route("FUWA", lambda w: {"case_id": w["rights_case"]}),
    (WF, "POST /v1/rights-cases/{case_id}/stages"): Route(
        "FW",
        lambda w: {"case_id": w["rights_case"]},
        body=lambda w: {"stage": "mediation", "on": "2026-11-12"},
        last=True,
        notes="the first allowed call moves the case; the others are answered 409 stage backward",
    ),
    (WF, "POST /v1/rights-cases/{case_id}/handler"): Route(
        "F", lambda w: {"case_id": w["rights_case"]}, body=lambda w: {"handled_by": "welfare_officer-1"}
    ),
    # The mutual-aid fund: officers and admins in scope record, auditors read, members see none of it.
    (WF, "POST /v1/organizations/{organization_id}/mutual-aid/contributions"): Route(
        "FUW", ORG, body=lambda w: {"contributor": "member", "amount_fen": 100}
    ),
    (WF, "GET /v1/organizations/{organization_id}/mutual-aid/contributions"): Route("FUWA", ORG),
    (WF, "POST /v1/organizations/{organization_id}/mutual-aid/loans"): Route(
        "FUW", ORG, body=lambda w: {"member_id": w["a2"], "amount_fen": 100, "purpose": "看病", "months": 3}
    ),
    (WF, "GET /v1/organizations/{organization_id}/mutual-aid/loans"): Route("FUWA", ORG),
    (WF, "GET /v1/organizations/{organization_id}/mutual-aid/overdue"): Route("FUWA", ORG),
    (WF, "GET /v1/organizations/{organization_id}/mutual-aid/statement"): Route("FUWA", ORG),
    (WF, "GET /v1/mutual-aid/loans/{loan_id}"): Route("FUWA", lambda w: {"loan_id": w["mutual_aid_loan"]}),
    (WF, "POST /v1/mutual-aid/loans/{loan_id}/repayments"): Route(
        "FUW", lambda w: {"loan_id": w["mutual_aid_loan"]}, body=lambda w: {"amount_fen": 1}
    ),
    (WF, "POST /v1/mutual-aid/loans/{loan_id}/approval"): Route(
        "FUW",
        lambda w: {"loan_id": w["mutual_aid_application"]},
        body=lambda w: {},
        last=True,
        notes="the first allowed call lends; the others are answered 409 already decided",
    ),
    (WF, "POST /v1/mutual-aid/loans/{loan_id}/rejection"): Route(
        "FUW",
        lambda w: {"loan_id": w["mutual_aid_application2"]},
        body=lambda w: {"note": "资料不全"},
        last=True,
        notes="the first allowed call turns it down; the others are answered 409 already decided",
    ),
    # Help beyond the members and student aid: recorded like grants; a person's and a student's
    # name reach only who recorded them, federation admins and auditors (test_isolation_matrix).
    (WF, "POST /v1/organizations/{organization_id}/outside-grants"): Route(
        "FUW",
        ORG,
        body=lambda w: {
            "recipient": {
                "kind": "organization",
                "name": "青山村小",
                "organization_kind": "village_school",
                "headcount": 40,
            },
            "given_on": "2026-06-01",
            "money_fen": 100,
        },
    ),
    (WF, "GET /v1/organizations/{organization_id}/outside-grants"): Route("FUWA", ORG),
    (WF, "GET /v1/outside-grants/{grant_id}"): Route("FUWA", lambda w: {"grant_id": w["outside_grant"]}),
    (WF, "POST /v1/outside-grants/{grant_id}/approval"): Route(
        "FUW", lambda w: {"grant_id": w["outside_grant"]}, body=lambda w: {"paid_on": "2026-01-21"}, last=True
    ),
    (WF, "POST /v1/outside-grants/{grant_id}/cancellation"): Route(
        "FUW", lambda w: {"grant_id": w["outside_grant2"]}, body=lambda w: {"reason": "duplicate"}, last=True
    ),
    (WF, "POST /v1/federations/{federation_id}/student-aid-schemes"): Route(
        "F",
        FED,
        federation=True,
        body=lambda w: {"year": 2026, "name": unique("寒窗助学"), "levels": [{"name": "大专", "amount_fen": 200000}]},
    ),
    (WF, "GET /v1/federations/{federation_id}/student-aid-schemes"): Route("FUWA", FED, federation=True, below="FUWA"),
    (WF, "GET /v1/student-aid-schemes/{scheme_id}"): Route(
        "FUWA", lambda w: {"scheme_id": w["aid_scheme"]}, federation=True, below="FUWA"
    ),
    (WF, "POST /v1/organizations/{organization_id}/student-aid-applications"): Route(
        "FUW",
        ORG,
        body=lambda w: {
            "scheme_id": w["aid_scheme"],
            "student_name": "王小明",
            "id_number": id_number(),
            "school": "县一中",
            "level": "高中",
            "applied_on": "2026-09-02",
        },
    ),
    (WF, "GET /v1/organizations/{organization_id}/student-aid-applications"): Route("FUWA", ORG),
    (WF, "GET /v1/organizations/{organization_id}/student-aid/rollup"): Route(
        "FUWA", ORG, query=lambda w: {"year": 2026}
    ),
    (WF, "GET /v1/student-aid-applications/{application_id}"): Route(
        "FUWA", lambda w: {"application_id": w["aid_application"]}
    ),
    (WF, "POST /v1/student-aid-applications/{application_id}/review"): Route(
        "FUW",
        lambda w: {"application_id": w["aid_application"]},
        body=lambda w: {"decision": "refuse", "reason": "不符合条件"},
        last=True,
        notes="the first allowed call refuses the application; the others are answered 409 already reviewed",
    ),
    (WF, "PUT /v1/federations/{federation_id}/visit-policy"): Route(
        "F", FED, federation=True, body=lambda w: {"amounts_fen": {"hospitalised": 50000}, "yearly_cap_fen": 1000000}
    ),
    (WF, "GET /v1/federations/{federation_id}/visit-policy"): Route(EVERYONE, FED, federation=True, below=EVERYONE),
    (WF, "POST /v1/organizations/{organization_id}/grants"): Route(
        "FUW",
        ORG,
        body=lambda w: {
            "member_id": w["a2"],
            "visit_type": "wedding",
            "occasion_on": "2026-07-01",
            "occasion_ref": unique("ref"),
            "money_fen": 100,
        },
    ),
    (WF, "POST /v1/organizations/{organization_id}/grants/preview"): Route(
        "FUW",
        ORG,
        body=lambda w: {
            "member_id": w["a2"],
            "visit_type": "wedding",
            "occasion_on": "2026-07-01",
            "occasion_ref": unique("ref"),
            "money_fen": 100,
        },
    ),
    (WF, "GET /v1/organizations/{organization_id}/grants"): Route("FUWA", ORG),
    (WF, "GET /v1/grants/{grant_id}"): Route("FUWA", lambda w: {"grant_id": w["grant"]}),
    (WF, "POST /v1/grants/{grant_id}/approval"): Route(
        "FUW", lambda w: {"grant_id": w["grant"]}, body=lambda w: {"paid_on": "2026-05-02"}, last=True
    ),
    (WF, "POST /v1/grants/{grant_id}/cancellation"): Route(
        "FUW", lambda w: {"grant_id": w["grant2"]}, body=lambda w: {"reason": "duplicate"}, last=True
    ),
    (WF, "GET /v1/organizations/{organization_id}/welfare-report"): Route(
        "FUWA", ORG, query=lambda w: {"from": "2026-01-01", "to": "2026-12-31"}
    ),
    (WF, "POST /v1/organizations/{organization_id}/festival-greetings"): Route(
        "FUW", ORG, body=lambda w: {"festival": "spring_festival", "amount_fen": 100, "paid_on": "2027-02-01"}
    ),
    (WF, "POST /v1/organizations/{organization_id}/festival-greeting-previews"): Route(
        "FUW", ORG, body=lambda w: {"festival": "spring_festival", "amount_fen": 100, "paid_on": "2027-02-01"}
    ),
    (WF, "GET /v1/organizations/{organization_id}/festival-greetings"): Route("FUWA", ORG),
    (WF, "GET /v1/organizations/{organization_id}/festival-greetings/{batch_id}/recipients"): Route(
        "FUWA", lambda w: {"organization_id": w.a, "batch_id": w["greeting"]}
    ),
    (WF, "POST /v1/organizations/{organization_id}/festival-greetings/{batch_id}/run"): Route(
        "FUW", lambda w: {"organization_id": w.a, "batch_id": w["greeting"]}, last=True
    ),
    (WF, "GET /v1/organizations/{organization_id}/festival-greetings/{batch_id}"): Route(
        "FUWA", lambda w: {"organization_id": w.a, "batch_id": w["greeting"]}
    ),
    (WF, "POST /v1/organizations/{organization_id}/welfare-campaigns"): Route(
        "FUW",
        ORG,
        body=lambda w: {
            "kind": "health_check",
            "title": "Check-up",
            "cost_per_member_fen": 100,
            "member_ids": [w["a1"]],
        },
    ),
    (WF, "GET /v1/organizations/{organization_id}/welfare-campaigns"): Route("FUWA", ORG),
    (WF, "GET /v1/welfare-campaigns/{campaign_id}"): Route("FUWA", lambda w: {"campaign_id": w["campaign"]}),
    (WF, "POST /v1/welfare-campaigns/{campaign_id}/payment"): Route(
        "FUW",
        lambda w: {"campaign_id": w["campaign"]},
        last=True,
        body=lambda w: {"amount_fen": 2000, "paid_on": "2026-06-01", "description": "premium"},
    ),
    (WF, "POST /v1/welfare-campaigns/{campaign_id}/cancellation"): Route(
        "FUW", lambda w: {"campaign_id": w["campaign2"]}, body=lambda w: {"reason": "provider gone"}, last=True
    ),
    (WF, "POST /v1/welfare-campaigns/{campaign_id}/claims"): Route(
        "FUW",
        lambda w: {"campaign_id": w["campaign"]},
        body=lambda w: {"member_id": w["a2"], "claimed_fen": 100, "description": "clinic"},
    ),
    (WF, "GET /v1/welfare-campaigns/{campaign_id}/claims"): Route("FUWA", lambda w: {"campaign_id": w["campaign"]}),
    (WF, "POST /v1/insurance-claims/{claim_id}/decision"): Route(
        "FUW", lambda w: {"claim_id": w["claim"]}, body=lambda w: {"action": "review"}, last=True
    ),
    (WF, "POST /v1/organizations/{organization_id}/donation-drives"): Route(
        "FUW", ORG, body=lambda w: {"code": unique("drive"), "title": "Help", "beneficiary_member_id": w["a2"]}
    ),
    (WF, "GET /v1/organizations/{organization_id}/donation-drives"): Route(EVERYONE, ORG),
    (WF, "GET /v1/donation-drives/{code}"): Route(EVERYONE, lambda w: {"code": w["drive"]}),
    (WF, "POST /v1/donation-drives/{code}/donations"): Route(
        "FUW",
        lambda w: {"code": w["drive"]},
        body=lambda w: {"amount_fen": 100, "received_on": "2026-06-02", "anonymous": True},
    ),
    (WF, "POST /v1/donation-drives/{code}/disbursements"): Route(
        "FUW", lambda w: {"code": w["drive"]}, body=lambda w: {"amount_fen": 100, "paid_on": "2026-06-03"}
    ),
    # Events: activities and the staff congress.
    (EV, "GET /v1/organizations/{organization_id}/members"): Route(EVERYONE, ORG),
    (EV, "POST /v1/organizations/{organization_id}/activities"): Route(
        "FU",
        ORG,
        body=lambda w: {
            "title": "Tug of war",
            "kind": "sport",
            "starts_at": w.soon(72),
            "ends_at": w.soon(76),
            "registration_deadline": w.soon(48),
        },
    ),
    (EV, "GET /v1/organizations/{organization_id}/activities"): Route(EVERYONE, ORG),
    (EV, "GET /v1/activities/{activity_id}"): Route(EVERYONE, lambda w: {"activity_id": w["activity"]}, child=EVERYONE),
    (EV, "POST /v1/activities/{activity_id}/publication"): Route("FU", lambda w: {"activity_id": w["activity"]}),
    (EV, "POST /v1/activities/{activity_id}/cancellation"): Route(
        "FU", lambda w: {"activity_id": w["activity2"]}, body=lambda w: {"reason": "rain"}, last=True
    ),
    (EV, "POST /v1/activities/{activity_id}/registrations"): Route(
        "FUM",
        lambda w: {"activity_id": w["activity"]},
        parent="FU",
        child="",
        body=lambda w: {"member_id": w.me_member},
    ),
    (EV, "DELETE /v1/activities/{activity_id}/registrations/{member_id}"): Route(
        "FUM",
        lambda w: {"activity_id": w["activity"], "member_id": w.me_member},
        target="activity_id",
        parent="FU",
        child="",
        last=True,
    ),
    (EV, "GET /v1/activities/{activity_id}/registrations"): Route(
        EVERYONE, lambda w: {"activity_id": w["activity"]}, child=EVERYONE
    ),
    (EV, "GET /v1/activities/{activity_id}/waitlist"): Route(
        EVERYONE, lambda w: {"activity_id": w["activity"]}, child=EVERYONE
    ),
    (EV, "PUT /v1/activities/{activity_id}/attendance"): Route(
        "FU", lambda w: {"activity_id": w["activity"]}, body=lambda w: {"member_ids": [w["a1"]]}
    ),
    (EV, "POST /v1/activities/{activity_id}/teams"): Route(
        "FU", lambda w: {"activity_id": w["activity"]}, body=lambda w: {"name": unique("team"), "member_ids": [w["a1"]]}
    ),
    (EV, "GET /v1/activities/{activity_id}/teams"): Route(
        EVERYONE, lambda w: {"activity_id": w["activity"]}, child=EVERYONE
    ),
    (EV, "POST /v1/activities/{activity_id}/awards"): Route(
        "FU",
        lambda w: {"activity_id": w["activity"]},
        body=lambda w: {"category": "singles", "level": "first", "member_id": w["a1"], "prize_fen": 100},
    ),
    (EV, "GET /v1/activities/{activity_id}/awards"): Route(
        EVERYONE, lambda w: {"activity_id": w["activity"]}, child=EVERYONE
    ),
    (EV, "POST /v1/activities/{activity_id}/awards/publication"): Route(
        "FU", lambda w: {"activity_id": w["activity"]}, body=lambda w: {"paid_on": "2026-12-01"}, last=True
    ),
    (EV, "GET /v1/activities/{activity_id}/budget"): Route(
        EVERYONE, lambda w: {"activity_id": w["activity"]}, child=EVERYONE
    ),
    (EV, "POST /v1/activities/{activity_id}/budget/{item_id}/payment"): Route(
        "FU",
        lambda w: {"activity_id": w["activity"], "item_id": w["budget_item"]},
        target="activity_id",
        body=lambda w: {"amount_fen": 100, "paid_on": "2026-12-01", "description": "venue"},
        last=True,
    ),
    (EV, "POST /v1/organizations/{organization_id}/congress-sessions"): Route(
        "FU",
        ORG,
        body=lambda w: {
            "congress_number": 1,
            "session_number": 2,
            "starts_on": "2027-03-01",
            "ends_on": "2027-03-02",
            "answer_deadline": "2027-04-30T17:00:00+08:00",
        },
    ),
    (EV, "GET /v1/organizations/{organization_id}/congress-sessions"): Route(CONGRESS, ORG),
    (EV, "GET /v1/organizations/{organization_id}/congress-rollup"): Route(CONGRESS, ORG),
    (EV, "GET /v1/congress-sessions/{session_id}"): Route(CONGRESS, lambda w: {"session_id": w["session"]}),
    (EV, "POST /v1/congress-sessions/{session_id}/representatives"): Route(
        "FU", lambda w: {"session_id": w["session"]}, body=lambda w: {"member_ids": [w["a3"]]}
    ),
    (EV, "GET /v1/congress-sessions/{session_id}/representatives"): Route(
        CONGRESS, lambda w: {"session_id": w["session"]}
    ),
    (EV, "POST /v1/congress-sessions/{session_id}/proposals"): Route(
        "M",
        lambda w: {"session_id": w["session"]},
        parent="",
        body=lambda w: {"title": "Library", "body": "Longer hours."},
    ),
    (EV, "GET /v1/congress-sessions/{session_id}/proposals"): Route(CONGRESS, lambda w: {"session_id": w["session"]}),
    (EV, "GET /v1/congress-sessions/{session_id}/overdue-proposals"): Route(
        CONGRESS, lambda w: {"session_id": w["session"]}
    ),
    (EV, "POST /v1/congress-proposals/{proposal_id}/seconders"): Route(
        "M", lambda w: {"proposal_id": w["proposal"]}, parent=""
    ),
    (EV, "POST /v1/congress-proposals/{proposal_id}/answer"): Route(
        "FU", lambda w: {"proposal_id": w["proposal"]}, body=lambda w: {"answer": "accepted"}, last=True
    ),
    (EV, "POST /v1/congress-sessions/{session_id}/motions"): Route(
        "FU",
        lambda w: {"session_id": w["session"]},
        body=lambda w: {"title": unique("motion"), "present_member_ids": [w["a1"], w["a2"]]},
    ),
    (EV, "GET /v1/congress-sessions/{session_id}/motions"): Route(CONGRESS, lambda w: {"session_id": w["session"]}),
    (EV, "GET /v1/congress-motions/{motion_id}"): Route(CONGRESS, lambda w: {"motion_id": w["motion"]}),
    (EV, "POST /v1/congress-motions/{motion_id}/ballots"): Route(
        "M", lambda w: {"motion_id": w["motion"]}, parent="", body=lambda w: {"choice": "for"}
    ),
    (EV, "POST /v1/congress-motions/{motion_id}/close"): Route("FU", lambda w: {"motion_id": w["motion"]}, last=True),
    (EV, "POST /v1/organizations/{organization_id}/surveys"): Route(
        "FU", ORG, body=lambda w: {"title": "Canteen", "questions": [{"kind": "rating", "text": "How good?"}]}
    ),
    (EV, "GET /v1/organizations/{organization_id}/surveys"): Route(EVERYONE, ORG),
    (EV, "POST /v1/surveys/{survey_id}/send"): Route("FU", lambda w: {"survey_id": w["survey_draft"]}, last=True),
    (EV, "POST /v1/surveys/{survey_id}/close"): Route("FU", lambda w: {"survey_id": w["survey"]}, last=True),
    (EV, "GET /v1/surveys/{survey_id}"): Route(EVERYONE, lambda w: {"survey_id": w["survey"]}),
    (EV, "POST /v1/surveys/{survey_id}/responses"): Route(
        "M", lambda w: {"survey_id": w["survey"]}, parent="", body=lambda w: {"answers": [4]}
    ),
    (EV, "GET /v1/surveys/{survey_id}/results"): Route("FUA", lambda w: {"survey_id": w["survey"]}),
    # Democratic evaluations (民主评议) and the 师德 assessment: the union's officers run them, auditors read.
    (EV, "POST /v1/organizations/{organization_id}/evaluations"): Route(
        "FU", ORG, body=lambda w: {"title": "Leaders", "subjects": [{"name": "Li", "post": "Vice principal"}]}
    ),
    (EV, "GET /v1/organizations/{organization_id}/evaluations"): Route("FUA", ORG),
    # Record chains (信息报送, evaluation results, 师德 lists): officers and auditors in scope verify.
    (EV, "GET /v1/organizations/{organization_id}/record-chain"): Route("FUA", ORG),
    (EV, "GET /v1/evaluations/{evaluation_id}"): Route("FUA", lambda w: {"evaluation_id": w["evaluation"]}),
    (EV, "POST /v1/evaluations/{evaluation_id}/open"): Route(
        "FU", lambda w: {"evaluation_id": w["evaluation_draft"]}, body=lambda w: {"outside_forms": 1}, last=True
    ),
    (EV, "GET /v1/evaluations/{evaluation_id}/codes"): Route(
        "FU", lambda w: {"evaluation_id": w["evaluation"]}, hands_over_a_write=True
    ),
    (EV, "POST /v1/evaluations/{evaluation_id}/close"): Route(
        "FU", lambda w: {"evaluation_id": w["evaluation"]}, last=True
    ),
    (EV, "GET /v1/evaluations/{evaluation_id}/results"): Route("FUA", lambda w: {"evaluation_id": w["evaluation"]}),
    (EV, "POST /v1/evaluations/{evaluation_id}/submission"): Route(
        "FU", lambda w: {"evaluation_id": w["evaluation_closed"]}, last=True
    ),
    (EV, "GET /v1/organizations/{organization_id}/evaluation-rollup"): Route("FUA", ORG),
    (EV, "GET /v1/organizations/{organization_id}/ethics-assessments"): Route("FUA", ORG),
    (EV, "POST /v1/organizations/{organization_id}/ethics-assessments"): Route(
        "FU", ORG, body=lambda w: {"member_id": w["a1"], "year": 2026, "result": "合格"}
    ),
    # Refused with 409 ethics_list_incomplete once let in: the world's members are not all assessed.
    (EV, "POST /v1/organizations/{organization_id}/ethics-submissions"): Route(
        "FU", ORG, body=lambda w: {"year": 2026}, last=True
    ),
    (EV, "GET /v1/organizations/{organization_id}/ethics-rollup"): Route("FUA", ORG),
    (EV, "POST /v1/organizations/{organization_id}/nominations"): Route(
        "FU",
        ORG,
        body=lambda w: {
            "member_id": w["a2"],
            "award": "advanced_individual",
            "year": 2026,
            "citation": "Thirty years at the blackboard.",
        },
    ),
    (EV, "GET /v1/organizations/{organization_id}/nominations"): Route("FUA", ORG),
    (EV, "GET /v1/organizations/{organization_id}/public-notices"): Route(EVERYONE, ORG),
    (EV, "GET /v1/nominations/{nomination_id}"): Route("FUA", lambda w: {"nomination_id": w["nomination"]}),
    (EV, "POST /v1/nominations/{nomination_id}/review"): Route(
        "", lambda w: {"nomination_id": w["nomination"]}, parent="F", body=lambda w: {"note": "checked"}
    ),
    (EV, "POST /v1/nominations/{nomination_id}/approval"): Route(
        "",
        lambda w: {"nomination_id": w["nomination"]},
        parent="F",
        last=True,
        body=lambda w: {"notice_starts_on": "2026-12-01", "notice_ends_on": "2026-12-07"},
    ),
    (EV, "POST /v1/nominations/{nomination_id}/rejection"): Route(
        "", lambda w: {"nomination_id": w["nomination2"]}, parent="F", last=True, body=lambda w: {"reason": "late"}
    ),
    (EV, "POST /v1/organizations/{organization_id}/improvements"): Route(
        "FU",
        ORG,
        body=lambda w: {
            "kind": "innovation",
            "title": "A jig for the lathe",
            "content": "Halves the setting-up time.",
            "department": "machining",
            "proposer_ids": [w["a2"]],
        },
    ),
    (EV, "GET /v1/organizations/{organization_id}/improvements"): Route("FUA", ORG),
    (EV, "GET /v1/organizations/{organization_id}/improvement-rollup"): Route("FUA", ORG),
    (EV, "GET /v1/improvements/{improvement_id}"): Route("FUA", lambda w: {"improvement_id": w["improvement"]}),
    (EV, "POST /v1/improvements/{improvement_id}/decision"): Route(
        "FU", lambda w: {"improvement_id": w["improvement"]}, last=True, body=lambda w: {"adopted": True}
    ),
    (EV, "POST /v1/improvements/{improvement_id}/value"): Route(
        "FU",
        lambda w: {"improvement_id": w["improvement_adopted"]},
        body=lambda w: {"value_fen": 12_000_00, "note": "estimate"},
    ),
    (EV, "POST /v1/improvements/{improvement_id}/implementation"): Route(
        "FU", lambda w: {"improvement_id": w["improvement_adopted"]}, last=True, body=lambda w: {}
    ),
    # Information reporting (信息报送): A's officers write and submit; the level above (F) adopts or
    # declines; a draft is seen only in A (F gets the answer of a missing item).
    (EV, "POST /v1/organizations/{organization_id}/info-items"): Route(
        "FU",
        ORG,
        parent="",
        body=lambda w: {
            "title": "Sports day",
            "body": "The staff held a sports day.",
            "category": "work_news",
            "event_on": "2026-04-20",
            "author": "Zhang",
        },
    ),
    (EV, "GET /v1/organizations/{organization_id}/info-items"): Route("FUA", ORG),
    (EV, "GET /v1/organizations/{organization_id}/info-ranking"): Route("FUA", ORG),
    (EV, "GET /v1/info-items/{item_id}"): Route("FUA", lambda w: {"item_id": w["info_submitted"]}),
    (EV, "PUT /v1/info-items/{item_id}"): Route(
        "FU",
        lambda w: {"item_id": w["info_draft"]},
        parent="",
        body=lambda w: {
            "title": "Sports day, rewritten",
            "body": "The staff held a sports day.",
            "category": "experience",
            "event_on": "2026-04-20",
            "author": "Zhang",
        },
    ),
    (EV, "POST /v1/info-items/{item_id}/submission"): Route(
        "FU", lambda w: {"item_id": w["info_draft"]}, parent="", last=True
    ),
    (EV, "POST /v1/info-items/{item_id}/adoptions"): Route(
        "", lambda w: {"item_id": w["info_submitted"]}, parent="FU", last=True, body=lambda w: {"level": "county"}
    ),
    (EV, "POST /v1/info-items/{item_id}/declination"): Route(
        "", lambda w: {"item_id": w["info_submitted2"]}, parent="FU", last=True, body=lambda w: {"reason": "late"}
    ),
    (EV, "POST /v1/federations/{federation_id}/info-points-tables"): Route(
        "F", FED, federation=True, body=lambda w: {"county": 1, "city": 3, "province": 5}
    ),
    (EV, "GET /v1/federations/{federation_id}/info-points-tables"): Route("FUA", FED, federation=True, below="FUA"),
    # Spot checks (督查): the union above records and closes, the checked union follows up.
    (EV, "POST /v1/organizations/{organization_id}/spot-checks"): Route(
        "",
        ORG,
        parent="FU",
        body=lambda w: {
            "subject": "congress",
            "subject_detail": "The staff congress's minutes",
            "findings": "In order.",
            "follow_up_required": False,
        },
    ),
    (EV, "GET /v1/organizations/{organization_id}/spot-checks"): Route("FUA", ORG),
    (EV, "GET /v1/spot-checks/{spot_check_id}"): Route("FUA", lambda w: {"spot_check_id": w["spot_check"]}),
    (EV, "POST /v1/spot-checks/{spot_check_id}/follow-up"): Route(
        "FU",
        lambda w: {"spot_check_id": w["spot_check"]},
        parent="",
        last=True,
        body=lambda w: {"follow_up": "Published the missing lines."},
    ),
    (EV, "POST /v1/spot-checks/{spot_check_id}/closure"): Route(
        "", lambda w: {"spot_check_id": w["spot_check_plain"]}, parent="FU", last=True, body=lambda w: {}
    ),
    (EV, "POST /v1/organizations/{organization_id}/job-placements"): Route(
        "FU", ORG, body=lambda w: {"employer": "A logistics firm", "people": 3, "members": 1}
    ),
    (EV, "GET /v1/organizations/{organization_id}/job-placements"): Route("FUA", ORG),
    (EV, "GET /v1/organizations/{organization_id}/skills-rollup"): Route("FUA", ORG),
    # 校务公开: a union records a statement published to its staff; the upper union's roll-up.
    (FI, "POST /v1/organizations/{organization_id}/disclosure-publications"): Route(
        "FU",
        ORG,
        body=lambda w: {
            "period_from": "2026-01-01",
            "period_to": "2026-06-30",
            "published_on": "2026-07-05",
            "channel": "notice_board",
        },
    ),
    (FI, "GET /v1/organizations/{organization_id}/disclosure-rollup"): Route("FUWA", ORG),
    (FI, "GET /v1/organizations/{organization_id}/ledger/balances"): Route("FUWA", ORG),
    (FI, "GET /v1/organizations/{organization_id}/ledger/postings"): Route("FUWA", ORG),
    (FI, "GET /v1/members/{member_id}/dues-account"): Route("FUWA", lambda w: {"member_id": w["a1"]}),
    (FI, "POST /v1/organizations/{organization_id}/employer-funds"): Route(
        "FU", ORG, body=lambda w: {"amount_fen": 100, "received_on": "2026-03-01"}
    ),
    (FI, "POST /v1/organizations/{organization_id}/remittances"): Route(
        "FU", ORG, body=lambda w: {"amount_fen": 100, "paid_on": "2026-03-02"}
    ),
    (FI, "POST /v1/organizations/{organization_id}/expenses"): Route(
        "FU",
        ORG,
        body=lambda w: {"category": "activity", "amount_fen": 100, "spent_on": "2026-03-03", "description": "balls"},
    ),
    (FI, "POST /v1/organizations/{organization_id}/donations"): Route(
        "FUW", ORG, body=lambda w: {"drive": "sec-drive", "amount_fen": 100, "received_on": "2026-03-04"}
    ),
    (FI, "POST /v1/organizations/{organization_id}/donation-disbursements"): Route(
        "FUW",
        ORG,
        body=lambda w: {"drive": "sec-drive", "amount_fen": 100, "paid_on": "2026-03-05", "beneficiary": "Li Hua"},
    ),
    (FI, "POST /v1/organizations/{organization_id}/closed-periods"): Route(
        "FU", ORG, body=lambda w: {"label": "2025", "starts_on": "2025-01-01", "ends_on": "2025-12-31"}
    ),
    (FI, "PUT /v1/organizations/{organization_id}/budgets/{year}/{category}"): Route(
        "FU",
        lambda w: {"organization_id": w.a, "year": 2026, "category": "activity"},
        body=lambda w: {"amount_fen": 100000},
    ),
    (FI, "GET /v1/organizations/{organization_id}/budgets"): Route("FUWA", ORG),
    (FI, "POST /v1/postings/{posting_id}/reversal"): Route(
        "FU",
        lambda w: {"posting_id": w["posting"]},
        body=lambda w: {"reason": "typo", "effective_date": "2026-03-10"},
        last=True,
    ),
    (FI, "GET /v1/money-requests/{request_id}"): Route(
        EVERYONE, lambda w: {"request_id": w["money_request"]}, pending=True
    ),
    (FI, "POST /v1/organizations/{organization_id}/fund-requests"): Route(
        "FU", ORG, body=lambda w: {"amount_fen": 100, "purpose": "balls"}
    ),
    (FI, "GET /v1/organizations/{organization_id}/fund-requests"): Route("FUWA", ORG),
    (FI, "POST /v1/fund-requests/{request_id}/decision"): Route(
        "",
        lambda w: {"request_id": w["fund_request"]},
        parent="F",
        last=True,
        body=lambda w: {"approve": False, "reason": "no budget"},
    ),
    (FI, "PUT /v1/federations/{federation_id}/fund-policy"): Route(
        "F", FED, federation=True, body=lambda w: {"employer_funds_remit_per_mille": 400}
    ),
    (FI, "GET /v1/federations/{federation_id}/fund-policy"): Route(EVERYONE, FED, federation=True),
    # `from` and `to` are required: a term is asked for, so the allowed roles get the statement itself.
    (FI, "GET /v1/organizations/{organization_id}/disclosure"): Route(
        EVERYONE, ORG, query=lambda w: {"from": "2026-01-01", "to": "2026-12-31"}
    ),
    (FI, "GET /v1/organizations/{organization_id}/audit-pack"): Route(
        "FUA", ORG, query=lambda w: {"from": "2026-01-01", "to": "2026-12-31"}
    ),
    (FI, "GET /v1/postings/{posting_id}/trace"): Route("FA", lambda w: {"posting_id": w["posting"]}),
    (FI, "GET /v1/organizations/{organization_id}/ledger/consolidated"): Route("FUWA", ORG),
    (FI, "GET /v1/organizations/{organization_id}/members"): Route(EVERYONE, ORG),
    # The audit committee (经审): its findings on A's books, the treasurers' answers, its sign-off of a
    # term. Only the auditor records, closes, re-opens and signs off; only the treasurers answer.
    (FI, "POST /v1/organizations/{organization_id}/audit-findings"): Route(
        "A",
        ORG,
        auditor_writes=True,
        body=lambda w: {
            "subject_kind": "statement",
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
            "severity": "minor",
            "text": "matrix finding",
        },
    ),
    (FI, "GET /v1/organizations/{organization_id}/audit-findings"): Route("FUWA", ORG),
    (FI, "GET /v1/organizations/{organization_id}/audit-findings/chain"): Route("FUWA", ORG),
    (FI, "GET /v1/audit-findings/{finding_id}"): Route("FUWA", lambda w: {"finding_id": w["finding"]}),
    (FI, "GET /v1/postings/{posting_id}/audit-findings"): Route("FUWA", lambda w: {"posting_id": w["posting"]}),
    # Allowed callers after the first get 409 (answered already): let in, refused by the finding's state.
    # The ledger's own officers answer; above it, the federation's administrators.
    (FI, "POST /v1/audit-findings/{finding_id}/answer"): Route(
        "FU", lambda w: {"finding_id": w["finding"]}, parent="F", body=lambda w: {"answer": "matrix answer"}
    ),
    (FI, "POST /v1/audit-findings/{finding_id}/close"): Route(
        "A", lambda w: {"finding_id": w["finding"]}, auditor_writes=True, body=lambda w: {}, last=True
    ),
    (FI, "POST /v1/audit-findings/{finding_id}/reopen"): Route(
        "A",
        lambda w: {"finding_id": w["finding"]},
        auditor_writes=True,
        body=lambda w: {"reason": "matrix reason"},
        last=True,
    ),
    (FI, "POST /v1/organizations/{organization_id}/audit-signoffs"): Route(
        "A", ORG, auditor_writes=True, body=lambda w: {"term": "2026-H1", "opinion": "matrix opinion"}
    ),
    (FI, "GET /v1/organizations/{organization_id}/audit-signoffs"): Route("FUWA", ORG),
    (FI, "GET /v1/audit-signoffs/{sign_off_id}"): Route("FUWA", lambda w: {"sign_off_id": w["sign_off"]}),
    # The audit log of state-changing calls, in every service.
    (M, "GET /v1/organizations/{organization_id}/audit-log"): Route("FA", ORG),
    (WF, "GET /v1/organizations/{organization_id}/audit-log"): Route("FA", ORG),
    (EV, "GET /v1/organizations/{organization_id}/audit-log"): Route("FA", ORG),
    (FI, "GET /v1/organizations/{organization_id}/audit-log"): Route("FA", ORG),
    # A member's self-service: their own data, whoever's scope the token names. In "sibling" the
    # member is b1 of union B: their own record and lists answer, A's activity, survey and proposal do not.
    (M, "GET /v1/me"): Route("", me=("own", "sibling")),
    (M, "GET /v1/me/dues"): Route("", me=("own", "sibling")),
    (EV, "GET /v1/me/activities"): Route("", me=("own", "sibling")),
    (EV, "POST /v1/me/activities/{activity_id}/registration"): Route(
        "", lambda w: {"activity_id": w["activity"]}, me=("own",)
    ),
    (EV, "DELETE /v1/me/activities/{activity_id}/registration"): Route(
        "", lambda w: {"activity_id": w["activity"]}, me=("own",)
    ),
    (EV, "GET /v1/me/surveys"): Route("", me=("own", "sibling")),
    (EV, "POST /v1/me/surveys/{survey_id}/responses"): Route(
        "", lambda w: {"survey_id": w["survey"]}, body=lambda w: {"answers": [4]}, me=("own",)
    ),
    (EV, "GET /v1/me/congress-proposals"): Route("", me=("own", "sibling")),
    (EV, "POST /v1/me/congress-proposals/{proposal_id}/seconding"): Route(
        "", lambda w: {"proposal_id": w["proposal"]}, me=("own",)
    ),
    (EV, "GET /v1/me/public-notices"): Route("", me=("own", "sibling")),
    (EV, "GET /v1/me/evaluations"): Route("", me=("own", "sibling")),
    (EV, "POST /v1/me/evaluations/{evaluation_id}/responses"): Route(
        "", lambda w: {"evaluation_id": w["evaluation"]}, body=lambda w: {"ratings": [{"rating": "优秀"}]}, me=("own",)
    ),
    # The 台账: files attached to records follow the record's readers and writers (issue 19).
    (EV, "GET /v1/activities/{activity_id}/attachments"): Route(EVERYONE, ACTIVITY, child=EVERYONE),
    (EV, "POST /v1/activities/{activity_id}/attachments"): Route("FU", ACTIVITY, files=_pdf),
    (EV, "GET /v1/activities/{activity_id}/attachments/{attachment_id}"): Route(
        EVERYONE, lambda w: {"activity_id": w["activity"], "attachment_id": w["activity_file"]}, child=EVERYONE
    ),
    (EV, "GET /v1/congress-sessions/{session_id}/attachments"): Route(CONGRESS, SESSION),
    (EV, "POST /v1/congress-sessions/{session_id}/attachments"): Route("FU", SESSION, files=_pdf),
    (EV, "GET /v1/congress-sessions/{session_id}/attachments/{attachment_id}"): Route(
        CONGRESS, lambda w: {"session_id": w["session"], "attachment_id": w["session_file"]}
    ),
    (EV, "GET /v1/organizations/{organization_id}/attachments/archive"): Route("FUA", ORG, query=_year),
    (WF, "GET /v1/grants/{grant_id}/attachments"): Route("FUWA", GRANT),
    (WF, "POST /v1/grants/{grant_id}/attachments"): Route("FUW", GRANT, files=_pdf),
    (WF, "GET /v1/grants/{grant_id}/attachments/{attachment_id}"): Route(
        "FUWA", lambda w: {"grant_id": w["grant"], "attachment_id": w["grant_file"]}
    ),
    (WF, "GET /v1/organizations/{organization_id}/attachments/archive"): Route("FUWA", ORG, query=_year),
    (FI, "GET /v1/postings/{posting_id}/attachments"): Route("FUWA", POSTING),
    (FI, "POST /v1/postings/{posting_id}/attachments"): Route("FU", POSTING, files=_pdf),
    (FI, "GET /v1/postings/{posting_id}/attachments/{attachment_id}"): Route(
        "FUWA", lambda w: {"posting_id": w["posting"], "attachment_id": w["posting_file"]}
    ),
    (FI, "GET /v1/organizations/{organization_id}/attachments/archive"): Route("FUWA", ORG, query=_year),
    # Spot checks' files (督查: photos, rectification proof): read by the check's readers, attached
    # by the officers of the union checked (A) or of the union that checked it (F) until it is closed.
    (EV, "GET /v1/spot-checks/{spot_check_id}/attachments"): Route("FUA", SPOT_CHECK),
    (EV, "POST /v1/spot-checks/{spot_check_id}/attachments"): Route("FU", SPOT_CHECK, files=_pdf),
    (EV, "GET /v1/spot-checks/{spot_check_id}/attachments/{attachment_id}"): Route(
        "FUA", lambda w: {"spot_check_id": w["spot_check"], "attachment_id": w["spot_check_file"]}
    ),
    # 职工之家 evidence files: A's own officers attach while the assessment is a draft; the level
    # above (F) that reviews it and auditors read; the union's year as one zip.
    (M, "GET /v1/home-evidence/{evidence_id}/attachments"): Route("FUA", EVIDENCE),
    (M, "POST /v1/home-evidence/{evidence_id}/attachments"): Route("FU", EVIDENCE, parent="", files=_pdf),
    (M, "GET /v1/home-evidence/{evidence_id}/attachments/{attachment_id}"): Route(
        "FUA", lambda w: {"evidence_id": w["home_evidence"], "attachment_id": w["home_evidence_file"]}
    ),
    (M, "GET /v1/organizations/{organization_id}/attachments/archive"): Route("FUA", ORG, query=_year),
}


@dataclass(frozen=True)
class UnionRead:
    """A call by each role acting for E, the union founded in F's enterprise 甲 (beside A under F)."""

    params: Callable
    allow: str  # roles allowed acting for E
    hidden: bool = False  # refused exactly as a thing that does not exist
    body: Callable | None = None


OWN_UNION = lambda w: {"organization_id": w["enterprise_union"]}  # noqa: E731
OTHER_ENTERPRISE = lambda w: {"enterprise_id": w["enterprise_without_union"]}  # noqa: E731

# (service, "METHOD /path", what) -> UnionRead. 甲's union's officers (and an administrator acting
# for it) read 甲's contracts, per enterprise and as their union's list, and nothing else of F's
# register: not another enterprise's contracts, not the register's lists, not 甲's record; they
# write nothing there. Its auditor reads what they read (the matrix's rule for the auditor); its members
# and welfare officers are refused 甲's contracts.
ENTERPRISE_UNION_READS: dict[tuple[str, str, str], UnionRead] = {
    (M, "GET /v1/enterprises/{enterprise_id}/collective-contracts", "甲's"): UnionRead(ENTERPRISE, "FU"),
    (M, "GET /v1/organizations/{organization_id}/collective-contracts", "its union's"): UnionRead(OWN_UNION, "FU"),
    (M, "GET /v1/enterprises/{enterprise_id}/collective-contracts", "丙's"): UnionRead(
        OTHER_ENTERPRISE, "", hidden=True
    ),
    (M, "GET /v1/organizations/{organization_id}/collective-contracts", "F's register"): UnionRead(
        STREET, "", hidden=True
    ),
    (M, "GET /v1/organizations/{organization_id}/collective-contracts/expiring", "F's register"): UnionRead(
        STREET, "", hidden=True
    ),
    (M, "GET /v1/organizations/{organization_id}/collective-contracts/rollup", "F's register"): UnionRead(
        STREET, "", hidden=True
    ),
    (M, "GET /v1/organizations/{organization_id}/enterprises", "F's register"): UnionRead(STREET, "", hidden=True),
    (M, "GET /v1/enterprises/{enterprise_id}", "甲's record"): UnionRead(ENTERPRISE, "", hidden=True),
    (M, "POST /v1/enterprises/{enterprise_id}/collective-contracts", "a contract for 甲"): UnionRead(
        ENTERPRISE, "", hidden=True, body=lambda w: _contract("wage")
    ),
}
