-- Verification of batch answers (verify/, jobs/verify*.go). A flagged test
-- keeps its evidence here: what was suspected and why, the answer's
-- perceptual hash, the distance that decided it, the consensus answer it
-- was compared with, and small JPEG thumbnails of both. Each row belongs
-- to its compatible result (which the leaderboard counts as a failure);
-- deleting that result (retention) deletes the evidence with it.
CREATE TABLE verifications (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    result_id               INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,
    sweep_id                INTEGER REFERENCES sweeps(id),
    created_at              DATETIME NOT NULL,
    region                  VARCHAR(56) NOT NULL DEFAULT '',
    orchestrator            VARCHAR(42) NOT NULL,
    pipeline                VARCHAR(256) NOT NULL,
    model                   VARCHAR(256) NOT NULL,
    kind                    VARCHAR(32) NOT NULL,
    reason                  TEXT NOT NULL DEFAULT '',
    hash                    VARCHAR(64) NOT NULL DEFAULT '',
    distance                INTEGER NOT NULL DEFAULT -1,
    consensus_hash          VARCHAR(64) NOT NULL DEFAULT '',
    consensus_orchestrator  VARCHAR(42) NOT NULL DEFAULT '',
    consensus_answers       INTEGER NOT NULL DEFAULT 0,
    figures                 TEXT NOT NULL DEFAULT '{}',
    thumbnail               BLOB,
    consensus_thumbnail     BLOB
);
CREATE INDEX idx_verifications_created ON verifications (created_at);
CREATE INDEX idx_verifications_orchestrator ON verifications (orchestrator, created_at);
CREATE INDEX idx_verifications_result ON verifications (result_id);

-- The perceptual hash of every checked image answer, per orchestrator and
-- model, with a digest of the input it answered: the repeat check compares
-- a new answer with the earlier ones across sweeps and tester instances.
-- Only the newest few hundred per orchestrator and model are kept.
CREATE TABLE answer_hashes (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at    DATETIME NOT NULL,
    orchestrator  VARCHAR(42) NOT NULL,
    pipeline      VARCHAR(256) NOT NULL,
    model         VARCHAR(256) NOT NULL,
    input_key     VARCHAR(64) NOT NULL,
    hash          VARCHAR(64) NOT NULL
);
CREATE INDEX idx_answer_hashes_lookup ON answer_hashes (orchestrator, pipeline, model, id);
