// Command live measures what concurrent live video tests cost the tester:
// for N = 1, 2, 4, 8 it runs N live tests at once against a simulated
// network (512×512 at 30 fps, ~20 s of output each) and prints a Markdown
// table of the tester process's CPU per test (encode + publish + media
// server + decode + analysis), its memory, the output rate the tests
// achieved and how far their end-to-end latency is from the injected one.
//
// The simulated orchestrators (which decode and re-encode every stream)
// run in a child process, so their CPU is measured apart and does not
// count against the tester.
//
//	go run ./bench/live [--n 1,2,4,8] [--duration 20s] [--signal 512x512@30]
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"jobtester/jobs"
	"jobtester/livepeer"
	"jobtester/media/live"
	"jobtester/models"
	"jobtester/simnet"
)

// The injected behaviour of every simulated live model.
const (
	startupDelay = 300 * time.Millisecond
	addedLatency = 150 * time.Millisecond
)

func main() {
	child := flag.Bool("child", false, "internal: run the simulated network and print its gateway")
	orchs := flag.Int("orchestrators", 8, "internal (child): live orchestrators to simulate")
	apiPort := flag.Int("media-api-port", 0, "internal (child): the media server's API port the gateway kicks through")
	nList := flag.String("n", "1,2,4,8", "concurrent live tests to measure")
	dur := flag.Duration("duration", 20*time.Second, "how long each test measures its output")
	sigFlag := flag.String("signal", "512x512@30", "test signal, WIDTHxHEIGHT@FPS")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if *child {
		err = runChild(ctx, *orchs, *apiPort)
	} else {
		err = run(ctx, *nList, *dur, *sigFlag)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "live bench:", err)
		os.Exit(1)
	}
}

type childInfo struct {
	CLIURL, HTTPURL string
	URIs            []string
}

