"""Welfare's edges with membership and finance, both services on real Kafka and PostgreSQL.

- the yearly cap follows a member transferred to another union of the federation;
- finance refuses a grant's payment (a closed period): the grant is reserved again, nothing is
  posted, and approving it again with another date pays it once;
- finance refuses some recipients of a festival greeting: the report says who and why, the
  ledger holds exactly what was paid, and running the batch again once the union is funded asks
  for the refused only; a chunk refused whole (a closed period) leaves nothing reserved;
- a campaign's status follows finance's answers: a refused reservation ends it, a refused
  payment reopens it, and paying it again posts it once.
"""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from tests.finance_tools import apply_instruction, balances, pending
from tests.kafka_tools import deliver
from tests.pytest_infra import bearer, eventually
from unionfed_shared.auth import Role
from unionfed_shared.contracts import finance as contract
from unionfed_shared.contracts.membership import MemberJoinedV1, MemberTransferredV1
from unionfed_welfare.adapters.campaign_tables import greeting_recipients

pytestmark = pytest.mark.integration

TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
POLICY = {
    "amounts_fen": {
        "hospitalised": 500_00,
        "wedding": 300_00,
        "funeral": 500_00,
        "childbirth": 300_00,
        "retirement": 400_00,
        "major_hardship": 2000_00,
    },
    "yearly_cap_fen": 1000_00,
}
# A past year the unions close in finance: anything dated in it is refused at posting time.
IN_CLOSED_PERIOD = "2020-06-01"


def joined(federation: str, school: str, name: str, gender: str = "female") -> MemberJoinedV1:
    return MemberJoinedV1(
        organization_id=school,
        federation_id=federation,
        member_id=uuid.uuid4(),
        display_name=name,
        gender=gender,
        joined_on=dt.date(2019, 9, 1),
    )


async def fund(finance_api, finance, federation, school, amount_fen) -> None:
    before = (await balances(finance, school)).get("1001", 0)
    funded = await finance_api.post(
        f"/v1/organizations/{school}/employer-funds",
        json={"amount_fen": amount_fen, "received_on": TODAY.isoformat()},
        headers=bearer(Role.UNION_OFFICER, school, federation),
    )
    assert funded.status_code == 202, funded.text
    await eventually(lambda: _bank_is(finance, school, before + amount_fen), timeout=60)


async def close_2020(finance, federation, school) -> None:
    close = contract.ClosePeriod(
        organization_id=school, label="2020", starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2020, 12, 31)
    )
    assert (await apply_instruction(finance, federation, school, close))["outcome"] == "posted"


async def set_policy(api, federation) -> None:
    admin = bearer(Role.FEDERATION_ADMIN, federation, federation)
    answer = await api.put(f"/v1/federations/{federation}/visit-policy", json=POLICY, headers=admin)
    assert answer.status_code == 200, answer.text


async def grant_becomes(api, grant_id, headers, state) -> dict:
    async def check():
        grant = (await api.get(f"/v1/grants/{grant_id}", headers=headers)).json()
        return grant if grant["state"] == state else None

    return await eventually(check, timeout=60)


def visit(member_id, visit_type, ref="", **extra) -> dict:
    return {
        "member_id": str(member_id),
        "visit_type": visit_type,
        "occasion_on": TODAY.isoformat(),
        "occasion_ref": ref,
        **extra,
    }


# 1. The yearly cap across the unions of a federation


