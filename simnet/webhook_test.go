package simnet

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
)

// emptyReply reports whether a request got no HTTP response at all: the
// connection closed (EOF) or reset, as curl's "Empty reply from server".
func emptyReply(r reply) bool {
	if r.err == nil {
		return false
	}
	return errors.Is(r.err, io.EOF) || errors.Is(r.err, io.ErrUnexpectedEOF) || errors.Is(r.err, syscall.ECONNRESET) ||
		strings.Contains(r.err.Error(), "EOF")
}

func threeAlike(hook string) Scenario {
	m := quick("text-to-image", "m")
	return Scenario{
		Gateways: []GatewaySpec{{Name: "gw", Webhook: hook}},
		Orchestrators: []OrchestratorSpec{
			{Name: "o1", Models: []ModelSpec{m}},
			{Name: "o2", Models: []ModelSpec{m}},
			{Name: "o3", AIServiceURI: aiURISeparate, Models: []ModelSpec{m}},
		},
	}
}

func textToImage(t *testing.T, n *Network) reply {
	t.Helper()
	return postJSON(t, n.Gateways()[0].HTTPURL+"/text-to-image", map[string]any{"prompt": "a cat", "model_id": "m", "width": 64, "height": 64})
}

// servedBy returns the names of the orchestrators that served requests
// (outcome ok) since the log had `since` entries.
func servedBy(n *Network, since int) []string {
	var names []string
	for _, r := range n.Requests()[since:] {
		if r.Outcome == OutcomeOK {
			names = append(names, r.OrchestratorName)
		}
	}
	return names
}

func TestWebhookPinsEveryRequest(t *testing.T) {
	t.Parallel()
	hook := newWebhook(t)
	n := startNet(t, threeAlike(hook.srv.URL))
	o2, o3 := orchByName(t, n, "o2"), orchByName(t, n, "o3")

	hook.pin(o2.ServiceURI)
	calls := hook.callCount()
	for range 6 {
		if r := textToImage(t, n); r.status != 200 {
			t.Fatalf("status %d %s %v", r.status, r.body, r.err)
		}
	}
	if got := servedBy(n, 0); len(got) != 6 || strings.Count(strings.Join(got, ","), "o2") != 6 {
		t.Fatalf("served by %v, want o2 six times", got)
	}
	if c := hook.callCount() - calls; c != 6 {
		t.Errorf("webhook fetched %d times for 6 requests, want every time", c)
	}

	// A new pin takes effect on the next request: no selector cache.
	hook.pin(o3.AIServiceURI + "/")
	mark := len(n.Requests())
	if r := textToImage(t, n); r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	if got := servedBy(n, mark); len(got) != 1 || got[0] != "o3" {
		t.Fatalf("after re-pinning to o3's AI URI, served by %v", got)
	}

	// A failing webhook leaves the last good list in force.
	for _, fail := range []struct {
		status int
		body   string
	}{{500, "oops"}, {200, "not json"}, {200, `{"address":"x"}`}} {
		hook.set(fail.status, fail.body)
		mark := len(n.Requests())
		if r := textToImage(t, n); r.status != 200 {
			t.Fatalf("webhook answering %d %q: status %d", fail.status, fail.body, r.status)
		}
		if got := servedBy(n, mark); len(got) != 1 || got[0] != "o3" {
			t.Fatalf("webhook answering %d %q: served by %v, want o3 from the last good list", fail.status, fail.body, got)
		}
	}

	// Entries without a usable address are skipped.
	hook.set(200, `[{"address":""},{"address":"not a uri"},{"address":"`+o2.ServiceURI+`"}]`)
	mark = len(n.Requests())
	textToImage(t, n)
	if got := servedBy(n, mark); len(got) != 1 || got[0] != "o2" {
		t.Fatalf("served by %v, want o2", got)
	}

	// An empty list is a good answer: nobody is eligible.
	hook.pin()
	if r := textToImage(t, n); !emptyReply(r) {
		t.Fatalf("with an empty webhook list: status %d, err %v; want the connection closed with no response", r.status, r.err)
	}

	// No webhook: every active orchestrator is eligible.
	if err := n.SetWebhook("gw", ""); err != nil {
		t.Fatal(err)
	}
	if r := textToImage(t, n); r.status != 200 {
		t.Fatalf("without a webhook: status %d", r.status)
	}
	if err := n.SetWebhook("nope", ""); !errors.Is(err, ErrUnknownGateway) {
		t.Errorf("SetWebhook of an unknown gateway: %v", err)
	}
	if err := n.SetWebhook("gw", "ftp://x"); err == nil {
		t.Error("SetWebhook accepted an ftp URL")
	}
}

func TestWebhookThatNeverAnsweredSelectsNobody(t *testing.T) {
	t.Parallel()
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close() // connection refused from now on
	n := startNet(t, threeAlike(url))
	if r := textToImage(t, n); !emptyReply(r) {
		t.Fatalf("status %d, err %v; want an empty reply", r.status, r.err)
	}
	if len(n.Requests()) != 0 {
		t.Fatalf("requests %v, want none", n.Requests())
	}
}

func TestSetWebhookAfterStart(t *testing.T) {
	t.Parallel()
	n := startNet(t, threeAlike(""))
	hook := newWebhook(t)
	hook.pin(orchByName(t, n, "o1").ServiceURI)
	if err := n.SetWebhook("gw", hook.srv.URL); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		textToImage(t, n)
	}
	if got := servedBy(n, 0); strings.Join(got, ",") != "o1,o1,o1" {
		t.Fatalf("served by %v", got)
	}
	if n.Truth().Gateways[0].Webhook != hook.srv.URL {
		t.Errorf("truth does not show the webhook")
	}
}
