package control_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"jobtester/control"
	"jobtester/dbtest"
	"jobtester/ethaddr"
	"jobtester/ingest"
	"jobtester/jobs"
	"jobtester/models"
)

const secret = "the-config-secret-setting"

// newOps is control over a real store, with a keyring whose config file
// key is "default" and a sealer, as main wires them (no tester).
func newOps(t *testing.T, dialect string) (*control.Ops, *models.Store) {
	t.Helper()
	st := dbtest.Open(t, dialect, models.Options{})
	ring := ingest.NewKeyring([]ingest.Key{{Name: "default", Secret: secret}})
	sealer, err := ingest.NewSealer(secret)
	if err != nil {
		t.Fatal(err)
	}
	return &control.Ops{Store: st, Keys: ring, Sealer: sealer,
		KeyRefresh: &ingest.Refresher{Ring: ring, Source: st, Sealer: sealer}}, st
}

func forEachDialect(t *testing.T, fn func(t *testing.T, dialect string)) {
	for _, d := range dbtest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, d)
		})
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}

// audited returns the audit log's actions on target, newest first.
func audited(t *testing.T, st *models.Store, target string) []string {
	t.Helper()
	es, err := st.AuditLog(ctx(t), models.AuditQuery{Limit: 50, Target: target})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Action+" by "+e.Actor)
	}
	return out
}

func TestCreateIngestKey(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		ops, st := newOps(t, dialect)
		for _, c := range []struct {
			name string
			want error
		}{
			{"default", control.ErrConfigKey},
			{"Bad Name", models.ErrInvalidSetting},
			{" fra-tester ", nil},
		} {
			k, secret, err := ops.CreateIngestKey(ctx(t), "ops", c.name)
			if !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
				t.Fatalf("create %q: %v, want %v", c.name, err, c.want)
			}
			if err != nil {
				continue
			}
			// Trimmed, stored, and applied to the keyring at once.
			if k.Name != "fra-tester" || len(secret) != 64 {
				t.Fatalf("created %+v %q", k, secret)
			}
			body := []byte(`{}`)
			if name, err := ops.Keys.Verify(ingest.Sign(secret, body), body); err != nil || name != "fra-tester" {
				t.Fatalf("the new key does not verify at once: %q %v", name, err)
			}
			if _, err := ops.RevokeIngestKey(ctx(t), "ops", k.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := ops.Keys.Verify(ingest.Sign(secret, body), body); err == nil {
				t.Fatal("a revoked key still verifies")
			}
			if got := audited(t, st, "ingest_key:"+itoa(k.ID)); len(got) != 2 || got[0] != "ingest_key.revoke by ops" {
				t.Errorf("audit of the key: %v", got)
			}
		}
		v, err := ops.IngestKeys(ctx(t))
		if err != nil || len(v.Keys) != 1 || strings.Join(v.ConfigKeys, ",") != "default" || !v.Sealed {
			t.Fatalf("view %+v %v", v, err)
		}
		noSealer := &control.Ops{Store: st}
		if _, _, err := noSealer.CreateIngestKey(ctx(t), "ops", "other"); !errors.Is(err, control.ErrNoKeyStore) {
			t.Fatalf("without a sealer: %v", err)
		}
	})
}

func TestScheduleSaveAndReset(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		ops, st := newOps(t, dialect)
		now := time.Date(2026, 5, 1, 12, 30, 0, 0, time.UTC)
		ops.Now, ops.DefaultSchedule = func() time.Time { return now }, "@every 6h"
		for _, expr := range []string{"", "not cron", "@every 1s"} {
			if _, err := ops.SaveSchedule(ctx(t), "ops", expr, true); !errors.Is(err, control.ErrInvalidSchedule) {
				t.Errorf("save %q: %v, want ErrInvalidSchedule", expr, err)
			}
		}
		if err := ops.ResetSchedule(ctx(t), "ops"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("reset with nothing stored: %v", err)
		}
		if _, err := ops.SaveSchedule(ctx(t), "ops", " 0 */2 * * * ", true); err != nil {
			t.Fatal(err)
		}
		v, err := ops.Schedule(ctx(t))
		if err != nil || v.Stored == nil || v.Stored.Expr != "0 */2 * * *" || v.Config != "@every 6h" || v.Active != nil {
			t.Fatalf("view %+v %v", v, err)
		}
		if len(v.NextRuns) != 5 || !v.NextRuns[0].Equal(time.Date(2026, 5, 1, 14, 0, 0, 0, time.UTC)) {
			t.Errorf("next runs %v", v.NextRuns)
		}
		if err := ops.ResetSchedule(ctx(t), "ops"); err != nil {
			t.Fatal(err)
		}
		if v, _ := ops.Schedule(ctx(t)); v.Stored != nil {
			t.Errorf("stored after reset: %+v", v.Stored)
		}
		if got := audited(t, st, "schedule:"+models.SweepSchedule); len(got) != 2 || got[0] != "schedule.reset by ops" {
			t.Errorf("audit %v", got)
		}
	})
}

