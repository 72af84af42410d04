"""CloudEvents 1.0 in Kafka binary content mode: attributes in ``ce_*`` headers, JSON body.

Besides the required attributes, every event carries the extensions ``federationid``,
``organizationid``, ``causationid``, ``correlationid`` and ``actor``, and the W3C trace context
headers ``traceparent``/``tracestate``.
"""

import builtins
import datetime as dt
import hashlib
import re
import uuid
from dataclasses import dataclass, field

from pydantic import ValidationError

from unionfed_shared.contracts.base import IntegrationEvent

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
MAX_BODY_BYTES = 512 * 1024

_REQUIRED = ("ce_specversion", "ce_id", "ce_source", "ce_type")
# The escape \u0000 itself, not an escaped backslash followed by "u0000".
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


class EnvelopeError(ValueError):
    """The message is not a well-formed unionfed CloudEvent; retrying will not help."""


@dataclass(frozen=True)
class Envelope:
    id: str
    type: str
    source: str
    time: dt.datetime
    organization_id: str
    federation_id: str
    correlation_id: str
    data: bytes
    subject: str | None = None
    causation_id: str | None = None
    actor: str | None = None
    trace_headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def wrap(
        cls,
        event: IntegrationEvent,
        *,
        source: str,
        correlation_id: str | None,
        causation_id: str | None,
        actor: str | None,
        trace_headers: dict[str, str] | None = None,
        now: dt.datetime | None = None,
        event_id: str | None = None,
    ) -> "Envelope":
        event_id = event_id or str(uuid.uuid4())
        return cls(
            id=event_id,
            type=event.event_type,
            source=source,
            time=now or dt.datetime.now(dt.UTC),
            subject=event.subject(),
            organization_id=event.organization_id,
            federation_id=event.federation_id,
            correlation_id=correlation_id or event_id,
            causation_id=causation_id,
            actor=actor,
            data=event.model_dump_json().encode(),
            trace_headers=dict(trace_headers or {}),
        )

    @property
    def key(self) -> bytes:
        return self.organization_id.encode()

    @property
    def payload_digest(self) -> str:
        """What must match when the same event id arrives twice."""
        return hashlib.sha256(self.type.encode() + b"\0" + self.data).hexdigest()

    def headers(self) -> dict[str, str]:
        headers = {
            "ce_specversion": SPEC_VERSION,
            "ce_id": self.id,
            "ce_source": self.source,
            "ce_type": self.type,
            "ce_time": self.time.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
            "content-type": CONTENT_TYPE,
            "ce_federationid": self.federation_id,
            "ce_organizationid": self.organization_id,
            "ce_correlationid": self.correlation_id,
        }
        optional = {
            "ce_subject": self.subject,
            "ce_causationid": self.causation_id,
            "ce_actor": self.actor,
        }
        headers.update({k: v for k, v in optional.items() if v})
        headers.update(self.trace_headers)
        return headers

    @classmethod
    def from_headers(cls, headers: dict[str, str], data: bytes) -> "Envelope":
        missing = [h for h in _REQUIRED if not headers.get(h)]
        if missing:
            raise EnvelopeError(f"missing CloudEvents headers: {', '.join(missing)}")
        if headers["ce_specversion"] != SPEC_VERSION:
            raise EnvelopeError(f"unsupported ce_specversion {headers['ce_specversion']!r}")
        content_type = headers.get("content-type", CONTENT_TYPE)
        if not content_type.startswith(CONTENT_TYPE):
            raise EnvelopeError(f"unsupported content-type {content_type!r}")
        if len(data) > MAX_BODY_BYTES:
            raise EnvelopeError(f"body of {len(data)} bytes exceeds {MAX_BODY_BYTES}")
        for name in ("ce_organizationid", "ce_federationid"):
            if not headers.get(name):
                raise EnvelopeError(f"missing unionfed extension header {name}")
        try:
            time = dt.datetime.fromisoformat(headers.get("ce_time", ""))
        except ValueError as exc:
            raise EnvelopeError(f"ce_time is not an RFC 3339 timestamp: {exc}") from exc
        if time.tzinfo is None:
            raise EnvelopeError("ce_time has no time zone")
        return cls(
            id=headers["ce_id"],
            type=headers["ce_type"],
            source=headers["ce_source"],
            time=time,
            subject=headers.get("ce_subject"),
            organization_id=headers["ce_organizationid"],
            federation_id=headers["ce_federationid"],
            correlation_id=headers.get("ce_correlationid") or headers["ce_id"],
            causation_id=headers.get("ce_causationid"),
            actor=headers.get("ce_actor"),
            data=data,
            trace_headers={k: headers[k] for k in ("traceparent", "tracestate") if k in headers},
        )

    def parse(self, event_cls: builtins.type[IntegrationEvent]) -> IntegrationEvent:  # `type` is a field here
        """Validate the body against its contract, tolerating fields added by newer producers."""
        try:
            self.data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise EnvelopeError(f"{self.type} body is not UTF-8: {exc}") from exc
        if b"\\u0000" in self.data and _JSON_NUL.search(self.data):  # the cheap test first
            # Valid JSON, but no PostgreSQL text column can hold it: refused here, not three retries later.
            raise EnvelopeError(f"{self.type} body has a NUL character (\\u0000) in a string")
        try:
            event = event_cls.model_validate_json(self.data, extra="ignore")
        except ValidationError as exc:
            raise EnvelopeError(f"{self.type} body is invalid: {exc}") from exc
        if event.organization_id != self.organization_id:
            raise EnvelopeError("body organization_id differs from ce_organizationid header")
        return event


def decode_headers(raw: list[tuple[str, bytes]] | tuple) -> dict[str, str]:
    """Kafka headers as text; a header that is not UTF-8 makes the message malformed."""
    try:
        headers = {name: value.decode() for name, value in raw if value is not None}
    except UnicodeDecodeError as exc:
        raise EnvelopeError(f"a header is not UTF-8: {exc}") from exc
    nul = sorted(name for name, value in headers.items() if "\x00" in value)
    if nul:
        raise EnvelopeError(f"header {', '.join(nul)} has a NUL character")
    return headers
