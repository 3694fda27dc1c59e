-- Fazhi schema, version 3 (SQLite): the hashes of accounts' earlier passwords.
--
-- A new password may not be one of the last few (fazhi_domain::policy::PASSWORD_HISTORY).
-- set_password moves the replaced hash here in the transaction of the change and keeps only
-- the newest PASSWORD_HISTORY rows of the account; newest first is the highest id. The hashes
-- never go into the audit log.

CREATE TABLE password_history (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    password_hash TEXT    NOT NULL,
    changed_at    TEXT    NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, id);