// runChild runs the simulated network until stdin closes.
func runChild(ctx context.Context, orchs, apiPort int) error {
	sc := simnet.Scenario{Gateways: []simnet.GatewaySpec{{Name: "gateway-1", MediaMTXAPIPort: apiPort,
		DiscoveryTimeout: simnet.Duration(10 * time.Second)}}}
	for i := 0; i < orchs; i++ {
		p := simnet.LiveProfile{StartupDelay: simnet.Duration(startupDelay), AddedLatency: simnet.Duration(addedLatency)}
		sc.Orchestrators = append(sc.Orchestrators, simnet.OrchestratorSpec{Name: fmt.Sprintf("live-%02d", i+1),
			Models: []simnet.ModelSpec{{Pipeline: "live-video-to-video", Model: "streamdiffusion", Live: &p}}})
	}
	nw, err := simnet.Start(ctx, sc, simnet.Options{Seed: 1, TimeScale: 0.01, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	defer nw.Close()
	g := nw.Gateways()[0]
	info := childInfo{CLIURL: g.CLIURL, HTTPURL: g.HTTPURL}
	for _, o := range nw.Truth().Orchestrators {
		info.URIs = append(info.URIs, o.ServiceURI)
	}
	if err := json.NewEncoder(os.Stdout).Encode(info); err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, os.Stdin) // until the parent closes it
	return nil
}

type row struct {
	n                  int
	cpuPerTest         float64 // % of one core
	childCPUPerTest    float64
	rssMiB, maxRSSMiB  float64
	fps, e2eErrMS      float64
	passed, flashes    int
	startupMS, wallSec float64
}

func run(ctx context.Context, nList string, dur time.Duration, sigFlag string) error {
	var ns []int
	total := 0
	for _, s := range strings.Split(nList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 64 {
			return fmt.Errorf("--n: %q is not a test count", s)
		}
		ns = append(ns, n)
		total += n
	}
	sig := live.DefaultSignalConfig()
	if _, err := fmt.Sscanf(sigFlag, "%dx%d@%d", &sig.Width, &sig.Height, &sig.FPS); err != nil {
		return fmt.Errorf("--signal %q: %w", sigFlag, err)
	}
	if err := sig.Validate(); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	apiAddr := ln.Addr().String()
	ln.Close()
	_, apiPort, _ := net.SplitHostPort(apiAddr)

	self, err := os.Executable()
	if err != nil {
		return err
	}
	// Each round gets orchestrators of its own: a simulated live model runs
	// one stream at a time, and the previous round's may still be closing.
	cmd := exec.CommandContext(ctx, self, "-child", "-orchestrators", strconv.Itoa(total), "-media-api-port", apiPort)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start the simulated network: %w", err)
	}
	defer func() { stdin.Close(); _ = cmd.Wait() }()
	var info childInfo
	if err := json.NewDecoder(bufio.NewReader(stdout)).Decode(&info); err != nil {
		return fmt.Errorf("read the simulated network's address: %w", err)
	}

	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	media, err := jobs.StartMedia(ctx, jobs.MediaConfig{RTMPAddr: "127.0.0.1:0", APIAddr: apiAddr, GatewayURL: info.HTTPURL, Logger: quiet})
	if err != nil {
		return err
	}
	defer media.Close()
	client := &livepeer.GatewayClient{CLIURL: info.CLIURL, HTTPURL: info.HTTPURL}
	runner := &jobs.LiveRunner{Media: media, Lane: &jobs.Lane{Name: "gateway-1", Client: client},
		Status: jobs.GatewayLiveStatus(client), Log: quiet,
		Config: jobs.LiveConfig{Signal: sig, Duration: dur, FirstOutputTimeout: 20 * time.Second}}

	fmt.Printf("live tests at %s, %s of output each, on %d CPUs (%s/%s); simulated orchestrators in a child process\n\n",
		sigFlag, dur, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
	fmt.Println("| N | CPU per test (tester, % of a core) | CPU per test (simulated orchestrator) | RSS (MiB) | peak RSS (MiB) | output fps (mean) | e2e error (ms, mean abs) | startup (ms, mean) | passed |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
	next := 0
	for _, n := range ns {
		r, err := measure(ctx, runner, info.URIs[next:next+n], n, cmd.Process.Pid)
		next += n
		if err != nil {
			return err
		}
		fmt.Printf("| %d | %.1f | %.1f | %.0f | %.0f | %.2f | %.1f | %.0f | %d/%d |\n", r.n, r.cpuPerTest, r.childCPUPerTest,
			r.rssMiB, r.maxRSSMiB, r.fps, r.e2eErrMS, r.startupMS, r.passed, r.n)
	}
	return nil
}

// measure runs n live tests at once and reads the CPU both processes used
// while they ran.
func measure(ctx context.Context, runner *jobs.LiveRunner, uris []string, n, childPID int) (row, error) {
	runtime.GC()
	selfBefore, err := cpuSelf()
	if err != nil {
		return row{}, err
	}
	childBefore, err := cpuOf(childPID)
	if err != nil {
		return row{}, err
	}
	start := time.Now()
	results := make([]jobs.Result, n)
	var wg sync.WaitGroup
	var peak rssPeak
	stopPeak := peak.watch()
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			tg := jobs.Target{Orchestrator: fmt.Sprintf("0x%040x", i+1), URI: uris[i],
				Capability: livepeer.Capability{Pipeline: livepeer.LivePipeline, Model: "streamdiffusion"}}
			results[i] = runner.Run(ctx, tg, 1)
		}(i)
	}
	wg.Wait()
	stopPeak()
	wall := time.Since(start)
	selfAfter, err := cpuSelf()
	if err != nil {
		return row{}, err
	}
	childAfter, err := cpuOf(childPID)
	if err != nil {
		return row{}, err
	}
	if ctx.Err() != nil {
		return row{}, ctx.Err()
	}
	r := row{n: n, wallSec: wall.Seconds()}
	// CPU over the whole run (signal start to teardown), per test.
	r.cpuPerTest = 100 * (selfAfter - selfBefore).Seconds() / wall.Seconds() / float64(n)
	r.childCPUPerTest = 100 * (childAfter - childBefore).Seconds() / wall.Seconds() / float64(n)
	r.rssMiB = float64(rssNow()) / (1 << 20)
	r.maxRSSMiB = float64(peak.max()) / (1 << 20)
	var fps, errMS, startup float64
	for _, res := range results {
		if res.Outcome == models.OutcomePass {
			r.passed++
		}
		if res.Live == nil {
			continue
		}
		m := res.Live.Metrics
		fps += m.FPSMean
		startup += float64(m.StartupLatency()) / float64(time.Millisecond)
		if m.FlashesMatched > 0 {
			r.flashes++
			errMS += math.Abs(float64(m.E2ELatency()-addedLatency)) / float64(time.Millisecond)
		}
		if res.Outcome != models.OutcomePass {
			fmt.Fprintf(os.Stderr, "test %s: %s: %s\n", res.URI, res.Outcome, res.Error)
		}
	}
	r.fps, r.startupMS = fps/float64(n), startup/float64(n)
	if r.flashes > 0 {
		r.e2eErrMS = errMS / float64(r.flashes)
	}
	return r, nil
}

// cpuSelf is the user+system CPU time of this process (getrusage).
func cpuSelf() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, fmt.Errorf("getrusage: %w", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}

// cpuOf is the user+system CPU time of another process, from
// /proc/<pid>/stat (fields 14 and 15, in clock ticks of 1/100 s on Linux).
func cpuOf(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read the child's CPU time: %w", err)
	}
	// The command name (field 2) may hold spaces: fields count from after it.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, errors.New("unexpected /proc/<pid>/stat")
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, errors.New("short /proc/<pid>/stat")
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, errors.New("unexpected CPU fields in /proc/<pid>/stat")
	}
	const tick = 10 * time.Millisecond // USER_HZ is 100 on Linux
	return time.Duration(ut+st) * tick, nil
}

// rssNow is this process's resident set from /proc/self/statm.
func rssNow() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// rssPeak samples the resident set while tests run.
type rssPeak struct {
	mu   sync.Mutex
	peak int64
}

func (p *rssPeak) watch() (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			v := rssNow()
			p.mu.Lock()
			p.peak = max(p.peak, v)
			p.mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}

func (p *rssPeak) max() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.peak
}
