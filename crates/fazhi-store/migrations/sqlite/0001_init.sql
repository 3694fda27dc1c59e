-- Fazhi schema, version 1 (SQLite).
--
-- Released migrations are never edited: the migrator keeps a checksum of each applied file
-- and refuses a database whose history differs. Changes go into a new numbered file.
--
-- Timestamps are UTC text in one fixed-width RFC 3339 form (2024-03-01T08:00:00.000000Z), so
-- text order is time order. Region paths are the ids from the root down, "/1/5/", so a subtree
-- is a range of paths ([p, p with its last "/" replaced by "0")).

CREATE TABLE regions (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    parent_id INTEGER REFERENCES regions (id),
    code      TEXT    NOT NULL UNIQUE,
    name      TEXT    NOT NULL,
    level     TEXT    NOT NULL CHECK (level IN ('province', 'city', 'county', 'township')),
    path      TEXT    NOT NULL
);
CREATE INDEX regions_path ON regions (path);
CREATE INDEX regions_parent ON regions (parent_id);

CREATE TABLE units (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    region_id  INTEGER NOT NULL REFERENCES regions (id),
    code       TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    short_name TEXT    NOT NULL DEFAULT '',
    kind       TEXT    NOT NULL CHECK (kind IN ('department', 'government', 'township', 'supervising'))
);
CREATE INDEX units_region ON units (region_id, name);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    login                TEXT    NOT NULL UNIQUE,
    display_name         TEXT    NOT NULL,
    password_hash        TEXT    NOT NULL,
    disabled             INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    created_at           TEXT    NOT NULL
);

CREATE TABLE role_grants (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    role       TEXT    NOT NULL CHECK (role IN ('admin', 'unit_staff', 'unit_leader', 'supervisor')),
    node_type  TEXT    NOT NULL CHECK (node_type IN ('region', 'unit')),
    node_id    INTEGER NOT NULL,
    created_at TEXT    NOT NULL,
    UNIQUE (user_id, role, node_type, node_id)
);

CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    csrf_token TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL,
    addr       TEXT    NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    name       TEXT    NOT NULL,
    token_hash TEXT    NOT NULL UNIQUE,
    created_at TEXT    NOT NULL,
    revoked    INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Append-only: the triggers below refuse every UPDATE and DELETE. No foreign keys, so an
-- entry outlives whatever it describes.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            TEXT    NOT NULL,
    actor_user_id INTEGER,
    actor_login   TEXT    NOT NULL,
    addr          TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    entity        TEXT    NOT NULL,
    entity_id     INTEGER,
    unit_id       INTEGER,
    region_path   TEXT    NOT NULL DEFAULT '',
    before        TEXT,
    after         TEXT
);
CREATE INDEX audit_log_region ON audit_log (region_path, id);
CREATE INDEX audit_log_actor ON audit_log (actor_login, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, '审计日志只能追加，不能修改');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, '审计日志只能追加，不能删除');
END;

-- The original bytes of uploaded files, once per content.
CREATE TABLE blobs (
    sha256 TEXT    PRIMARY KEY,
    size   INTEGER NOT NULL,
    bytes  BLOB    NOT NULL
);

-- Uploads are listed, sorted and joined a lot: their rows stay narrow. The original bytes are
-- in blobs, the checked result (large JSON, read only by the findings page) in upload_checks.
CREATE TABLE uploads (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id           INTEGER NOT NULL REFERENCES units (id),
    year              INTEGER NOT NULL,
    filename          TEXT    NOT NULL,
    content_type      TEXT    NOT NULL,
    sha256            TEXT    NOT NULL REFERENCES blobs (sha256),
    size              INTEGER NOT NULL,
    title             TEXT    NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('checked', 'failed')),
    error             TEXT,
    score             INTEGER,
    errors            INTEGER NOT NULL DEFAULT 0,
    warnings          INTEGER NOT NULL DEFAULT 0,
    infos             INTEGER NOT NULL DEFAULT 0,
    uploaded_by       INTEGER REFERENCES users (id),
    uploaded_by_login TEXT    NOT NULL,
    uploaded_at       TEXT    NOT NULL,
    published_at      TEXT
);
-- A unit's uploads newest first, and its latest of a year (the overview).
CREATE INDEX uploads_unit_year ON uploads (unit_id, year, uploaded_at, id);
CREATE INDEX uploads_year ON uploads (year);
CREATE INDEX uploads_published ON uploads (published_at) WHERE published_at IS NOT NULL;
CREATE INDEX uploads_sha256 ON uploads (sha256);

-- The report engine's result for an upload it could read (serde_json of the checked report).
CREATE TABLE upload_checks (
    upload_id    INTEGER PRIMARY KEY REFERENCES uploads (id),
    checked_json TEXT    NOT NULL
);
