"""Each service's own two tables: the bytes once per SHA-256, and what is attached to which record.

Every service adds them to its own metadata and creates them in its own migration: a grant's
receipt lives in welfare's database, a voucher in finance's, like the records they belong to.
"""

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Index, LargeBinary, MetaData, Table, Text, Uuid


def add_attachment_tables(metadata: MetaData) -> tuple[Table, Table]:
    blobs = Table(
        "attachment_blobs",
        metadata,
        # Content-addressed: the lowercase hex SHA-256 of the bytes, so one file uploaded twice is kept once.
        Column("sha256", Text, primary_key=True),
        Column("size_bytes", BigInteger, nullable=False),
        # NULL when the bytes are kept in an object store under the same key.
        Column("content", LargeBinary),
        Column("stored_at", DateTime(timezone=True), nullable=False),
    )
    attachments = Table(
        "attachments",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("organization_id", Text, nullable=False),  # the union whose record it is
        Column("record_kind", Text, nullable=False),  # activity, congress_session, grant, ledger_entry
        Column("record_id", Text, nullable=False),
        Column("purpose", Text, nullable=False),  # minutes, plan, summary, photo, receipt, voucher, other
        Column("sha256", Text, ForeignKey("attachment_blobs.sha256"), nullable=False),
        Column("size_bytes", BigInteger, nullable=False),
        Column("file_name", Text, nullable=False),  # as uploaded (made safe: see names.py)
        Column("media_type", Text, nullable=False),  # from the bytes' signature, not the upload's claim
        Column("uploaded_by", Text, nullable=False),  # the uploader's subject
        Column("uploaded_at", DateTime(timezone=True), nullable=False),
        Index("ix_attachments_record", "record_kind", "record_id", "uploaded_at"),
        Index("ix_attachments_organization_time", "organization_id", "uploaded_at"),
    )
    return blobs, attachments
