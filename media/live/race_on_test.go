//go:build race

package live

// raceEnabled: the race detector slows Go code several times over, so the
// relay tests widen their timing tolerances (they still check behaviour).
const raceEnabled = true
