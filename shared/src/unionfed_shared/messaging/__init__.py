"""Exactly-once effects over at-least-once Kafka: transactional outbox, inbox, dead letters."""
