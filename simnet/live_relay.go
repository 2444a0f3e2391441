package simnet

import (
	"context"
	"time"

	"jobtester/media/live"
)

// runRelay is the simulated model, media/live.Relay: it pulls in, applies
// the profile and its effect to each frame, and publishes out, until the
// input ends (nil), the output is dropped on purpose (nil), or ctx ends.
func runRelay(ctx context.Context, in, out string, p LiveProfile, counts *live.RelayCounts, onFirstOutput func(time.Time)) error {
	return live.Relay(ctx, in, out, live.RelayOptions{
		Effect: live.Effect(p.Effect), StartupDelay: p.StartupDelay.D(), AddedLatency: p.AddedLatency.D(),
		OutputFPS: p.OutputFPS, FreezeAfter: p.FreezeAfter.D(), DropAfter: p.DropAfter.D(), Counts: counts,
	}, onFirstOutput)
}
