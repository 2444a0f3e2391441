package livepeer

import (
	"slices"

	"jobtester/ethaddr"
)

// ChainMerge joins gateway and chain records on the lower-case address. The
// chain is the authority on what it stores (URIs, stake, status, rounds); the
// gateway adds what only it knows (PricePerPixel) and the orchestrators the
// chain walk did not return. Chain records come first in their order, then
// gateway-only ones in theirs. Inputs are not modified.
func ChainMerge(gateway, chain []Orchestrator) []Orchestrator {
	out := make([]Orchestrator, 0, len(chain)+len(gateway))
	index := make(map[string]int, len(chain)+len(gateway))
	add := func(o Orchestrator) {
		o.Address = ethaddr.Fold(o.Address)
		o.Sources = append([]string(nil), o.Sources...)
		index[o.Address] = len(out)
		out = append(out, o)
	}
	for _, o := range chain {
		if i, ok := index[ethaddr.Fold(o.Address)]; ok {
			out[i].Sources = chainUnion(out[i].Sources, o.Sources)
			continue
		}
		add(o)
	}
	for _, o := range gateway {
		i, ok := index[ethaddr.Fold(o.Address)]
		if !ok {
			add(o)
			continue
		}
		m := &out[i]
		if m.PricePerPixel == nil {
			m.PricePerPixel = o.PricePerPixel
		}
		// A chain record missing a number (never so from Orchestrators) is
		// filled rather than left nil.
		if m.DelegatedStake == nil {
			m.DelegatedStake = o.DelegatedStake
		}
		if m.ActivationRound == nil {
			m.ActivationRound = o.ActivationRound
		}
		if m.DeactivationRound == nil {
			m.DeactivationRound = o.DeactivationRound
		}
		m.Sources = chainUnion(m.Sources, o.Sources)
	}
	return out
}

// chainUnion appends to a the entries of b it lacks.
func chainUnion(a, b []string) []string {
	for _, s := range b {
		if !slices.Contains(a, s) {
			a = append(a, s)
		}
	}
	return a
}
