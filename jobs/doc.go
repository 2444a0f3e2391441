// Package jobs runs the tester: it turns discovery into a plan of
// orchestrator × pipeline/model tests, runs them on lanes (one per
// gateway), judges each answer, stores the results through the same path
// as post_stats, and schedules sweeps.
//
// It talks to the network only through livepeer/ (gateway, chain) and
// media/ (inputs and output checks), and to the database only through
// models/. It must not import handlers/ or simnet/.
package jobs
