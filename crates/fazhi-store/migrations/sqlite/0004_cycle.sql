-- Fazhi schema, version 4 (SQLite): the reporting cycle (年度报告的审定、报送、审阅、保密审查和公开).
--
-- A unit's report of a year is one row of `reports`: its state (fazhi_domain::cycle::
-- ReportState) and everything the board shows (current version, submission and publication
-- stamps with on time / late, the current version's score and findings), kept current in the
-- transaction of every step, so the board of a province reads this row and never the history.
-- `revision` starts at 1 and grows by one with every write: a step is written only when the
-- state is still the one the person saw (optimistic check). The history is `report_events`;
-- the texts are `report_versions` (today each an upload); supervisors' comments on a return are
-- `review_comments`; the 保密审查 records are `confidentiality_reviews`.
--
-- Deadlines are data per region and year (`deadline_settings`, a NULL field inherits from the
-- region above); `units.superior_unit_id` is the 上级业务主管部门 a unit also reports to;
-- `notifications` are the messages shown to accounts, deduplicated by
-- (user_id, kind, unit_id, year, dedup) so a reminder written by several servers is kept once.
--
-- Existing uploads migrate into this model at the end of the file: each (unit, year) with
-- uploads becomes a report whose versions are its uploads in upload order.

ALTER TABLE units ADD COLUMN superior_unit_id INTEGER REFERENCES units (id);
CREATE INDEX units_superior ON units (superior_unit_id) WHERE superior_unit_id IS NOT NULL;

CREATE TABLE reports (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id            INTEGER NOT NULL REFERENCES units (id),
    year               INTEGER NOT NULL,
    state              TEXT    NOT NULL CHECK (state IN ('draft', 'awaiting_approval', 'approved',
                           'submitted', 'returned', 'accepted', 'published', 'withheld')),
    current_version_id INTEGER REFERENCES report_versions (id),
    versions           INTEGER NOT NULL DEFAULT 0,
    submitted_at       TEXT,
    submitted_on_time  INTEGER CHECK (submitted_on_time IN (0, 1)),
    published_at       TEXT,
    published_on_time  INTEGER CHECK (published_on_time IN (0, 1)),
    score              INTEGER,
    errors             INTEGER NOT NULL DEFAULT 0,
    warnings           INTEGER NOT NULL DEFAULT 0,
    infos              INTEGER NOT NULL DEFAULT 0,
    updated_at         TEXT    NOT NULL,
    revision           INTEGER NOT NULL DEFAULT 1,
    UNIQUE (unit_id, year)
);
-- The board: a year's reports joined to the units of a subtree; the counts read the index
-- alone (state and the on-time flags are in it).
CREATE INDEX reports_year_unit ON reports (year, unit_id, state, submitted_on_time,
                                           published_on_time);
CREATE INDEX reports_year_state ON reports (year, state);

CREATE TABLE report_versions (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id         INTEGER NOT NULL REFERENCES reports (id),
    n                 INTEGER NOT NULL,
    -- Every version is an upload for now; the composer (next issue) adds drafts written in
    -- Fazhi, and this column becomes nullable then.
    upload_id         INTEGER NOT NULL REFERENCES uploads (id),
    created_at        TEXT    NOT NULL,
    created_by        INTEGER REFERENCES users (id),
    created_by_login  TEXT    NOT NULL,
    approved_at       TEXT,
    approved_by_login TEXT,
    published_at      TEXT,
    superseded_at     TEXT,
    correction_note   TEXT,
    UNIQUE (report_id, n)
);
CREATE INDEX report_versions_upload ON report_versions (upload_id);

CREATE TABLE report_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id   INTEGER NOT NULL REFERENCES reports (id),
    step        TEXT    NOT NULL,
    from_state  TEXT,
    to_state    TEXT    NOT NULL,
    version_id  INTEGER REFERENCES report_versions (id),
    actor_id    INTEGER REFERENCES users (id),
    actor_login TEXT    NOT NULL,
    at          TEXT    NOT NULL,
    comment     TEXT
);
CREATE INDEX report_events_report ON report_events (report_id, id);

CREATE TABLE review_comments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id    INTEGER NOT NULL REFERENCES reports (id),
    event_id     INTEGER NOT NULL REFERENCES report_events (id),
    version_id   INTEGER REFERENCES report_versions (id),
    -- A part key (`shortcomings`), `p12` for the 12th paragraph, '' for the whole report.
    anchor       TEXT    NOT NULL DEFAULT '',
    quote        TEXT    NOT NULL DEFAULT '',
    body         TEXT    NOT NULL,
    author_login TEXT    NOT NULL,
    at           TEXT    NOT NULL
);
CREATE INDEX review_comments_report ON review_comments (report_id, id);

