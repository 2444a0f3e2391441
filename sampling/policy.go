// Package sampling decides which orchestrator × pipeline/model series to
// test in one round of the tester, within a test budget. It is a pure
// policy: numbers in, counts out; the planner (jobs) feeds it the scores it
// read and runs what it returns. docs/scoring.md measures it against the
// uniform sweep.
//
// A round spends its budget in this order:
//
//  1. the floor: every series whose last attempt is so old that waiting
//     one more round would exceed Params.FloorHours gets one test, oldest
//     first — no series is ever starved;
//  2. alarms: a series whose change statistic reached Params.Alarm (its
//     recent results disagree with its history) gets Params.FollowUp tests,
//     strongest first, so a node going bad or coming back is confirmed
//     within a round or two instead of a day;
//  3. retries: a series whose last attempt found no capacity, and that is
//     not known to be busy now, gets one test (that attempt told nothing);
//  4. the rest (less Params.Reserve of the budget, held back for
//     follow-ups within the round, see FollowUps), one test at a time, to
//     the series whose rank is least
//     settled: the width of its interval times the number of rivals of its
//     group whose scores lie inside it, discounted by the tests it already
//     got this round and raised by the time since its last test.
package sampling

import (
	"container/heap"
	"math"
	"sort"
)

// Series is what the policy knows of one series at the start of a round.
type Series struct {
	Group            int     // the ranking it belongs to (one pipeline and model, one region)
	Score, Low, High float64 // current score and its interval
	Change           float64 // change statistic of its recent results (scoring.V2Summary.Change)
	SinceTest        float64 // hours since its last attempt of any outcome (+Inf: never)
	LastUnavailable  bool    // its last attempt found no capacity
	Busy             bool    // capacity data says it has no free capacity now
}

// Params tune the policy.
type Params struct {
	RoundHours   float64 // hours between rounds (1 for an hourly planner)
	FloorHours   float64 // longest a series may go without an attempt
	Alarm        float64 // change statistic that triggers follow-up tests
	FollowUp     int     // tests an alarmed series gets in one round
	MaxPerSeries int     // most tests one series gets in one round
	// Follow-ups within a round (followup.go).
	Reserve   float64 // share of a round's budget held back for follow-ups
	Suspect   float64 // the success rate a surprising failure suggests a node fell to
	Surprise  float64 // odds (fell : as scored) from which a series is followed up
	Confirmed float64 // odds past which no more follow-up is needed
}

// DefaultParams are the policy's settings in the evaluation.
func DefaultParams() Params {
	return Params{RoundHours: 1, FloorHours: 4, Alarm: 5, FollowUp: 2, MaxPerSeries: 5,
		Reserve: 0.1, Suspect: 0.5, Surprise: 4, Confirmed: 200}
}

// Plan returns how many tests each series gets this round; the counts add
// up to at most budget, and after the floor a share Params.Reserve of the
// budget is left for FollowUps. When the budget cannot cover every series due on
// its floor, the longest-untested go first and short reports how many
// floor tests were left out (0 whenever budget ≥ due).
func Plan(series []Series, budget int, p Params) (counts []int, short int) {
	counts = make([]int, len(series))
	left := max(budget, 0)
	maxPer := max(p.MaxPerSeries, 1)
	give := func(i, n int) {
		n = min(n, left, maxPer-counts[i])
		if n > 0 {
			counts[i] += n
			left -= n
		}
	}
	order := make([]int, len(series))
	for i := range order {
		order[i] = i
	}
	// 1. The floor, oldest first (ties by index, so plans are reproducible).
	sort.SliceStable(order, func(a, b int) bool { return series[order[a]].SinceTest > series[order[b]].SinceTest })
	for _, i := range order {
		if due(series[i], p) {
			if left == 0 {
				short++
				continue
			}
			give(i, 1)
		}
	}
	// Hold back the follow-ups' share (the floor comes before it).
	held := min(left, int(math.Round(math.Max(p.Reserve, 0)*float64(max(budget, 0)))))
	left -= held
	// 2. Alarms, strongest first.
	sort.SliceStable(order, func(a, b int) bool { return series[order[a]].Change > series[order[b]].Change })
	for _, i := range order {
		if s := series[i]; s.Change >= p.Alarm && !s.Busy {
			give(i, p.FollowUp-counts[i])
		}
	}
	// 3. Retries of attempts that found no capacity.
	for i, s := range series {
		if s.LastUnavailable && !s.Busy && counts[i] == 0 {
			give(i, 1)
		}
	}
	// 4. The rest, to the least settled ranks.
	spread(series, counts, &left, maxPer, p)
	return counts, short
}

// due reports whether s must be tested this round to keep its floor.
func due(s Series, p Params) bool {
	return math.IsInf(s.SinceTest, 1) || s.SinceTest+p.RoundHours > p.FloorHours
}

// spread hands out the remaining budget one test at a time to the series
// of highest priority.
func spread(series []Series, counts []int, left *int, maxPer int, p Params) {
	if *left == 0 || len(series) == 0 {
		return
	}
	rivals := overlaps(series)
	h := &queue{}
	for i, s := range series {
		if s.Busy || counts[i] >= maxPer {
			continue
		}
		width := math.Max(s.High-s.Low, 1e-6)
		age := 1 + math.Min(s.SinceTest, p.FloorHours)/math.Max(p.FloorHours, 1)
		base := width * float64(1+rivals[i]) * age
		heap.Push(h, item{i: i, base: base, prio: base / float64(1+counts[i])})
	}
	for *left > 0 && h.Len() > 0 {
		it := heap.Pop(h).(item)
		counts[it.i]++
		*left--
		if counts[it.i] < maxPer {
			it.prio = it.base / float64(1+counts[it.i])
			heap.Push(h, it)
		}
	}
}

// overlaps counts, for each series, the other series of its group whose
// score lies inside its interval: the rivals its rank is not settled
// against.
func overlaps(series []Series) []int {
	byGroup := map[int][]float64{}
	for _, s := range series {
		byGroup[s.Group] = append(byGroup[s.Group], s.Score)
	}
	for _, v := range byGroup {
		sort.Float64s(v)
	}
	out := make([]int, len(series))
	for i, s := range series {
		v := byGroup[s.Group]
		lo := sort.SearchFloat64s(v, s.Low)
		hi := sort.Search(len(v), func(j int) bool { return v[j] > s.High })
		n := hi - lo
		if s.Score >= s.Low && s.Score <= s.High {
			n-- // itself
		}
		out[i] = max(n, 0)
	}
	return out
}

type item struct {
	i          int
	base, prio float64
}

type queue []item

func (q queue) Len() int { return len(q) }
func (q queue) Less(a, b int) bool {
	if q[a].prio != q[b].prio {
		return q[a].prio > q[b].prio
	}
	return q[a].i < q[b].i
}
func (q queue) Swap(a, b int) { q[a], q[b] = q[b], q[a] }
func (q *queue) Push(x any)   { *q = append(*q, x.(item)) }
func (q *queue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}
