"""The grants a statistics report counts: every kind welfare pays (must-visits, festival greetings,
送温暖 beyond the members, 金秋助学) each with its amount, the total their sum; health checks and
insurance are no grants; the catalogue lists exactly the figures welfare computes."""

from unionfed_shared.contracts.reporting import owned_by
from unionfed_welfare.domain import report_figures


def test_each_kind_of_grant_is_read_from_its_holds_reference():
    assert report_figures.kind_of("grant/3f2a") == "visits"
    assert report_figures.kind_of("greeting/b1/m7") == "greetings"
    assert report_figures.kind_of("outside-grant/9") == "outside"
    assert report_figures.kind_of("student-aid/4") == "student_aid"
    assert report_figures.kind_of("campaign/1") is None  # a health check bought for the members


def test_the_total_is_the_sum_of_the_kinds_and_every_welfare_grant_code_is_computed():
    figures = report_figures.figures_of({"visits": (2, 800_00), "outside": (41, 5_300_00)})
    assert figures["grants"] == 43 and figures["grants_fen"] == 6_100_00
    assert figures["grants_greetings"] == 0 and figures["grants_student_aid_fen"] == 0
    grant_codes = {c for c in owned_by("welfare") if c.startswith("grants")}
    assert set(figures) == grant_codes
