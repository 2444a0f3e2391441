-- Exactly-once ingest (docs/ingest.md#exactly-once): one row per post
-- accepted with an idempotency key, committed in the same transaction as
-- its result. A retried or replayed post finds its row and is answered
-- without a second result. idempotency_key is the Idempotency-Key header,
-- or "sha256:" and the body's hash for a post without one; the key is per
-- ingest key (the tester that signed the post). created_at is the
-- database clock in Unix milliseconds, so instances prune alike.
CREATE TABLE idempotency_keys (
    ingest_key TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (ingest_key, idempotency_key)
);
CREATE INDEX idx_idempotency_keys_created ON idempotency_keys (created_at);

-- The durable outbox (docs/ingest.md#forwarding): results this tester
-- forwards to a central leaderboard, written in the same transaction as
-- the local result and deleted once the central answered 200. Times are
-- the database clock in Unix milliseconds. A row is claimed by one
-- drainer until claimed_until; parked_at > 0 means the central refused
-- it for good (last_error says why): kept for an operator, not retried.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    claimed_until INTEGER NOT NULL DEFAULT 0,
    parked_at INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_outbox_due ON outbox (next_attempt_at) WHERE parked_at = 0;