async def test_the_yearly_cap_follows_a_member_transferred_to_another_union(both):
    welfare, finance, api, finance_api, federation, school_a, school_b = both
    await set_policy(api, federation)
    for school in (school_a, school_b):
        await fund(finance_api, finance, federation, school, 5_000_00)
    teacher = joined(federation, school_a, "Li Hua")
    await deliver(welfare, [teacher])
    await deliver(finance, [teacher])
    officer_a = bearer(Role.WELFARE_OFFICER, school_a, federation)
    officer_b = bearer(Role.WELFARE_OFFICER, school_b, federation)

    # At school A: a wedding (paid) and a retirement (reserved), 300 + 400 of the 1000 cap.
    wedding = await api.post(
        f"/v1/organizations/{school_a}/grants", json=visit(teacher.member_id, "wedding"), headers=officer_a
    )
    retirement = await api.post(
        f"/v1/organizations/{school_a}/grants", json=visit(teacher.member_id, "retirement"), headers=officer_a
    )
    assert wedding.status_code == retirement.status_code == 201, (wedding.text, retirement.text)
    await grant_becomes(api, wedding.json()["id"], officer_a, "reserved")
    await grant_becomes(api, retirement.json()["id"], officer_a, "reserved")
    assert (
        await api.post(f"/v1/grants/{wedding.json()['id']}/approval", json={}, headers=officer_a)
    ).status_code == 200
    await grant_becomes(api, wedding.json()["id"], officer_a, "paid")

    # 教师交流: membership moves the teacher to school B.
    moved = MemberTransferredV1(
        organization_id=school_b,
        federation_id=federation,
        member_id=teacher.member_id,
        member_version=2,
        from_organization_id=school_a,
        effective_on=TODAY,
        display_name=teacher.display_name,
        gender="female",
        joined_on=teacher.joined_on,
        status="active",
    )
    await deliver(welfare, [moved])
    await deliver(finance, [moved])
    roster_b = (await api.get(f"/v1/organizations/{school_b}/members", headers=officer_b)).json()
    assert [m["id"] for m in roster_b] == [str(teacher.member_id)]
    gone = await api.post(
        f"/v1/organizations/{school_a}/grants", json=visit(teacher.member_id, "childbirth"), headers=officer_a
    )
    assert gone.status_code == 404, "school A no longer records grants for her"

    # At school B, what school A granted still counts: 500 more would pass the cap, 300 fits exactly.
    over = await api.post(
        f"/v1/organizations/{school_b}/grants",
        json=visit(teacher.member_id, "funeral", "父亲"),
        headers={**officer_b, "Accept-Language": "en"},
    )
    assert over.status_code == 422, over.text
    assert over.json()["code"] == "grant_over_yearly_cap"
    detail = over.json()["detail"]
    assert f"yearly cap of 100000 fen for {TODAY.year}" in detail, detail
    assert "70000 fen already granted, 30000 fen left" in detail, detail
    assert await pending(finance, school_b) == {}, "nothing was asked of school B's books"

    fits = await api.post(
        f"/v1/organizations/{school_b}/grants", json=visit(teacher.member_id, "childbirth"), headers=officer_b
    )
    assert fits.status_code == 201, fits.text
    assert (fits.json()["organization_id"], fits.json()["amount_fen"]) == (school_b, 300_00)
    await grant_becomes(api, fits.json()["id"], officer_b, "reserved")
    assert await pending(finance, school_b) == {"1001": 300_00}
    assert await pending(finance, school_a) == {"1001": 400_00}

    # The cap is now reached: even 1 fen more is refused at either union's grant desk.
    full = await api.post(
        f"/v1/organizations/{school_b}/grants",
        json=visit(teacher.member_id, "hospitalised", "住院", money_fen=1),
        headers=officer_b,
    )
    assert full.status_code == 422 and full.json()["code"] == "grant_over_yearly_cap", full.text
    assert "尚余 0.00 元" in full.json()["detail"], "in Chinese by default, in yuan"


# 2. Finance refuses a grant's payment


