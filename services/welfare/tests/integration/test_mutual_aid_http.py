"""The mutual-aid fund through a running finance, on real Kafka and PostgreSQL: money paid in, lent to
a teacher and repaid through welfare's API, booked by finance on the fund's own accounts, and
finance's answers (posted, or refused with its reason) heard back by welfare."""

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select, text

from tests.finance_tools import balances
from tests.kafka_tools import deliver
from tests.pytest_infra import bearer, eventually
from unionfed_finance.adapters.reconciliation import reconcile
from unionfed_finance.adapters.tables import money_outcomes, postings
from unionfed_shared import business_time
from unionfed_shared.auth import Role
from unionfed_shared.contracts.membership import DuesCollectedV1, MemberJoinedV1
from unionfed_shared.contracts.mutual_aid import MutualAidRepaidV1
from unionfed_shared.messaging.consumer import IncomingMessage

pytestmark = pytest.mark.integration


async def test_a_loan_moves_the_funds_cash_to_the_receivable_and_a_repayment_moves_it_back(both):
    welfare, finance, wf, fi, federation, school, other = both
    teacher = MemberJoinedV1(
        organization_id=school,
        federation_id=federation,
        member_id=uuid.uuid4(),
        display_name="王老师",
        gender="female",
        joined_on=dt.date(2020, 9, 1),
    )
    await deliver(welfare, [teacher])
    # The school's general funds: dues in its bank, part of which the union puts into the fund.
    await deliver(
        finance,
        [
            DuesCollectedV1(
                organization_id=school,
                federation_id=federation,
                payment_id=uuid.uuid4(),
                member_id=teacher.member_id,
                period="2026-01",
                amount_fen=1_000_00,
                collected_at=dt.datetime.now(dt.UTC),
            )
        ],
    )
    officer = bearer(Role.WELFARE_OFFICER, school, federation)
    english = {**officer, "Accept-Language": "en"}
    fund = f"/v1/organizations/{school}/mutual-aid"

    for body in (
        {"contributor": "member", "amount_fen": 3_000_00, "note": "三月会员缴纳"},
        {"contributor": "union", "amount_fen": 500_00},
    ):
        paid_in = await wf.post(f"{fund}/contributions", json=body, headers=officer)
        assert paid_in.status_code == 201, paid_in.text
    ambiguous = await wf.post(
        f"{fund}/contributions",
        json={"contributor": "union", "member_id": str(teacher.member_id), "amount_fen": 1},
        headers=english,
    )
    assert ambiguous.status_code == 422 and ambiguous.json()["errors"][0]["code"] == "mutual_aid_contributor_ambiguous"

    # Members' money comes into the fund's own cash; the union's leaves its bank and general fund.
    before_loan = {"1001": 500_00, "1002": 3_500_00, "3101": 3_500_00, "3001": -500_00, "4101": 1_000_00}
    await eventually(lambda: _books_are(finance, school, before_loan), timeout=90)
    await eventually(lambda: _all_answered(wf, fund, officer), timeout=60)
    year = business_time.today(business_time.DEFAULT_ZONE).year
    term = {"from": f"{year}-01-01", "to": f"{year}-12-31", "format": "csv"}
    statement_before = await _income_and_expense(fi, school, officer, term)

    too_long = await wf.post(
        f"{fund}/loans",
        json={"member_id": str(teacher.member_id), "amount_fen": 100, "purpose": "家人手术", "months": 7},
        headers=english,
    )
    assert too_long.status_code == 422 and too_long.json()["code"] == "mutual_aid_term_too_long"
    applied = await wf.post(
        f"{fund}/loans",
        json={"member_id": str(teacher.member_id), "amount_fen": 2_000_00, "purpose": "家人手术", "months": 6},
        headers=officer,
    )
    assert applied.status_code == 201, applied.text
    loan_id = applied.json()["id"]
    lent = await wf.post(f"/v1/mutual-aid/loans/{loan_id}/approval", json={}, headers=officer)
    assert lent.status_code == 200, lent.text
    schedule = lent.json()["instalments"]
    assert [i["amount_fen"] for i in schedule] == [333_34, 333_34, 333_33, 333_33, 333_33, 333_33]
    assert sum(i["amount_fen"] for i in schedule) == 2_000_00
    assert lent.json()["finance_status"] == "pending"

    # The fund holds 1,500 yuan now: a second loan of more is refused, and nothing is sent.
    second = await wf.post(
        f"{fund}/loans",
        json={"member_id": str(teacher.member_id), "amount_fen": 1_500_01, "purpose": "房屋维修", "months": 3},
        headers=officer,
    )
    refused = await wf.post(f"/v1/mutual-aid/loans/{second.json()['id']}/approval", json={}, headers=english)
    assert refused.status_code == 409 and refused.json()["code"] == "mutual_aid_fund_insufficient"
    assert "1500000 fen" not in refused.json()["detail"] and "150000 fen" in refused.json()["detail"]

    after_loan = {**before_loan, "1002": 1_500_00, "1141": 2_000_00}
    await eventually(lambda: _books_are(finance, school, after_loan), timeout=90)
    await eventually(lambda: _loan_is(wf, loan_id, officer, "posted"), timeout=60)
    # Lending is not spending: the income and expenditure statement is what it was.
    assert await _income_and_expense(fi, school, officer, term) == statement_before

    too_much = await wf.post(
        f"/v1/mutual-aid/loans/{loan_id}/repayments", json={"amount_fen": 2_000_01}, headers=english
    )
    assert too_much.status_code == 409 and too_much.json()["code"] == "mutual_aid_repayment_over_outstanding"
    zero = await wf.post(f"/v1/mutual-aid/loans/{loan_id}/repayments", json={"amount_fen": 0}, headers=officer)
    assert zero.status_code == 422
    repaid = await wf.post(f"/v1/mutual-aid/loans/{loan_id}/repayments", json={"amount_fen": 500_00}, headers=officer)
    assert repaid.status_code == 201, repaid.text
    assert [i["repaid_fen"] for i in repaid.json()["instalments"][:2]] == [333_34, 166_66]
    after_repayment = {**before_loan, "1002": 2_000_00, "1141": 1_500_00}
    await eventually(lambda: _books_are(finance, school, after_repayment), timeout=90)
    await eventually(lambda: _all_answered(wf, fund, officer), timeout=60)

    # Finance's statements show the fund beside the general funds: the school's balances, and the
    # federation's consolidated statement of its subtree.
    shown = (await fi.get(f"/v1/organizations/{school}/ledger/balances", headers=officer)).json()["accounts"]
    assert {a["code"]: (a["name_zh"], a["balance_fen"]) for a in shown if a["code"] in ("1002", "1141", "3101")} == {
        "1002": ("互助金存款", 2_000_00),
        "1141": ("应收互助借款", 1_500_00),
        "3101": ("互助金", 3_500_00),
    }
    consolidated = (
        await fi.get(f"/v1/organizations/{federation}/ledger/consolidated", headers=_admin(federation))
    ).json()
    assert {a["code"]: a["consolidated_fen"] for a in consolidated["accounts"]}["1141"] == 1_500_00

    # The repayment's event delivered again changes nothing in the books.
    entries = await _postings(finance, school)
    await _redeliver(welfare, finance, MutualAidRepaidV1.event_type)
    assert await _books_are(finance, school, after_repayment)
    assert await _postings(finance, school) == entries == 5  # dues, two contributions, the loan, the repayment

    statement = (await wf.get(f"{fund}/statement", headers=officer)).json()
    assert {k: statement["own"][k] for k in ("contributed_fen", "lent_fen", "repaid_fen", "outstanding_fen")} == {
        "contributed_fen": 3_500_00,
        "lent_fen": 2_000_00,
        "repaid_fen": 500_00,
        "outstanding_fen": 1_500_00,
    }
    rollup = (await wf.get(f"/v1/organizations/{federation}/mutual-aid/statement", headers=_admin(federation))).json()
    assert rollup["own"]["contributed_fen"] == 0 and rollup["subtree"]["available_fen"] == 2_000_00
    assert (await wf.get(f"{fund}/overdue", headers=officer)).json() == []  # the first instalment is a month away
    assert (await wf.get(f"{fund}/statement", headers=bearer(Role.MEMBER, school, federation))).status_code == 403
    outsider = await wf.get(f"/v1/mutual-aid/loans/{loan_id}", headers=bearer(Role.WELFARE_OFFICER, other, federation))
    assert outsider.status_code == 404

    # Each entry names the event behind it and who caused it, and finance's own checks all pass.
    async with finance.session_factory() as session:
        actors = (
            await session.execute(
                select(postings.c.source_event_type, postings.c.actor).where(postings.c.organization_id == school)
            )
        ).all()
        report = await reconcile(session)
    assert {
        ("unionfed.welfare.mutual_aid_contributed.v1", "welfare_officer-1"),
        ("unionfed.welfare.mutual_aid_loan_disbursed.v1", "welfare_officer-1"),
        ("unionfed.welfare.mutual_aid_repaid.v1", "welfare_officer-1"),
    } <= {tuple(a) for a in actors}
    assert report.ok, str(report)


