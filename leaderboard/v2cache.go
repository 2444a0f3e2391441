package leaderboard

import (
	"context"
	"encoding/binary"
	"hash/maphash"
	"maps"
	"math"
	"sync"
	"time"

	"jobtester/models"
	"jobtester/scoring"
)

// V2Cache keeps score v2's work between reads. Scoring a job type's
// series costs far more than reading their hours (a change search and a
// latency median per series, each model's population fitted over its
// nodes, then the node pooling over them all), while the hours change
// only where results are written. So the cache keeps, per scope (job
// type and region, regions apart or not: v2PoolScope), each series'
// summary with a hash of the hours it was made from, and the answer with
// a hash of all of them. A read hashes the hours it has just read: a
// series whose hash is unchanged keeps its summary, and a scope none of
// whose series changed keeps its answer; a changed series is summarised
// again and the scope pooled and scored again.
//
// Nothing is invalidated by hand: a write to an hour, by this instance
// or another (once the rollup sync or the results at a window's edge
// show it), changes what the next read reads, hence its hash. The answer
// is therefore the uncached computation's, bit for bit, unless two
// different hours hash alike (64-bit hashes: a chance of 2^-64 per
// changed series). A new hour changes every age, so each scope is scored
// afresh once an hour.
//
// One shortcut skips even the read: a read in the same hour as an earlier
// one, with the store's rollups unchanged since (RollupGeneration) and no
// result received between the two instants (one indexed query), gets the
// earlier answer; the rollups change with every write of this instance,
// every sync of another's and every prune. Reading the hours is most of a
// read's cost once the scoring is cached (docs/scoring.md).
//
// A nil *V2Cache computes every read afresh. V2Cache is safe for
// concurrent use; concurrent misses of one scope each compute, and the
// last one's result is kept.
type V2Cache struct {
	mu      sync.Mutex
	entries map[v2Scope]*v2Entry
	uses    int64
	reads   map[v2Read]v2ReadAnswer // whole answers by what they were read from
	// news is the last answer of ResultsReceived: a page may read v2
	// more than once at one instant, and every read after the first would ask
	// the store the same question (on PostgreSQL a round trip each).
	news v2News
}

// v2News is whether results were received in (after, upTo], asked while
// the rollups were at generation gen.
type v2News struct {
	after, upTo time.Time
	gen         int64
	news        bool
}

// v2Read is what a whole read's answer depends on besides the results of
// its last, partial hour: the filter, regions apart or not, the hour, the
// rollups' generation.
type v2Read struct {
	f        models.Filter
	byRegion bool
	hour     int64
	gen      int64
}

// v2ReadAnswer is a whole read's answer and the instant it was read at.
type v2ReadAnswer struct {
	at  time.Time
	out map[v2Key]V2
}

// generationStore is a store that says when its rollups changed, and
// whether results arrived in a span of time.
type generationStore interface {
	RollupGeneration() (int64, bool)
	ResultsReceived(ctx context.Context, after, upTo time.Time) (bool, error)
}

// lookupRead returns the answer of an earlier read that this one would
// repeat, if the cache holds one, and otherwise the key to store this
// one's under (nil: not to be stored). An earlier read at an instant
// before at, in the same hour, with the rollups unchanged since, is
// repeated when no result was received between the two instants: what
// either read sees of the partial hour is then the same.
func (c *V2Cache) lookupRead(ctx context.Context, st V2Store, f models.Filter, byRegion bool, at time.Time) (*v2Read, map[v2Key]V2) {
	gs, ok := st.(generationStore)
	if c == nil || !ok {
		return nil, nil
	}
	gen, ok := gs.RollupGeneration()
	if !ok {
		return nil, nil
	}
	_, end := v2Window(at)
	r := v2Read{f: f, byRegion: byRegion, hour: end.Unix(), gen: gen}
	c.mu.Lock()
	prev, ok := c.reads[r]
	c.mu.Unlock()
	if ok && !at.Before(prev.at) {
		if at.Equal(prev.at) {
			return nil, maps.Clone(prev.out)
		}
		if news, err := c.resultsReceived(ctx, gs, prev.at, at, gen); err == nil && !news {
			return nil, maps.Clone(prev.out)
		}
	}
	return &r, nil
}

// resultsReceived asks the store whether results were received in
// (after, upTo], unless the last question was the same at the same
// generation of the rollups (a write by this instance changes it).
func (c *V2Cache) resultsReceived(ctx context.Context, gs generationStore, after, upTo time.Time, gen int64) (bool, error) {
	c.mu.Lock()
	n := c.news
	c.mu.Unlock()
	if n.gen == gen && n.after.Equal(after) && n.upTo.Equal(upTo) {
		return n.news, nil
	}
	news, err := gs.ResultsReceived(ctx, after, upTo)
	if err != nil {
		return false, err
	}
	c.mu.Lock()
	c.news = v2News{after: after, upTo: upTo, gen: gen, news: news}
	c.mu.Unlock()
	return news, nil
}

// storeRead keeps a whole answer under the key lookupRead gave (read
// before the answer was computed, so a write meanwhile makes it miss).
func (c *V2Cache) storeRead(r *v2Read, at time.Time, out map[v2Key]V2) {
	if c == nil || r == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.reads == nil || len(c.reads) >= v2CacheEntries {
		c.reads = map[v2Read]v2ReadAnswer{} // older generations are dead anyway
	}
	c.reads[*r] = v2ReadAnswer{at: at, out: maps.Clone(out)}
}

// v2CacheEntries bounds the scopes kept (and the whole answers): a job
// type per region, each a few hundred kilobytes at a network of a
// thousand series.
const v2CacheEntries = 256

// NewV2Cache returns an empty cache.
func NewV2Cache() *V2Cache {
	return &V2Cache{entries: map[v2Scope]*v2Entry{}}
}

// v2Scope is what v2 scores together: the series of a job type (and
// region) as v2PoolScope selects them, with regions apart or added up.
type v2Scope struct {
	f        models.Filter
	byRegion bool
}

// scoreScope scores one scope's series (keys, in a fixed order), reusing
// what the cache holds of the parts that did not change (v2pool.go).
func (c *V2Cache) scoreScope(scope v2Scope, keys []v2Key, hours map[v2Key][]scoring.V2Hour) map[v2Key]V2 {
	if c == nil {
		return scoreV2Scope(nil, keys, hours, nil).out
	}
	old := c.get(scope)
	next := scoreV2Scope(old, keys, hours, hashHours)
	if next != old {
		c.put(scope, next)
	}
	return next.out
}

// v2HashSeed seeds every hash the cache compares (a process's own: the
// hashes are never stored or sent).
var v2HashSeed = maphash.MakeSeed()

// hashHours hashes every field of every hour, ages included.
func hashHours(hs []scoring.V2Hour) uint64 {
	var h maphash.Hash
	h.SetSeed(v2HashSeed)
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
