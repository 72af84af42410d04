"""Topic names. One topic per producing service, keyed by organization."""

MEMBERSHIP = "unionfed.membership"
WELFARE = "unionfed.welfare"
EVENTS = "unionfed.events"
FINANCE = "unionfed.finance"

DOMAIN_TOPICS = (MEMBERSHIP, WELFARE, EVENTS, FINANCE)
PARTITIONS = 6


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"


ALL_TOPICS = DOMAIN_TOPICS + tuple(dead_letter_topic(t) for t in DOMAIN_TOPICS)
