"""Append-only hash chains of records an auditor relies on (统计报表, 职工之家 reviews, 信息报送, …).

A service keeps one table, ``record_links``: each link is a snapshot of the fields a reader sees
of one record at one state change (a report submitted, returned, accepted; an item adopted with
its points), appended in the same transaction as the change, chained per organization by
``previous_hash`` and refused any UPDATE or DELETE by a trigger.

- :mod:`.rules` (no I/O): the canonical document, the hash, the per-field digests and the checks.
- :mod:`.store`: the table, appending a link, verifying a service's chains against its rows now.
- :mod:`.migration`: the DDL a service's migration runs (table, indexes, append-only trigger).
"""
