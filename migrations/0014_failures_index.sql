-- An orchestrator's last failures of one pipeline and model (the score
-- explanation on its page, the operator view, the results filtered by
-- outcome): without this index a series with few or no failures read every
-- result of the orchestrator to find them.
CREATE INDEX idx_results_orchestrator_outcome ON results (orchestrator, outcome, pipeline, model, received_at);
