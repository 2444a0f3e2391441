package jobs

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"jobtester/livepeer"
)

// WebhookSetter points a gateway, by name, at the URL it reads its
// orchestrator list from (its -orchWebhookUrl). simnet's network does it in
// process.
type WebhookSetter interface {
	SetWebhook(gateway, url string) error
}

// ServeWebhooks serves each lane's webhook on a free loopback port at
// /webhook/<lane> and points the gateway of the same name at it: the wiring
// of a tester to a network the same process started (the tests and
// benchmarks; `serve` and `demo` mount the webhooks on their own server).
// stop ends the server.
func ServeWebhooks(lanes []*Lane, gateways WebhookSetter) (stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the lanes' webhooks: %w", err)
	}
	mux := http.NewServeMux()
	for _, l := range lanes {
		mux.Handle("/webhook/"+l.Name, l.Webhook)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			ln.Close()
		}
	}()
	base := "http://" + ln.Addr().String()
	for _, l := range lanes {
		if err := gateways.SetWebhook(l.Name, base+"/webhook/"+l.Name); err != nil {
			srv.Close()
			return nil, fmt.Errorf("point gateway %s at its lane's webhook: %w", l.Name, err)
		}
	}
	return func() { srv.Close() }, nil
}

// NewLanes builds one lane per gateway, each with its own webhook.
func NewLanes(gateways []GatewayConfig) []*Lane {
	lanes := make([]*Lane, 0, len(gateways))
	for _, g := range gateways {
		l := &Lane{Name: g.Name, Client: &livepeer.GatewayClient{CLIURL: g.CLIURL, HTTPURL: g.HTTPURL},
			Webhook: livepeer.NewWebhook()}
		if g.Orchestrator != "" {
			l.Fixed, l.Webhook = g.Orchestrator, livepeer.NewFixedWebhook(g.Orchestrator)
		}
		lanes = append(lanes, l)
	}
	return lanes
}

// GatewayConfig names one gateway: its CLI and AI HTTP addresses, and the
// one orchestrator it reaches if it is fixed to one (Lane.Fixed).
type GatewayConfig struct {
	Name         string `yaml:"name" json:"name"`
	CLIURL       string `yaml:"cli_url" json:"cli_url"`
	HTTPURL      string `yaml:"http_url" json:"http_url"`
	Orchestrator string `yaml:"orchestrator" json:"orchestrator,omitempty"`
}

// String is for logs.
func (g GatewayConfig) String() string {
	return fmt.Sprintf("%s (cli %s, http %s)", g.Name, g.CLIURL, g.HTTPURL)
}
