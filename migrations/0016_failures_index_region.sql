-- An orchestrator's last failures are read per series, and a series is a
-- region as well as a pipeline and model. Without the region in the index
-- the read fetched every failure of the pipeline and model in all regions
-- to keep those of one: on a node serving a dozen models in four regions,
-- hundreds of row reads per orchestrator page for the few it shows.
DROP INDEX idx_results_orchestrator_outcome;
CREATE INDEX idx_results_orchestrator_outcome ON results (orchestrator, outcome, pipeline, model, region_id, received_at);
