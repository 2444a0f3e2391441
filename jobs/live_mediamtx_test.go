package jobs_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jobtester/jobs"
	"jobtester/models"
	"jobtester/simnet"
	"jobtester/testutil"
)

// The hooks a MediaMTX under test runs when a path becomes available.
const (
	// hookDocumented is docs/mediamtx/gateway-hook.sh, the hook this
	// project ships: it passes the query intact.
	hookDocumented = "documented"
	// hookEscaped is go-livepeer's deployment's hook as it is: curl with
	// $MTX_QUERY, which MediaMTX 1.18.1 and later URL-escape.
	hookEscaped = "escaped"
	// shippedCredentials are the tester's in docs/mediamtx/mediamtx.yml.
	shippedCredentials = "user=tester&pass=change-me"
)

// deployedConfig is docs/mediamtx/mediamtx.yml, the configuration this
// project ships, on the test's addresses, with its hook script and the
// gateway's URL; users, if given, replaces its users (YAML list items).
func deployedConfig(t *testing.T, rtmpAddr, apiAddr, gatewayURL string, users ...string) string {
	t.Helper()
	b, err := os.ReadFile("../docs/mediamtx/mediamtx.yml")
	if err != nil {
		t.Fatal(err)
	}
	hook, err := filepath.Abs("../docs/mediamtx/gateway-hook.sh")
	if err != nil {
		t.Fatal(err)
	}
	conf := replaceLine(t, string(b), "rtmpAddress: ", rtmpAddr)
	conf = replaceLine(t, conf, "apiAddress: ", apiAddr)
	conf = replaceLine(t, conf, "    runOnAvailable: ", "sh "+hook+" "+gatewayURL)
	if len(users) > 0 {
		a, z := strings.Index(conf, "authInternalUsers:\n"), strings.Index(conf, "\npaths:\n")
		if a < 0 || z < a {
			t.Fatal("docs/mediamtx/mediamtx.yml: no authInternalUsers before paths")
		}
		conf = conf[:a] + "authInternalUsers:" + users[0] + conf[z:]
	}
	return conf
}

// replaceLine sets the value of the line that starts with prefix; the
// shipped file must have it.
func replaceLine(t *testing.T, conf, prefix, value string) string {
	t.Helper()
	lines := strings.Split(conf, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, prefix) {
			lines[i] = prefix + value
			return strings.Join(lines, "\n")
		}
	}
	t.Fatalf("docs/mediamtx/mediamtx.yml: no line %q", prefix)
	return ""
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// realMediaMTX starts the real MediaMTX as an operator deploys it beside a
// gateway: RTMP, the API on the port the gateway kicks through, and a
// runOnAvailable hook to the gateway (hook says which): the shipped
// docs/mediamtx/ configuration. auth, if set, replaces its users; by
// default the tester needs the shipped user and password.
// The tester uses it as its external media server, with rtmpQuery.
func realMediaMTX(t *testing.T, hook, rtmpQuery string, auth ...string) mediaStarter {
	return func(t *testing.T, ctx context.Context, gatewayURL, apiAddr string) *jobs.Media {
		t.Helper()
		rtmpAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
		conf := deployedConfig(t, rtmpAddr, apiAddr, gatewayURL, auth...)
		if hook == hookEscaped {
			conf = replaceLine(t, conf, "    runOnAvailable: ", "curl -sS -o /dev/null -X POST "+gatewayURL+
				"/live/video-to-video/$MTX_PATH/start -F source_id=$MTX_SOURCE_ID -F source_type=$MTX_SOURCE_TYPE"+
				" -F query=$MTX_QUERY -F rtmp_url=rtmp://"+rtmpAddr+"/$MTX_PATH")
		}
		testutil.StartMediaMTX(t, conf, apiAddr, "LIVE_RTMP_BASE=rtmp://"+rtmpAddr)
		base := "rtmp://" + rtmpAddr
		if rtmpQuery != "" {
			base += "?" + rtmpQuery
		}
		media, err := jobs.StartMedia(ctx, jobs.MediaConfig{Server: base, APIURL: "http://" + apiAddr})
		if err != nil {
			t.Fatal(err)
		}
		return media
	}
}

