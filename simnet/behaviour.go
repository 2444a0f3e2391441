package simnet

import (
	"math"
	"math/rand/v2"
	"time"
)

// newRand gives each part of the network its own stream, so that one
// orchestrator's draws do not depend on how many jobs another one got.
func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), stream))
}

// draws is everything one job decides by chance. All four are drawn for
// every job, whatever the outcome, so that the sequence of an orchestrator's
// outcomes for a seed does not depend on which branch an earlier job took.
type draws struct {
	noCapacity, failure, wrongSize float64 // uniform [0, 1)
	latencyZ                       float64 // standard normal
	// output seeds the job's own generator for its content, which is made
	// outside the orchestrator's lock.
	output uint64
}

func drawJob(r *rand.Rand) draws {
	return draws{noCapacity: r.Float64(), failure: r.Float64(), wrongSize: r.Float64(), latencyZ: r.NormFloat64(), output: r.Uint64()}
}

// lognormal turns a standard normal draw into a latency with the given
// median and spread (σ of the log), capped at maxLatency.
func lognormal(median time.Duration, spread, z float64) time.Duration {
	d := float64(median) * math.Exp(spread*z)
	return time.Duration(min(d, float64(maxLatency)))
}

// scaler turns simulated durations into wall-clock ones.
type scaler float64

func (s scaler) of(d time.Duration) time.Duration { return time.Duration(float64(d) * float64(s)) }
