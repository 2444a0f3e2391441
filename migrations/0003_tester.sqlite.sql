-- The tester's own data: what discovery found, the admin's off-chain URI
-- mappings, and sweeps (runs) with their reports. Results of our own tests
-- link to their sweep.
CREATE TABLE orchestrators (
    address        VARCHAR(42) PRIMARY KEY,
    service_uri    TEXT NOT NULL DEFAULT '',
    ai_service_uri TEXT NOT NULL DEFAULT '',
    active         BOOLEAN NOT NULL DEFAULT FALSE,
    registered     BOOLEAN NOT NULL DEFAULT FALSE,
    stake          TEXT NOT NULL DEFAULT '',
    sources        TEXT NOT NULL DEFAULT '',
    first_seen_at  DATETIME NOT NULL,
    last_seen_at   DATETIME NOT NULL
);

CREATE TABLE capabilities (
    orchestrator VARCHAR(42) NOT NULL,
    pipeline     VARCHAR(256) NOT NULL,
    model        VARCHAR(256) NOT NULL,
    warm         BOOLEAN NOT NULL DEFAULT FALSE,
    capacity     INTEGER NOT NULL DEFAULT -1,
    seen_at      DATETIME NOT NULL,
    PRIMARY KEY (orchestrator, pipeline, model)
);

CREATE TABLE uri_mappings (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    orchestrator VARCHAR(42) NOT NULL,
    uri          TEXT NOT NULL,
    job_types    TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL,
    CONSTRAINT unique_mapping UNIQUE (orchestrator, uri)
);

CREATE TABLE sweeps (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    region        VARCHAR(56) NOT NULL,
    started_by    VARCHAR(16) NOT NULL,
    status        VARCHAR(16) NOT NULL,
    started_at    DATETIME NOT NULL,
    finished_at   DATETIME,
    lanes         INTEGER NOT NULL DEFAULT 0,
    expected      INTEGER NOT NULL DEFAULT 0,
    passed        INTEGER NOT NULL DEFAULT 0,
    failed        INTEGER NOT NULL DEFAULT 0,
    unavailable   INTEGER NOT NULL DEFAULT 0,
    tester_errors INTEGER NOT NULL DEFAULT 0,
    error         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_sweeps_started ON sweeps (started_at);

ALTER TABLE results ADD COLUMN sweep_id INTEGER REFERENCES sweeps(id);
ALTER TABLE results ADD COLUMN http_status INTEGER NOT NULL DEFAULT 0;
CREATE INDEX idx_results_sweep ON results (sweep_id);
