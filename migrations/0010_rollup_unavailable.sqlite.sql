-- Score v2 (docs/scoring.md) counts the attempts that found no capacity
-- apart from failures; the hourly rollups count them from now on. Until
-- now rollups held scored results only, so a bucket of a series whose
-- every attempt of the hour was unavailable did not exist.
ALTER TABLE rollups ADD COLUMN unavailable INTEGER NOT NULL DEFAULT 0;

-- Backfill from the results still kept (older ones were pruned; their
-- buckets keep 0). Buckets are stored as "YYYY-MM-DD HH:00:00+00:00" and
-- receive times in the same UTC form, so the hour is the first 13
-- characters. Existing buckets get their count and a new version (other
-- instances reload them); missing ones are created.
INSERT INTO rollups (bucket, orchestrator, region_id, pipeline, model, unavailable, version, updated_at)
SELECT substr(received_at, 1, 13) || ':00:00+00:00', orchestrator, region_id, pipeline, model, COUNT(*), 1,
    CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
FROM results
WHERE outcome = 'unavailable'
GROUP BY substr(received_at, 1, 13), orchestrator, region_id, pipeline, model
ON CONFLICT (bucket, orchestrator, region_id, pipeline, model) DO UPDATE SET
    unavailable = excluded.unavailable,
    version = rollups.version + 1,
    updated_at = excluded.updated_at;
