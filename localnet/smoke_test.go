package localnet_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"jobtester/localnet"
	"jobtester/simnet"
)

func TestSmoke(t *testing.T) {
	bin, off, err := localnet.TestBinary()
	if off {
		t.Skip()
	}
	if err != nil {
		t.Fatal(err)
	}
	sc := simnet.Scenario{Orchestrators: []simnet.OrchestratorSpec{{Name: "a", Models: []simnet.ModelSpec{{Pipeline: "text-to-image", Model: "m1"}}}}}
	nw, err := simnet.Start(context.Background(), sc, simnet.Options{TimeScale: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	defer nw.Close()
	ln, err := localnet.Start(context.Background(), localnet.Options{Binary: bin, Network: nw, Gateways: []localnet.GatewayOptions{{Name: "g"}}, RetryTimeout: 300 * time.Millisecond, Dir: "/tmp/lnsmoke"})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	t.Logf("started in %s", ln.Started)
	time.Sleep(3 * time.Second)
	resp, err := http.Post(ln.Gateways[0].HTTPURL+"/text-to-image", "application/json", strings.NewReader(`{"prompt":"a cat","model_id":"m1","width":64,"height":48}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	t.Logf("%d %.300s", resp.StatusCode, b)
	cpu, rss := ln.Usage()
	t.Logf("cpu %s rss %d MB", cpu, rss>>20)
	t.Log(ln.DockerCalls())
	for k, v := range ln.Logs() {
		t.Logf("%s: %s", k, v[max(0, len(v)-3000):])
	}
}
