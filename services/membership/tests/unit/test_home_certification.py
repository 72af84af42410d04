"""职工之家 certification on the rules and on the in-memory unit of work: the checklist's checks and
thresholds, totals, the level a reviewed total earns, renewal dates (29 February included), a new
version never changing an assessment already started, evidence before submitting, who assesses
and who reviews, the awards due for renewal and the certification rate of a subtree."""

import dataclasses
import datetime as dt

import pytest

from services.membership.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_membership.domain.home import (
    DEFAULT_ITEMS,
    Assessment,
    Checklist,
    ChecklistItem,
    Thresholds,
    add_years,
    certified,
    current_awards,
    default_checklist,
    due_for_renewal,
)
from unionfed_membership.service_layer import clock, commands, founding, home
from unionfed_shared.auth import Principal, Role, platform_admin
from unionfed_shared.errors import Conflict, Forbidden, Invalid, NotFound

TODAY = dt.date(2026, 12, 5)
ADMIN = Principal("admin-county", Role.FEDERATION_ADMIN, "county", "county")
AUDITOR = Principal("auditor-county", Role.AUDITOR, "county", "county")
NO1 = Principal("officer-no1", Role.UNION_OFFICER, "no1", "county")
NO2 = Principal("officer-no2", Role.UNION_OFFICER, "no2", "county")
DISTRICT = Principal("officer-district", Role.UNION_OFFICER, "district", "county")
WELFARE_NO1 = Principal("welfare-no1", Role.WELFARE_OFFICER, "no1", "county")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    # 20:00 UTC on 4 December is 04:00 on 5 December in Shanghai: the federation's today is 5 December.
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2026, 12, 4, 20, 0, tzinfo=dt.UTC))


async def county() -> FakeUnitOfWork:
    """county → no1, no2 (schools), district (a sub-federation) → no3; no1 → a union group."""
    uow = FakeUnitOfWork()
    await founding.found_federation(
        uow, platform_admin("ops"), commands.FoundFederation(id="county", name="某县教育工会")
    )
    for id_, name, kind, parent in (
        ("no1", "第一小学工会", "grassroots_union", "county"),
        ("no2", "实验中学工会", "grassroots_union", "county"),
        ("district", "城区教育工会", "federation", "county"),
        ("no3", "育英中学工会", "grassroots_union", "district"),
        ("no1-maths", "数学组", "union_group", "no1"),
    ):
        await founding.register_organization(
            uow, ADMIN, commands.RegisterOrganization(id=id_, name=name, kind=kind, parent_id=parent)
        )
    uow.emitted.clear()
    return uow


def small(version: int = 1, federation: str = "county") -> Checklist:
    items = (
        ChecklistItem("1", "组织健全", "组织健全", 40, True),
        ChecklistItem("2", "民主管理", "教代会", 30, False),
        ChecklistItem("3", "职工书屋", "职工书屋", 30, True),
    )
    return Checklist.publish(federation, version, items, Thresholds(60, 80, 90), 3)


def full_scores(checklist: Checklist, points: dict[str, int] | None = None) -> list:
    points = points or {}
    return [commands.HomeSelfScore(code=i.code, self_score=points.get(i.code, i.max_points)) for i in checklist.items]


def review_scores(checklist: Checklist, less: int = 0) -> list:
    """Every item at full points but ``less`` points short in all, taken from the first items."""
    out = []
    for i in checklist.items:
        short = min(less, i.max_points)
        less -= short
        out.append(commands.HomeReviewScore(code=i.code, score=i.max_points - short))
    return out


# -- rules ---------------------------------------------------------------------------------------
def test_the_default_checklist_is_a_hundred_points_in_the_domains_sections():
    offered = default_checklist("county")
    assert (offered.version, offered.total_points, offered.valid_years) == (0, 100, 3)
    assert offered.thresholds == Thresholds(60, 80, 90)
    sections = {i.section for i in DEFAULT_ITEMS}
    assert {"组织健全", "民主管理", "维权", "服务职工", "职工书屋", "经费管理"} <= sections


def test_levels_follow_the_thresholds_at_their_edges():
    c = small()
    assert [c.level_for(t) for t in (0, 59, 60, 79, 80, 89, 90, 100)] == [
        None,
        None,
        "qualified",
        "qualified",
        "advanced",
        "advanced",
        "model",
        "model",
    ]


@pytest.mark.parametrize(
    ("thresholds", "code"),
    [
        (Thresholds(60, 60, 90), "checklist_thresholds_invalid"),
        (Thresholds(0, 80, 90), "checklist_thresholds_invalid"),
        (Thresholds(60, 80, 101), "checklist_thresholds_invalid"),  # above the total of 100
    ],
)
def test_thresholds_rise_and_fit_the_total(thresholds, code):
    with pytest.raises(Invalid) as refused:
        Checklist.publish("county", 1, small().items, thresholds, 3)
    assert refused.value.code == code


