// Package handlers holds the echo HTTP handlers: the leaderboard-serverless
// JSON contract under /api, health and readiness, and Prometheus metrics.
// Handlers parse and answer HTTP; they call models/ and leaderboard/ for
// everything else and never run SQL themselves.
package handlers
