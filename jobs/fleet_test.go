package jobs_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/jobs"
	"jobtester/livepeer"
	"jobtester/models"
	"jobtester/simnet"
)

// fleetNet is a small simulated network with two gateways, each the one
// lane of one tester instance.
type fleetNet struct {
	nw    *simnet.Network
	lanes [][]*jobs.Lane // per gateway
}

func newFleetNet(t *testing.T, orchestrators int) *fleetNet {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	sc := simnet.DefaultScenario()
	sc.Orchestrators = sc.Orchestrators[:orchestrators] // the healthy ones
	for i := range sc.Gateways {
		sc.Gateways[i].DiscoveryTimeout = simnet.Duration(10 * time.Second)
	}
	nw, err := simnet.Start(context.Background(), sc, simnet.Options{Seed: 11, TimeScale: 0.01, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nw.Close() })
	var gws []jobs.GatewayConfig
	for _, g := range nw.Gateways() {
		gws = append(gws, jobs.GatewayConfig{Name: g.Name, CLIURL: g.CLIURL, HTTPURL: g.HTTPURL})
	}
	all := jobs.NewLanes(gws)
	stopHooks, err := jobs.ServeWebhooks(all, nw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stopHooks)
	fn := &fleetNet{nw: nw}
	for _, l := range all {
		fn.lanes = append(fn.lanes, []*jobs.Lane{l}) // each instance has a gateway of its own
	}
	return fn
}

// tester is one instance: its own store handle (its own connections) on
// the shared database, its own gateway, the shared clock.
func (fn *fleetNet) tester(st *models.Store, gateway int, instance, region string, fair jobs.Fairness, now func() time.Time) *jobs.Tester {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	lanes := fn.lanes[gateway]
	return &jobs.Tester{
		Store: st, Lanes: lanes,
		Discovery: &jobs.Discovery{Gateway: lanes[0].Client, Capabilities: lanes[0].Client, Webhook: lanes[0].Webhook},
		Runner:    &jobs.AIRunner{JobTimeout: time.Minute},
		Fairness:  fair, Region: region, IngestKey: "test", Log: quiet,
		Fleet: &jobs.Fleet{Store: st, Instance: instance, LeaseTTL: 3 * time.Second,
			Poll: 50 * time.Millisecond, Now: now},
	}
}

// TestFleetTakeoverResumes pauses a lease holder in the middle of its
// sweep and moves the shared clock past the lease's TTL: the other
// instance takes the sweep over with a larger token and finishes it
// without testing again what the first stored, the paused holder stores
// nothing more once it resumes, and every planned test is stored once.
func TestFleetTakeoverResumes(t *testing.T) {
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			fn := newFleetNet(t, 6)
			dsn := dbtest.DSN(t, dialect)
			stA, stB := dbtest.OpenDSN(t, dsn, models.Options{}), dbtest.OpenDSN(t, dsn, models.Options{})
			var jump atomic.Int64
			now := func() time.Time { return time.Now().Add(time.Duration(jump.Load())) }
			a := fn.tester(stA, 0, "a", "FRA", jobs.Fairness{}, now)
			b := fn.tester(stB, 1, "b", "FRA", jobs.Fairness{}, now)

			const before = 3
			paused, resume := make(chan struct{}), make(chan struct{})
			var seen atomic.Int32
			aDone := make(chan error, 1)
			go func() {
				_, _, err := a.RunSweep(ctx, "test", nil, func(jobs.Result) {
					if seen.Add(1) == before {
						close(paused)
						<-resume // a is frozen here, its lane with it
					}
				})
				aDone <- err
			}()
			select {
			case <-paused:
			case err := <-aDone:
				t.Fatalf("a's sweep ended before its pause: %v", err)
			}
			jump.Store(int64(time.Hour)) // a's lease is long out of date
			wctx, stopWatch := context.WithCancel(ctx)
			watched := make(chan struct{})
			go func() { b.Watch(wctx); close(watched) }()
			sws, err := stB.Sweeps(ctx, 1)
			if err != nil || len(sws) != 1 {
				t.Fatalf("sweeps: %v, %v", sws, err)
			}
			id := sws[0].ID
			waitSweepDone(t, stB, id)
			close(resume)
			if err := <-aDone; err != nil {
				t.Fatalf("a's sweep: %v", err)
			}
			stopWatch()
			<-watched
			checkTakenOver(t, stB, fn.nw, id, before)
		})
	}
}

