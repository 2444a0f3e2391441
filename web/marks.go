package web

import (
	"context"
	"time"

	"github.com/labstack/echo/v4"

	"jobtester/models"
)

// MarkStore is what the marks every page shows beside its data read: the
// names of nodes and how far the demo's simulated past goes.
type MarkStore interface {
	NodeLabels(ctx context.Context) (map[string]models.NodeLabel, error)
	SimulatedUntil(ctx context.Context) (time.Time, error)
}

var _ MarkStore = (*models.Store)(nil)

// marks are read once per page and reach its components through the
// context, as the fragment flag does: every table that lists an address
// names its node, and every page with results says when they are simulated.
type marks struct {
	labels         map[string]models.NodeLabel
	simulatedUntil time.Time
}

type marksKey struct{}

// marksTimeout bounds reading the marks: two small tables.
const marksTimeout = 5 * time.Second

// withMarks reads the marks and puts them in the request's context. They
// are decoration: when they cannot be read the page shows addresses alone
// and the failure is logged.
func (s *site) withMarks(c echo.Context) {
	ctx := c.Request().Context()
	rctx, cancel := context.WithTimeout(ctx, marksTimeout)
	defer cancel()
	var m marks
	var err error
	if m.labels, err = s.Store.NodeLabels(rctx); err != nil {
		s.Logger.Warn("node names not read; pages show addresses alone", "err", err)
	}
	if m.simulatedUntil, err = s.Store.SimulatedUntil(rctx); err != nil {
		s.Logger.Warn("simulated past not read", "err", err)
	}
	c.SetRequest(c.Request().WithContext(context.WithValue(ctx, marksKey{}, &m)))
}

func marksOf(ctx context.Context) *marks {
	if m, ok := ctx.Value(marksKey{}).(*marks); ok {
		return m
	}
	return &marks{}
}

// nodeLabel is "name · host" of an address, "" when it has neither.
func nodeLabel(ctx context.Context, address string) string {
	return marksOf(ctx).labels[address].String()
}

// simulatedUntil is when the simulated past ends, zero without one.
func simulatedUntil(ctx context.Context) time.Time { return marksOf(ctx).simulatedUntil }

// simulatedSince reports whether results after since may be simulated.
func simulatedSince(ctx context.Context, since time.Time) bool {
	u := simulatedUntil(ctx)
	return !u.IsZero() && u.After(since)
}
