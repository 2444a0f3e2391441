// Package rollup is the in-memory copy of the hourly rollup table that the
// leaderboard reads from. The database rows are the truth; this index holds
// their totals so that a leaderboard answer costs one pass over the buckets
// in its window (a few microseconds each) instead of a GROUP BY over tens of
// thousands of rows per request.
//
// It is a plain data structure: no I/O, no clock. The store in models/ loads
// it, updates it after each committed write, and re-syncs it with rows other
// instances wrote.
package rollup