async def test_a_refused_payment_leaves_the_grant_reserved_and_approving_again_pays_it_once(both):
    welfare, finance, api, finance_api, federation, school, _other = both
    await set_policy(api, federation)
    await fund(finance_api, finance, federation, school, 2_000_00)
    await close_2020(finance, federation, school)
    teacher = joined(federation, school, "Wang Fang")
    await deliver(welfare, [teacher])
    officer = bearer(Role.WELFARE_OFFICER, school, federation)

    recorded = await api.post(
        f"/v1/organizations/{school}/grants", json=visit(teacher.member_id, "hospitalised", "A-7"), headers=officer
    )
    assert recorded.status_code == 201, recorded.text
    grant_id = recorded.json()["id"]
    await grant_becomes(api, grant_id, officer, "reserved")

    # Paid on a day of the closed 2020 period: finance refuses to post it.
    paying = await api.post(f"/v1/grants/{grant_id}/approval", json={"paid_on": IN_CLOSED_PERIOD}, headers=officer)
    assert paying.status_code == 200 and paying.json()["state"] == "paying", paying.text

    async def payment_refused():
        grant = (await api.get(f"/v1/grants/{grant_id}", headers=officer)).json()
        return grant if grant["finance_reason"] else None

    refused = await eventually(payment_refused, timeout=60)
    assert (refused["state"], refused["hold_status"], refused["status"]) == ("reserved", "reserved", "recorded")
    assert "period 2020" in refused["finance_reason"] and "closed" in refused["finance_reason"], refused
    assert (refused["paid_fen"], refused["paid_on"], refused["approved_by"]) == (None, None, None)
    # Nothing posted; the money is still reserved for the grant.
    assert await _welfare_postings(finance, school) == 0
    books = await balances(finance, school)
    assert (books["1001"], books.get("5101", 0)) == (2_000_00, 0)
    assert await pending(finance, school) == {"1001": 500_00}

    # Approved again with a valid date: paid exactly once.
    again = await api.post(f"/v1/grants/{grant_id}/approval", json={"paid_on": TODAY.isoformat()}, headers=officer)
    assert again.status_code == 200 and again.json()["state"] == "paying", again.text
    paid = await grant_becomes(api, grant_id, officer, "paid")
    assert (paid["paid_fen"], paid["paid_on"], paid["status"]) == (500_00, TODAY.isoformat(), "approved")
    assert (await api.post(f"/v1/grants/{grant_id}/approval", json={}, headers=officer)).status_code == 409
    assert await _welfare_postings(finance, school) == 1
    books = await balances(finance, school)
    assert (books["1001"], books["5101"]) == (2_000_00 - 500_00, 500_00)
    assert await pending(finance, school) == {}
    async with welfare.session_factory() as session:
        answers = (
            await session.execute(
                text(
                    "SELECT a.operation, a.outcome FROM welfare_hold_answers a JOIN welfare_holds h USING (hold_id) "
                    "WHERE h.reference = :ref ORDER BY a.received_at"
                ),
                {"ref": f"grant/{grant_id}"},
            )
        ).all()
    assert [tuple(a) for a in answers] == [("reserve", "reserved"), ("capture", "refused"), ("capture", "captured")]


# 3. Festival greetings that finance refuses in part


AMOUNT = 100_00


async def test_refused_greeting_recipients_are_reported_and_paid_on_a_later_run_once_the_union_is_funded(both):
    welfare, finance, api, finance_api, federation, school, _other = both
    officer = bearer(Role.WELFARE_OFFICER, school, federation)
    teachers = [joined(federation, school, name) for name in ("王芳", "李娜", "张敏")]
    await deliver(welfare, teachers)
    await fund(finance_api, finance, federation, school, 2 * AMOUNT)  # two of three greetings

    created = await api.post(
        f"/v1/organizations/{school}/festival-greetings",
        headers=officer,
        json={"festival": "teachers_day", "amount_fen": AMOUNT, "paid_on": TODAY.isoformat()},
    )
    assert created.status_code == 202 and created.json()["total"] == 3, created.text
    batch_id, status_url = created.json()["id"], created.json()["status_url"]
    assert (await api.post(f"{status_url}/run", headers=officer)).status_code == 200

    report = await _settled(api, status_url, officer)
    assert (report["paid"], report["refused"], report["skipped"], report["paid_fen"]) == (2, 1, 0, 2 * AMOUNT)
    [refused] = report["not_paid"]
    assert refused["status"] == "refused"
    assert refused["reason"].startswith("refused by finance:") and "would fall below its floor" in refused["reason"]
    recipients = await _recipients(welfare, batch_id)
    assert sorted(recipients.values()) == ["paid", "paid", "refused"]
    assert recipients[uuid.UUID(refused["member_id"])] == "refused"
    books = await balances(finance, school)
    assert (books["1001"], books["5101"]) == (0, 2 * AMOUNT), "the ledger holds exactly what was paid"
    assert await pending(finance, school) == {}

    # Running again before the union is funded: the refused one is asked for again and refused again.
    rerun = await api.post(f"{status_url}/run", headers=officer)
    assert rerun.status_code == 200 and rerun.json()["paid"] == 2, rerun.text
    again = await _settled(api, status_url, officer)
    assert (again["paid"], again["refused"]) == (2, 1)
    assert await _holds_of(welfare, batch_id) == {"captured": 2, "refused": 2}

    # Funded, then run again: the refused one is paid; the two paid ones are not paid twice.
    await fund(finance_api, finance, federation, school, AMOUNT)
    assert (await api.post(f"{status_url}/run", headers=officer)).status_code == 200

    async def all_paid():
        current = (await api.get(status_url, headers=officer)).json()
        return current if current["paid"] == 3 else None

    done = await eventually(all_paid, timeout=60)
    assert (done["refused"], done["not_paid"], done["done"], done["paid_fen"]) == (0, [], True, 3 * AMOUNT)
    assert set((await _recipients(welfare, batch_id)).values()) == {"paid"}
    books = await balances(finance, school)
    assert (books["1001"], books["5101"]) == (0, 3 * AMOUNT)
    assert await _finance_greeting_holds(finance, batch_id) == {"posted": (3, 3 * AMOUNT), "pending": (0, 0)}
    assert await _welfare_postings(finance, school) == 3, "one expense line per teacher"

    # Nothing left to do: another run asks finance for nothing.
    await api.post(f"{status_url}/run", headers=officer)
    assert await _holds_of(welfare, batch_id) == {"captured": 3, "refused": 2}


