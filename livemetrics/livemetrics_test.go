package livemetrics

import (
	"math"
	"testing"
	"time"
)

func TestDurationsSurviveTheMillisecondForm(t *testing.T) {
	for _, d := range []time.Duration{0, time.Nanosecond, 696 * time.Millisecond, 1234567891 * time.Nanosecond, 30 * time.Hour} {
		if got := Duration(Millis(d)); got != d {
			t.Errorf("Duration(Millis(%v)) = %v", d, got)
		}
	}
	m := Metrics{StartupLatencyMS: 1500, FreezeTotalMS: 2, E2ELatencyMS: 240.5, CounterLatencyMS: 1, EndedAfterMS: 3, ObservedMS: 4}
	got := []time.Duration{m.StartupLatency(), m.FreezeTotal(), m.E2ELatency(), m.CounterLatency(), m.EndedAfter(), m.Observed()}
	want := []time.Duration{1500 * time.Millisecond, 2 * time.Millisecond, 240500 * time.Microsecond, time.Millisecond, 3 * time.Millisecond, 4 * time.Millisecond}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("duration %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestRoundedKeepsThreeDecimalsAndDropsNonNumbers(t *testing.T) {
	m := Metrics{Frames: 7, StartupLatencyMS: 1.23456, FPSMean: math.NaN(), FPSLow: math.Inf(1), InputDiff: -2.0004}.Rounded()
	if m.Frames != 7 || m.StartupLatencyMS != 1.235 || m.FPSMean != 0 || m.FPSLow != 0 || m.InputDiff != -2 {
		t.Errorf("rounded %+v", m)
	}
	s := Status{StatusState: "ONLINE", StatusInputFPS: 29.99951, StatusInferenceFPS: math.Inf(-1)}.Rounded()
	if s.StatusState != "ONLINE" || s.StatusInputFPS != 30 || s.StatusInferenceFPS != 0 {
		t.Errorf("rounded %+v", s)
	}
}
