"""Files attached to records (台账): minutes, plans, summaries, photos, receipts and vouchers.

Stored content-addressed (SHA-256) in each service's own database; the type told from the bytes;
the original name kept. See :mod:`.http` for the routes every service mounts.
"""
