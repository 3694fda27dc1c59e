-- Fazhi schema, version 2 (SQLite): the ledger (台账).
--
-- A record's kind-specific fields are kept as JSON text (Fields::to_json), typed again by the
-- program when read. The columns beside it are what lists filter and sort on, computed by the
-- store when the record is saved: record_date (the kind's date field, 'YYYY-MM-DD', NULL for
-- kinds without one), title, and search_text (every field's display text, lowercased, for
-- the list's search box). Records are deleted softly (deleted_at), so their audit trail and
-- attachments stay.

CREATE TABLE ledger_records (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    year        INTEGER NOT NULL CHECK (year BETWEEN 1949 AND 2100),
    kind        TEXT    NOT NULL,
    fields      TEXT    NOT NULL,
    -- The indicator codes in the order the user gave them (JSON array); the table
    -- ledger_record_indicators holds the same codes for filtering.
    indicators  TEXT    NOT NULL DEFAULT '[]',
    record_date TEXT,
    title       TEXT    NOT NULL,
    search_text TEXT    NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    created_by  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    updated_by  TEXT    NOT NULL,
    deleted_at  TEXT
);
-- A unit's records of a year (and kind), newest first.
CREATE INDEX ledger_records_unit ON ledger_records (unit_id, year, kind, record_date);
CREATE INDEX ledger_records_unit_kind ON ledger_records (unit_id, kind, record_date);

CREATE TABLE ledger_record_indicators (
    record_id INTEGER NOT NULL REFERENCES ledger_records (id),
    code      TEXT    NOT NULL,
    PRIMARY KEY (record_id, code)
);
CREATE INDEX ledger_record_indicators_code ON ledger_record_indicators (code, record_id);

-- Files kept with a record; the bytes are in blobs (shared with uploads), once per content.
CREATE TABLE ledger_attachments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id    INTEGER NOT NULL REFERENCES ledger_records (id),
    filename     TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    sha256       TEXT    NOT NULL REFERENCES blobs (sha256),
    size         INTEGER NOT NULL,
    created_at   TEXT    NOT NULL,
    deleted_at   TEXT
);
CREATE INDEX ledger_attachments_record ON ledger_attachments (record_id, id);
CREATE INDEX ledger_attachments_sha256 ON ledger_attachments (sha256);
