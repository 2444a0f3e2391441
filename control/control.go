package control

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"jobtester/ingest"
	"jobtester/jobs"
	"jobtester/models"
)

// Store is what the operations read and change; every change goes through
// an audited method, so none is made without its audit_log entry.
type Store interface {
	Mappings(ctx context.Context) ([]models.URIMapping, error)
	Mapping(ctx context.Context, id int64) (models.URIMapping, error)
	SaveMappingAudited(ctx context.Context, actor string, m *models.URIMapping) error
	DeleteMappingAudited(ctx context.Context, actor string, id int64) error
	Reconciliation(ctx context.Context) (models.ReconciliationData, error)

	RegionDetails(ctx context.Context) ([]models.RegionDetail, error)
	RegionDetailByID(ctx context.Context, id int64) (models.RegionDetail, error)
	SaveRegionAudited(ctx context.Context, actor string, r *models.RegionDetail) error
	DeleteRegionAudited(ctx context.Context, actor string, id int64) (models.RegionDetail, error)

	GetSchedule(ctx context.Context, name string) (models.Schedule, error)
	SaveScheduleAudited(ctx context.Context, actor string, sc *models.Schedule) error
	DeleteScheduleAudited(ctx context.Context, actor, name string) error

	IngestKeys(ctx context.Context) ([]models.IngestKey, error)
	CreateIngestKeyAudited(ctx context.Context, actor, name string, sealer *ingest.Sealer) (models.IngestKey, string, error)
	RevokeIngestKeyAudited(ctx context.Context, actor string, id int64) (models.IngestKey, error)

	TestDefinitions(ctx context.Context) ([]models.TestDefinition, error)
	SaveTestDefinitionAudited(ctx context.Context, actor string, d *models.TestDefinition) error
	DeleteTestDefinitionAudited(ctx context.Context, actor, pipeline string) error

	AuditAction(ctx context.Context, actor, action, target string, after any) error
}

var _ Store = (*models.Store)(nil)

// OrchestratorTester starts a sweep of one orchestrator in the background
// and returns the stored sweep's id (main adapts jobs.Tester, giving it the
// server's lifetime rather than the request's).
type OrchestratorTester interface {
	TestOrchestrator(address string) (sweepID int64, err error)
}

// Ops are the operations over Store and the parts of the running instance
// they act on; main wires them. Every field but Store may be zero where the
// instance lacks the part: the operations needing it then fail with a
// sentinel error, and the views say what is missing.
type Ops struct {
	Store Store
	Log   *slog.Logger     // nil: slog.Default()
	Now   func() time.Time // nil: time.Now

	// Keys is the keyring post_stats checks; its names from the config
	// file can not be taken by stored keys.
	Keys *ingest.Keyring
	// KeyRefresh re-reads the stored ingest keys after a change, so the
	// instance where the admin works applies it at once (others within
	// its interval).
	KeyRefresh *ingest.Refresher
	// Sealer seals stored secrets; nil: this instance can not store keys.
	Sealer *ingest.Sealer

	// Scheduler follows the stored schedule; nil without a tester.
	Scheduler *jobs.Scheduler
	// DefaultSchedule is the config file's `schedule`.
	DefaultSchedule string
	// Tester starts "test this orchestrator now" sweeps; nil without one.
	Tester OrchestratorTester
	// TesterRegion is the region this instance's own results go to; it
	// can not be removed.
	TesterRegion string
	// Live lists running live tests; nil without live tests.
	Live jobs.LiveFrames
}

// Sentinel errors of the operations, besides the models' ones.
var (
	// ErrNoTester: a test asked of an instance without gateways.
	ErrNoTester = errors.New("this instance runs no tester (no gateways configured)")
	// ErrNoKeyStore: an ingest key created where no sealer is wired.
	ErrNoKeyStore = errors.New("this instance can not store ingest keys")
	// ErrConfigKey: an ingest key named like one of the config file's.
	ErrConfigKey = errors.New("set in the config file")
	// ErrInvalidSchedule: a schedule expression that does not parse or
	// fires too often; the message is the validator's.
	ErrInvalidSchedule = errors.New("invalid schedule")
	// ErrInvalidParams: test parameters the pipeline's test does not
	// accept; the message is the validator's.
	ErrInvalidParams = errors.New("invalid test parameters")
)

// refused makes err match kind as well, keeping err's message: the front
// ends show a validator's words as they are.
type refused struct{ kind, err error }

func (r refused) Error() string   { return r.err.Error() }
func (r refused) Unwrap() []error { return []error{r.kind, r.err} }

func (o *Ops) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

func (o *Ops) log() *slog.Logger {
	if o.Log == nil {
		return slog.Default()
	}
	return o.Log
}
