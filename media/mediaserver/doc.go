// Package mediaserver is the tester's embedded stand-in for MediaMTX on the
// live-video path: an RTMP server that takes one publisher and any number of
// readers per path, the slice of MediaMTX's v3 control API that go-livepeer's
// gateway calls (paths and rtmpconns: list, get, kick), and the start hook
// that MediaMTX's runOnReady sends to the gateway when a stream becomes
// ready.
//
// It exists because MediaMTX cannot be imported (everything is internal/)
// and because MediaMTX ≥ 1.18.1 URL-escapes the hook's query, which loses
// the pipeline, streamId, orchestrator and params the tester pins a stream
// with (docs/livepeer.md, "MediaMTX's contract"). Here the query travels
// intact.
//
// The RTMP session layer (handshake, connect, adobe authentication,
// createStream, publish/play) is written here on gortmplib's handshake,
// message and amf0 packages, because gortmplib's ServerConn checks a single
// user and cannot say what a client wants before it has been accepted;
// outgoing streams are written with gortmplib's Writer. Media is relayed,
// never decoded: the server looks at H.264 only far enough to find SPS/PPS,
// the picture size and keyframes.
//
// Everything that arrives on a socket is hostile until parsed: every read and
// write has a deadline, a reader that stops reading loses frames (counted as
// outboundFramesDiscarded) instead of slowing the publisher, and the URL and
// authentication parsers are fuzzed.
//
// Pure Go (no cgo). It must not import any other jobtester package.
package mediaserver