async def test_a_union_contribution_its_bank_cannot_cover_is_refused_by_finance_and_never_lent(both):
    welfare, finance, wf, fi, federation, school, _other = both
    teacher = MemberJoinedV1(
        organization_id=school,
        federation_id=federation,
        member_id=uuid.uuid4(),
        display_name="李老师",
        gender="male",
        joined_on=dt.date(2021, 9, 1),
    )
    await deliver(welfare, [teacher])
    dues = DuesCollectedV1(
        organization_id=school,
        federation_id=federation,
        payment_id=uuid.uuid4(),
        member_id=teacher.member_id,
        period="2026-01",
        amount_fen=1_000_00,
        collected_at=dt.datetime.now(dt.UTC),
    )
    await deliver(finance, [dues])  # the school's bank holds 1,000 yuan
    officer = bearer(Role.WELFARE_OFFICER, school, federation)
    fund = f"/v1/organizations/{school}/mutual-aid"
    members = await wf.post(
        f"{fund}/contributions", json={"contributor": "member", "amount_fen": 300_00}, headers=officer
    )
    union = await wf.post(
        f"{fund}/contributions", json={"contributor": "union", "amount_fen": 2_000_00}, headers=officer
    )
    assert members.status_code == union.status_code == 201, union.text

    # Finance books the members' money and refuses the union's: its bank cannot go below zero.
    await eventually(
        lambda: _books_are(finance, school, {"1001": 1_000_00, "1002": 300_00, "3101": 300_00}), timeout=90
    )
    reason = await eventually(lambda: _refusal(finance, f"mutual-aid/contribution/{union.json()['id']}"), timeout=90)

    # Welfare lends only what finance booked: a loan that needs the union's money is refused.
    applied = await wf.post(
        f"{fund}/loans",
        json={"member_id": str(teacher.member_id), "amount_fen": 500_00, "purpose": "子女学费", "months": 5},
        headers=officer,
    )
    refused = await wf.post(f"/v1/mutual-aid/loans/{applied.json()['id']}/approval", json={}, headers=officer)
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "mutual_aid_fund_insufficient"

    # Welfare hears finance's answer, keeps its reason, and leaves the refused money out of the fund.
    await eventually(lambda: _all_answered(wf, fund, officer), timeout=60)
    shown = {c["id"]: c for c in (await wf.get(f"{fund}/contributions", headers=officer)).json()}
    assert (shown[members.json()["id"]]["finance_status"], shown[members.json()["id"]]["finance_reason"]) == (
        "posted",
        None,
    )
    assert (shown[union.json()["id"]]["finance_status"], shown[union.json()["id"]]["finance_reason"]) == (
        "refused",
        reason,
    )
    statement = (await wf.get(f"{fund}/statement", headers=officer)).json()
    assert {k: statement["own"][k] for k in ("contributed_fen", "contributed_pending_fen", "available_fen")} == {
        "contributed_fen": 300_00,
        "contributed_pending_fen": 0,
        "available_fen": 300_00,
    }
    assert [
        (r["movement"], r["id"], r["amount_fen"], r["finance_reason"]) for r in statement["refused_by_finance"]
    ] == [("contribution", union.json()["id"], 2_000_00, reason)]
    rollup = (await wf.get(f"/v1/organizations/{federation}/mutual-aid/statement", headers=_admin(federation))).json()
    assert rollup["subtree"]["available_fen"] == 300_00 and len(rollup["refused_by_finance"]) == 1

    # What finance booked is lent, and finance books the loan: the fund's cash never goes below zero.
    smaller = await wf.post(
        f"{fund}/loans",
        json={"member_id": str(teacher.member_id), "amount_fen": 300_00, "purpose": "子女学费", "months": 3},
        headers=officer,
    )
    lent = await wf.post(f"/v1/mutual-aid/loans/{smaller.json()['id']}/approval", json={}, headers=officer)
    assert lent.status_code == 200, lent.text
    await eventually(lambda: _books_are(finance, school, {"1002": 0, "1141": 300_00}), timeout=90)
    await eventually(lambda: _loan_is(wf, smaller.json()["id"], officer, "posted"), timeout=60)


