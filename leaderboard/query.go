package leaderboard

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"jobtester/ingest"
)

// LivePipeline is the pipeline name live-video results are stored under as
// compatible records.
const LivePipeline = "Live video to video"

// jobSep joins pipeline and model in the job selector's value. Neither
// Livepeer pipeline names nor Hugging Face model IDs contain it.
const jobSep = "::"

// Window is a look-back the table offers.
type Window struct {
	Key   string // query value
	Label string
	D     time.Duration
}

// Windows are the look-backs the table offers.
var Windows = []Window{
	{"1h", "1 hour", time.Hour},
	{"24h", "24 hours", 24 * time.Hour},
	{"7d", "7 days", 7 * 24 * time.Hour},
}

// Sort keys of the table, by query value.
const (
	SortOrchestrator = "orchestrator"
	SortScore        = "score"
	SortReliability  = "reliability"
	SortV2           = "v2"
	SortLive         = "live"
	SortSuccess      = "success"
	SortLatency      = "latency"
	SortSamples      = "samples"
)

// Query is what the table shows, from the URL of the page or of
// /api/v1/leaderboard.
type Query struct {
	Pipeline string `json:"pipeline"` // "" for transcoding
	Model    string `json:"model"`
	Region   string `json:"region"` // "" for all regions
	Window   string `json:"window"` // 1h, 24h, 7d
	Sort     string `json:"sort"`
	Desc     bool   `json:"desc"`
	// pickJob: the URL named no job; Build shows the job with the most
	// results in the last 7 days (transcoding when tied or empty), so a
	// tester of AI only does not greet its users with an empty table.
	pickJob bool
}

// JobKey is the job selector's value of the query.
func (q Query) JobKey() string {
	if q.Pipeline == "" {
		return ingest.JobTypeTranscoding
	}
	return q.Pipeline + jobSep + q.Model
}

// JobType is transcoding or ai.
func (q Query) JobType() string {
	if q.Pipeline == "" {
		return ingest.JobTypeTranscoding
	}
	return ingest.JobTypeAI
}

// Live reports whether the job is a live-video model.
func (q Query) Live() bool { return q.Pipeline == LivePipeline }

func (q Query) window() time.Duration {
	for _, w := range Windows {
		if w.Key == q.Window {
			return w.D
		}
	}
	return 24 * time.Hour
}

// Values encodes the query for a URL, leaving out defaults; ParseQuery
// reads it back.
func (q Query) Values() url.Values {
	// The job is always named: without it the table picks a default that
	// depends on the data.
	v := url.Values{}
	v.Set("job", q.JobKey())
	if q.Region != "" {
		v.Set("region", q.Region)
	}
	if q.Window != "24h" {
		v.Set("window", q.Window)
	}
	if q.Sort != SortScore {
		v.Set("sort", q.Sort)
	}
	if q.Desc != naturalDesc(q.Sort) {
		v.Set("dir", SortDir(q.Desc))
	}
	return v
}

// SortedBy returns the query sorted by key: the current key flips
// direction; a new key starts in its natural direction (best first).
func (q Query) SortedBy(key string) Query {
	if q.Sort == key {
		q.Desc = !q.Desc
		return q
	}
	q.Sort = key
	q.Desc = naturalDesc(key)
	return q
}

// SortDir is the query value of a direction.
func SortDir(desc bool) string {
	if desc {
		return "desc"
	}
	return "asc"
}

// naturalDesc is the direction a column sorts in first: best first, so
// scores high to low, latency low to high, names A to Z.
func naturalDesc(key string) bool { return key != SortOrchestrator && key != SortLatency }

// ParseQuery reads the query from URL values. Unknown values are errors
// (the callers answer 400), never silently replaced, so a shared link means
// one thing.
func ParseQuery(v url.Values) (Query, error) {
	q := Query{Window: "24h", Sort: SortScore, Desc: true}
	job := strings.TrimSpace(v.Get("job"))
	if p, m := strings.TrimSpace(v.Get("pipeline")), strings.TrimSpace(v.Get("model")); p != "" || m != "" {
		if p == "" || m == "" {
			return q, fmt.Errorf("pipeline and model go together")
		}
		job = p + jobSep + m
	}
	switch {
	case job == "":
		q.pickJob = true
	case job == ingest.JobTypeTranscoding:
	default:
		p, m, ok := strings.Cut(job, jobSep)
		if !ok || p == "" || m == "" {
			return q, fmt.Errorf("job must be %q or pipeline%smodel", ingest.JobTypeTranscoding, jobSep)
		}
		q.Pipeline, q.Model = p, m
	}
	q.Region = strings.ToUpper(strings.TrimSpace(v.Get("region")))
	if w := v.Get("window"); w != "" {
		if WindowLabel(w) == "" {
			return q, fmt.Errorf("window must be 1h, 24h or 7d")
		}
		q.Window = w
	}
	if s := v.Get("sort"); s != "" {
		switch s {
		case SortOrchestrator, SortScore, SortReliability, SortV2, SortLive, SortSuccess, SortLatency, SortSamples:
			q.Sort, q.Desc = s, naturalDesc(s)
		default:
			return q, fmt.Errorf("sort must be one of orchestrator, score, reliability, v2, live, success, latency, samples")
		}
	}
	switch v.Get("dir") {
	case "":
	case "asc":
		q.Desc = false
	case "desc":
		q.Desc = true
	default:
		return q, fmt.Errorf("dir must be asc or desc")
	}
	return q, nil
}

// WindowLabel names a window by its key; "" for a key not offered.
func WindowLabel(key string) string {
	for _, w := range Windows {
		if w.Key == key {
			return w.Label
		}
	}
	return ""
}
