-- What the admin changes at run time instead of in the config file: ingest
-- keys created in the admin pages (secret sealed with AES-GCM under a key
-- derived from the `secret` setting when it is set), the sweep schedule and
-- per-pipeline test definitions that override the config, and a
-- description for regions. Instances sharing the database re-read them.
CREATE TABLE ingest_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         VARCHAR(64) NOT NULL UNIQUE,
    secret       TEXT NOT NULL,
    created_at   DATETIME NOT NULL,
    created_by   VARCHAR(128) NOT NULL DEFAULT '',
    last_used_at DATETIME,
    revoked_at   DATETIME,
    revoked_by   VARCHAR(128) NOT NULL DEFAULT ''
);

CREATE TABLE schedules (
    name       VARCHAR(32) PRIMARY KEY,
    expr       VARCHAR(256) NOT NULL,
    enabled    BOOLEAN NOT NULL,
    updated_at DATETIME NOT NULL,
    updated_by VARCHAR(128) NOT NULL DEFAULT ''
);

CREATE TABLE test_definitions (
    pipeline   VARCHAR(256) PRIMARY KEY,
    enabled    BOOLEAN NOT NULL,
    params     TEXT NOT NULL DEFAULT '{}',
    updated_at DATETIME NOT NULL,
    updated_by VARCHAR(128) NOT NULL DEFAULT ''
);

ALTER TABLE regions ADD COLUMN description TEXT NOT NULL DEFAULT '';
