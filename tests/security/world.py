"""The seeded world of the isolation matrix, built through the services' own APIs.

Federation F with two sibling grassroots unions A and B, a union group G under A, and a foreign
federation X. Every id-addressed resource kind exists once in A (some twice, where a call under
test would otherwise use it up). Hardship details carry markers that must never appear in an
answer to a caller without the right to read them.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from tests.pytest_infra import bearer, unique
from tests.security.conftest import Pump
from unionfed_shared.auth import Role, platform_admin

SECRET = uuid.uuid4().hex[:8].upper()
CAUSE_DETAIL = f"SECRET-CAUSE-{SECRET} leukaemia"
FAMILY = f"SECRET-FAMILY-{SECRET} spouse unemployed"
DOCUMENT = f"SECRET-DOC-{SECRET}.pdf"
HARDSHIP_MARKERS = (f"SECRET-CAUSE-{SECRET}", f"SECRET-FAMILY-{SECRET}", f"SECRET-DOC-{SECRET}")
# A non-member worker of A's rights case: their name reaches only the case's handler, admins and auditors.
WORKER_NAME = f"SECRET-WORKER-{SECRET}"
# A non-member helped by A and a student A applied for: named only to who recorded it, admins and auditors.
RECIPIENT_NAME = f"SECRET-RECIPIENT-{SECRET}"
STUDENT_NAME = f"SECRET-STUDENT-{SECRET}"


def id_number() -> str:
    """A resident ID number (17 digits and a check character) no other application uses."""
    return f"{uuid.uuid4().int % 10**17:017d}X"


@dataclass
class World:
    fed: str = field(default_factory=lambda: unique("secfed"))
    a: str = field(default_factory=lambda: unique("secunion-a"))
    b: str = field(default_factory=lambda: unique("secunion-b"))
    group: str = field(default_factory=lambda: unique("secgroup-a"))
    foreign: str = field(default_factory=lambda: unique("secfed-x"))
    ids: dict = field(default_factory=dict)
    me_member: str = ""  # the member a call is about: the calling member's own id where it has one

    def __getitem__(self, key):
        return self.ids[key]

    @staticmethod
    def soon(hours: int) -> str:
        return soon(hours)


# The smallest file a record may carry: told a PDF by its signature.
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def soon(hours: int) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)).isoformat()


def check(answer, *statuses: int):
    assert answer.status_code in (statuses or (200, 201, 202)), (
        f"{answer.request.method} {answer.request.url}: {answer.status_code} {answer.text}"
    )
    return answer.json() if answer.content else None


async def seed(services: dict) -> World:
    from unionfed_membership.service_layer import commands, founding

    w = World()
    membership = services["membership"][1]
    welfare = services["welfare"][1]
    events = services["events"][1]
    finance = services["finance"][1]
    pump = Pump({name: runtime for name, (runtime, _client) in services.items()})
    admin = bearer(Role.FEDERATION_ADMIN, w.fed, w.fed)
    officer_a = bearer(Role.UNION_OFFICER, w.a, w.fed)
    welfare_a = bearer(Role.WELFARE_OFFICER, w.a, w.fed)

    # Membership: the tree and its members.
    runtime = services["membership"][0]
    for fed in (w.fed, w.foreign):
        async with runtime.uow() as uow:
            await founding.found_federation(
                uow, platform_admin("ops"), commands.FoundFederation(id=fed, name=f"Federation {fed}")
            )
    for org, kind, parent in (
        (w.a, "grassroots_union", w.fed),
        (w.b, "grassroots_union", w.fed),
        (w.group, "union_group", w.a),
    ):
        check(
            await membership.post(
                "/v1/organizations", json={"id": org, "name": org, "kind": kind, "parent_id": parent}, headers=admin
            )
        )
    for key, org, name, gender in (
        ("a1", w.a, "Li Hua", "female"),
        ("a2", w.a, "Wang Fang", "female"),
        ("a3", w.a, "Zhang Wei", "male"),
        ("b1", w.b, "Zhao Lei", "male"),
    ):
        headers = admin
        member = check(
            await membership.post(
                f"/v1/organizations/{org}/members",
                headers=headers,
                json={
                    "display_name": name,
                    "gender": gender,
                    "joined_on": "2020-09-01",
                    "staff_no": f"S-{key}",
                    "base_salary_fen": 800000,
                },
            )
        )
        w.ids[key] = member["id"]
    check(
        await membership.post(
            f"/v1/organizations/{w.a}/dues-payments",
            headers=officer_a,
            json={"member_id": w["a1"], "period": "2026-01", "amount_fen": 2000},
        )
    )
    change = check(
        await membership.post(
            f"/v1/members/{w['a3']}/transfer",
            headers=officer_a,
            json={"to_organization_id": w.group, "effective_on": "2030-01-01"},
        )
    )
    w.ids["change"] = change["change"]["id"]
    await pump.drain()

    # The register of enterprises F keeps: one with a union and a contract, one without a union.
    from unionfed_membership.domain.enterprises import credit_code_check_character

    codes = [f"91310115MA1K3W{n:03d}" for n in range(3)]
    codes = [c + credit_code_check_character(c) for c in codes]
    w.ids["credit_code_2"] = codes[2]
    for key, name, code in (("enterprise", "甲公司", codes[0]), ("enterprise_without_union", "丙公司", codes[1])):
        registered = check(
            await membership.post(
                f"/v1/organizations/{w.fed}/enterprises",
                headers=admin,
                json={"name": name, "credit_code": code, "workers": 40},
            )
        )
        w.ids[key] = registered["id"]
    enterprise_union = unique("secent-union")
    w.ids["enterprise_union"] = enterprise_union
    check(
        await membership.post(
            f"/v1/enterprises/{w['enterprise']}/union",
            headers=admin,
            json={"union_id": enterprise_union, "union_name": "甲公司工会", "founded_on": "2026-03-08"},
        )
    )
    contract = check(
        await membership.post(
            f"/v1/enterprises/{w['enterprise']}/collective-contracts",
            headers=admin,
            json={
                "kind": "comprehensive",
                "employer_party": "甲公司",
                "union_party": "甲公司工会",
                "signed_on": "2026-01-01",
                "valid_from": "2026-01-01",
                "valid_until": "2026-12-31",
                "workers_covered": 40,
            },
        )
    )
    w.ids["contract"] = contract["id"]
    # Safety supervision there: a member of its union serving as 群监员, an inspection and a hazard.
    safety_member = check(
        await membership.post(
            f"/v1/organizations/{enterprise_union}/members",
            headers=admin,
            json={"display_name": "Qian Jun", "gender": "male", "joined_on": "2026-03-09"},
        )
    )
    w.ids["safety_member"] = safety_member["id"]
    inspector = check(
        await membership.post(
            f"/v1/enterprises/{w['enterprise']}/safety-inspectors",
            headers=admin,
            json={"member_id": safety_member["id"], "appointed_on": "2026-03-10"},
        )
    )
    w.ids["safety_inspector"] = inspector["id"]
    inspection = check(
        await membership.post(
            f"/v1/enterprises/{w['enterprise']}/safety-inspections",
            headers=admin,
            json={
                "inspector_id": inspector["id"],
                "inspected_on": "2026-04-01",
                "findings": "车间检查",
                "hazards": [{"description": "消防通道堵塞", "severity": "general", "deadline": "2026-04-15"}],
            },
        )
    )
    w.ids["hazard"] = inspection["hazards"][0]["id"]
    # A statistics report of A for a past month, opened by its officer.
    report = check(
        await membership.post(
            f"/v1/organizations/{w.a}/statistics-reports",
            headers=officer_a,
            json={"kind": "monthly", "period": "2026-11"},
        )
    )
    w.ids["statistics_report"] = report["id"]

    # A rider in A, a migrant courier working for 甲公司 (which has a union): 会籍接转 can take him there.
    rider = check(
        await membership.post(
            f"/v1/organizations/{w.a}/members",
            headers=officer_a,
            json={"display_name": "Liu Qiang", "gender": "male", "joined_on": "2020-09-01"},
        )
    )
    w.ids["a4"] = rider["id"]
    check(
        await membership.put(
            f"/v1/members/{w['a4']}/worker-category",
            headers=officer_a,
            json={"migrant_worker": True, "new_form": "courier", "effective_on": "2026-03-01"},
        )
    )
    check(
        await membership.post(
            f"/v1/members/{w['a4']}/employer-changes",
            headers=officer_a,
            json={"enterprise_id": w["enterprise"], "effective_on": "2026-03-01"},
        )
    )

    # 职工之家: A's 2026 self-assessment scored with its evidence (a draft), and its 2024 one submitted.
    for key, year in (("home_assessment", 2026), ("home_submitted", 2024)):
        assessment = check(
            await membership.post(f"/v1/organizations/{w.a}/home-assessments", headers=officer_a, json={"year": year})
        )
        w.ids[key] = assessment["id"]
        items = assessment["items"]
        check(
            await membership.put(
                f"/v1/home-assessments/{assessment['id']}/scores",
                headers=officer_a,
                json={"items": [{"code": i["code"], "self_score": i["max_points"]} for i in items]},
            )
        )
        for item in items:
            if item["evidence_required"]:
                with_evidence = check(
                    await membership.post(
                        f"/v1/home-assessments/{assessment['id']}/evidence",
                        headers=officer_a,
                        json={"item_code": item["code"], "title": "Evidence"},
                    )
                )
        if key == "home_assessment":  # an evidence entry of the draft, for its files
            w.ids["home_evidence"] = next(e["id"] for i in with_evidence["items"] for e in i["evidence"])
        w.ids["home_item"] = items[0]["code"]
        w.ids["home_review"] = [{"code": i["code"], "score": i["max_points"]} for i in items]
    submitted = check(
        await membership.post(f"/v1/home-assessments/{w['home_submitted']}/submission", headers=officer_a)
    )
    w.ids["home_award_day"] = submitted["submitted_on"]

    # Welfare.
    check(
        await welfare.put(
            f"/v1/federations/{w.fed}/visit-policy",
            headers=admin,
            json={
                "amounts_fen": {
                    "hospitalised": 50000,
                    "wedding": 50000,
                    "funeral": 50000,
                    "childbirth": 50000,
                    "retirement": 50000,
                    "major_hardship": 100000,
                },
                "yearly_cap_fen": 1000000,
            },
        )
    )
    hardship = check(
        await welfare.post(
            f"/v1/organizations/{w.a}/hardship-files",
            headers=welfare_a,
            json={
                "member_id": w["a1"],
                "level": "special_hardship",
                "cause": "serious_illness",
                "cause_detail": CAUSE_DETAIL,
                "family_situation": FAMILY,
                "documents": [DOCUMENT],
                "opened_on": "2026-03-02",
            },
        )
    )
    w.ids["hardship"] = hardship["id"]
    rights_case = check(
        await welfare.post(
            f"/v1/organizations/{w.a}/rights-cases",
            headers=welfare_a,  # the case's handler: the matrix's welfare officer has the same subject
            json={
                "employer_name": "某某建材有限公司",
                "workers": [{"member_id": w["a1"]}, {"name": WORKER_NAME, "phone": "13800000000"}],
                "claim_kind": "wage_arrears",
                "claimed_fen": 1260000,
                "accepted_on": "2026-11-10",
                "rights_week": "2026-11",
            },
        )
    )
    w.ids["rights_case"] = rights_case["id"]
    # The mutual-aid fund of A: money in it, one loan lent (repaid a fen at a time by the matrix) and
    # two applications, one for approving and one for turning down.
    check(
        await welfare.post(
            f"/v1/organizations/{w.a}/mutual-aid/contributions",
            headers=welfare_a,
            json={"contributor": "member", "amount_fen": 1000000, "received_on": "2026-03-02"},
        )
    )
    await pump.drain()  # the fund lends what finance has booked; the loan is repaid once finance booked it
    for key in ("mutual_aid_loan", "mutual_aid_application", "mutual_aid_application2"):
        loan = check(
            await welfare.post(
                f"/v1/organizations/{w.a}/mutual-aid/loans",
                headers=welfare_a,
                json={"member_id": w["a1"], "amount_fen": 100000, "purpose": "家人手术", "months": 6},
            )
        )
        w.ids[key] = loan["id"]
    check(await welfare.post(f"/v1/mutual-aid/loans/{w['mutual_aid_loan']}/approval", headers=welfare_a, json={}))
    for key in ("outside_grant", "outside_grant2"):
        outside = check(
            await welfare.post(
                f"/v1/organizations/{w.a}/outside-grants",
                headers=welfare_a,  # who recorded it: the matrix's welfare officer has the same subject
                json={
                    "recipient": {"kind": "person", "name": RECIPIENT_NAME, "phone": "13900000000", "note": "农民工"},
                    "given_on": "2026-01-20",
                    "money_fen": 20000,
                },
            )
        )
        w.ids[key] = outside["id"]
    scheme = check(
        await welfare.post(
            f"/v1/federations/{w.fed}/student-aid-schemes",
            headers=admin,
            json={"year": 2026, "name": "金秋助学", "levels": [{"name": "高中", "amount_fen": 100000}]},
        )
    )
    w.ids["aid_scheme"] = scheme["id"]
    application = check(
        await welfare.post(
            f"/v1/organizations/{w.a}/student-aid-applications",
            headers=welfare_a,
            json={
                "scheme_id": scheme["id"],
                "student_name": STUDENT_NAME,
                "id_number": id_number(),
                "school": "县一中",
                "level": "高中",
                "applied_on": "2026-09-01",
            },
        )
    )
    w.ids["aid_application"] = application["id"]
    await pump.drain()
    for key in ("grant", "grant2"):
        grant = check(
            await welfare.post(
                f"/v1/organizations/{w.a}/grants",
                headers=welfare_a,
                json={
                    "member_id": w["a1"],
                    "visit_type": "hospitalised",
                    "occasion_on": "2026-05-01",
                    "occasion_ref": key,
                    "money_fen": 10000,
                },
            )
        )
        w.ids[key] = grant["id"]
    batch = check(
        await welfare.post(
            f"/v1/organizations/{w.a}/festival-greetings",
            headers=welfare_a,
            json={"festival": "mid_autumn", "amount_fen": 5000, "paid_on": "2026-09-20"},
        )
    )
    w.ids["greeting"] = batch["id"]
    for key in ("campaign", "campaign2"):
        campaign = check(
            await welfare.post(
                f"/v1/organizations/{w.a}/welfare-campaigns",
                headers=welfare_a,
                json={
                    "kind": "insurance",
                    "title": f"Group insurance {key}",
                    "provider": "PICC",
                    "cost_per_member_fen": 1000,
                    "member_ids": [w["a1"], w["a2"]],
                },
            )
        )
        w.ids[key] = campaign["id"]
    await pump.drain()
    claim = check(
        await welfare.post(
            f"/v1/welfare-campaigns/{w['campaign']}/claims",
            headers=welfare_a,
            json={"member_id": w["a1"], "claimed_fen": 5000, "description": "hospital bill"},
        )
    )
    w.ids["claim"] = claim["id"]
    w.ids["drive"] = unique("drive")
    check(
        await welfare.post(
            f"/v1/organizations/{w.a}/donation-drives",
            headers=welfare_a,
            json={"code": w["drive"], "title": "Help Li Hua", "beneficiary_member_id": w["a1"]},
        )
    )
    check(
        await welfare.post(
            f"/v1/donation-drives/{w['drive']}/donations",
            headers=welfare_a,
            json={"amount_fen": 100000, "received_on": "2026-06-01", "donor": "Colleagues"},
        )
    )
    await pump.drain()

    # Events.
    for key in ("activity", "activity2"):
        activity = check(
            await events.post(
                f"/v1/organizations/{w.a}/activities",
                headers=officer_a,
                json={
                    "title": f"Games {key}",
                    "kind": "sport",
                    "starts_at": soon(72),
                    "ends_at": soon(76),
                    "registration_deadline": soon(48),
                    "budget": [
                        {"kind": "cost", "label": "venue", "amount_fen": 20000},
                        {"kind": "prizes", "label": "prizes", "amount_fen": 50000},
                    ],
                },
            )
        )
        w.ids[key] = activity["id"]
        check(await events.post(f"/v1/activities/{activity['id']}/publication", headers=officer_a))
        for member in ("a1", "a2"):
            check(
                await events.post(
                    f"/v1/activities/{activity['id']}/registrations", headers=officer_a, json={"member_id": w[member]}
                )
            )
    # F's monthly rights week, heard of by welfare, and a case of A opened at it.
    rights_week = check(
        await events.post(
            f"/v1/organizations/{w.fed}/activities",
            headers=admin,
            json={
                "title": "维权周",
                "kind": "rights_week",
                "starts_at": soon(72),
                "ends_at": soon(72 + 24 * 6),
                "registration_deadline": soon(48),
            },
        )
    )
    w.ids["rights_week"] = rights_week["id"]
    check(await events.post(f"/v1/activities/{rights_week['id']}/publication", headers=admin))
    await pump.drain()
    check(
        await welfare.post(
            f"/v1/organizations/{w.a}/rights-cases",
            headers=welfare_a,
            json={
                "employer_name": "某某物流有限公司",
                "workers": [{"member_id": w["a2"]}],
                "claim_kind": "wage_arrears",
                "claimed_fen": 300000,
                "rights_week_id": w["rights_week"],
            },
        )
    )
    budget = check(await events.get(f"/v1/activities/{w['activity']}/budget", headers=officer_a))
    w.ids["budget_item"] = next(i["id"] for i in budget["items"] if i["kind"] == "cost")
    session = check(
        await events.post(
            f"/v1/organizations/{w.a}/congress-sessions",
            headers=officer_a,
            json={
                "congress_number": 1,
                "session_number": 1,
                "starts_on": "2026-12-20",
                "ends_on": "2026-12-21",
                "answer_deadline": "2027-01-31T17:00:00+08:00",
                "min_seconders": 1,
            },
        )
    )
    w.ids["session"] = session["id"]
    check(
        await events.post(
            f"/v1/congress-sessions/{w['session']}/representatives",
            headers=officer_a,
            json={"member_ids": [w["a1"], w["a2"]]},
        )
    )
    proposal = check(
        await events.post(
            f"/v1/congress-sessions/{w['session']}/proposals",
            headers=bearer(Role.MEMBER, w.a, w.fed, w["a2"]),
            json={"title": "Canteen", "body": "More dinners."},
        )
    )
    w.ids["proposal"] = proposal["id"]
    motion = check(
        await events.post(
            f"/v1/congress-sessions/{w['session']}/motions",
            headers=officer_a,
            json={"title": "Attendance rules", "present_member_ids": [w["a1"], w["a2"]]},
        )
    )
    w.ids["motion"] = motion["id"]

    for key in ("survey", "survey_draft"):
        survey = check(
            await events.post(
                f"/v1/organizations/{w.a}/surveys",
                headers=officer_a,
                json={"title": f"Canteen {key}", "questions": [{"kind": "rating", "text": "How good is the canteen?"}]},
            )
        )
        w.ids[key] = survey["id"]
    check(await events.post(f"/v1/surveys/{w['survey']}/send", headers=officer_a))
    # Democratic evaluations: one open (answered, closed), one draft (opened), one closed (submitted).
    for key in ("evaluation", "evaluation_draft", "evaluation_closed"):
        evaluation = check(
            await events.post(
                f"/v1/organizations/{w.a}/evaluations",
                headers=officer_a,
                json={"title": f"Leaders {key}", "subjects": [{"name": "Wang", "post": "Principal"}]},
            )
        )
        w.ids[key] = evaluation["id"]
    for key in ("evaluation", "evaluation_closed"):
        check(await events.post(f"/v1/evaluations/{w[key]}/open", headers=officer_a, json={"outside_forms": 2}))
    check(await events.post(f"/v1/evaluations/{w['evaluation_closed']}/close", headers=officer_a))
    for key, member in (("nomination", "a1"), ("nomination2", "a3")):
        nomination = check(
            await events.post(
                f"/v1/organizations/{w.a}/nominations",
                headers=officer_a,
                json={"member_id": w[member], "award": "model_worker", "year": 2026, "citation": "Tireless."},
            )
        )
        w.ids[key] = nomination["id"]
    for key in ("improvement", "improvement_adopted"):
        improvement = check(
            await events.post(
                f"/v1/organizations/{w.a}/improvements",
                headers=officer_a,
                json={
                    "kind": "rationalization",
                    "title": "Reuse the cooling water",
                    "content": "Collect the press shop's cooling water for the washing line.",
                    "department": "press shop",
                    "proposer_ids": [w["a1"]],
                },
            )
        )
        w.ids[key] = improvement["id"]
    check(
        await events.post(
            f"/v1/improvements/{w['improvement_adopted']}/decision", headers=officer_a, json={"adopted": True}
        )
    )

    check(
        await events.post(
            f"/v1/federations/{w.fed}/info-points-tables",
            headers=admin,
            json={"effective_from": "2026-01-01", "county": 1, "city": 3, "province": 5},
        )
    )
    for key in ("info_draft", "info_submitted", "info_submitted2"):
        item = check(
            await events.post(
                f"/v1/organizations/{w.a}/info-items",
                headers=officer_a,
                json={
                    "title": f"Sports day {key}",
                    "body": "The staff held a sports day.",
                    "category": "work_news",
                    "event_on": "2026-04-20",
                    "author": "Zhang",
                },
            )
        )
        w.ids[key] = item["id"]
        if key != "info_draft":
            check(await events.post(f"/v1/info-items/{item['id']}/submission", headers=officer_a))
    for key, required in (("spot_check", True), ("spot_check_plain", False)):
        spot_check = check(
            await events.post(
                f"/v1/organizations/{w.a}/spot-checks",
                headers=admin,
                json={
                    "checked_on": "2026-11-02",
                    "subject": "disclosure",
                    "subject_detail": "The first half-year's disclosure",
                    "findings": "The grants' lines are missing.",
                    "follow_up_required": required,
                    "follow_up_due_on": "2026-11-30" if required else None,
                },
            )
        )
        w.ids[key] = spot_check["id"]

    # Finance.
    accepted = check(
        await finance.post(
            f"/v1/organizations/{w.a}/employer-funds",
            headers=officer_a,
            json={"amount_fen": 1000000, "received_on": "2026-02-01"},
        )
    )
    w.ids["money_request"] = accepted["request_id"]
    fund_request = check(
        await finance.post(
            f"/v1/organizations/{w.a}/fund-requests",
            headers=officer_a,
            json={"amount_fen": 200000, "purpose": "table-tennis table"},
        )
    )
    w.ids["fund_request"] = fund_request["id"]
    await pump.drain()
    postings = check(await finance.get(f"/v1/organizations/{w.a}/ledger/postings", headers=officer_a))["items"]
    assert postings, "A has no postings after the seed"
    w.ids["posting"] = postings[-1]["id"]
    # The county's audit committee: a finding on A's entry and a sign-off of A's first half year.
    county_auditor = bearer(Role.AUDITOR, w.fed, w.fed, "auditor-county")
    finding = check(
        await finance.post(
            f"/v1/organizations/{w.a}/audit-findings",
            headers=county_auditor,
            json={"subject_kind": "entry", "posting_id": w["posting"], "severity": "major", "text": "no receipt"},
        )
    )
    w.ids["finding"] = finding["id"]
    sign_off = check(
        await finance.post(
            f"/v1/organizations/{w.a}/audit-signoffs",
            headers=county_auditor,
            json={"term": "2026-H1", "opinion": "books agree with the vouchers"},
        )
    )
    w.ids["sign_off"] = sign_off["id"]
    # A file on each record that carries files (台账), for the download routes.
    for key, client, path in (
        ("activity_file", events, f"/v1/activities/{w['activity']}/attachments"),
        ("session_file", events, f"/v1/congress-sessions/{w['session']}/attachments"),
        ("grant_file", welfare, f"/v1/grants/{w['grant']}/attachments"),
        ("posting_file", finance, f"/v1/postings/{w['posting']}/attachments"),
        ("spot_check_file", events, f"/v1/spot-checks/{w['spot_check']}/attachments"),
        ("home_evidence_file", membership, f"/v1/home-evidence/{w['home_evidence']}/attachments"),
    ):
        attached = check(
            await client.post(path, headers=officer_a, files={"file": ("纪要.pdf", PDF, "application/pdf")})
        )
        w.ids[key] = attached["id"]
    w.pump = pump
    return w