// runOneLive runs a sweep of one honest live orchestrator through the
// media server start gives, and returns its live result.
func runOneLive(t *testing.T, start mediaStarter) jobs.Result {
	t.Helper()
	orchs := []simnet.OrchestratorSpec{
		liveSpec("honest", "streamdiffusion", simnet.LiveProfile{StartupDelay: ms(300), AddedLatency: ms(100)}),
	}
	cfg := jobs.LiveConfig{Signal: testSignal(t), Duration: 2 * time.Second, FirstOutputTimeout: 20 * time.Second,
		StatusEvery: 500 * time.Millisecond}
	h := newLiveHarnessWith(t, orchs, cfg, 1, start)
	var results []jobs.Result
	sw, _, err := h.tester.RunSweep(context.Background(), "test", nil, func(r jobs.Result) { results = append(results, r) })
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 || results[0].Live == nil {
		t.Fatalf("results %+v", results)
	}
	r := results[0]
	t.Logf("%s %q startup %v", r.Outcome, r.Error, r.Live.Metrics.StartupLatency())
	rows, err := h.st.LiveResults(context.Background(), models.LiveFilter{SweepID: sw.ID})
	if err != nil || len(rows) != 1 || rows[0].Outcome != r.Outcome {
		t.Fatalf("stored %+v (%v), want one row %s", rows, err, r.Outcome)
	}
	return r
}

// MediaMTX as go-livepeer's deployment runs it, with the hook that sends
// $MTX_QUERY as MediaMTX gives it (URL-escaped): the gateway never knows
// the stream, and the test is the tester's error naming the escaped query,
// not "unavailable" against the node.
func TestLiveThroughMediaMTXWithAnEscapedQuery(t *testing.T) {
	t.Parallel()
	r := runOneLive(t, realMediaMTX(t, hookEscaped, shippedCredentials))
	if r.Outcome != models.OutcomeTesterError || !strings.Contains(r.Error, "URL-escaped") ||
		!strings.Contains(r.Error, "pipeline%3Dstreamdiffusion%26streamId%3D") {
		t.Errorf("%s %q, want a tester error naming the escaped query", r.Outcome, r.Error)
	}
}

// MediaMTX that wants credentials reads them from the query's user and
// pass: the tester's media_server URL carries them, and every URL it
// publishes or reads keeps them; wrong ones are the tester's error naming
// authentication.
func TestLiveThroughMediaMTXWithCredentials(t *testing.T) {
	t.Parallel()
	// Only the tester's user may publish and call the API; the gateway
	// (loopback, no credentials) may read the input and publish -out.
	users := `
  - user: tester
    pass: s3cret
    permissions: [{action: publish}, {action: read}, {action: api}]
  - user: any
    permissions: [{action: read}, {action: publish, path: "~-out$"}, {action: api}]`
	t.Run("right", func(t *testing.T) {
		t.Parallel()
		r := runOneLive(t, realMediaMTX(t, hookDocumented, "user=tester&pass=s3cret", users))
		if r.Outcome != models.OutcomePass && !strings.HasPrefix(r.Error, "tester overloaded: ") {
			t.Errorf("%s %q, want a pass", r.Outcome, r.Error)
		}
	})
	t.Run("wrong", func(t *testing.T) {
		t.Parallel()
		r := runOneLive(t, realMediaMTX(t, hookDocumented, "user=tester&pass=wrong", users))
		if r.Outcome != models.OutcomeTesterError || !strings.Contains(r.Error, "authentication") || strings.Contains(r.Error, "wrong") {
			t.Errorf("%s %q, want a tester error naming authentication, without the password", r.Outcome, r.Error)
		}
	})
}
