-- Results posted by other testers have no sweep, and they are most of the
-- rows: an index entry for each of their NULL sweep_id was written on every
-- post and never read (every query by sweep asks for one sweep or a list).
-- Partial, the index keeps only our own tests' rows, and post_stats writes
-- one index fewer.
DROP INDEX idx_results_sweep;
CREATE INDEX idx_results_sweep ON results (sweep_id) WHERE sweep_id IS NOT NULL;
