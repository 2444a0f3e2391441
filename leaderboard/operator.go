package leaderboard

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"jobtester/models"
	"jobtester/scoring"
)

// The operator's report: what an orchestrator's own results in a window
// say about why it ranks where it does. One pass over its results (the
// export's read) gives the failures by reason and time, its own latencies
// and its unavailable share; the model's typical latency is the median of
// every orchestrator's (the compatible score's reference).

// OperatorStore is what the report reads.
type OperatorStore interface {
	EachResult(ctx context.Context, orchestrator string, from, to time.Time, fn func(*models.RawResult) error) error
	MedianRoundTripTime(ctx context.Context, pipeline, model, region string, w models.Window) (float64, error)
}

var _ OperatorStore = (*models.Store)(nil)

// maxReasons is how many failure reasons the report names; the rest are
// counted together as "other".
const maxReasons = 8

// OperatorReport is the report of one orchestrator over [From, To).
type OperatorReport struct {
	From, To time.Time
	Bucket   time.Duration // the width of a column of Reasons
	Buckets  []time.Time   // each column's start
	// Attempts counts every result; Passed, Failed, Unavailable and
	// TesterErrors split them by outcome.
	Attempts, Passed, Failed, Unavailable, TesterErrors int
	Reasons                                             []ReasonRow      // failures by reason, most first
	Latency                                             []LatencyRow     // per series with passes, slowest against typical first
	NoCapacity                                          []UnavailableRow // per pipeline and model with unavailable attempts, highest share first
}

// ReasonRow is one failure reason and its failures per bucket.
type ReasonRow struct {
	Reason  string
	Total   int
	Counts  []int  // per bucket of the report
	Example string // a job it happened on: "pipeline · model · region"
	Last    time.Time
}

// LatencyRow is one series' median round-trip time against the model's
// typical in the same region.
type LatencyRow struct {
	Pipeline, Model, Region string
	Samples                 int     // passed jobs with a round-trip time
	Median                  float64 // seconds
	Typical                 float64 // seconds; 0: no typical (transcoding, or no successful job)
}

// Ratio is Median over Typical, 0 when there is no typical.
func (l LatencyRow) Ratio() float64 {
	if l.Typical <= 0 {
		return 0
	}
	return l.Median / l.Typical
}

// UnavailableRow is one pipeline and model's attempts and how many found
// no capacity.
type UnavailableRow struct {
	Pipeline, Model       string
	Attempts, Unavailable int
}

// Share is the unavailable fraction of the attempts.
func (u UnavailableRow) Share() float64 { return float64(u.Unavailable) / float64(max(u.Attempts, 1)) }

// FailureReason is why a failed result failed, in a few words: its first
// error (code and message), else the gateway's status, else what the
// numbers say.
func FailureReason(r *models.RawResult) string {
	if errs := r.Stats().Errors; len(errs) > 0 {
		e := errs[0]
		s := strings.TrimSpace(e.ErrorCode)
		if m := strings.Join(strings.Fields(e.Message), " "); m != "" {
			if s != "" {
				s += ": "
			}
			s += m
		}
		if len(s) > 90 {
			s = s[:87] + "…"
		}
		if s != "" {
			return s
		}
	}
	switch {
	case r.HTTPStatus >= 400:
		return "HTTP " + strconv.Itoa(r.HTTPStatus)
	case r.Pipeline == "" && r.SegmentsSent > 0:
		return "segments lost"
	case r.SuccessRate < 1:
		return "the job did not succeed (no error given)"
	}
	return "the answer failed a check"
}

// OperatorBucket is the column width of a window: hours up to two days,
// days beyond.
func OperatorBucket(d time.Duration) time.Duration {
	if d <= 48*time.Hour {
		return time.Hour
	}
	return 24 * time.Hour
}

type seriesKey struct{ pipeline, model, region string }

