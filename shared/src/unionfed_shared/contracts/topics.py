"""Topic names. One topic per producing service, keyed by organization."""

MEMBERSHIP = "unionfed.membership"
WELFARE = "unionfed.welfare"
EVENTS = "unionfed.events"
FINANCE = "unionfed.finance"
# Finance's sequencer: every money instruction of one federation, in the order it is applied.
FINANCE_JOURNAL = "unionfed.finance.journal"

DOMAIN_TOPICS = (MEMBERSHIP, WELFARE, EVENTS, FINANCE, FINANCE_JOURNAL)
PARTITIONS = 6


DEAD_LETTER_SUFFIX = ".dlq"


def dead_letter_topic(topic: str) -> str:
    return f"{topic}{DEAD_LETTER_SUFFIX}"


def is_dead_letter_topic(topic: str) -> bool:
    return topic.endswith(DEAD_LETTER_SUFFIX)


ALL_TOPICS = DOMAIN_TOPICS + tuple(dead_letter_topic(t) for t in DOMAIN_TOPICS)
