package handlers

import (
	"context"
	"time"

	"jobtester/control"
	"jobtester/leaderboard"
	"jobtester/models"
)

// Store is what the handlers read and write themselves, and what they
// hand to control when main wires no operations of its own (see
// Deps.Control).
type Store interface {
	control.Store
	leaderboard.TableStore
	leaderboard.HistoryStore
	leaderboard.ResultStore
	ChainStore
	ExportStore
	OutboxCounter

	Ping(ctx context.Context) error
	Dialect() string
	IndexBuckets() int

	Insert(ctx context.Context, results ...models.NewResult) error
	InsertOnce(ctx context.Context, nr models.NewResult) (replayed bool, err error)
	Regions(ctx context.Context) ([]models.Region, error)
	Pipelines(ctx context.Context, region string, w models.Window) ([]models.Pipeline, error)
	RawResults(ctx context.Context, f models.Filter, w models.Window, limit int) ([]models.RawResult, error)
	LiveResults(ctx context.Context, f models.LiveFilter) ([]models.LiveResult, error)
	LiveThumbnail(ctx context.Context, id int64) ([]byte, error)

	Orchestrators(ctx context.Context) ([]models.DiscoveredOrchestrator, error)
	Sweeps(ctx context.Context, limit int) ([]models.Sweep, error)
	GetSweep(ctx context.Context, id int64) (models.Sweep, error)
	SweepResults(ctx context.Context, id int64) ([]models.RawResult, error)
	SimulatedUntil(ctx context.Context) (time.Time, error)
}

var _ Store = (*models.Store)(nil)
