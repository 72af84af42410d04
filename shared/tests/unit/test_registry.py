import re

from unionfed_shared.contracts import EVENT_TYPES, topics
from unionfed_shared.contracts.finance import JournalEntryV1, MoneyRequestSettledV1
from unionfed_shared.contracts.membership import DuesCollectedV1
from unionfed_shared.contracts.spending import EventsHoldRequestedV1, WelfareHoldPaidV1

NAME = re.compile(r"^unionfed\.(membership|welfare|events|finance)\.[a-z_]+\.v[1-9][0-9]*$")


def test_every_contract_module_is_registered():
    for cls in (DuesCollectedV1, JournalEntryV1, MoneyRequestSettledV1, EventsHoldRequestedV1, WelfareHoldPaidV1):
        assert EVENT_TYPES[cls.event_type] is cls


def test_every_event_is_named_by_its_producer_and_versioned_and_travels_on_its_producers_topic():
    for event_type, cls in EVENT_TYPES.items():
        producer = NAME.match(event_type)
        assert producer, f"{event_type} is not unionfed.<service>.<name>.v<N>"
        assert cls.topic.startswith(f"unionfed.{producer.group(1)}"), f"{event_type} is published on {cls.topic}"
        assert cls.topic in topics.DOMAIN_TOPICS
