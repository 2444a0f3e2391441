-- A fleet of instances on one database (docs/deployment.md): the leases
-- that decide which instance runs a region's sweeps, the planned tests of a
-- sweep (so that another instance can take it over where it stopped), the
-- per-orchestrator slots that keep one test per orchestrator at a time
-- fleet-wide, and which instance ran what.

-- One row per lease. token grows by one on every acquisition, so a write
-- fenced with an older token is refused. Times are Unix milliseconds of
-- the instances' clocks, the same integer in both dialects.
CREATE TABLE leases (
    name        VARCHAR(128) PRIMARY KEY,
    holder      VARCHAR(128) NOT NULL,
    token       BIGINT NOT NULL,
    expires_ms  BIGINT NOT NULL,
    acquired_ms BIGINT NOT NULL
);

-- The planned tests of a sweep. attempts counts the attempts stored; done
-- is set with the final one, in the same transaction as its result.
CREATE TABLE sweep_tasks (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    sweep_id     BIGINT NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    orchestrator VARCHAR(42) NOT NULL,
    target       TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    done         BOOLEAN NOT NULL DEFAULT FALSE,
    outcome      VARCHAR(32) NOT NULL DEFAULT '',
    instance     VARCHAR(128) NOT NULL DEFAULT '',
    result_id    BIGINT,
    CONSTRAINT unique_sweep_task UNIQUE (sweep_id, seq)
);

-- One test per orchestrator at a time across the fleet: a slot is busy
-- until busy_until_ms (the holder's claim, ended early by its release) and
-- free again from free_at_ms (the release plus min_gap).
CREATE TABLE orchestrator_slots (
    orchestrator  VARCHAR(42) PRIMARY KEY,
    holder        VARCHAR(128) NOT NULL DEFAULT '',
    busy_until_ms BIGINT NOT NULL DEFAULT 0,
    free_at_ms    BIGINT NOT NULL DEFAULT 0
);

ALTER TABLE sweeps ADD COLUMN instance VARCHAR(128) NOT NULL DEFAULT '';
ALTER TABLE sweeps ADD COLUMN lease_token BIGINT NOT NULL DEFAULT 0;
CREATE INDEX idx_sweeps_region_status ON sweeps (region, status);
