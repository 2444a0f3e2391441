// Package verify holds the checks that tell a real answer from a cheap
// imitation of one: content present in pictures and speech (not flat, not
// noise), perceptual hashes and their distances, repeats across different
// inputs, consensus among the orchestrators serving one model (pictures by
// correlation, captions by their words' hash), LLM questions and spoken
// digits with known answers, and speech whose length fits its text.
//
// Every check is a pure function: decoded pixels, durations and text in,
// a verdict with its evidence out. No I/O and no clock, so the thresholds
// can be pinned by table tests and measured by benchmarks, and the tester
// (jobs) decides what to fetch, store and fail. It imports nothing of the
// project. docs/verification.md gives the thresholds and why.
package verify
