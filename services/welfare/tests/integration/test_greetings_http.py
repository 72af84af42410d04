"""A Women's Day greeting through a running finance: progress, and who was paid, skipped and why.

Six members: four women (one leaves after the list is frozen), two men. The school's bank holds
enough for two greetings only, so finance refuses the third with its reason.
"""

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from tests.finance_tools import balances
from tests.kafka_tools import deliver
from tests.pytest_infra import bearer, eventually
from unionfed_shared.auth import Role
from unionfed_shared.contracts.membership import MemberJoinedV1, MemberStatusChangedV1
from unionfed_welfare.adapters.campaign_tables import greeting_batches, greeting_recipients

pytestmark = pytest.mark.integration

AMOUNT = 200_00


def joined(federation: str, school: str, name: str, gender: str) -> MemberJoinedV1:
    return MemberJoinedV1(
        organization_id=school,
        federation_id=federation,
        member_id=uuid.uuid4(),
        display_name=name,
        gender=gender,
        joined_on=dt.date(2019, 9, 1),
    )


async def test_a_greeting_reports_progress_and_who_was_paid_skipped_or_refused_and_why(both):
    welfare, finance, api, finance_api, federation, school, other = both
    officer = bearer(Role.WELFARE_OFFICER, school, federation)
    women = [joined(federation, school, name, "female") for name in ("王芳", "李娜", "张敏", "刘洋")]
    men = [joined(federation, school, name, "male") for name in ("陈刚", "杨伟")]
    await deliver(welfare, [*women, *men, joined(federation, other, "赵丽", "female")])
    funded = await finance_api.post(
        f"/v1/organizations/{school}/employer-funds",
        json={"amount_fen": 2 * AMOUNT, "received_on": dt.date.today().isoformat()},
        headers=bearer(Role.UNION_OFFICER, school, federation),
    )
    assert funded.status_code == 202, funded.text
    await eventually(lambda: _bank_is(finance, school, 2 * AMOUNT), timeout=60)

    url = f"/v1/organizations/{school}/festival-greetings"
    body = {
        "festival": "womens_day",
        "amount_fen": AMOUNT,
        "paid_on": "2027-03-08",
        "eligibility": {"gender": "female", "statuses": ["active"]},
    }
    before = await _count(welfare, greeting_batches)
    for bad in (
        {"amount_fen": 200.5},
        {"amount_fen": -1},
        {"festival": "halloween"},
        {"eligibility": {"gender": "female", "statuses": []}},
    ):
        refused = await api.post(url, json={**body, **bad}, headers=officer)
        assert refused.status_code == 422, refused.text
    member_token = bearer(Role.MEMBER, school, federation)
    assert (await api.post(url, json=body, headers=member_token)).status_code == 403
    outsider = bearer(Role.WELFARE_OFFICER, other, federation)
    assert (await api.post(url, json=body, headers=outsider)).status_code == 404
    assert await _count(welfare, greeting_batches) == before, "refused commands wrote nothing"

    created = await api.post(url, json=body, headers=officer)
    assert created.status_code == 202, created.text
    batch = created.json()
    assert batch["total"] == 4, "the four women of the school, not the men nor the other school's teacher"
    status_url = batch["status_url"]
    frozen = (await api.get(status_url, headers=officer)).json()
    assert (frozen["processed"], frozen["total"], frozen["pending"], frozen["paid"]) == (0, 4, 4, 0)
    assert frozen["created_at"].endswith("+08:00")
    assert (await api.get(status_url, headers=outsider)).status_code == 404

    # 李娜 leaves after the list was frozen: she is skipped when her turn comes, not paid.
    leaver = women[1]
    await deliver(
        welfare,
        [
            MemberStatusChangedV1(
                organization_id=school,
                federation_id=federation,
                member_id=leaver.member_id,
                member_version=2,
                status="left",
                previous_status="active",
                change="left",
                effective_on=dt.date.today(),
            )
        ],
    )

    ran = await api.post(f"{status_url}/run", headers=officer)
    assert ran.status_code == 200, ran.text
    assert ran.json()["processed"] == 4 and ran.json()["status"] == "processed"

    async def settled():
        report = (await api.get(status_url, headers=officer)).json()
        return report if report["done"] else None

    report = await eventually(settled, timeout=60)
    assert (report["paid"], report["skipped"], report["refused"], report["paid_fen"]) == (2, 1, 1, 2 * AMOUNT)
    why = {row["display_name"]: (row["status"], row["reason"]) for row in report["not_paid"]}
    assert why["李娜"] == ("skipped", "not eligible at payment time: status is left; the batch is for active")
    [(refused_status, refused_reason)] = [v for k, v in why.items() if k != "李娜"]
    assert refused_status == "refused" and "would fall below its floor" in refused_reason

    again = await api.post(f"{status_url}/run", headers=officer)
    assert again.status_code == 200 and again.json()["paid"] == 2, "running again pays nobody twice"
    auditor = bearer(Role.AUDITOR, federation, federation)
    assert (await api.get(status_url, headers=auditor)).json()["paid"] == 2
    books = await balances(finance, school)
    assert (books["1001"], books["5101"]) == (0, 2 * AMOUNT)


async def test_a_greeting_for_nobody_eligible_is_refused_and_writes_nothing(both):
    welfare, _finance, api, _fi, federation, school, _other = both
    await deliver(welfare, [joined(federation, school, "陈刚", "male")])
    before = await _count(welfare, greeting_recipients)
    answer = await api.post(
        f"/v1/organizations/{school}/festival-greetings",
        json={
            "festival": "womens_day",
            "amount_fen": AMOUNT,
            "paid_on": "2027-03-08",
            "eligibility": {"gender": "female"},
        },
        headers=bearer(Role.UNION_OFFICER, school, federation),
    )
    assert answer.status_code == 422 and answer.json()["code"] == "no_eligible_members"
    assert await _count(welfare, greeting_recipients) == before


async def _count(runtime, table) -> int:
    async with runtime.session_factory() as session:
        return await session.scalar(select(func.count()).select_from(table))


async def _bank_is(finance, school: str, amount_fen: int) -> bool:
    return (await balances(finance, school)).get("1001") == amount_fen
