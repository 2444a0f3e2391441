-- The admin's accounts, their server-side sessions, and the audit log of
-- every change made through the admin pages or the /api/v1 writes.
-- Passwords are stored as bcrypt hashes; sessions by the SHA-256 of their
-- random id, so a copy of the database holds no usable cookie.
CREATE TABLE admin_users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      VARCHAR(64) NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);

CREATE TABLE admin_sessions (
    id_hash      CHAR(64) PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES admin_users(id) ON DELETE CASCADE,
    created_at   DATETIME NOT NULL,
    last_seen_at DATETIME NOT NULL,
    expires_at   DATETIME NOT NULL
);
CREATE INDEX idx_admin_sessions_expires ON admin_sessions (expires_at);
CREATE INDEX idx_admin_sessions_user ON admin_sessions (user_id);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          DATETIME NOT NULL,
    actor       VARCHAR(128) NOT NULL,
    action      VARCHAR(64) NOT NULL,
    target      VARCHAR(256) NOT NULL DEFAULT '',
    before_json TEXT NOT NULL DEFAULT '',
    after_json  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_audit_log_at ON audit_log (at);
