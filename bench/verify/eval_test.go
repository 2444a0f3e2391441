package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"jobtester/simnet"
)

// TestEveryCheatIsFlaggedAndNoHonestNode runs two sweeps of one seed of
// the cheaters scenario through the real tester: every cheat kind that
// cheated is flagged on each of its cheated tests, no honest answer is,
// and the tester_aware cheat never took the tester for the tester. The full
// evaluation (ten seeds) is `go run ./bench/verify`.
func TestEveryCheatIsFlaggedAndNoHonestNode(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two sweeps of a 32-orchestrator network")
	}
	o := Options{Seeds: []int64{1}, Sweeps: 2, TimeScale: 0.02, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	tally, err := Evaluate(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	Report(&out, tally, nil)
	t.Log("\n" + out.String())
	for _, n := range tally.Notes {
		t.Log(n)
	}
	// Replay only cheats on an input size it has seen, which two sweeps
	// may not draw; every other kind cheats on every test.
	for _, kind := range []string{simnet.CheatCanned, simnet.CheatNoise, simnet.CheatFlat, simnet.CheatCheapModel, simnet.CheatCannedText} {
		if k := tally.Kinds[kind]; k == nil || k.Tests == 0 {
			t.Errorf("%s: no cheated test", kind)
		}
	}
	for kind, k := range tally.Kinds {
		// A replay of the very same input is a result cache: the model's
		// own answer, which no check can or should flag.
		if kind == simnet.CheatReplay+" by "+simnet.ReplayKeyInput {
			continue
		}
		if k.Flagged != k.Tests {
			t.Errorf("%s: %d of %d cheated tests flagged", kind, k.Flagged, k.Tests)
		}
	}
	if tally.Honest.Tests < 100 || tally.Honest.Flagged != 0 || tally.CheaterHonest.Flagged != 0 {
		t.Errorf("false flags: %d of %d honest tests, %d of %d honest answers of cheaters", tally.Honest.Flagged, tally.Honest.Tests,
			tally.CheaterHonest.Flagged, tally.CheaterHonest.Tests)
	}
	a := tally.Aware
	if a.Tests == 0 || a.AsTester != 0 || a.Flagged != 0 {
		t.Errorf("tester_aware: %d tests, %d taken for the tester's, %d flagged", a.Tests, a.AsTester, a.Flagged)
	}
	if tally.Cost.Extra != 0 || !strings.Contains(out.String(), "| honest orchestrators |") {
		t.Errorf("verification added %d tests", tally.Cost.Extra)
	}
}
