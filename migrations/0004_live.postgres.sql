-- Live video tests (jobs/live.go): every metric the analyzer measured, the
-- gateway's status at the end of the test, the verdict and a JPEG of the
-- output. Each row has a compatible twin in results (pipeline "Live video
-- to video"), which is what the leaderboard reads; deleting that result
-- (retention) deletes this row with it.
CREATE TABLE live_results (
    id                    BIGSERIAL PRIMARY KEY,
    result_id             BIGINT NOT NULL REFERENCES results(id) ON DELETE CASCADE,
    sweep_id              BIGINT REFERENCES sweeps(id),
    created_at            TIMESTAMPTZ NOT NULL,
    region                VARCHAR(56) NOT NULL,
    orchestrator          VARCHAR(42) NOT NULL,
    uri                   TEXT NOT NULL DEFAULT '',
    model                 VARCHAR(256) NOT NULL,
    stream                VARCHAR(256) NOT NULL,
    stream_id             VARCHAR(256) NOT NULL,
    params                TEXT NOT NULL DEFAULT '',
    attempt               INTEGER NOT NULL DEFAULT 1,
    outcome               VARCHAR(16) NOT NULL,
    error                 TEXT NOT NULL DEFAULT '',
    flags                 TEXT NOT NULL DEFAULT '',
    score                 DOUBLE PRECISION NOT NULL DEFAULT 0,
    fps_score             DOUBLE PRECISION NOT NULL DEFAULT 0,
    startup_score         DOUBLE PRECISION NOT NULL DEFAULT 0,
    latency_score         DOUBLE PRECISION NOT NULL DEFAULT 0,
    signal_width          INTEGER NOT NULL DEFAULT 0,
    signal_height         INTEGER NOT NULL DEFAULT 0,
    signal_fps            INTEGER NOT NULL DEFAULT 0,
    measure_ms            DOUBLE PRECISION NOT NULL DEFAULT 0,
    frames                INTEGER NOT NULL DEFAULT 0,
    width                 INTEGER NOT NULL DEFAULT 0,
    height                INTEGER NOT NULL DEFAULT 0,
    startup_latency_ms    DOUBLE PRECISION NOT NULL DEFAULT 0,
    fps_mean              DOUBLE PRECISION NOT NULL DEFAULT 0,
    fps_low               DOUBLE PRECISION NOT NULL DEFAULT 0,
    jitter_ms             DOUBLE PRECISION NOT NULL DEFAULT 0,
    freezes               INTEGER NOT NULL DEFAULT 0,
    freeze_total_ms       DOUBLE PRECISION NOT NULL DEFAULT 0,
    black_frames          INTEGER NOT NULL DEFAULT 0,
    black_fraction        DOUBLE PRECISION NOT NULL DEFAULT 0,
    e2e_latency_ms        DOUBLE PRECISION NOT NULL DEFAULT 0,
    flashes_matched       INTEGER NOT NULL DEFAULT 0,
    pass_through          BOOLEAN NOT NULL DEFAULT FALSE,
    input_similarity      DOUBLE PRECISION NOT NULL DEFAULT 0,
    ended                 BOOLEAN NOT NULL DEFAULT FALSE,
    ended_after_ms        DOUBLE PRECISION NOT NULL DEFAULT 0,
    status_state          VARCHAR(32) NOT NULL DEFAULT '',
    status_input_fps      DOUBLE PRECISION NOT NULL DEFAULT 0,
    status_inference_fps  DOUBLE PRECISION NOT NULL DEFAULT 0,
    status_orchestrator   TEXT NOT NULL DEFAULT '',
    status_error          TEXT NOT NULL DEFAULT '',
    status_json           TEXT NOT NULL DEFAULT '',
    thumbnail_bytes       INTEGER NOT NULL DEFAULT 0,
    thumbnail             BYTEA
);
CREATE INDEX idx_live_results_created ON live_results (created_at);
CREATE INDEX idx_live_results_orchestrator ON live_results (orchestrator, created_at);
CREATE INDEX idx_live_results_result ON live_results (result_id);
CREATE INDEX idx_live_results_sweep ON live_results (sweep_id);
