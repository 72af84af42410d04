"""The DDL of a service's ``record_links`` (for its hand-written migration; versioned, never edited)."""

CREATE_V1 = """
CREATE TABLE record_links (
    organization_id text NOT NULL,
    sequence bigint NOT NULL,
    record_kind text NOT NULL,
    record_id text NOT NULL,
    action text NOT NULL,
    fields jsonb NOT NULL,
    field_digests jsonb NOT NULL,
    previous_hash text NOT NULL,
    hash text NOT NULL,
    recorded_at timestamptz NOT NULL,
    CONSTRAINT pk_record_links PRIMARY KEY (organization_id, sequence),
    CONSTRAINT ck_record_links_sequence CHECK (sequence > 0)
);
CREATE INDEX ix_record_links_record ON record_links (record_kind, record_id, sequence);
CREATE FUNCTION record_links_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'record_links is append-only: a chained link is never changed or deleted'
        USING ERRCODE = 'raise_exception';
END;
$$;
CREATE TRIGGER record_links_append_only BEFORE UPDATE OR DELETE ON record_links
    FOR EACH ROW EXECUTE FUNCTION record_links_append_only();
CREATE TRIGGER record_links_no_truncate BEFORE TRUNCATE ON record_links
    FOR EACH STATEMENT EXECUTE FUNCTION record_links_append_only();
"""

DROP_V1 = """
DROP TABLE record_links;
DROP FUNCTION record_links_append_only();
"""


def statements(script: str) -> list[str]:
    """The script's statements one by one (asyncpg runs one per execute); $$ bodies kept whole."""
    parts, current, in_body = [], [], False
    for line in script.strip().splitlines():
        current.append(line)
        if line.count("$$") % 2:
            in_body = not in_body
        if not in_body and line.rstrip().endswith(";"):
            parts.append("\n".join(current))
            current = []
    return parts
