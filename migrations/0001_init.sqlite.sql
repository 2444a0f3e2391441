CREATE TABLE job_types (
    id   INTEGER PRIMARY KEY,
    name VARCHAR(56) NOT NULL UNIQUE
);

CREATE TABLE regions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         VARCHAR(56)  NOT NULL,
    display_name VARCHAR(128) NOT NULL,
    job_type_id  INTEGER NOT NULL REFERENCES job_types(id),
    CONSTRAINT unique_name_job_type UNIQUE (name, job_type_id)
);

CREATE TABLE results (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at       DATETIME NOT NULL,
    orchestrator      VARCHAR(42) NOT NULL,
    region_id         INTEGER NOT NULL REFERENCES regions(id),
    pipeline          VARCHAR(256) NOT NULL DEFAULT '',
    model             VARCHAR(256) NOT NULL DEFAULT '',
    outcome           VARCHAR(16) NOT NULL,
    ingest_key        VARCHAR(128) NOT NULL DEFAULT '',
    success_rate      REAL NOT NULL,
    round_trip_time   REAL NOT NULL,
    errors            TEXT NOT NULL DEFAULT '[]',
    timestamp         INTEGER NOT NULL DEFAULT 0,
    seg_duration      REAL NOT NULL DEFAULT 0,
    segments_sent     INTEGER NOT NULL DEFAULT 0,
    segments_received INTEGER NOT NULL DEFAULT 0,
    upload_time       REAL NOT NULL DEFAULT 0,
    download_time     REAL NOT NULL DEFAULT 0,
    transcode_time    REAL NOT NULL DEFAULT 0,
    model_is_warm     BOOLEAN NOT NULL DEFAULT FALSE,
    input_parameters  TEXT NOT NULL DEFAULT '',
    response_payload  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_results_orchestrator_received ON results (orchestrator, received_at);
CREATE INDEX idx_results_received ON results (received_at);
-- The one query that reads raw results: the median round-trip time of
-- successful jobs of one pipeline and model (optionally one region) in a
-- window. Partial and covering, so it is an index-only range scan.
CREATE INDEX idx_results_median ON results (pipeline, model, received_at, region_id, round_trip_time)
    WHERE success_rate = 1 AND round_trip_time <> 0 AND outcome = 'pass';

CREATE TABLE rollups (
    bucket                      DATETIME NOT NULL,
    orchestrator                VARCHAR(42) NOT NULL,
    region_id                   INTEGER NOT NULL REFERENCES regions(id),
    pipeline                    VARCHAR(256) NOT NULL DEFAULT '',
    model                       VARCHAR(256) NOT NULL DEFAULT '',
    results                     INTEGER NOT NULL DEFAULT 0,
    sum_success_rate            REAL NOT NULL DEFAULT 0,
    sum_seg_duration            REAL NOT NULL DEFAULT 0,
    sum_round_trip_time         REAL NOT NULL DEFAULT 0,
    passed                      INTEGER NOT NULL DEFAULT 0,
    sum_passed_round_trip_time  REAL NOT NULL DEFAULT 0,
    version                     INTEGER NOT NULL DEFAULT 1,
    updated_at                  INTEGER NOT NULL,
    PRIMARY KEY (bucket, orchestrator, region_id, pipeline, model)
);
CREATE INDEX idx_rollups_updated ON rollups (updated_at);
