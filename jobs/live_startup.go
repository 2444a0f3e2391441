package jobs

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"jobtester/livemetrics"
)

// askReady learns, in the background, when the media server marked the
// input ready (the start hook went to the gateway) and when it received
// the output's first keyframe.
func (lt *liveTest) askReady(ctx context.Context) {
	lt.readyWG.Go(func() {
		// Read only after readyWG.Wait.
		if t, ok := lt.media.ReadyTime(ctx, lt.stream); ok {
			lt.inReady = t
		}
		if t, ok := lt.media.ReadyTime(ctx, lt.stream+"-out"); ok {
			lt.outReady = t
		}
	})
}

// startupFromGateway measures the startup latency as the gateway sees it:
// from when it began sending the stream to the orchestrator to when the
// first output frame was produced (the output's own timestamps,
// analyzer.Report.OutputStart; with the embedded server, its own record of
// the first output keyframe). So neither the media server's own delays
// (MediaMTX marks a path ready some two seconds after its publisher began,
// once for the input and once for the output, and its hook is a process
// to spawn) nor the reader's join and decode count. The start is the
// runner's start_time in the gateway's /status, taken only between the
// input's readyTime (when the media server handed the stream on) and the
// output start, so that neither a skewed clock nor a lying orchestrator
// moves it out of what the media server saw; without it the input's
// readyTime, without that the publish start. join is how much later than
// the embedded server our reader got the first frame: its own delay,
// which with the embedded server's GOP cache comes as a burst.
func (lt *liveTest) startupFromGateway() (join time.Duration) {
	lt.readyWG.Wait()
	rep := lt.rep
	first := rep.Metrics.FirstArrival
	from, out := rep.PublishStart, rep.Metrics.OutputStart
	if lt.media.Embedded() != nil && !lt.outReady.IsZero() && lt.outReady.After(from) && !lt.outReady.After(first) {
		// Our own server says when the first output keyframe reached it:
		// better than the timestamps, which run ahead of the wall clock
		// when the model caught up on a burst at its start (the GOP cache
		// it read the input from).
		out = lt.outReady
	}
	between := func(t time.Time) bool { return t.After(from) && (out.IsZero() || t.Before(out)) }
	if between(lt.inReady) {
		from = lt.inReady
	}
	rep.InputReady = from
	if st := rep.Status.StartTime; between(st) {
		from = st
	}
	rep.StartFrom = from
	if !out.IsZero() && !out.Before(from) {
		rep.Metrics.StartupLatencyMS = livemetrics.Millis(out.Sub(from))
	}
	if lt.media.Embedded() == nil || lt.outReady.IsZero() || !lt.outReady.Before(first) {
		return 0
	}
	return first.Sub(lt.outReady)
}

// queryLost names the setup fault of a test whose publisher the gateway
// dropped before any output while it answered /status but never knew the
// stream (go-livepeer keeps a failed stream's status with its error): the start hook did not hand
// it our query, so it saw no streamId (nor pipeline, pin or params) and
// dropped the stream, which would otherwise read as "no capacity". The
// usual cause is MediaMTX 1.18.1 and later, which URL-escapes $MTX_QUERY
// for its hooks; docs/mediamtx/ has a hook that passes it intact. "" when
// the gateway knew the stream or never answered.
func (lt *liveTest) queryLost(gw gatewayView) string {
	if !gw.answered || lt.rep.Status.Seen {
		return ""
	}
	return fmt.Sprintf("the gateway never knew stream id %s: the media server's start hook did not pass the query "+
		"(MediaMTX 1.18.1 and later send $MTX_QUERY URL-escaped, e.g. %s; use the hook in docs/mediamtx/)",
		lt.stream, url.QueryEscape(truncate(lt.rep.Query, 40))+"…")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
