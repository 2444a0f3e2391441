package handlers

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"jobtester/models"
)

// OutboxCounter is what the outbox gauges read.
type OutboxCounter interface {
	OutboxStats(ctx context.Context) (models.OutboxStats, error)
}

var _ OutboxCounter = (*models.Store)(nil)

// outboxCollector reports the outbox of results to forward at each scrape:
// one query, with a deadline so a slow database cannot hang /metrics (a
// failed count reports nothing rather than a wrong figure).
type outboxCollector struct {
	st                    OutboxCounter
	depth, oldest, parked *prometheus.Desc
}

func newOutboxCollector(st OutboxCounter) *outboxCollector {
	return &outboxCollector{st: st,
		depth:  prometheus.NewDesc("jobtester_outbox_depth", "Results waiting in the outbox to be forwarded to the central leaderboard (parked ones aside).", nil, nil),
		oldest: prometheus.NewDesc("jobtester_outbox_oldest_age_seconds", "Age of the oldest result waiting in the outbox (0: none).", nil, nil),
		parked: prometheus.NewDesc("jobtester_outbox_parked", "Results the central leaderboard refused for good, kept in the outbox with the reason.", nil, nil),
	}
}

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.depth
	ch <- c.oldest
	ch <- c.parked
}

func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	s, err := c.st.OutboxStats(ctx)
	if err != nil {
		return // an invalid metric would fail the whole scrape
	}
	ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(s.Depth))
	ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, s.OldestAge.Seconds())
	ch <- prometheus.MustNewConstMetric(c.parked, prometheus.GaugeValue, float64(s.Parked))
}