def test_a_checklist_refuses_repeated_codes_blank_text_and_odd_years():
    item = ChecklistItem("1", "组织健全", "组织健全", 50, True)
    with pytest.raises(Invalid) as refused:
        Checklist.publish("county", 1, [item, item], Thresholds(60, 80, 90), 3)
    assert (refused.value.code, refused.value.pointer) == ("checklist_item_code_repeated", "#/items/1/code")
    with pytest.raises(Invalid) as refused:
        Checklist.publish("county", 1, [dataclasses.replace(item, text=" ")], Thresholds(10, 20, 30), 3)
    assert refused.value.code == "checklist_text_blank"
    with pytest.raises(Invalid) as refused:
        Checklist.publish("county", 1, [item], Thresholds(10, 20, 30), 0)
    assert refused.value.code == "checklist_valid_years_out_of_range"
    with pytest.raises(Invalid) as refused:
        Checklist.publish("county", 1, [], Thresholds(10, 20, 30), 3)
    assert refused.value.code == "checklist_empty"


def test_renewal_is_the_same_day_years_later_and_29_february_falls_on_28():
    assert add_years(dt.date(2026, 5, 20), 3) == dt.date(2029, 5, 20)
    assert add_years(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 28)
    assert add_years(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)


def test_totals_review_the_level_and_the_award_holds_up_to_the_day_before_renewal():
    c = small()
    a = Assessment.start("no1", "county", 2026, c, TODAY)
    assert a.status == "draft" and a.self_total == 0 and a.reviewed_total is None
    from unionfed_membership.domain.home import ReviewScore, SelfScore

    a = a.self_scored(c, [SelfScore("1", 38, "按期换届"), SelfScore("2", 27)])
    a = a.self_scored(c, [SelfScore("3", 25)])
    assert (a.self_total, a.scores[0].note) == (90, "按期换届")
    e1 = a.evidence_added(c, "1", "换届选举报告", "2025 年换届", TODAY)
    e3 = a.evidence_added(c, "3", "职工书屋照片", "", TODAY)
    a = dataclasses.replace(a, evidence=(e1, e3))
    a = a.submitted(c, TODAY)
    reviewed = a.reviewed(c, [ReviewScore("1", 35), ReviewScore("2", 25), ReviewScore("3", 25)], "良好", TODAY, TODAY)
    assert (reviewed.reviewed_total, reviewed.level) == (85, "advanced")
    assert (reviewed.awarded_on, reviewed.renew_by) == (TODAY, dt.date(2029, 12, 5))
    assert reviewed.is_current_award(dt.date(2029, 12, 4)) and not reviewed.is_current_award(dt.date(2029, 12, 5))
    failed = a.reviewed(c, [ReviewScore("1", 20), ReviewScore("2", 20), ReviewScore("3", 10)], "", TODAY, TODAY)
    assert (failed.reviewed_total, failed.level, failed.renew_by) == (50, None, None)
    assert not failed.is_current_award(TODAY)


def test_renewals_due_and_the_rate_count_each_unions_latest_award():
    c = small()

    def award(org: str, on: dt.date, level="advanced") -> Assessment:
        return dataclasses.replace(
            Assessment.start(org, "county", on.year, c, on),
            status="reviewed",
            level=level,
            awarded_on=on,
            renew_by=add_years(on, 3),
        )

    old = award("no1", dt.date(2023, 1, 10))  # expired 2026-01-10, renewed below
    renewed = award("no1", dt.date(2026, 3, 1), "model")
    expiring = award("no2", dt.date(2024, 2, 1))  # renew by 2027-02-01
    lapsed = award("no3", dt.date(2022, 6, 1))  # expired 2025-06-01, not renewed
    assessments = [old, renewed, expiring, lapsed]
    due = due_for_renewal(assessments, TODAY, 90)
    assert [(a.organization_id, a.renew_by) for a in due] == [
        ("no3", dt.date(2025, 6, 1)),
        ("no2", dt.date(2027, 2, 1)),
    ]
    awards = current_awards(assessments, TODAY)
    assert set(awards) == {"no1", "no2"} and awards["no1"].level == "model"
    rate = certified(["no1", "no2", "no3", "no4"], awards)
    assert (rate.unions, rate.certified, rate.per_mille) == (4, 2, 500)
    assert dict(rate.by_level) == {"qualified": 0, "advanced": 1, "model": 1}
    assert certified([], awards).per_mille is None


