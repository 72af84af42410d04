"""The books speak the federation's language: what finance writes on intake and on commands."""

import datetime as dt
import re
import uuid

import httpx
import pytest
from sqlalchemy import select

from tests.factories import dues, school_events
from tests.finance_tools import apply_journal
from tests.kafka_tools import envelope_for
from tests.pytest_infra import bearer, unique
from unionfed_finance.adapters.tables import postings
from unionfed_finance.entrypoints.app import definition
from unionfed_shared.auth import Role
from unionfed_shared.contracts import topics
from unionfed_shared.contracts.donations import DonationReceivedV1, DonationsDisbursedV1
from unionfed_shared.http import create_app
from unionfed_shared.messaging.consumer import IncomingMessage, Outcome

pytestmark = pytest.mark.integration

DAY = dt.date(2026, 11, 20)
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
HAN = re.compile(r"[\u4e00-\u9fff]")


def message(topic: str, event, offset: int) -> IncomingMessage:
    envelope = envelope_for(event)
    return IncomingMessage(
        topic=topic,
        partition=0,
        offset=offset,
        key=envelope.key,
        value=envelope.data,
        headers=tuple((k, v.encode()) for k, v in envelope.headers().items()),
    )


async def books_of_a_federation(finance, language: str | None) -> tuple[str, list[str]]:
    """A federation in ``language`` (None: registered as before languages existed): its school's
    dues, a drive's donations from welfare, employer funds and a reversal from the treasurer."""
    federation, school = unique("fed"), unique("school")
    member_id, setup = school_events(federation, school)
    if language is not None:
        setup = [e.model_copy(update={"language": language}) if hasattr(e, "language") else e for e in setup]
    offsets = iter(range(1, 10**6))
    drive = f"drive-{uuid.uuid4().hex[:6]}"
    events = [
        *((topics.MEMBERSHIP, e) for e in setup),
        (topics.MEMBERSHIP, dues(federation, school, member_id, 21_50, period="2026-11")),
        (
            topics.WELFARE,
            DonationReceivedV1(
                organization_id=school,
                federation_id=federation,
                donation_id=uuid.uuid4(),
                drive=drive,
                amount_fen=500_00,
                received_on=DAY,
                donor="anonymous",
            ),
        ),
        (
            topics.WELFARE,
            DonationsDisbursedV1(
                organization_id=school,
                federation_id=federation,
                disbursement_id=uuid.uuid4(),
                drive=drive,
                amount_fen=500_00,
                paid_on=DAY,
                beneficiary=drive,
            ),
        ),
    ]
    for topic, event in events:
        assert await finance.consumer.handle(message(topic, event, next(offsets))) is Outcome.PROCESSED
    officer = bearer(Role.UNION_OFFICER, school, federation)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(finance)), base_url="http://t") as api:
        funds = await api.post(
            f"/v1/organizations/{school}/employer-funds",
            headers=officer,
            json={"amount_fen": 8_600_00, "received_on": DAY.isoformat()},
        )
        assert funds.status_code == 202, funds.text
        assert set(await apply_journal(finance)) == {Outcome.PROCESSED}
        async with finance.session_factory() as session:
            dues_posting = await session.scalar(
                select(postings.c.id).where(postings.c.organization_id == school, postings.c.sequence == 1)
            )
        reversal = await api.post(
            f"/v1/postings/{dues_posting}/reversal",
            headers=officer,
            json={"reason": "2026-11", "effective_date": DAY.isoformat()},
        )
        assert reversal.status_code == 202, reversal.text
        assert set(await apply_journal(finance)) == {Outcome.PROCESSED}
    async with finance.session_factory() as session:
        descriptions = list(
            await session.scalars(
                select(postings.c.description)
                .where(postings.c.organization_id.in_([school, federation]))
                .order_by(postings.c.organization_id, postings.c.sequence)
            )
        )
    return drive, descriptions


def words(description: str, drive: str) -> list[str]:
    # Identifiers are data, not words: organization ids (fed-…, school-…) and the drive's code.
    return ENGLISH_WORD.findall(re.sub(r"(fed|school)-[0-9a-f]+|" + drive, "", description))


async def test_a_zh_cn_federations_books_hold_no_english_word(build_service):
    finance = await build_service(definition, start=False)
    for language in ("zh-CN", None):  # said so, or registered before federations had a language
        drive, descriptions = await books_of_a_federation(finance, language)
        assert len(descriptions) == 6, descriptions  # dues, donation, disbursement, funds (both sides), reversal
        for description in descriptions:
            assert words(description, drive) == [] and HAN.search(description), description
        assert "会费收缴：2026-11" in descriptions and "冲销：2026-11" in descriptions
        assert f"代收捐款：{drive}，捐款人 匿名" in descriptions


async def test_an_english_federations_books_are_in_english(build_service):
    finance = await build_service(definition, start=False)
    drive, descriptions = await books_of_a_federation(finance, "en")
    assert len(descriptions) == 6, descriptions
    for description in descriptions:
        assert not HAN.search(description), description
    assert {
        "Dues collected for 2026-11",
        f"Donation to {drive} from an anonymous donor",
        f"Donations of {drive} paid to {drive}",
        "Employer union funds: 2% union funds",
        "Reversal: 2026-11",
    } <= set(descriptions)


async def test_the_disclosure_speaks_the_federations_language_unless_asked_otherwise(build_service):
    finance = await build_service(definition, start=False)
    for language, expected, other in (("en", "Dues income", "会费收入"), ("zh-CN", "会费收入", "Dues income")):
        federation, school = unique("fed"), unique("school")
        _member, setup = school_events(federation, school)
        setup = [e.model_copy(update={"language": language}) if hasattr(e, "language") else e for e in setup]
        for offset, event in enumerate(setup):
            assert await finance.consumer.handle(message(topics.MEMBERSHIP, event, offset)) is Outcome.PROCESSED
        member = bearer(Role.MEMBER, school, federation)
        term = {"from": "2026-09-01", "to": "2027-01-31", "format": "csv"}
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(finance)), base_url="http://t"
        ) as api:
            default = await api.get(f"/v1/organizations/{school}/disclosure", params=term, headers=member)
            asked = await api.get(
                f"/v1/organizations/{school}/disclosure",
                params={**term, "lang": "zh" if language == "en" else "en"},
                headers=member,
            )
        assert default.status_code == 200, default.text
        assert expected in default.content.decode("utf-8-sig") and other in asked.content.decode("utf-8-sig")
