// Package simnet is a simulated Livepeer network for tests, benchmarks and
// the demo: gateways and orchestrators, in process, on loopback, speaking
// real HTTP.
//
// A gateway serves the go-livepeer CLI endpoints a tester reads
// (/registeredOrchestrators, /getOrchestratorAICapabilities,
// /getNetworkCapabilities) and the AI batch routes, with the encodings,
// status codes and quirks of docs/livepeer.md ("Gateway discovery
// endpoints", "Orchestrator webhook and pinning", "Batch AI routes and
// answers"): webhook pinning fetched on every request (the tester fork with
// -webhookRefreshInterval=0), JSON and multipart bodies validated per route,
// media results as /stream/<id>/<file> URLs that expire, masked 500/503
// bodies, and the connection closed with no response when no orchestrator can
// be selected. Each orchestrator is an HTTP server of its own that the gateway
// forwards jobs to over a small internal protocol; it behaves as its scenario
// profile says (latency, failures, capacity, broken models, wrong-size
// output, going offline), deterministically for a seed. simnet records every
// job an orchestrator served or refused and serves its ground truth, so that
// the tester's outcomes and measurements can be checked.
//
// For live video a gateway also serves POST /live/video-to-video/{stream}/start
// and GET /live/video-to-video/{streamId}/status (docs/livepeer.md, "Live
// video through the gateway"): it pulls the stream
// from the caller's media server over RTMP, an orchestrator of the scenario
// transforms it as its live profile says (startup delay, added latency,
// output fps, freeze, drop, pass-through, black, capped) and publishes
// <stream>-out back; the truth records every start request and what was
// injected.
//
// simnet is a separate world: it must not import any jobtester package except
// ethaddr (the address type), media (its encodings are written from the
// Livepeer and MediaMTX documentation, not shared with the
// code under test, which is what makes it a fair test) and, for live video,
// media/live's codec and relay (libav through go-astiav: the RTMP and H.264
// plumbing only; what the tester measures is in media/analyzer, which simnet
// does not use) and livepeer/contracts (our own contracts with Livepeer's
// ABI, which its chain deploys: see chain.go). Production code must never
// import simnet; tests, benchmarks and `jobtester demo` do.
package simnet