async def _all_answered(wf, fund: str, headers: dict) -> bool:
    """Welfare has heard finance's answer to every movement of the fund."""
    own = (await wf.get(f"{fund}/statement", headers=headers)).json()["own"]
    return own["contributed_pending_fen"] == own["lent_pending_fen"] == own["repaid_pending_fen"] == 0


async def _loan_is(wf, loan_id: str, headers: dict, finance_status: str) -> bool:
    return (await wf.get(f"/v1/mutual-aid/loans/{loan_id}", headers=headers)).json()["finance_status"] == finance_status


async def _refusal(finance, reference: str) -> str | None:
    """Finance's reason for refusing the movement, once it has."""
    async with finance.session_factory() as session:
        return await session.scalar(
            select(money_outcomes.c.reason).where(
                money_outcomes.c.reference == reference, money_outcomes.c.outcome == "refused"
            )
        )


def _admin(federation: str) -> dict:
    return bearer(Role.FEDERATION_ADMIN, federation, federation)


async def _books_are(finance, school: str, expected: dict[str, int]) -> bool:
    books = await balances(finance, school)
    return all(books.get(k, 0) == v for k, v in expected.items())


async def _income_and_expense(fi, school: str, headers: dict, term: dict) -> list[str]:
    """The statement's figures, without the lines that name when it was made and the ledger's head."""
    answer = await fi.get(f"/v1/organizations/{school}/disclosure", params=term, headers=headers)
    assert answer.status_code == 200, answer.text
    lines = answer.content.decode("utf-8-sig").splitlines()
    return lines[:3] + lines[5:]


async def _postings(finance, school: str) -> int:
    async with finance.session_factory() as session:
        return await session.scalar(
            select(func.count()).select_from(postings).where(postings.c.organization_id == school)
        )


async def _redeliver(welfare, finance, event_type: str) -> None:
    """Hand finance's consumer again the event welfare published, as Kafka redelivers it."""
    async with welfare.session_factory() as session:
        row = (
            await session.execute(
                text("SELECT id, topic, key, headers, payload FROM outbox WHERE event_type = :type"),
                {"type": event_type},
            )
        ).one()
    message = IncomingMessage(
        topic=row.topic,
        partition=0,
        offset=10**9 + row.id,
        key=bytes(row.key),
        value=bytes(row.payload),
        headers=tuple((k, v.encode()) for k, v in row.headers.items()),
    )
    await finance.consumer.handle(message)
