import datetime as dt
import uuid

import pytest
from cloudevents.v1.kafka import KafkaMessage, from_binary
from pydantic import ValidationError

from unionfed_shared.contracts.envelope import MAX_BODY_BYTES, Envelope, EnvelopeError, decode_headers
from unionfed_shared.contracts.membership import DuesCollectedV1, MemberJoinedV1


def dues(**changes) -> DuesCollectedV1:
    fields = dict(
        organization_id="school-1",
        federation_id="county",
        payment_id=uuid.uuid4(),
        member_id=uuid.uuid4(),
        period="2026-10",
        amount_fen=2150,
        collected_at=dt.datetime(2026, 10, 28, tzinfo=dt.UTC),
    )
    return DuesCollectedV1(**(fields | changes))


def wrap(event) -> Envelope:
    return Envelope.wrap(
        event, source="/unionfed/membership", correlation_id="corr-1", causation_id="cmd-1", actor="li"
    )


def test_money_is_strict_integer_fen():
    for bad in (21.5, 2150.0, "2150", True, 0, -5):
        with pytest.raises(ValidationError):
            dues(amount_fen=bad)


def test_producers_forbid_unknown_fields_and_consumers_ignore_them():
    with pytest.raises(ValidationError):
        dues(nickname="typo")
    envelope = wrap(dues())
    newer = envelope.data[:-1] + b',"added_in_a_later_release":1}'
    parsed = Envelope(**{**envelope.__dict__, "data": newer}).parse(DuesCollectedV1)
    assert parsed.amount_fen == 2150


def test_headers_round_trip():
    envelope = wrap(dues())
    headers = envelope.headers()
    assert headers["ce_specversion"] == "1.0" and headers["content-type"] == "application/json"
    assert headers["ce_type"] == "unionfed.membership.dues_collected.v1"
    assert headers["ce_organizationid"] == "school-1" and headers["ce_federationid"] == "county"
    assert headers["ce_subject"].startswith("member/")
    again = Envelope.from_headers(headers, envelope.data)
    assert again == envelope
    assert envelope.key == b"school-1"


def test_a_standard_cloudevents_reader_parses_our_messages():
    envelope = wrap(dues())
    message = KafkaMessage(
        headers={k: v.encode() for k, v in envelope.headers().items()}, key=envelope.key, value=envelope.data
    )
    event = from_binary(message)
    assert event["id"] == envelope.id
    assert event["type"] == envelope.type
    assert event["source"] == "/unionfed/membership"
    assert event["correlationid"] == "corr-1" and event["actor"] == "li"
    assert event.data["amount_fen"] == 2150


@pytest.mark.parametrize(
    "mutate, reason",
    [
        (lambda h, d: ({k: v for k, v in h.items() if k != "ce_id"}, d), "missing CloudEvents headers: ce_id"),
        (lambda h, d: (h | {"ce_specversion": "0.3"}, d), "unsupported ce_specversion"),
        (lambda h, d: (h | {"content-type": "text/xml"}, d), "unsupported content-type"),
        (lambda h, d: (h | {"ce_time": "yesterday"}, d), "ce_time"),
        (lambda h, d: (h | {"ce_time": "2026-10-28T02:00:00"}, d), "no time zone"),
        (lambda h, d: ({k: v for k, v in h.items() if k != "ce_organizationid"}, d), "ce_organizationid"),
        (lambda h, d: (h, b" " * (MAX_BODY_BYTES + 1)), "exceeds"),
    ],
)
def test_malformed_envelopes_are_refused_with_a_reason(mutate, reason):
    envelope = wrap(dues())
    headers, data = mutate(envelope.headers(), envelope.data)
    with pytest.raises(EnvelopeError, match=reason):
        Envelope.from_headers(headers, data)


def test_body_must_match_its_contract_and_its_headers():
    envelope = wrap(dues())
    with pytest.raises(EnvelopeError, match="amount_fen"):
        Envelope.from_headers(envelope.headers(), envelope.data.replace(b"2150", b"21.5")).parse(DuesCollectedV1)
    with pytest.raises(EnvelopeError, match="differs"):
        Envelope.from_headers(envelope.headers() | {"ce_organizationid": "school-2"}, envelope.data).parse(
            DuesCollectedV1
        )
    with pytest.raises(EnvelopeError):
        Envelope.from_headers(envelope.headers(), envelope.data).parse(MemberJoinedV1)


def test_non_utf8_headers_are_malformed():
    with pytest.raises(EnvelopeError, match="UTF-8"):
        decode_headers([("ce_id", b"\xff\xfe")])


def test_payload_digest_tells_a_changed_payload_apart():
    envelope = wrap(dues())
    changed = Envelope(**{**envelope.__dict__, "data": envelope.data.replace(b"2150", b"2151")})
    assert envelope.payload_digest != changed.payload_digest
    assert envelope.payload_digest == Envelope(**envelope.__dict__).payload_digest