async def test_a_greeting_whose_payment_is_refused_leaves_nothing_reserved(both):
    welfare, finance, api, finance_api, federation, school, _other = both
    officer = bearer(Role.WELFARE_OFFICER, school, federation)
    await deliver(welfare, [joined(federation, school, "赵丽")])
    await fund(finance_api, finance, federation, school, 5 * AMOUNT)
    await close_2020(finance, federation, school)

    created = await api.post(
        f"/v1/organizations/{school}/festival-greetings",
        headers=officer,
        json={"festival": "mid_autumn", "amount_fen": AMOUNT, "paid_on": IN_CLOSED_PERIOD},
    )
    batch_id, status_url = created.json()["id"], created.json()["status_url"]
    assert (await api.post(f"{status_url}/run", headers=officer)).status_code == 200
    report = await _settled(api, status_url, officer)
    [refused] = report["not_paid"]
    assert (report["paid"], refused["status"]) == (0, "refused")
    assert "period 2020" in refused["reason"] and "closed" in refused["reason"], refused
    # A chunk is reserved and paid in one step: refused, nothing of it stays reserved in finance.
    await eventually(lambda: _no_pending(finance, school), timeout=60)

    async def refused_in_welfare():  # finance's answer to the chunk reaches welfare through Kafka
        holds = await _holds_of(welfare, batch_id)
        assert holds == {"refused": 1}, holds
        return True

    await eventually(refused_in_welfare, timeout=60)
    books = await balances(finance, school)
    assert (books["1001"], books.get("5101", 0)) == (5 * AMOUNT, 0)


# 4. Campaigns and finance's answers


