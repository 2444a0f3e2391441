package rollup

import (
	"sort"
	"sync"
)

// Key identifies one series: an orchestrator in a region, for one pipeline
// and model (both empty for transcoding). The region ID also fixes the job
// type, as regions are per job type.
type Key struct {
	Orchestrator string
	RegionID     int64
	Pipeline     string
	Model        string
}

// Totals are additive: counts and sums, never averages, so any set of
// buckets adds up to the exact totals of the results in them.
type Totals struct {
	Results                int64
	SumSuccessRate         float64
	SumSegDuration         float64
	SumRoundTripTime       float64
	Passed                 int64
	SumPassedRoundTripTime float64
	// Unavailable counts the attempts that found no capacity. They are not
	// scored (Results leaves them out, as leaderboard-serverless did), but
	// score v2 reports them and excuses them only up to a point.
	Unavailable int64
}

// Sub takes o out of t.
func (t *Totals) Sub(o Totals) {
	t.Results -= o.Results
	t.SumSuccessRate -= o.SumSuccessRate
	t.SumSegDuration -= o.SumSegDuration
	t.SumRoundTripTime -= o.SumRoundTripTime
	t.Passed -= o.Passed
	t.SumPassedRoundTripTime -= o.SumPassedRoundTripTime
	t.Unavailable -= o.Unavailable
}

// Add adds o into t.
func (t *Totals) Add(o Totals) {
	t.Results += o.Results
	t.SumSuccessRate += o.SumSuccessRate
	t.SumSegDuration += o.SumSegDuration
	t.SumRoundTripTime += o.SumRoundTripTime
	t.Passed += o.Passed
	t.SumPassedRoundTripTime += o.SumPassedRoundTripTime
	t.Unavailable += o.Unavailable
}

// Bucket is one hour of one series. Hour is the Unix time (seconds) of the
// hour's start; Version increases with every write of the row, so an older
// copy never overwrites a newer one.
type Bucket struct {
	Hour    int64
	Version int64
	Totals
}

// series keeps its buckets sorted by hour together with their running
// totals, so the totals of any window are one subtraction: the cost of a
// read does not grow with the window's length. Writes land in the newest
// hour, where keeping the running totals costs one addition.
type series struct {
	key     Key
	buckets []Bucket // sorted by Hour
	cum     []Totals // cum[i] = buckets[0] + … + buckets[i]
}

// recompute rebuilds the running totals from bucket i on.
func (s *series) recompute(i int) {
	s.cum = s.cum[:min(i, len(s.cum))]
	for ; i < len(s.buckets); i++ {
		var t Totals
		if i > 0 {
			t = s.cum[i-1]
		}
		t.Add(s.buckets[i].Totals)
		s.cum = append(s.cum, t)
	}
}

// Index holds the buckets of every series. It is safe for concurrent use.
type Index struct {
	mu     sync.RWMutex
	series map[Key]*series
	list   []*series // iteration order is insertion order
	gen    int64     // bumped by every change; under mu
}

// Generation changes whenever a bucket changes or is pruned: a reader
// that saw the same generation twice saw the same buckets.
func (ix *Index) Generation() int64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.gen
}

// New returns an empty index.
func New() *Index {
	return &Index{series: make(map[Key]*series)}
}

// Set stores the totals of one bucket unless the index already holds a
// version at least as new. It reports whether the bucket changed.
func (ix *Index) Set(key Key, b Bucket) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if !ix.set(key, b) {
		return false
	}
	ix.gen++
	return true
}

func (ix *Index) set(key Key, b Bucket) bool {
	s := ix.series[key]
	if s == nil {
		s = &series{key: key}
		ix.series[key] = s
		ix.list = append(ix.list, s)
	}
	n := len(s.buckets)
	// Writes almost always land in the newest hour: check the end first.
	if n > 0 && s.buckets[n-1].Hour == b.Hour {
		if s.buckets[n-1].Version >= b.Version {
			return false
		}
		s.buckets[n-1] = b
		s.recompute(n - 1)
		return true
	}
	if n == 0 || s.buckets[n-1].Hour < b.Hour {
		s.buckets = append(s.buckets, b)
		s.recompute(n)
		return true
	}
	i := sort.Search(n, func(i int) bool { return s.buckets[i].Hour >= b.Hour })
	if i < n && s.buckets[i].Hour == b.Hour {
		if s.buckets[i].Version >= b.Version {
			return false
		}
		s.buckets[i] = b
		s.recompute(i)
		return true
	}
	s.buckets = append(s.buckets, Bucket{})
	copy(s.buckets[i+1:], s.buckets[i:])
	s.buckets[i] = b
	s.recompute(i)
	return true
}

// Sum calls fn once for every series that match accepts and that has at
// least one scored result in the hours [fromHour, toHour], with its totals
// over those hours (a series with only unavailable attempts is left out,
// as the compatible answers leave it out). Float sums come from running totals, so they can differ
// from a direct sum in the last bits (far below anything shown). fn runs with the index read-locked, so it must not call back
// into the index.
func (ix *Index) Sum(match func(Key) bool, fromHour, toHour int64, fn func(Key, Totals)) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	for _, s := range ix.list {
		if !match(s.key) {
			continue
		}
		bs := s.buckets
		if len(bs) == 0 || bs[len(bs)-1].Hour < fromHour || bs[0].Hour > toHour {
			continue
		}
		i := sort.Search(len(bs), func(i int) bool { return bs[i].Hour >= fromHour })
		// Windows that end now end at or after a series' last bucket.
		j := len(bs) - 1
		if bs[j].Hour > toHour {
			j = sort.Search(len(bs), func(j int) bool { return bs[j].Hour > toHour }) - 1
		}
		if j < i {
			continue
		}
		t := s.cum[j]
		if i > 0 {
			t.Sub(s.cum[i-1])
		}
		if t.Results > 0 {
			fn(s.key, t)
		}
	}
}

// Prune drops every bucket older than hour, keeping memory bounded by the
// horizon the store keeps in the index.
func (ix *Index) Prune(hour int64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.gen++
	kept := ix.list[:0]
	for _, s := range ix.list {
		i := sort.Search(len(s.buckets), func(i int) bool { return s.buckets[i].Hour >= hour })
		if i > 0 {
			s.buckets = append(s.buckets[:0], s.buckets[i:]...)
			s.recompute(0)
		}
		if len(s.buckets) == 0 {
			delete(ix.series, s.key)
			continue
		}
		kept = append(kept, s)
	}
	for i := len(kept); i < len(ix.list); i++ {
		ix.list[i] = nil
	}
	ix.list = kept
}

// Len is the number of buckets held, for metrics.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n := 0
	for _, s := range ix.list {
		n += len(s.buckets)
	}
	return n
}
