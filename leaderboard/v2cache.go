package leaderboard

import (
	"encoding/binary"
	"hash/maphash"
	"math"
	"sync"

	"jobtester/models"
	"jobtester/scoring"
)

// V2Cache keeps score v2's work between reads. Scoring a pipeline and
// model costs far more than reading its hours (a change search and a
// latency median per series, then the population's fit over every
// node), while the hours change only where results are written. So the
// cache keeps, per pipeline and model as a read selects it, each series'
// summary with a hash of the hours it was made from, and the answer with
// a hash of all of them. A read hashes the hours it has just read: a
// series whose hash is unchanged keeps its summary, and a model none of
// whose series changed keeps its answer; a changed series is summarised
// again and its model pooled and scored again.
//
// Nothing is invalidated by hand: a write to an hour, by this instance
// or another (once the rollup sync or the results at a window's edge
// show it), changes what the next read reads, hence its hash. The answer
// is therefore the uncached computation's, bit for bit, unless two
// different hours hash alike (64-bit hashes: a chance of 2^-64 per
// changed series). A new hour changes every age, so each model is scored
// afresh once an hour.
//
// A nil *V2Cache computes every read afresh. V2Cache is safe for
// concurrent use; concurrent misses of one model each compute, and the
// last one's result is kept.
type V2Cache struct {
	seed    maphash.Seed
	mu      sync.Mutex
	entries map[v2Scope]*v2Entry
	uses    int64
}

// v2CacheEntries bounds the pipelines and models (per filter) kept: a
// few hundred, tens of kilobytes each.
const v2CacheEntries = 256

// NewV2Cache returns an empty cache.
func NewV2Cache() *V2Cache {
	return &V2Cache{seed: maphash.MakeSeed(), entries: map[v2Scope]*v2Entry{}}
}

// v2Scope is one population: a pipeline and model as a filter selects
// its nodes (its region or job type), with regions apart or added up.
type v2Scope struct {
	f               models.Filter
	byRegion        bool
	pipeline, model string
}

// v2Entry is what one scope's last scoring left. It is never changed
// once stored; a newer scoring replaces it.
type v2Entry struct {
	hashes  map[v2Key]uint64
	sums    map[v2Key]scoring.V2Summary
	all     uint64 // hash of the keys and their hashes, in order
	out     map[v2Key]V2
	lastUse int64
}

// scoreModel scores one model's series (keys, in a fixed order), reusing
// what the cache holds for the hours that did not change.
func (c *V2Cache) scoreModel(scope v2Scope, keys []v2Key, hours map[v2Key][]scoring.V2Hour) map[v2Key]V2 {
	params := scoring.DefaultV2()
	sums := make([]scoring.V2Summary, len(keys))
	if c == nil {
		for i, k := range keys {
			sums[i] = scoring.SummarizeV2(hours[k], params)
		}
		_, out := scoreV2Model(keys, sums)
		return out
	}
	hashes := make(map[v2Key]uint64, len(keys))
	var all maphash.Hash
	all.SetSeed(c.seed)
	var buf [8]byte
	for _, k := range keys {
		h := c.hashHours(hours[k])
		hashes[k] = h
		all.WriteString(k.Orchestrator)
		all.WriteByte(0)
		all.WriteString(k.Region)
		all.WriteByte(0)
		binary.LittleEndian.PutUint64(buf[:], h)
		all.Write(buf[:])
	}
	sum := all.Sum64()
	old := c.get(scope)
	if old != nil && old.all == sum && len(old.out) == len(keys) {
		return old.out
	}
	next := &v2Entry{hashes: hashes, sums: make(map[v2Key]scoring.V2Summary, len(keys)), all: sum}
	for i, k := range keys {
		if old != nil && old.hashes[k] == hashes[k] {
			if s, ok := old.sums[k]; ok {
				sums[i] = s
				next.sums[k] = s
				continue
			}
		}
		sums[i] = scoring.SummarizeV2(hours[k], params)
		next.sums[k] = sums[i]
	}
	_, next.out = scoreV2Model(keys, sums)
	c.put(scope, next)
	return next.out
}

// hashHours hashes every field of every hour, ages included.
func (c *V2Cache) hashHours(hs []scoring.V2Hour) uint64 {
	var h maphash.Hash
	h.SetSeed(c.seed)
	var b [40]byte
	for _, x := range hs {
		binary.LittleEndian.PutUint64(b[0:], math.Float64bits(x.Age))
		binary.LittleEndian.PutUint64(b[8:], uint64(x.Passed))
		binary.LittleEndian.PutUint64(b[16:], uint64(x.Failed))
		binary.LittleEndian.PutUint64(b[24:], uint64(x.Unavailable))
		binary.LittleEndian.PutUint64(b[32:], math.Float64bits(x.SumPassedRTT))
		h.Write(b[:])
	}
	return h.Sum64()
}

func (c *V2Cache) get(scope v2Scope) *v2Entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[scope]
	if e != nil {
		c.uses++
		e.lastUse = c.uses
	}
	return e
}

// put stores e for scope, forgetting the least recently used scope when
// the cache is full.
func (c *V2Cache) put(scope v2Scope, e *v2Entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[scope]; !ok && len(c.entries) >= v2CacheEntries {
		var oldest v2Scope
		use := int64(math.MaxInt64)
		for s, x := range c.entries {
			if x.lastUse < use {
				oldest, use = s, x.lastUse
			}
		}
		delete(c.entries, oldest)
	}
	c.uses++
	e.lastUse = c.uses
	c.entries[scope] = e
}