# -- use cases -----------------------------------------------------------------------------------
async def test_the_first_assessment_publishes_the_default_and_a_new_version_leaves_it_alone():
    uow = await county()
    offered = await home.current_checklist(uow, NO1, "county")
    assert (offered.version, offered.total_points) == (0, 100)
    started = await home.start(uow, NO1, "no1", commands.StartHomeAssessment(year=2026))
    assert started.checklist.version == 1 and len(started.assessment.scores) == len(DEFAULT_ITEMS)
    published = await home.publish_checklist(
        uow,
        ADMIN,
        "county",
        commands.PublishHomeChecklist(
            items=[
                commands.HomeChecklistItem(
                    code=i.code, section=i.section, text=i.text, max_points=i.max_points, evidence_required=True
                )
                for i in small().items
            ],
            thresholds=commands.HomeThresholds(qualified=60, advanced=75, model=95),
            valid_years=4,
        ),
    )
    assert published.version == 2
    again = await home.get(uow, AUDITOR, started.assessment.id)
    assert (again.checklist.version, len(again.assessment.scores)) == (1, len(DEFAULT_ITEMS))
    second = await home.start(uow, NO2, "no2", commands.StartHomeAssessment(year=2026))
    assert second.checklist.version == 2
    with pytest.raises(Conflict) as refused:
        await home.start(uow, NO1, "no1", commands.StartHomeAssessment(year=2026))
    assert refused.value.code == "home_assessment_exists"
    with pytest.raises(Invalid) as refused:
        await home.start(uow, NO1, "no1", commands.StartHomeAssessment(year=2027))
    assert refused.value.code == "assessment_year_in_future"


async def test_only_the_county_admin_publishes_and_only_unions_are_assessed():
    uow = await county()
    body = commands.PublishHomeChecklist(
        items=[
            commands.HomeChecklistItem(code="1", section="组织健全", text="x", max_points=10, evidence_required=False)
        ],
        thresholds=commands.HomeThresholds(qualified=6, advanced=8, model=9),
        valid_years=3,
    )
    with pytest.raises(Forbidden):
        await home.publish_checklist(uow, NO1, "county", body)
    with pytest.raises(NotFound):
        await home.publish_checklist(uow, Principal("a", Role.FEDERATION_ADMIN, "no1", "county"), "county", body)
    with pytest.raises(Invalid) as refused:
        await home.start(uow, DISTRICT, "district", commands.StartHomeAssessment(year=2026))
    assert refused.value.code == "home_assessed_by_grassroots_union"


async def started_and_scored(uow: FakeUnitOfWork, who=NO1, org="no1"):
    view = await home.start(uow, who, org, commands.StartHomeAssessment(year=2026))
    view = await home.score(
        uow, who, view.assessment.id, commands.ScoreHomeAssessment(items=full_scores(view.checklist, {"1.1": 9}))
    )
    return view


async def test_submitting_needs_every_item_scored_and_evidence_where_required():
    uow = await county()
    view = await home.start(uow, NO1, "no1", commands.StartHomeAssessment(year=2026))
    aid = view.assessment.id
    with pytest.raises(Invalid) as refused:
        await home.submit(uow, NO1, aid)
    assert refused.value.code == "self_assessment_incomplete"
    with pytest.raises(Invalid) as refused:
        await home.score(
            uow, NO1, aid, commands.ScoreHomeAssessment(items=[commands.HomeSelfScore(code="1.1", self_score=11)])
        )
    assert (refused.value.code, refused.value.pointer) == ("self_score_out_of_range", "#/items/0/self_score")
    with pytest.raises(Invalid) as refused:
        await home.score(
            uow, NO1, aid, commands.ScoreHomeAssessment(items=[commands.HomeSelfScore(code="9.9", self_score=1)])
        )
    assert refused.value.code == "checklist_item_unknown"
    view = await home.score(uow, NO1, aid, commands.ScoreHomeAssessment(items=full_scores(view.checklist)))
    assert view.assessment.self_total == 100
    with pytest.raises(Invalid) as refused:
        await home.submit(uow, NO1, aid)
    assert refused.value.code == "evidence_missing"
    required = [i.code for i in view.checklist.items if i.evidence_required]
    for code in required:
        view = await home.add_evidence(
            uow, NO1, aid, commands.AddHomeEvidence(item_code=code, title=f"{code} 材料", description="")
        )
    assert len(view.assessment.evidence) == len(required)
    submitted = await home.submit(uow, NO1, aid)
    assert (submitted.assessment.status, submitted.assessment.submitted_on) == ("submitted", TODAY)
    with pytest.raises(Conflict) as refused:
        await home.score(uow, NO1, aid, commands.ScoreHomeAssessment(items=full_scores(view.checklist)))
    assert refused.value.code == "assessment_not_editable"
    with pytest.raises(Conflict):
        await home.add_evidence(uow, NO1, aid, commands.AddHomeEvidence(item_code="1.1", title="迟到的材料"))


