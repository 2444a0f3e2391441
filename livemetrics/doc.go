// Package livemetrics holds what a live video test measures, as one struct
// the analyzer fills, the store keeps in live_results and the API shows:
// the field names, JSON names and column names are decided here once.
// It is pure data: it imports nothing of the project and no cgo, so the
// models and the front ends can use it without pulling in libav.
package livemetrics
