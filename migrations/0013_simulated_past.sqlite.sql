-- The demo starts with a simulated past: results and sweeps produced from
-- simnet's behaviour profiles, not measured. They are marked so that every
-- page and /api/v1 can say so; real data keeps the default, false.
ALTER TABLE results ADD COLUMN simulated BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sweeps ADD COLUMN simulated BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX idx_sweeps_simulated ON sweeps (simulated, started_at);

-- The admin's name for a node, shown beside its address wherever the
-- dashboard lists it.
ALTER TABLE uri_mappings ADD COLUMN display_name TEXT NOT NULL DEFAULT '';

-- The transcoding price the gateway was quoted (wei per pixel, an exact
-- rational as go-livepeer gives it), shown on the orchestrator page.
ALTER TABLE orchestrators ADD COLUMN price_per_pixel TEXT NOT NULL DEFAULT '';