func TestTestDefinitions(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		ops, _ := newOps(t, dialect)
		for _, c := range []struct {
			pipeline, params string
			want             error
		}{
			{"NoSuchPipeline", "", models.ErrNotFound},
			{"Llm", `{"no_such_param": 1}`, control.ErrInvalidParams},
			{"Llm", `[1]`, control.ErrInvalidParams},
			{"Llm", "", nil},
		} {
			_, err := ops.SaveTestDefinition(ctx(t), "ops", c.pipeline, false, c.params)
			if !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
				t.Errorf("save %s %s: %v, want %v", c.pipeline, c.params, err, c.want)
			}
		}
		vs, err := ops.TestDefinitions(ctx(t))
		if err != nil || len(vs) != len(jobs.DefinitionNames()) {
			t.Fatalf("views %d %v", len(vs), err)
		}
		for _, v := range vs {
			if (v.Pipeline == "Llm") != v.Overridden || (v.Pipeline == "Llm") == v.Enabled {
				t.Errorf("%s: overridden %v enabled %v", v.Pipeline, v.Overridden, v.Enabled)
			}
		}
		if err := ops.ResetTestDefinition(ctx(t), "ops", "Llm"); err != nil {
			t.Fatal(err)
		}
		if err := ops.ResetTestDefinition(ctx(t), "ops", "Llm"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("second reset: %v", err)
		}
	})
}

func TestTesterRegionIsGuarded(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		ops, _ := newOps(t, dialect)
		ops.TesterRegion = "WAW"
		waw := models.RegionDetail{Name: "WAW", DisplayName: "Warsaw", JobType: "ai"}
		other := models.RegionDetail{Name: "KRK", DisplayName: "Krakow", JobType: "ai"}
		for _, r := range []*models.RegionDetail{&waw, &other} {
			if err := ops.CreateRegion(ctx(t), "ops", r); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			name   string
			change func() error
			want   error
		}{
			{"rename", func() error { r := waw; r.Name = "WRO"; return ops.UpdateRegion(ctx(t), "ops", &r) }, models.ErrInUse},
			{"change job type", func() error { r := waw; r.JobType = "transcoding"; return ops.UpdateRegion(ctx(t), "ops", &r) }, models.ErrInUse},
			{"delete", func() error { return ops.DeleteRegion(ctx(t), "ops", waw.ID) }, models.ErrInUse},
			{"describe", func() error {
				r := waw
				r.Description = "GPU hosts"
				r.JobType = " AI "
				return ops.UpdateRegion(ctx(t), "ops", &r)
			}, nil},
			{"delete another", func() error { return ops.DeleteRegion(ctx(t), "ops", other.ID) }, nil},
			{"delete a missing one", func() error { return ops.DeleteRegion(ctx(t), "ops", 99999) }, models.ErrNotFound},
		} {
			if err := c.change(); !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
				t.Errorf("%s: %v, want %v", c.name, err, c.want)
			}
		}
	})
}

// fakeTester records the addresses it was asked to test.
type fakeTester struct {
	mu    sync.Mutex
	asked []string
	err   error
}

func (f *fakeTester) TestOrchestrator(addr string) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, addr)
	return 42, f.err
}

func TestTestOrchestrator(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		ops, st := newOps(t, dialect)
		addr := "0x00000000000000000000000000000000000000ab"
		if _, err := ops.TestOrchestrator(ctx(t), "ops", addr); !errors.Is(err, control.ErrNoTester) {
			t.Fatalf("without a tester: %v", err)
		}
		ft := &fakeTester{}
		ops.Tester = ft
		for _, bad := range []string{"", "0x12", "0xzz000000000000000000000000000000000000ab"} {
			_, err := ops.TestOrchestrator(ctx(t), "ops", bad)
			if !errors.Is(err, models.ErrInvalidSetting) || err.Error() != "invalid setting: orchestrator "+ethaddr.ErrInvalid.Error() {
				t.Errorf("address %q: %v", bad, err)
			}
		}
		id, err := ops.TestOrchestrator(ctx(t), "ops", "  "+strings.ToUpper(addr[2:4])+addr[4:]+" ")
		if err == nil {
			t.Fatalf("an address without 0x was accepted: %d", id)
		}
		id, err = ops.TestOrchestrator(ctx(t), "ops", " 0x"+strings.ToUpper(addr[2:])+" ")
		if err != nil || id != 42 || len(ft.asked) != 1 || ft.asked[0] != addr {
			t.Fatalf("test now = %d %v, asked %v", id, err, ft.asked)
		}
		if got := audited(t, st, "orchestrator:"+addr); len(got) != 1 || got[0] != "sweep.start by ops" {
			t.Errorf("audit %v", got)
		}
		ft.err = jobs.ErrSweepRunning
		if _, err := ops.TestOrchestrator(ctx(t), "ops", addr); !errors.Is(err, jobs.ErrSweepRunning) {
			t.Errorf("while a sweep runs: %v", err)
		}
	})
}

func TestLiveStreamsWithoutLiveTests(t *testing.T) {
	ops := &control.Ops{}
	if s := ops.LiveStreams(); s == nil || len(s) != 0 || ops.HasLive() {
		t.Fatalf("streams %v", s)
	}
	if _, ok := ops.LiveFrame("x"); ok {
		t.Fatal("a frame without live tests")
	}
}
