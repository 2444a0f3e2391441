package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/jobs"
	"jobtester/models"
	"jobtester/testutil"
)

func TestValidateScheduleRefusesWhatParsesButMakesNoSense(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, good := range []string{"@every 30m", "0 */2 * * *", "* * * * *", "@hourly", "15 3 * * 1-5"} {
		if _, err := jobs.ValidateSchedule(good, now); err != nil {
			t.Errorf("%q: %v", good, err)
		}
	}
	for bad, want := range map[string]string{
		"@every 10s": "more often", "every hour": "expected exactly 5 fields", "61 * * * *": "above maximum",
		"0 0 30 2 *": "never fires", "": "empty spec",
	} {
		_, err := jobs.ValidateSchedule(bad, now)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want it to say %q", bad, err, want)
		}
	}
}

// TestSchedulerFollowsTheStoredSchedule changes the stored schedule under
// a running Scheduler: it moves from the config's schedule to the admin's
// without a restart, stops when disabled, and goes back to the config's
// when the admin's is removed.
func TestSchedulerFollowsTheStoredSchedule(t *testing.T) {
	st := dbtest.Open(t, "sqlite", models.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	var fired atomic.Int64
	s := &jobs.Scheduler{
		Sweep:   func(context.Context) error { fired.Add(1); return nil },
		Default: "@every 1h", Source: st, Poll: time.Hour, // only Reload moves it
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	testutil.Eventually(t, "the config schedule", func() bool {
		a := s.Active()
		return a.Origin == "config" && a.Enabled && time.Until(a.Next) > 50*time.Minute
	})

	// Stored directly: the store checks the form, not the minimum gap
	// an admin page enforces, and one second keeps the test short.
	save := func(sc models.Schedule) {
		sc.Name = models.SweepSchedule
		if err := st.SaveScheduleAudited(context.Background(), "test", &sc); err != nil {
			t.Fatal(err)
		}
		s.Reload()
	}
	save(models.Schedule{Expr: "@every 1s", Enabled: true})
	testutil.Eventually(t, "a sweep on the admin's schedule", func() bool { return fired.Load() >= 1 && s.Active().Origin == "admin" })

	save(models.Schedule{Expr: "@every 1s", Enabled: false})
	testutil.Eventually(t, "the schedule to be off", func() bool { a := s.Active(); return !a.Enabled && a.Next.IsZero() })

	if err := st.DeleteScheduleAudited(context.Background(), "test", models.SweepSchedule); err != nil {
		t.Fatal(err)
	}
	s.Reload()
	testutil.Eventually(t, "the config schedule again", func() bool { a := s.Active(); return a.Origin == "config" && a.Expr == "@every 1h" })
}
