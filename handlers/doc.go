// Package handlers is the JSON front end: the leaderboard-serverless
// contract under /api (reads and post_stats), /api/v1 (mappings,
// orchestrators, sweeps, live results, and the admin's run-time
// configuration under /api/v1/admin), the orchestrator webhooks of the
// lanes, health and readiness, and Prometheus metrics. New registers all of
// them, in one place.
//
// Handlers parse a request and answer it. They read through Store (the
// methods of models.Store they use) and leaderboard; every admin operation
// goes through control, whose sentinel errors adminError and storeError
// map to statuses. Sweeps start through Sweeper, which main adapts from
// jobs.Tester; jobs is otherwise used only for its test definitions and
// ErrSweepRunning. Handlers never run SQL and never import web: errors on
// page paths are answered by Deps.PageError, which main wires to the pages'
// error page.
package handlers
