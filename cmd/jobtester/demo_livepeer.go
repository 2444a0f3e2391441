package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"jobtester/config"
	"jobtester/livepeer"
	"jobtester/localnet"
	"jobtester/models"
	"jobtester/simnet"
)

// demoRealOrchestrators are the simulated orchestrators that get a real
// go-livepeer orchestrator in front of them with --livepeer: a healthy, a
// flaky and a wrong-size one, so the real path shows more than passes.
var demoRealOrchestrators = []string{"orch-03", "orch-20", "orch-26"}

// realNodes are the real go-livepeer nodes of a demo run with --livepeer.
type realNodes struct {
	ln       *localnet.Net
	hooks    *http.Server
	mappings []models.URIMapping
}

// startRealNodes starts a real orchestrator in front of each of
// demoRealOrchestrators (simnet serves their models as the AI runner) and
// a real gateway for each, fixed to it: upstream go-livepeer reads its
// webhook at most once a minute, so each gateway is a lane of its own
// (jobs.Lane.Fixed). It adds those gateways to cfg and returns the URI
// mappings that point the three at their real orchestrators; their live
// tests stay on simnet's own service URI (no live video through the real
// nodes: docs/simnet.md says what it needs).
func startRealNodes(ctx context.Context, cfg *config.Config, nw *simnet.Network, log *slog.Logger) (*realNodes, error) {
	ln, err := localnet.Start(ctx, localnet.Options{Binary: cfg.Livepeer, Network: nw, Only: demoRealOrchestrators})
	if err != nil {
		return nil, fmt.Errorf("start real go-livepeer orchestrators (setting livepeer): %w", err)
	}
	rn := &realNodes{ln: ln}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		rn.close()
		return nil, fmt.Errorf("listen for the real gateways' webhooks: %w", err)
	}
	mux := http.NewServeMux()
	rn.hooks = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := rn.hooks.Serve(lis); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("real gateways' webhooks stopped", "err", err)
		}
	}()
	simURI := map[string]string{}
	for _, o := range nw.Truth().Orchestrators {
		simURI[o.Address] = o.ServiceURI
	}
	for _, o := range ln.Orchestrators {
		name := "go-livepeer-" + o.Name
		mux.Handle("/webhook/"+name, livepeer.NewFixedWebhook(o.ServiceURI))
		gw, err := ln.StartGateway(ctx, localnet.GatewayOptions{Name: name, Webhook: "http://" + lis.Addr().String() + "/webhook/" + name})
		if err != nil {
			rn.close()
			return nil, fmt.Errorf("start a real go-livepeer gateway: %w", err)
		}
		cfg.Gateways = append(cfg.Gateways, config.Gateway{Name: gw.Name, CLIURL: gw.CLIURL, HTTPURL: gw.HTTPURL, Orchestrator: o.ServiceURI})
		rn.mappings = append(rn.mappings,
			models.URIMapping{Orchestrator: o.Runner.Address, URI: o.ServiceURI, JobTypes: "ai", DisplayName: o.Name + " (go-livepeer)",
				Note: demoMappingNote + "a real go-livepeer orchestrator in front of simnet's " + o.Name},
			models.URIMapping{Orchestrator: o.Runner.Address, URI: simURI[o.Runner.Address], JobTypes: "live",
				Note: demoMappingNote + "live tests of " + o.Name + " stay on the simulated network"})
	}
	log.Info("real go-livepeer nodes up", "orchestrators", len(ln.Orchestrators), "gateways", len(ln.Gateways), "took", ln.Started.Round(time.Millisecond))
	return rn, nil
}

// demoMappingNote starts the note of every mapping the demo makes, so that
// a later run on the same database replaces them (the nodes' ports change
// from run to run).
const demoMappingNote = "demo: "

// save stores the mappings, as an admin would have made them, in place of
// those an earlier run made.
func (rn *realNodes) save(ctx context.Context, st *models.Store) error {
	for _, o := range rn.ln.Orchestrators {
		old, err := st.MappingsOf(ctx, o.Runner.Address)
		if err != nil {
			return fmt.Errorf("read the mappings of %s: %w", o.Name, err)
		}
		for _, m := range old {
			if strings.HasPrefix(m.Note, demoMappingNote) {
				if err := st.DeleteMappingAudited(ctx, "demo", m.ID); err != nil {
					return fmt.Errorf("remove an earlier run's mapping of %s: %w", o.Name, err)
				}
			}
		}
	}
	for i := range rn.mappings {
		if err := st.SaveMappingAudited(ctx, "demo", &rn.mappings[i]); err != nil {
			return fmt.Errorf("map %s to its real orchestrator: %w", rn.mappings[i].Orchestrator, err)
		}
	}
	return nil
}

// note is the banner's line about the real nodes.
func (rn *realNodes) note() string {
	var names []string
	for _, o := range rn.ln.Orchestrators {
		names = append(names, o.Name)
	}
	return fmt.Sprintf("go-livepeer:       %d real orchestrators (in front of %s) and %d real gateways, started in %s",
		len(rn.ln.Orchestrators), strings.Join(names, ", "), len(rn.ln.Gateways), rn.ln.Started.Round(time.Millisecond))
}

func (rn *realNodes) close() {
	if rn.hooks != nil {
		rn.hooks.Close()
	}
	rn.ln.Close()
}