CREATE TABLE confidentiality_reviews (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id         INTEGER NOT NULL REFERENCES reports (id),
    version_id        INTEGER NOT NULL REFERENCES report_versions (id),
    reviewer          TEXT    NOT NULL,
    reviewed_on       TEXT    NOT NULL,
    conclusion        TEXT    NOT NULL CHECK (conclusion IN ('publishable', 'not_publishable')),
    reason            TEXT,
    recorded_by_login TEXT    NOT NULL,
    recorded_at       TEXT    NOT NULL,
    CHECK (conclusion = 'publishable' OR (reason IS NOT NULL AND reason <> ''))
);
CREATE INDEX confidentiality_reviews_report ON confidentiality_reviews (report_id, version_id, id);

CREATE TABLE deadline_settings (
    region_id   INTEGER NOT NULL REFERENCES regions (id),
    year        INTEGER NOT NULL,
    submission  TEXT,
    publication TEXT,
    kinds       TEXT,
    outline     TEXT,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (region_id, year)
);

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    kind       TEXT    NOT NULL,
    unit_id    INTEGER NOT NULL REFERENCES units (id),
    report_id  INTEGER REFERENCES reports (id),
    year       INTEGER NOT NULL,
    dedup      TEXT    NOT NULL DEFAULT '',
    message    TEXT    NOT NULL,
    link       TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL,
    read_at    TEXT,
    UNIQUE (user_id, kind, unit_id, year, dedup)
);
CREATE INDEX notifications_user ON notifications (user_id, read_at, id);

-- The uploads so far, as reports: one per (unit, year), in `published` when any of its
-- uploads was published (published_at the newest publication, on time when on or before
-- 1 April of the next year in China's date), else in `draft`.
INSERT INTO reports (unit_id, year, state, versions, published_at, published_on_time,
                     updated_at, revision)
SELECT unit_id, year,
       CASE WHEN MAX(published_at) IS NULL THEN 'draft' ELSE 'published' END,
       COUNT(*),
       MAX(published_at),
       CASE WHEN MAX(published_at) IS NULL THEN NULL
            ELSE date(substr(MAX(published_at), 1, 19), '+8 hours') <= printf('%04d-04-01', year + 1)
       END,
       MAX(MAX(uploaded_at), COALESCE(MAX(published_at), '')),
       1
FROM uploads
GROUP BY unit_id, year;

-- Its versions: the uploads in upload order.
INSERT INTO report_versions (report_id, n, upload_id, created_at, created_by, created_by_login,
                             published_at)
SELECT r.id,
       ROW_NUMBER() OVER (PARTITION BY up.unit_id, up.year ORDER BY up.uploaded_at, up.id),
       up.id, up.uploaded_at, up.uploaded_by, up.uploaded_by_login, up.published_at
FROM uploads up JOIN reports r ON r.unit_id = up.unit_id AND r.year = up.year
ORDER BY up.unit_id, up.year, up.uploaded_at, up.id;

-- The current version: the newest upload; of a published report, the version published last
-- (what the public sees).
UPDATE reports SET current_version_id = (
    SELECT v.id FROM report_versions v
    WHERE v.report_id = reports.id
    ORDER BY (v.published_at IS NULL), v.published_at DESC, v.n DESC
    LIMIT 1
);

-- Versions published before the one published last stay visible, superseded by it.
UPDATE report_versions SET superseded_at = (
    SELECT r.published_at FROM reports r WHERE r.id = report_versions.report_id
)
WHERE published_at IS NOT NULL
  AND id NOT IN (SELECT current_version_id FROM reports WHERE current_version_id IS NOT NULL);

UPDATE reports SET score = up.score, errors = up.errors, warnings = up.warnings, infos = up.infos
FROM report_versions v JOIN uploads up ON up.id = v.upload_id
WHERE v.id = reports.current_version_id;

INSERT INTO report_events (report_id, step, from_state, to_state, version_id, actor_id,
                           actor_login, at, comment)
SELECT id, 'add_version', NULL, state, current_version_id, NULL, 'system', updated_at,
       '由原上传记录迁移'
FROM reports
ORDER BY id;
