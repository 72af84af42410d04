"""The AsyncAPI 3.0 document of one service's messaging, built from what the service declares.

Channels are Kafka topics. A service sends the events it ``emits`` (through its outbox) and
receives the events it has handlers for; for every topic it consumes it may send dead letters
to ``<topic>.dlq``. Payloads are the pydantic contracts' JSON Schemas (their ``$defs`` become
``components/schemas``), headers are the CloudEvents binary-mode attributes written by
:class:`~unionfed_shared.contracts.envelope.Envelope`, and the Kafka key is
:attr:`Envelope.key <unionfed_shared.contracts.envelope.Envelope.key>`.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic.json_schema import models_json_schema

from unionfed_shared.contracts import topics
from unionfed_shared.contracts.base import IntegrationEvent
from unionfed_shared.contracts.envelope import CONTENT_TYPE, SPEC_VERSION
from unionfed_shared.contracts.finance import JournalEntryV1

ASYNCAPI_VERSION = "3.0.0"
KAFKA_BINDING_VERSION = "0.5.0"
_SCHEMAS = "#/components/schemas/{model}"
_ORG_ID = {"type": "string", "pattern": r"^[a-z0-9][a-z0-9-]{1,62}$"}
_TRACEPARENT = r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"
_DECIMAL = {"type": "string", "pattern": r"^[0-9]+$"}

# What the key is, where it is not simply "the organization the event is about".
_KEY_NOTES: dict[type[IntegrationEvent], str] = {
    JournalEntryV1: "A journal entry's organization_id is what it must stay in order with: its federation "
    "(ordering=federation: one total order per federation, every entry written before ledger keys) or the one "
    "ledger whose chain it extends (ordering=ledger: a ledger's chain, its holds, budgets and periods in order; "
    "a posting in a second ledger follows as a leg keyed by that ledger).",
}


def asyncapi_document(
    *,
    service: str,
    title: str,
    emits: Iterable[type[IntegrationEvent]],
    consumes: Iterable[type[IntegrationEvent]],
    consumer_group: str,
    bootstrap_servers: str = "127.0.0.1:29092",
    version: str = "0.1.0",
) -> dict[str, Any]:
    """The document as JSON-ready data; the same inputs give the same document."""
    sent = _sorted(emits)
    received = _sorted(consumes)
    classes = _sorted({*sent, *received})
    names = [cls.__name__ for cls in classes]
    if len(set(names)) != len(names):
        raise ValueError(f"two contracts share a class name in {service}: {sorted(names)}")

    refs, defs = models_json_schema([(cls, "serialization") for cls in classes], ref_template=_SCHEMAS)
    schemas = {name: _asyncapi_schema(schema) for name, schema in defs.get("$defs", {}).items()}
    messages = {cls.__name__: _event_message(cls, refs[(cls, "serialization")]) for cls in classes}

    channels: dict[str, dict] = {}
    operations: dict[str, dict] = {}
    for cls in sent:
        _channel(channels, cls.topic)["messages"][cls.__name__] = _message_ref(cls.__name__)
        operations[f"send{cls.__name__}"] = _operation("send", cls, _doc(cls))
    for cls in received:
        _channel(channels, cls.topic)["messages"][cls.__name__] = _message_ref(cls.__name__)
        operations[f"receive{cls.__name__}"] = _operation(
            "receive",
            cls,
            f"Applied once per event id (inbox); {service} ignores other types on this topic.",
            bindings={
                "kafka": {
                    "groupId": {"type": "string", "enum": [consumer_group]},
                    "bindingVersion": KAFKA_BINDING_VERSION,
                }
            },
        )
    for topic in sorted({cls.topic for cls in received}):
        dlq = topics.dead_letter_topic(topic)
        message_id = f"DeadLetter_{_channel_id(topic)}"
        messages[message_id] = _dead_letter_message(service, topic)
        _channel(channels, dlq, dead_letters_of=topic)["messages"][message_id] = _message_ref(message_id)
        operations[f"sendDeadLetter_{_channel_id(topic)}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{_channel_id(dlq)}"},
            "summary": f"A {topic} record {service} cannot apply, after bounded retries",
            "messages": [{"$ref": f"#/channels/{_channel_id(dlq)}/messages/{message_id}"}],
        }

    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": f"unionfed {service}",
            "version": version,
            "description": f"{title}.\n\n{_CONVENTIONS}",
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            f"kafka{i}": {"host": host.strip(), "protocol": "kafka", "description": "Kafka bootstrap server"}
            for i, host in enumerate(bootstrap_servers.split(","), start=1)
        },
        "channels": dict(sorted(channels.items())),
        "operations": dict(sorted(operations.items())),
        "components": {"schemas": dict(sorted(schemas.items())), "messages": dict(sorted(messages.items()))},
    }


_CONVENTIONS = (
    "Every event is a CloudEvent 1.0 in Kafka binary content mode: the attributes in `ce_*` "
    "headers, the JSON body the contract's payload. The record key is the organization the event "
    "is about, so one organization's events stay in order on one partition. Producers write "
    "through a transactional outbox (at least once, same event id on a retry); consumers apply "
    "each event id once and send what they cannot apply to `<topic>.dlq` with `dlq_*` headers."
)


def _sorted(classes: Iterable[type[IntegrationEvent]]) -> list[type[IntegrationEvent]]:
    return sorted(set(classes), key=lambda cls: cls.event_type)


def _doc(cls: type) -> str:
    return " ".join((cls.__doc__ or "").split()) or cls.__name__


def _channel_id(topic: str) -> str:
    return topic.replace(".", "_")


def _message_ref(message_id: str) -> dict:
    return {"$ref": f"#/components/messages/{message_id}"}


def _channel(channels: dict[str, dict], topic: str, *, dead_letters_of: str | None = None) -> dict:
    channel_id = _channel_id(topic)
    if channel_id not in channels:
        description = (
            f"Dead letters of {dead_letters_of}: the original record, its key and headers, plus why."
            if dead_letters_of
            else f"The {topic} topic."
        )
        channels[channel_id] = {
            "address": topic,
            "description": description,
            "messages": {},
            "bindings": {
                "kafka": {"topic": topic, "partitions": topics.PARTITIONS, "bindingVersion": KAFKA_BINDING_VERSION}
            },
        }
    return channels[channel_id]


def _operation(action: str, cls: type[IntegrationEvent], summary: str, *, bindings: dict | None = None) -> dict:
    channel_id = _channel_id(cls.topic)
    operation = {
        "action": action,
        "channel": {"$ref": f"#/channels/{channel_id}"},
        "summary": summary[:300],
        "messages": [{"$ref": f"#/channels/{channel_id}/messages/{cls.__name__}"}],
    }
    if bindings:
        operation["bindings"] = bindings
    return operation


def _event_message(cls: type[IntegrationEvent], payload_ref: dict) -> dict:
    key_note = _KEY_NOTES.get(cls, "The organization the event is about.")
    return {
        "name": cls.event_type,
        "title": cls.__name__,
        "summary": _doc(cls)[:300],
        "contentType": CONTENT_TYPE,
        "correlationId": {"location": "$message.header#/ce_correlationid"},
        "headers": cloudevent_headers(cls),
        "payload": payload_ref,
        "bindings": {
            "kafka": {
                "key": {**_ORG_ID, "description": f"organization_id of the payload (= ce_organizationid). {key_note}"},
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }


def cloudevent_headers(cls: type[IntegrationEvent]) -> dict:
    """The Kafka headers of ``cls`` as :meth:`Envelope.headers` writes them."""
    producer = cls.event_type.split(".")[1]
    properties = {
        "ce_specversion": {"type": "string", "const": SPEC_VERSION},
        "ce_id": {"type": "string", "minLength": 1, "description": "The event id; the same on every redelivery."},
        "ce_source": {"type": "string", "const": f"/unionfed/{producer}"},
        "ce_type": {"type": "string", "const": cls.event_type},
        "ce_time": {"type": "string", "format": "date-time", "description": "When it happened, RFC 3339 in UTC."},
        "content-type": {"type": "string", "const": CONTENT_TYPE},
        "ce_subject": {"type": "string", "description": "What inside the organization it is about, e.g. member/<id>."},
        "ce_federationid": {**_ORG_ID, "description": "The federation (= federation_id of the payload)."},
        "ce_organizationid": {**_ORG_ID, "description": "The organization (= organization_id of the payload)."},
        "ce_correlationid": {
            "type": "string",
            "minLength": 1,
            "description": "The id of the command or event that started the chain.",
        },
        "ce_causationid": {
            "type": "string",
            "minLength": 1,
            "description": "The id of the event that caused this one.",
        },
        "ce_actor": {"type": "string", "minLength": 1, "description": "Who acted, when a person did."},
        "traceparent": {"type": "string", "pattern": _TRACEPARENT, "description": "W3C trace context."},
        "tracestate": {"type": "string", "description": "W3C trace context, vendor part."},
    }
    return {
        "type": "object",
        "required": [
            "ce_specversion",
            "ce_id",
            "ce_source",
            "ce_type",
            "ce_time",
            "content-type",
            "ce_federationid",
            "ce_organizationid",
            "ce_correlationid",
        ],
        "properties": properties,
    }


def _dead_letter_message(service: str, topic: str) -> dict:
    return {
        "name": f"{topic}.dead_letter",
        "title": f"Dead letter of {topic}",
        "summary": f"A {topic} record {service} could not apply: unreadable, an unsupported version, "
        "a conflicting duplicate, or failing after bounded retries. It is also kept in the "
        "service's dead_letters table, from where it is replayed.",
        "headers": {
            "type": "object",
            "required": [
                "dlq_consumer",
                "dlq_error",
                "dlq_original_topic",
                "dlq_original_partition",
                "dlq_original_offset",
            ],
            "properties": {
                "dlq_consumer": {"type": "string", "const": service},
                "dlq_error": {"type": "string", "maxLength": 2000, "description": "Exception class and message."},
                "dlq_original_topic": {"type": "string", "const": topic},
                "dlq_original_partition": _DECIMAL,
                "dlq_original_offset": _DECIMAL,
            },
            "additionalProperties": {
                "type": "string",
                "description": "The original record's headers (ce_*, traceparent …), copied as received; "
                "bytes that are not UTF-8 read as U+FFFD.",
            },
        },
        # No schema: the original value byte for byte, which may be why it could not be applied.
        "payload": {"description": "The original record's value, unchanged (possibly not JSON)."},
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": "The original record's key, unchanged."},
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }


def _asyncapi_schema(schema: Any) -> Any:
    """Pydantic's JSON Schema as an AsyncAPI Schema Object.

    AsyncAPI's ``discriminator`` is a property name, OpenAPI's (what pydantic writes) an object;
    it is dropped, since every branch of the union already pins its ``op`` with ``const``.
    """
    if isinstance(schema, Mapping):
        return {
            key: _asyncapi_schema(value)
            for key, value in schema.items()
            if not (key == "discriminator" and isinstance(value, Mapping))
        }
    if isinstance(schema, Sequence) and not isinstance(schema, str):
        return [_asyncapi_schema(item) for item in schema]
    return schema