// Operator builds the report of orch over [from, to).
func Operator(ctx context.Context, st OperatorStore, orch string, from, to time.Time) (*OperatorReport, error) {
	rep := &OperatorReport{From: from.UTC(), To: to.UTC(), Bucket: OperatorBucket(to.Sub(from))}
	start := rep.From.Truncate(rep.Bucket)
	for t := start; t.Before(rep.To); t = t.Add(rep.Bucket) {
		rep.Buckets = append(rep.Buckets, t)
	}
	reasons := map[string]*ReasonRow{}
	rtts := map[seriesKey][]float64{}
	unavail := map[[2]string]*UnavailableRow{}
	err := st.EachResult(ctx, orch, from, to, func(r *models.RawResult) error {
		rep.Attempts++
		pm := [2]string{r.Pipeline, r.Model}
		u := unavail[pm]
		if u == nil {
			u = &UnavailableRow{Pipeline: r.Pipeline, Model: r.Model}
			unavail[pm] = u
		}
		u.Attempts++
		switch r.Outcome {
		case models.OutcomePass:
			rep.Passed++
			if r.RoundTripTime > 0 {
				k := seriesKey{r.Pipeline, r.Model, r.Region}
				rtts[k] = append(rtts[k], r.RoundTripTime)
			}
		case models.OutcomeUnavailable:
			rep.Unavailable++
			u.Unavailable++
		case models.OutcomeTesterError:
			rep.TesterErrors++
		case models.OutcomeFail:
			rep.Failed++
			rep.addFailure(reasons, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("operator report of %s: %w", orch, err)
	}
	rep.Reasons = topReasons(reasons, len(rep.Buckets))
	for _, u := range unavail {
		if u.Unavailable > 0 {
			rep.NoCapacity = append(rep.NoCapacity, *u)
		}
	}
	sort.Slice(rep.NoCapacity, func(i, j int) bool {
		a, b := rep.NoCapacity[i], rep.NoCapacity[j]
		if a.Share() != b.Share() {
			return a.Share() > b.Share()
		}
		return a.Pipeline+a.Model < b.Pipeline+b.Model
	})
	if rep.Latency, err = latencyRows(ctx, st, rtts, models.Window{Since: from, Until: to}); err != nil {
		return nil, err
	}
	return rep, nil
}

// addFailure counts a failed result under its reason and bucket.
func (rep *OperatorReport) addFailure(reasons map[string]*ReasonRow, r *models.RawResult) {
	reason := FailureReason(r)
	row := reasons[reason]
	if row == nil {
		row = &ReasonRow{Reason: reason, Counts: make([]int, len(rep.Buckets))}
		reasons[reason] = row
	}
	row.Total++
	if i := int(r.ReceivedAt.UTC().Sub(rep.Buckets[0]) / rep.Bucket); i >= 0 && i < len(row.Counts) {
		row.Counts[i]++
	}
	if !r.ReceivedAt.Before(row.Last) { // rows come oldest first: the last one seen is the newest
		row.Last = r.ReceivedAt.UTC()
		row.Example = seriesLabel(r.Pipeline, r.Model, r.Region)
	}
}

func seriesLabel(pipeline, model, region string) string {
	if pipeline == "" {
		return "Transcoding · " + region
	}
	return pipeline + " · " + model + " · " + region
}

// topReasons sorts reasons by count and folds those after maxReasons into
// one "other reasons" row.
func topReasons(m map[string]*ReasonRow, buckets int) []ReasonRow {
	rows := make([]ReasonRow, 0, len(m))
	for _, r := range m {
		rows = append(rows, *r)
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Total != rows[j].Total {
			return rows[i].Total > rows[j].Total
		}
		return rows[i].Reason < rows[j].Reason
	})
	if len(rows) <= maxReasons {
		return rows
	}
	other := ReasonRow{Reason: fmt.Sprintf("%d other reasons", len(rows)-maxReasons+1), Counts: make([]int, buckets)}
	for _, r := range rows[maxReasons-1:] {
		other.Total += r.Total
		for i, c := range r.Counts {
			other.Counts[i] += c
		}
		if r.Last.After(other.Last) {
			other.Last, other.Example = r.Last, r.Example
		}
	}
	return append(rows[:maxReasons-1], other)
}

// latencyRows is each series' median against its model's typical in the
// region, the slowest relative to typical first.
func latencyRows(ctx context.Context, st OperatorStore, rtts map[seriesKey][]float64, w models.Window) ([]LatencyRow, error) {
	out := make([]LatencyRow, 0, len(rtts))
	for k, v := range rtts {
		row := LatencyRow{Pipeline: k.pipeline, Model: k.model, Region: k.region, Samples: len(v), Median: scoring.MedianOf(v)}
		if k.pipeline != "" {
			typical, err := st.MedianRoundTripTime(ctx, k.pipeline, k.model, k.region, w)
			if err != nil {
				return nil, fmt.Errorf("typical latency of %s: %w", seriesLabel(k.pipeline, k.model, k.region), err)
			}
			row.Typical = typical
		}
		out = append(out, row)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Ratio() != b.Ratio() {
			return a.Ratio() > b.Ratio()
		}
		return seriesLabel(a.Pipeline, a.Model, a.Region) < seriesLabel(b.Pipeline, b.Model, b.Region)
	})
	return out, nil
}
