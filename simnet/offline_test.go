package simnet

import (
	"net"
	"net/url"
	"testing"
	"time"

	"jobtester/testutil"
)

// refuses reports whether nothing listens at a service URI any more.
func refuses(t *testing.T, uri string) bool {
	t.Helper()
	u, err := url.Parse(uri)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.DialTimeout("tcp", u.Host, time.Second)
	if err != nil {
		return true
	}
	c.Close()
	return false
}

func TestOrchestratorGoesOfflineAfterRequests(t *testing.T) {
	t.Parallel()
	hook := newWebhook(t)
	n := startNet(t, Scenario{
		Gateways: []GatewaySpec{{Name: "gw", Webhook: hook.srv.URL}},
		Orchestrators: []OrchestratorSpec{{Name: "leaver", AIServiceURI: aiURISeparate, Offline: &OfflineSpec{AfterRequests: 2},
			Models: []ModelSpec{quick("text-to-image", "m")}}},
	})
	o := orchByName(t, n, "leaver")
	hook.pin(o.ServiceURI)
	for i := range 2 {
		if r := textToImage(t, n); r.status != 200 {
			t.Fatalf("request %d before going offline: %d %v", i, r.status, r.err)
		}
	}
	for _, uri := range []string{o.ServiceURI, o.AIServiceURI} {
		testutil.Eventually(t, uri+" to refuse connections", func() bool { return refuses(t, uri) })
	}
	if r := textToImage(t, n); !emptyReply(r) {
		t.Fatalf("pinned to an offline orchestrator: status %d, err %v; want an empty reply", r.status, r.err)
	}
	reqs := n.Requests()
	if len(reqs) != 3 || reqs[2].Outcome != OutcomeOffline || reqs[2].Orchestrator != o.Address {
		t.Fatalf("log %+v; want two served and one offline", reqs)
	}
	truth := orchByName(t, n, "leaver")
	if truth.Offline == nil || !truth.Offline.OfflineNow || truth.Offline.Since == nil || truth.JobsTaken != 2 {
		t.Fatalf("truth %+v", truth.Offline)
	}
}

func TestOrchestratorOfflineWindowByTime(t *testing.T) {
	t.Parallel()
	// Offline 50 s after the start for 1000 s: 50 ms and 1 s here.
	n := startNet(t, Scenario{Orchestrators: []OrchestratorSpec{{Name: "napper",
		Offline: &OfflineSpec{After: Duration(50 * time.Second), For: Duration(1000 * time.Second)},
		Models:  []ModelSpec{quick("text-to-image", "m")}}}})
	uri := orchByName(t, n, "napper").ServiceURI
	testutil.Eventually(t, "the orchestrator to go offline", func() bool { return refuses(t, uri) })
	testutil.Eventually(t, "the orchestrator to come back", func() bool { return !refuses(t, uri) })
	if r := textToImage(t, n); r.status != 200 {
		t.Fatalf("after coming back: %d %v", r.status, r.err)
	}
	if tr := orchByName(t, n, "napper"); tr.Offline.OfflineNow || tr.Offline.Since == nil {
		t.Fatalf("truth %+v", tr.Offline)
	}
}