async def test_a_campaign_follows_finance_refusing_its_reservation_or_its_payment(both):
    welfare, finance, api, finance_api, federation, school, _other = both
    officer = bearer(Role.UNION_OFFICER, school, federation)
    await deliver(welfare, [joined(federation, school, "甲"), joined(federation, school, "乙", "male")])
    await fund(finance_api, finance, federation, school, 300_00)
    await close_2020(finance, federation, school)

    check = await api.post(
        f"/v1/organizations/{school}/welfare-campaigns",
        headers=officer,
        json={
            "kind": "health_check",
            "title": "2026年度教职工体检",
            "provider": "县人民医院",
            "cost_per_member_fen": 100_00,
        },
    )
    assert check.status_code == 201 and check.json()["total_cost_fen"] == 200_00, check.text
    check_url = f"/v1/welfare-campaigns/{check.json()['id']}"
    await _campaign_is(api, check_url, officer, "reserved")
    # 300 in the bank, 200 reserved: the insurance's 200 would go below the floor.
    insurance = await api.post(
        f"/v1/organizations/{school}/welfare-campaigns",
        headers=officer,
        json={"kind": "insurance", "title": "互助保障", "cost_per_member_fen": 100_00},
    )
    assert insurance.status_code == 201, insurance.text
    insurance_url = f"/v1/welfare-campaigns/{insurance.json()['id']}"
    refused = await _campaign_is(api, insurance_url, officer, "refused")
    assert refused["status"] == "refused" and "would fall below its floor" in refused["finance_reason"], refused
    pay = {"amount_fen": 200_00, "paid_on": TODAY.isoformat(), "description": "保费"}
    assert (await api.post(f"{insurance_url}/payment", json=pay, headers=officer)).status_code == 409

    # The health check paid on a day of the closed period: refused, the campaign reopens.
    early = await api.post(
        f"{check_url}/payment",
        headers=officer,
        json={"amount_fen": 200_00, "paid_on": IN_CLOSED_PERIOD, "description": "体检费"},
    )
    assert early.status_code == 200 and (early.json()["status"], early.json()["money_status"]) == (
        "paid",
        "capture_requested",
    )

    async def reopened():
        current = (await api.get(check_url, headers=officer)).json()
        return current if current["status"] == "open" else None

    reopened = await eventually(reopened, timeout=60)
    assert (reopened["money_status"], reopened["paid_fen"]) == ("reserved", None)
    assert "period 2020" in reopened["finance_reason"] and "closed" in reopened["finance_reason"], reopened
    assert await _welfare_postings(finance, school) == 0
    assert await pending(finance, school) == {"1001": 200_00}

    # Paid again on a valid date: posted once.
    paid = await api.post(
        f"{check_url}/payment",
        headers=officer,
        json={"amount_fen": 200_00, "paid_on": TODAY.isoformat(), "description": "体检费"},
    )
    assert paid.status_code == 200, paid.text
    paid = await _campaign_is(api, check_url, officer, "captured")
    assert (paid["status"], paid["paid_fen"]) == ("paid", 200_00)
    assert await _welfare_postings(finance, school) == 1
    books = await balances(finance, school)
    assert (books["1001"], books["5101"]) == (100_00, 200_00)
    assert await pending(finance, school) == {}
    assert (await api.get(insurance_url, headers=officer)).json()["status"] == "refused", (
        "its answer changed nothing else"
    )


# Helpers


async def _settled(api, status_url, headers) -> dict:
    async def check():
        report = (await api.get(status_url, headers=headers)).json()
        return report if report["done"] else None

    return await eventually(check, timeout=60)


async def _campaign_is(api, url, headers, money_status) -> dict:
    async def check():
        current = (await api.get(url, headers=headers)).json()
        return current if current["money_status"] == money_status else None

    return await eventually(check, timeout=60)


async def _recipients(welfare, batch_id) -> dict:
    async with welfare.session_factory() as session:
        rows = await session.execute(
            select(greeting_recipients.c.member_id, greeting_recipients.c.status).where(
                greeting_recipients.c.batch_id == uuid.UUID(batch_id)
            )
        )
        return dict(rows.all())


async def _holds_of(welfare, batch_id) -> dict:
    """Welfare's holds for the batch by status: one per request made to finance."""
    async with welfare.session_factory() as session:
        rows = await session.execute(
            text("SELECT status, count(*) FROM welfare_holds WHERE reference LIKE :p GROUP BY status"),
            {"p": f"greeting/{batch_id}/%"},
        )
        return dict(rows.all())


async def _finance_greeting_holds(finance, batch_id) -> dict:
    async with finance.session_factory() as session:
        rows = await session.execute(
            text(
                "SELECT status, count(*), coalesce(sum(posted_fen), 0) FROM holds WHERE reference LIKE :p GROUP BY status"
            ),
            {"p": f"greeting/{batch_id}/%"},
        )
        found = {row[0]: (row[1], row[2]) for row in rows}
    return {"posted": found.get("posted", (0, 0)), "pending": found.get("pending", (0, 0))}


async def _welfare_postings(finance, school) -> int:
    async with finance.session_factory() as session:
        return await session.scalar(
            text("SELECT count(*) FROM posting_lines WHERE organization_id = :org AND account_code = '5101'"),
            {"org": school},
        )


async def _bank_is(finance, school, amount_fen) -> bool:
    return (await balances(finance, school)).get("1001") == amount_fen


async def _no_pending(finance, school) -> bool:
    return await pending(finance, school) == {}
