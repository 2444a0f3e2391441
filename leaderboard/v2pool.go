package leaderboard

import (
	"encoding/binary"
	"hash/maphash"

	"jobtester/scoring"
)

// Scoring one scope (v2PoolScope): every series summarised, each model's
// population pooled from its series, the node pooling's strength learned
// from them all, and every series pooled with its node's other series at
// that strength (scoring.PoolV2Nodes, in parts so that the parts that did
// not change can be kept).
//
// The strength (α, ε) is learned from the memory without its newest hour
// (scoring.WithoutNewestHour): the hours a tester is writing into do not
// move it, so between two reads in one hour only the written series, its
// model's population and the final pooling (one strength, not the grid)
// are computed again: a few milliseconds where the whole fit takes tens
// (docs/scoring.md, "What a v2 read costs"). The answer depends on the
// hours alone, cached or not.

// v2Entry is what one scope's scoring left. It is never changed once
// stored; a newer scoring replaces it.
type v2Entry struct {
	hashes, fitHashes map[v2Key]uint64 // of each series' hours, and of its hours but the newest
	sums, fitSums     map[v2Key]scoring.V2Summary
	// models and fitModels are the populations per model (pipeline and
	// model joined by NUL) with the hash of their members' hashes.
	models, fitModels map[string]v2ModelPop
	fitAll            uint64 // hash of every series' fitHash, in order
	alpha, eps        float64
	all               uint64 // hash of every series' hash, in order
	out               map[v2Key]V2
	lastUse           int64
}

type v2ModelPop struct {
	hash uint64
	pop  scoring.V2Population
}

// scoreV2Scope scores keys (in a fixed order) from their hours, keeping
// from old (nil: none) what hash says did not change; with hash nil
// nothing is hashed or kept. It returns old itself when no hour changed.
func scoreV2Scope(old *v2Entry, keys []v2Key, hours map[v2Key][]scoring.V2Hour, hash func([]scoring.V2Hour) uint64) *v2Entry {
	if hash == nil {
		old, hash = nil, func([]scoring.V2Hour) uint64 { return 0 }
	}
	next := &v2Entry{hashes: make(map[v2Key]uint64, len(keys)), fitHashes: make(map[v2Key]uint64, len(keys)),
		sums: make(map[v2Key]scoring.V2Summary, len(keys)), fitSums: make(map[v2Key]scoring.V2Summary, len(keys))}
	all := newKeyHash()
	for _, k := range keys {
		next.hashes[k] = hash(hours[k])
		all.add(k, next.hashes[k])
	}
	if next.all = all.sum(); old != nil && old.all == next.all && len(old.out) == len(keys) {
		return old
	}
	fitHours := make(map[v2Key][]scoring.V2Hour, len(keys))
	fitAll := newKeyHash()
	for _, k := range keys {
		fitHours[k] = scoring.WithoutNewestHour(hours[k])
		next.fitHashes[k] = hash(fitHours[k])
		fitAll.add(k, next.fitHashes[k])
	}
	next.fitAll = fitAll.sum()
	params := scoring.DefaultV2()
	members := make([]scoring.V2Member, len(keys))
	fitMembers := make([]scoring.V2Member, len(keys))
	for i, k := range keys {
		next.sums[k] = summary(old, k, next.hashes[k], hours[k], params, false)
		next.fitSums[k] = summary(old, k, next.fitHashes[k], fitHours[k], params, true)
		model := k.Pipeline + "\x00" + k.Model
		members[i] = scoring.V2Member{Node: k.Orchestrator, Model: model, Summary: next.sums[k]}
		fitMembers[i] = scoring.V2Member{Node: k.Orchestrator, Model: model, Summary: next.fitSums[k]}
	}
	var oldModels, oldFit map[string]v2ModelPop
	if old != nil {
		oldModels, oldFit = old.models, old.fitModels
	}
	next.models = modelPops(keys, members, next.hashes, oldModels)
	next.fitModels = modelPops(keys, fitMembers, next.fitHashes, oldFit)
	if old != nil && old.fitAll == next.fitAll {
		next.alpha, next.eps = old.alpha, old.eps
	} else {
		next.alpha, next.eps = scoring.FitV2Nodes(fitMembers, popsOf(next.fitModels))
	}
	pool := scoring.PoolV2NodesAt(members, popsOf(next.models), next.alpha, next.eps)
	withTests := map[string]int{} // per orchestrator
	for i, k := range keys {
		if members[i].Summary.Tests > 0 {
			withTests[k.Orchestrator]++
		}
	}
	next.out = make(map[v2Key]V2, len(keys))
	for i, k := range keys {
		pop, sum := pool.Populations[i], members[i].Summary
		v := v2Of(scoring.ScoreV2(sum, pop, params), sum, pop)
		others := withTests[k.Orchestrator]
		if sum.Tests > 0 {
			others--
		}
		// A node whose other series have no tests lends nothing (their
		// factor is flat), though the prior was technically pooled.
		if pop.NodePooled() && others > 0 {
			v.NodeWeight, v.NodeSeries = pool.Alpha, others
		}
		next.out[k] = v
	}
	return next
}

// summary is the summary of k's hours (or, fit, of its hours but the
// newest), old's when their hash is old's.
func summary(old *v2Entry, k v2Key, h uint64, hours []scoring.V2Hour, p scoring.V2Params, fit bool) scoring.V2Summary {
	if old != nil {
		hashes, sums := old.hashes, old.sums
		if fit {
			hashes, sums = old.fitHashes, old.fitSums
		}
		if s, ok := sums[k]; ok && hashes[k] == h {
			return s
		}
	}
	return scoring.SummarizeV2(hours, p)
}

// modelPops pools each model's members (in key order), keeping old's
// population of a model whose members and their hashes are unchanged.
func modelPops(keys []v2Key, members []scoring.V2Member, hashes map[v2Key]uint64, old map[string]v2ModelPop) map[string]v2ModelPop {
	hs := map[string]*keyHash{}
	byModel := map[string][]scoring.V2Summary{}
	for i, k := range keys {
		m := members[i].Model
		if hs[m] == nil {
			hs[m] = newKeyHash()
		}
		hs[m].add(k, hashes[k])
		byModel[m] = append(byModel[m], members[i].Summary)
	}
	out := make(map[string]v2ModelPop, len(byModel))
	for m, sums := range byModel {
		h := hs[m].sum()
		if p, ok := old[m]; ok && p.hash == h {
			out[m] = p
			continue
		}
		out[m] = v2ModelPop{hash: h, pop: scoring.PoolV2(sums)}
	}
	return out
}

func popsOf(m map[string]v2ModelPop) map[string]scoring.V2Population {
	out := make(map[string]scoring.V2Population, len(m))
	for k, p := range m {
		out[k] = p.pop
	}
	return out
}

// keyHash hashes series names with a hash each, in order.
type keyHash struct{ h maphash.Hash }

func newKeyHash() *keyHash {
	k := &keyHash{}
	k.h.SetSeed(v2HashSeed)
	return k
}

func (k *keyHash) add(key v2Key, h uint64) {
	for _, part := range [...]string{key.Orchestrator, key.Region, key.Pipeline, key.Model} {
		k.h.WriteString(part)
		k.h.WriteByte(0)
	}
	var buf [8]byte
	binary.LittleEndian.PutUint64(buf[:], h)
	k.h.Write(buf[:])
}

func (k *keyHash) sum() uint64 { return k.h.Sum64() }
