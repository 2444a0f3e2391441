// Package leaderboard is the one leaderboard computation, shared by both
// front ends: the answers of the leaderboard-serverless contract
// (Aggregated, TopAI) that handlers/ serves to the Explorer, the dashboard's
// table (Build), the score history behind its charts (ReadHistory) and the
// result list (ReadResults), with the query forms they accept. It scores
// window totals with the pure formulas in scoring/, through Score and
// Reliability, so every reader shows the same numbers.
//
// It reads the store through the narrow interfaces it declares and knows
// nothing of HTTP: handlers/ and web/ turn its answers into JSON and pages.
// It must not import handlers/ or web/.
package leaderboard
