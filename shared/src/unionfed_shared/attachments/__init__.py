"""Files attached to records (台账): minutes, plans, summaries, photos, receipts and vouchers.

Stored content-addressed (SHA-256) in each service's own database, or in an S3-compatible object
store where a deployment has one (:mod:`.object_store`, ``ATTACHMENTS_S3_*``); the type told from the bytes;
the original name kept. See :mod:`.http` for the routes every service mounts.
"""
