"""Donation drives: codes, donors named or anonymous, never paying out more than was raised."""

import pytest
from pydantic import ValidationError

from unionfed_shared.errors import Conflict
from unionfed_welfare.domain import donations as rules
from unionfed_welfare.service_layer.commands import CreateDrive, RecordDonation


def test_a_drive_code_is_a_finance_account_suffix():
    ok = CreateDrive(code="wang-leukemia-2026", title="为王老师献爱心", beneficiary_member_id="0" * 32)
    assert ok.code == "wang-leukemia-2026"
    for bad in ("Wang", "-x", "a b", "x" * 64, "", "王"):
        with pytest.raises(ValidationError):
            CreateDrive(code=bad, title="t", beneficiary_member_id="0" * 32)


def test_a_donation_names_its_donor_or_is_anonymous():
    assert RecordDonation(amount_fen=500_00, received_on="2026-11-20", donor="张老师").donor_label() == "张老师"
    assert RecordDonation(amount_fen=100, received_on="2026-11-20", anonymous=True).donor_label() == "anonymous"
    for bad, code in (
        ({}, "donor_missing"),
        ({"donor": "x", "anonymous": True}, "anonymous_donation_names_donor"),
        ({"donor": "Anonymous"}, "anonymous_donation_names_donor"),
        ({"donor": "x", "amount_fen": 1.5}, "int_type"),
    ):
        with pytest.raises(ValidationError) as refused:
            RecordDonation(**{"amount_fen": 100, "received_on": "2026-11-20", **bad})
        [error] = refused.value.errors()
        assert error["type"] == code, error
        if code != "int_type":  # the donor rule points at the donor, in both languages
            assert error["loc"] == ("donor",) and error["ctx"]["zh"], error


def test_never_more_than_the_drive_still_holds():
    rules.check_disbursement(60_000_00, 98_500_00, 38_500_00)
    with pytest.raises(Conflict, match=r"still holds: 5999999 fen \(9850000 raised, 3850001 already paid out\)"):
        rules.check_disbursement(60_000_00, 98_500_00, 38_500_01)


def test_the_default_pseudonym_does_not_name_the_beneficiary():
    assert rules.default_pseudonym("drive-7") == "受助职工（drive-7）"


def test_the_beneficiary_is_named_in_the_words_of_the_unions_sector_and_the_federations_language():
    assert rules.default_pseudonym("drive-7", "zh-CN", "enterprise") == "受助职工（drive-7）"
    assert rules.default_pseudonym("drive-7", "zh-CN", "education") == "受助教职工（drive-7）"
    assert rules.default_pseudonym("drive-7", "zh-CN", None) == "受助职工（drive-7）"
    assert rules.default_pseudonym("drive-7", "en", "education") == "Assisted school staff member (drive-7)"
    assert rules.default_pseudonym("drive-7", "en", "enterprise") == "Assisted worker (drive-7)"
