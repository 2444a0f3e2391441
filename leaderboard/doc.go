// Package leaderboard computes the answers of the leaderboard-serverless
// contract (aggregated stats, top AI score, pipelines) from the store's
// window totals and the pure formulas in scoring/. It knows nothing of HTTP;
// handlers/ turns its answers into the exact JSON the Explorer reads.
package leaderboard
