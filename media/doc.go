// Package media makes and checks the media the AI tests exchange with a
// gateway: it generates deterministic test inputs (a PNG image, a WAV of
// speech-like tones, an MP4 of JPEG frames) and parses results (any image the
// standard library decodes, WAV, MP4) to tell whether they are what was asked
// for: the right size, a real duration, a sample table that points inside the
// file.
//
// The parsers take bytes from the network, so they are written for hostile
// input: every size field is checked against the buffer before it is used, no
// allocation is sized from a header without a bound tied to the input's
// length, and recursion is bounded. They are fuzzed.
//
// It is pure Go; the live video work that needs libav (cgo) lives in its
// subpackages live and analyzer (mediaserver relays bytes, pure Go too), so
// importing media pulls in no cgo. It must not import any other jobtester package: the tester, the
// simulated network and the benchmarks all depend on it, so it depends on
// nothing of theirs.
package media