func waitSweepDone(t *testing.T, st *models.Store, id int64) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute) // only a hang reaches it
	for {
		sw, err := st.GetSweep(context.Background(), id)
		if err == nil && sw.Status != models.SweepRunning {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("sweep %d not finished: %+v, %v", id, sw, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func checkTakenOver(t *testing.T, st *models.Store, nw *simnet.Network, id int64, before int) {
	t.Helper()
	ctx := context.Background()
	sw, err := st.GetSweep(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if sw.Status != models.SweepDone || sw.Instance != "b" || sw.LeaseToken != 2 || sw.Expected < before+2 {
		t.Fatalf("sweep after the takeover: %+v; want done by b with token 2", sw)
	}
	if got := sw.Passed + sw.Failed + sw.Unavailable + sw.TesterErrors; got != sw.Expected {
		t.Fatalf("sweep counts %d outcomes of %d expected", got, sw.Expected)
	}
	tasks, err := st.SweepTasks(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	byA := map[[3]string]bool{}
	for _, task := range tasks {
		if !task.Done || task.Attempts != 1 {
			t.Errorf("task %d: done %v after %d attempts; want done after 1", task.Seq, task.Done, task.Attempts)
		}
		if task.Instance == "a" {
			byA[seriesOf(t, task)] = true
		}
	}
	if len(byA) != before {
		t.Errorf("a stored %d tests before its pause; want %d", len(byA), before)
	}
	results, err := st.SweepResults(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != len(tasks) {
		t.Errorf("%d results stored for %d planned tests: a test was lost or stored twice", len(results), len(tasks))
	}
	byInstance := map[string]int{}
	for _, r := range results {
		byInstance[r.Instance]++
	}
	if byInstance["a"] != before || byInstance["b"] != len(tasks)-before {
		t.Errorf("results by instance %v; want %d by a, the rest by b", byInstance, before)
	}
	runs := map[[3]string]int{}
	for _, r := range nw.Requests() {
		runs[[3]string{r.Orchestrator, r.Pipeline, r.Model}]++
	}
	for k := range byA {
		if runs[k] != 1 {
			t.Errorf("%v stored by a was run %d times; the takeover must not run it again", k, runs[k])
		}
	}
	l, err := st.GetLease(ctx, jobs.LeaseName("FRA"))
	if err != nil || l.Holder != "b" || l.Token != 2 || l.ExpiresMs != 0 {
		t.Errorf("lease after the sweep: %+v, %v; want released by b with token 2", l, err)
	}
}

// seriesOf is a planned test's orchestrator, gateway route and model, as
// simnet's request log names them.
func seriesOf(t *testing.T, task models.SweepTask) [3]string {
	t.Helper()
	var tg jobs.Target
	if err := json.Unmarshal([]byte(task.Target), &tg); err != nil {
		t.Fatalf("task %d: %v", task.Seq, err)
	}
	for _, p := range livepeer.Pipelines {
		if p.Name == tg.Capability.Pipeline {
			return [3]string{task.Orchestrator, p.Route, tg.Capability.Model}
		}
	}
	t.Fatalf("task %d: unknown pipeline %q", task.Seq, tg.Capability.Pipeline)
	return [3]string{}
}

// TestFleetFairAcrossRegions runs two regions' sweeps at once over the
// same orchestrators, each instance through its own gateway: the
// orchestrator claims keep one test per orchestrator at a time and min_gap
// between its tests across both, as simnet's request log shows.
func TestFleetFairAcrossRegions(t *testing.T) {
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			fn := newFleetNet(t, 4)
			dsn := dbtest.DSN(t, dialect)
			const gap = 200 * time.Millisecond
			fair := jobs.Fairness{MinGap: gap}
			fra := fn.tester(dbtest.OpenDSN(t, dsn, models.Options{}), 0, "fra-1", "FRA", fair, nil)
			lax := fn.tester(dbtest.OpenDSN(t, dsn, models.Options{}), 1, "lax-1", "LAX", fair, nil)
			errs := make(chan error, 2)
			for _, tr := range []*jobs.Tester{fra, lax} {
				go func() {
					_, rep, err := tr.RunSweep(ctx, "test", nil, nil)
					if err == nil && rep.Done() != rep.Expected {
						t.Errorf("%s: %d of %d tests done", tr.Region, rep.Done(), rep.Expected)
					}
					errs <- err
				}()
			}
			for range 2 {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			byOrch := map[string][]simnet.Request{}
			gateways := map[string]bool{}
			for _, r := range fn.nw.Requests() {
				byOrch[r.Orchestrator] = append(byOrch[r.Orchestrator], r)
				gateways[r.Gateway] = true
			}
			if len(gateways) != 2 {
				t.Fatalf("requests came through %d gateways; want both regions' tests", len(gateways))
			}
			for orch, rs := range byOrch {
				sort.Slice(rs, func(i, j int) bool { return rs[i].Start.Before(rs[j].Start) })
				for i := 1; i < len(rs); i++ {
					if rs[i].Start.Sub(rs[i-1].End) < gap {
						t.Errorf("%s: a test through %s began %v after one through %s ended; want at least %v",
							orch, rs[i].Gateway, rs[i].Start.Sub(rs[i-1].End), rs[i-1].Gateway, gap)
					}
				}
			}
		})
	}
}
