// Package scoring holds the leaderboard's score formulas as pure functions:
// numbers in, numbers out. It must not import anything that does I/O, reads
// a clock or touches the database.
//
// The "compatible" formulas reproduce leaderboard-serverless exactly (the
// Livepeer Explorer shows their numbers), with one change: no input can make
// them return NaN or ±Inf, which the legacy service turned into a 500.
package scoring
