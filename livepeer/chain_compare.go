package livepeer

import (
	"slices"

	"jobtester/ethaddr"
)

// What ChainCompare reports when the chain and a gateway disagree.
const (
	// DisagreeNotInGateway: active in the chain's pool, yet the gateway does
	// not list it (the gateway cannot reach it, or filtered it out).
	DisagreeNotInGateway = "active on chain, not listed by the gateway"
	// DisagreeNotOnChain: the gateway lists an address the chain's pool
	// does not hold.
	DisagreeNotOnChain = "listed by the gateway, not in the chain's pool"
	// DisagreeServiceURI: the gateway's URI is neither registry's.
	DisagreeServiceURI = "service URI differs"
	// DisagreeInactive: the gateway lists it, the chain says it is not
	// active in the current round.
	DisagreeInactive = "listed by the gateway, inactive on chain"
)

// ChainComparison is one orchestrator as the chain and a gateway show it.
type ChainComparison struct {
	Address           string
	OnChain           bool
	InGateway         bool
	ChainServiceURI   string
	ChainAIServiceURI string
	GatewayServiceURI string
	// Disagreements lists the Disagree… values that hold, none when the two
	// agree.
	Disagreements []string
}

// ChainCompare joins a gateway's /registeredOrchestrators with the chain's
// pool on the address and says where they disagree. A gateway lists only
// active orchestrators, so an inactive pool member it does not list is no
// disagreement. A gateway run with -aiServiceRegistry reports the AI
// registry's URI, so the gateway's URI agrees when it is either
// registry's. The result is in chain order, then gateway-only addresses.
func ChainCompare(gateway, chain []Orchestrator) []ChainComparison {
	gw := make(map[string]Orchestrator, len(gateway))
	for _, o := range gateway {
		gw[ethaddr.Fold(o.Address)] = o
	}
	out := make([]ChainComparison, 0, len(chain)+len(gateway))
	onChain := make(map[string]bool, len(chain))
	for _, c := range chain {
		addr := ethaddr.Fold(c.Address)
		if onChain[addr] {
			continue
		}
		onChain[addr] = true
		cmp := ChainComparison{Address: addr, OnChain: true, ChainServiceURI: c.ServiceURI, ChainAIServiceURI: c.AIServiceURI}
		g, listed := gw[addr]
		switch {
		case !listed && c.Active:
			cmp.Disagreements = append(cmp.Disagreements, DisagreeNotInGateway)
		case listed:
			cmp.InGateway, cmp.GatewayServiceURI = true, g.ServiceURI
			if !c.Active {
				cmp.Disagreements = append(cmp.Disagreements, DisagreeInactive)
			}
			if g.ServiceURI != c.ServiceURI && g.ServiceURI != c.AIServiceURI {
				cmp.Disagreements = append(cmp.Disagreements, DisagreeServiceURI)
			}
		}
		out = append(out, cmp)
	}
	for _, g := range gateway {
		addr := ethaddr.Fold(g.Address)
		if onChain[addr] || slices.ContainsFunc(out, func(c ChainComparison) bool { return c.Address == addr }) {
			continue
		}
		out = append(out, ChainComparison{Address: addr, InGateway: true, GatewayServiceURI: g.ServiceURI,
			Disagreements: []string{DisagreeNotOnChain}})
	}
	return out
}
