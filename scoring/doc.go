// Package scoring holds every score formula as a pure function: numbers in,
// numbers out. It imports nothing of the project and nothing that does I/O,
// reads a clock or touches the database.
//
// The "compatible" formulas (Transcoding, AI) reproduce leaderboard-serverless
// exactly (the Livepeer Explorer shows their numbers), with one change: no
// input can make them return NaN or ±Inf, which the legacy service turned
// into a 500. The reliability-weighted scores replace the success rate with
// its Wilson lower bound; Live scores a live-video test.
package scoring
