package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"jobtester/config"
	"jobtester/jobs"
	"jobtester/models"
)

// runFlags are the flags of "run" that are not settings.
type runFlags struct {
	once bool
	json bool
}

// splitRunFlags takes --once and --json out of args; the rest are settings.
func splitRunFlags(args []string) (runFlags, []string) {
	var f runFlags
	var rest []string
	for _, a := range args {
		switch strings.TrimLeft(a, "-") {
		case "once":
			f.once = true
		case "json":
			f.json = true
		default:
			rest = append(rest, a)
		}
	}
	return f, rest
}

// testJSON is one test in the --json report.
type testJSON struct {
	Orchestrator  string  `json:"orchestrator"`
	URI           string  `json:"uri"`
	Pipeline      string  `json:"pipeline"`
	Model         string  `json:"model"`
	Lane          string  `json:"lane"`
	Attempts      int     `json:"attempts"`
	Outcome       string  `json:"outcome"`
	RoundTripTime float64 `json:"round_trip_time"`
	HTTPStatus    int     `json:"http_status"`
	Error         string  `json:"error"`
}

// runOnce runs one sweep and exits: the webhooks are served on the
// configured address while it runs, so the gateways can be pinned.
func runOnce(ctx context.Context, cfg *config.Config, flags runFlags, log *slog.Logger, stdout, stderr io.Writer) error {
	if !flags.once {
		return errors.New("run needs --once (scheduled sweeps run under serve with the schedule setting)")
	}
	if len(cfg.Gateways) == 0 {
		return errors.New("setting gateways: run needs at least one gateway")
	}
	if !cfg.RunTests {
		return errors.New("setting tester: run tests, and tester is false (an API-only instance)")
	}
	st, err := startStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	tester, err := buildTester(ctx, cfg, st, log)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	for name, h := range webhooks(tester) {
		mux.Handle("GET /webhook/"+name, h)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s for the webhooks: %w", cfg.Addr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln) //nolint:errcheck // closed below
	defer srv.Close()
	base := webhookBase(cfg, ln.Addr().String())
	for _, l := range tester.Lanes {
		log.Info("serving the webhook of a lane", "gateway", l.Name, "orchWebhookUrl", base+"/webhook/"+l.Name)
	}

	bar := newProgressBar(stderr)
	final := map[string]*testJSON{}
	var mu sync.Mutex
	sw, rep, err := tester.RunSweep(ctx, "cli", func(targets []jobs.Target) { bar.start(len(targets)) }, func(r jobs.Result) {
		mu.Lock()
		defer mu.Unlock()
		key := r.Orchestrator + "\x00" + r.Capability.Pipeline + "\x00" + r.Capability.Model
		final[key] = &testJSON{r.Orchestrator, r.URI, r.Capability.Pipeline, r.Capability.Model, r.Lane, r.Attempt,
			string(r.Outcome), r.RoundTrip.Seconds(), r.HTTPStatus, r.Error}
		if !(r.Outcome == models.OutcomeUnavailable && r.Attempt <= cfg.UnavailableRetries) {
			bar.add(r.Outcome)
		}
	})
	bar.finish()
	if tester.Outbox != nil {
		// Send what is due before exiting; whatever the central did not
		// take stays in the outbox for the next run or serve.
		fctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if ferr := tester.Outbox.Drain(fctx); ferr != nil {
			log.Warn("outbox: results left to forward later", "err", ferr)
		}
		cancel()
	}
	if err != nil {
		return err
	}
	if flags.json {
		tests := make([]testJSON, 0, len(rep.Tests))
		for _, r := range rep.Tests {
			key := r.Orchestrator + "\x00" + r.Capability.Pipeline + "\x00" + r.Capability.Model
			tests = append(tests, *final[key])
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"sweep": sw, "report": rep, "tests": tests})
	}
	fmt.Fprintf(stdout, "sweep %d %s in %s: %d expected, %d pass, %d fail, %d unavailable, %d tester_error (%d attempts)\n",
		sw.ID, sw.Status, sw.FinishedAt.Sub(sw.StartedAt).Round(time.Millisecond), rep.Expected, rep.Passed, rep.Failed,
		rep.Unavailable, rep.TesterErrors, rep.Attempts)
	for _, r := range rep.Tests {
		if r.Outcome != models.OutcomePass {
			fmt.Fprintf(stdout, "  %-12s %s %s %s: %s\n", r.Outcome, r.Orchestrator, r.Capability.Pipeline, r.Capability.Model, r.Error)
		}
	}
	return nil
}

// progressBar draws one updating line on a terminal, and a line per tenth
// of the sweep elsewhere (logs, CI).
type progressBar struct {
	w        io.Writer
	terminal bool
	total    int
	done     int
	counts   map[models.Outcome]int
	lastTen  int
	started  time.Time
}

func newProgressBar(w io.Writer) *progressBar {
	term := false
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			term = true
		}
	}
	return &progressBar{w: w, terminal: term, counts: map[models.Outcome]int{}}
}

func (b *progressBar) start(total int) {
	b.total, b.started = total, time.Now()
	b.draw()
}

func (b *progressBar) add(o models.Outcome) {
	b.done++
	b.counts[o]++
	b.draw()
}

func (b *progressBar) draw() {
	line := fmt.Sprintf("%d/%d  pass %d  fail %d  unavailable %d  tester_error %d  %s", b.done, b.total,
		b.counts[models.OutcomePass], b.counts[models.OutcomeFail], b.counts[models.OutcomeUnavailable],
		b.counts[models.OutcomeTesterError], time.Since(b.started).Round(time.Second))
	if b.terminal {
		const width = 30
		filled := 0
		if b.total > 0 {
			filled = width * b.done / b.total
		}
		fmt.Fprintf(b.w, "\r[%s%s] %s", strings.Repeat("#", filled), strings.Repeat(".", width-filled), line)
		return
	}
	if b.total == 0 {
		return
	}
	if ten := 10 * b.done / b.total; ten != b.lastTen || b.done == 0 {
		b.lastTen = ten
		fmt.Fprintln(b.w, line)
	}
}

func (b *progressBar) finish() {
	if b.terminal {
		fmt.Fprintln(b.w)
	}
}