async def submitted(uow: FakeUnitOfWork, who=NO1, org="no1"):
    view = await started_and_scored(uow, who, org)
    for item in view.checklist.items:
        if item.evidence_required:
            await home.add_evidence(
                uow, who, view.assessment.id, commands.AddHomeEvidence(item_code=item.code, title="材料")
            )
    return await home.submit(uow, who, view.assessment.id)


async def test_the_union_assesses_the_upper_level_reviews_and_others_see_nothing():
    uow = await county()
    view = await submitted(uow)
    aid = view.assessment.id
    with pytest.raises(Forbidden) as refused:
        await home.review(
            uow, NO1, aid, commands.ReviewHomeAssessment(items=review_scores(view.checklist), awarded_on=TODAY)
        )
    assert refused.value.code == "home_reviewed_by_upper_level"
    with pytest.raises(Forbidden) as refused:
        await home.start(uow, ADMIN, "no2", commands.StartHomeAssessment(year=2026))
    assert refused.value.code == "home_assessed_by_own_union"
    for outsider in (NO2, DISTRICT, Principal("g", Role.UNION_OFFICER, "no1-maths", "county")):
        with pytest.raises(NotFound) as refused:
            await home.get(uow, outsider, aid)
        assert refused.value.code == "home_assessment_not_found"
    with pytest.raises(Forbidden):
        await home.get(uow, WELFARE_NO1, aid)
    with pytest.raises(Forbidden):
        await home.return_to_union(uow, AUDITOR, aid, commands.ReturnWithReason(reason="x"))

    returned = await home.return_to_union(uow, ADMIN, aid, commands.ReturnWithReason(reason=" 佐证材料不全 "))
    assert (returned.assessment.status, returned.assessment.return_reason) == ("returned", "佐证材料不全")
    await home.add_evidence(uow, NO1, aid, commands.AddHomeEvidence(item_code="4.2", title="运动会照片"))
    await home.submit(uow, NO1, aid)
    with pytest.raises(Invalid) as refused:
        await home.review(
            uow, ADMIN, aid, commands.ReviewHomeAssessment(items=review_scores(view.checklist)[:3], awarded_on=TODAY)
        )
    assert refused.value.code == "review_incomplete"
    with pytest.raises(Invalid) as refused:
        await home.review(
            uow,
            ADMIN,
            aid,
            commands.ReviewHomeAssessment(items=review_scores(view.checklist), awarded_on=dt.date(2026, 12, 6)),
        )
    assert refused.value.code == "award_date_in_future"
    awarded = await home.review(
        uow,
        ADMIN,
        aid,
        commands.ReviewHomeAssessment(items=review_scores(view.checklist, less=15), comment="先进", awarded_on=TODAY),
    )
    a = awarded.assessment
    assert (a.status, a.reviewed_total, a.level, a.renew_by) == ("reviewed", 85, "advanced", dt.date(2029, 12, 5))
    with pytest.raises(Conflict) as refused:
        await home.return_to_union(uow, ADMIN, aid, commands.ReturnWithReason(reason="x"))
    assert refused.value.code == "assessment_not_submitted"


async def test_an_upper_unions_officer_reviews_below_it_and_the_rate_counts_the_subtree():
    uow = await county()
    no3 = await submitted(uow, Principal("officer-no3", Role.UNION_OFFICER, "no3", "county"), "no3")
    failed = await home.review(
        uow,
        DISTRICT,
        no3.assessment.id,
        commands.ReviewHomeAssessment(items=review_scores(no3.checklist, less=45), awarded_on=TODAY),
    )
    assert (failed.assessment.reviewed_total, failed.assessment.level) == (55, None)  # 未达标
    no1 = await submitted(uow)
    await home.review(
        uow,
        ADMIN,
        no1.assessment.id,
        commands.ReviewHomeAssessment(items=review_scores(no1.checklist, less=5), awarded_on=TODAY),
    )
    await submitted(uow, NO2, "no2")  # awaiting review

    rate = await home.certification_rate(uow, AUDITOR, "county")
    assert (rate.total.unions, rate.total.certified, rate.total.per_mille) == (3, 1, 333)
    assert rate.total.by_level["model"] == 1
    assert [(line.organization.id, line.rate.unions, line.rate.certified) for line in rate.lines] == [
        ("district", 1, 0),
        ("no1", 1, 1),
        ("no2", 1, 0),
    ]
    waiting = await home.listed(uow, ADMIN, "county", status="submitted")
    assert [w.union.id for w in waiting] == ["no2"]
    assert [w.union.id for w in await home.listed(uow, DISTRICT, "district")] == ["no3"]
    due = await home.renewals_due(uow, ADMIN, "county", 365 * 3 + 1)
    assert [line.union.id for line in due.awards] == ["no1"]
    assert (await home.renewals_due(uow, ADMIN, "county", 30)).awards == []
