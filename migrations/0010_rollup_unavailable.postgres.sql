-- Score v2 (docs/scoring.md) counts the attempts that found no capacity
-- apart from failures; the hourly rollups count them from now on. Until
-- now rollups held scored results only, so a bucket of a series whose
-- every attempt of the hour was unavailable did not exist.
ALTER TABLE rollups ADD COLUMN unavailable BIGINT NOT NULL DEFAULT 0;

-- Backfill from the results still kept (older ones were pruned; their
-- buckets keep 0). The hour is taken in UTC whatever the session's time
-- zone. Existing buckets get their count and a new version (other
-- instances reload them); missing ones are created.
INSERT INTO rollups (bucket, orchestrator, region_id, pipeline, model, unavailable, version, updated_at)
SELECT date_trunc('hour', received_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', orchestrator, region_id, pipeline, model,
    COUNT(*), 1, CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)
FROM results
WHERE outcome = 'unavailable'
GROUP BY 1, orchestrator, region_id, pipeline, model
ON CONFLICT (bucket, orchestrator, region_id, pipeline, model) DO UPDATE SET
    unavailable = excluded.unavailable,
    version = rollups.version + 1,
    updated_at = excluded.updated_at;
