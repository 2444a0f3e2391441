package models

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"jobtester/rollup"
)

// Options tune a Store. The zero value is usable.
type Options struct {
	// RollupHorizon is how far back the in-memory rollup index reaches;
	// windows that start earlier are summed in SQL instead. Default 31 days.
	RollupHorizon time.Duration
	// SyncInterval is how often the index re-reads rollup rows written by
	// other instances sharing the database. Default 5 s; negative disables.
	SyncInterval time.Duration
	// MaxBatch bounds how many results one write transaction takes.
	// Default 512.
	MaxBatch int
	// Writers is how many write transactions run at once. Default 1: one
	// writer that takes everything queued into one statement beats several
	// writers with smaller batches (measured with BenchmarkInsertParallel:
	// on PostgreSQL 3,500 results/s with 1 writer, 1,600 with 4). A remote
	// database with a long round trip may gain from 2.
	Writers int
	// Linger is the longest the writer waits, before a commit, for the
	// callers its last commit answered to post again, so that posters in
	// a closed loop share one commit instead of taking turns. Default
	// 1 ms; negative: never.
	Linger time.Duration
	Logger *slog.Logger
}

func (o *Options) defaults() {
	if o.RollupHorizon <= 0 {
		o.RollupHorizon = 31 * 24 * time.Hour
	}
	if o.SyncInterval == 0 {
		o.SyncInterval = 5 * time.Second
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = 512
	}
	if o.Linger == 0 {
		o.Linger = time.Millisecond
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Store is the program's one door to the database.
type Store struct {
	db      *gorm.DB
	dialect dialect
	opts    Options
	log     *slog.Logger
	index   *rollup.Index
	rtts    *rttHours
	edges   *edgeHours

	regionsMu sync.RWMutex
	regions   []Region
	byID      map[int64]Region
	byName    map[regionKey]Region

	writes chan *writeRequest
	// commits and committed count write transactions and their results.
	commits, committed atomic.Int64
	stop               chan struct{}
	done               sync.WaitGroup
	started            bool
	// lastSync is the database clock (ms) of the last completed sync.
	lastSync int64
}

// openGorm opens the database. SQLite can answer "database is locked"
// at once, without its busy timeout, when the connection sets WAL mode
// while another process or connection is opening or migrating the same
// file (seen: three instances migrating one new database at once); that
// is retried for as long as the busy timeout would have waited.
func openGorm(ctx context.Context, dialector gorm.Dialector, d dialect) (*gorm.DB, error) {
	cfg := &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		PrepareStmt:            true,
		PrepareStmtMaxSize:     256,
		PrepareStmtTTL:         time.Hour,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	}
	giveUp := time.Now().Add(sqliteBusyTimeout)
	for wait := 5 * time.Millisecond; ; wait = min(2*wait, 200*time.Millisecond) {
		db, err := gorm.Open(dialector, cfg)
		if err == nil || d.name != sqliteDialect.name || !sqliteBusy(err) || time.Now().After(giveUp) {
			return db, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (%w)", err, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// sqliteBusy: SQLite found the database locked by another connection.
func sqliteBusy(err error) bool {
	var liteErr sqlite3.Error
	return errors.As(err, &liteErr) && (liteErr.Code == sqlite3.ErrBusy || liteErr.Code == sqlite3.ErrLocked)
}

// Open connects to the database named by dsn (sqlite://PATH or
// postgres://…). It does not migrate; call Migrate, then Start.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	opts.defaults()
	dialector, d, err := openDialector(dsn)
	if err != nil {
		return nil, err
	}
	db, err := openGorm(ctx, dialector, d)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", redactDSN(dsn), err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", redactDSN(dsn), err)
	}
	sqlDB.SetMaxOpenConns(d.maxConns)
	if d.maxIdle > 0 {
		sqlDB.SetMaxIdleConns(d.maxIdle)
	}
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("connect to database %s: %w", redactDSN(dsn), err)
	}
	return &Store{
		db: db, dialect: d, opts: opts, log: opts.Logger,
		index:  rollup.New(),
		rtts:   newRTTHours(),
		edges:  newEdgeHours(),
		writes: make(chan *writeRequest, 4*opts.MaxBatch),
		stop:   make(chan struct{}),
	}, nil
}

// Dialect is "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect.name }

// Start loads reference data and the rollup index, then starts the writer
// and the sync loop. The schema must be migrated.
func (s *Store) Start(ctx context.Context) error {
	if err := s.reloadRegions(ctx); err != nil {
		return err
	}
	now, err := s.dbNowMillis(ctx)
	if err != nil {
		return err
	}
	from := time.Now().UTC().Add(-s.opts.RollupHorizon).Truncate(time.Hour)
	n, err := s.loadRollups(ctx, `bucket >= ? ORDER BY bucket`, from)
	if err != nil {
		return err
	}
	s.lastSync = now
	s.log.Info("rollup index loaded", "buckets", n, "since", from)
	s.started = true
	for range max(s.opts.Writers, 1) {
		s.done.Add(1)
		go s.writer()
	}
	if s.opts.SyncInterval > 0 {
		s.done.Add(1)
		go s.syncLoop()
	}
	return nil
}

// Close stops the writer after it has written everything already queued,
// then closes the database.
func (s *Store) Close() error {
	if s.started {
		close(s.stop)
		s.done.Wait()
		s.started = false
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping checks that the database answers, for /readyz.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// IndexBuckets is the number of buckets held in memory, for metrics.
func (s *Store) IndexBuckets() int { return s.index.Len() }

// RollupGeneration changes whenever the in-memory rollups change: every
// write of this instance, every sync of another's, every prune. ok is
// false before Start, when history is read from the database instead.
func (s *Store) RollupGeneration() (gen int64, ok bool) {
	if !s.started {
		return 0, false
	}
	return s.index.Generation(), true
}

// ResultsReceived reports whether any result was received after after and
// at or before upTo.
func (s *Store) ResultsReceived(ctx context.Context, after, upTo time.Time) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Raw(`SELECT COUNT(*) FROM (SELECT 1 FROM results WHERE received_at > ? AND received_at <= ? LIMIT 1) x`,
		after.UTC(), upTo.UTC()).Scan(&n).Error
	if err != nil {
		return false, fmt.Errorf("results received between %s and %s: %w", after, upTo, err)
	}
	return n > 0, nil
}

func (s *Store) dbNowMillis(ctx context.Context) (int64, error) {
	var now int64
	if err := s.db.WithContext(ctx).Raw(`SELECT ` + s.dialect.nowMillis).Scan(&now).Error; err != nil {
		return 0, fmt.Errorf("read database clock: %w", err)
	}
	return now, nil
}

// syncLoop re-reads rollup rows that changed since the last sync, so an
// instance's leaderboard includes what other instances ingested. Rows are
// re-read with an overlap: a transaction that commits late carries an older
// updated_at, and the version check makes re-reading harmless.
func (s *Store) syncLoop() {
	defer s.done.Done()
	t := time.NewTicker(s.opts.SyncInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			if err := s.Sync(context.Background()); err != nil {
				s.log.Warn("rollup sync failed; will retry", "err", err)
			}
		}
	}
}

// syncOverlap is how far back each sync re-reads, in milliseconds: longer
// than any write transaction is allowed to take.
const syncOverlap = 60_000

// Sync brings the index up to date with the database now.
func (s *Store) Sync(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	now, err := s.dbNowMillis(ctx)
	if err != nil {
		return err
	}
	if err := s.reloadRegions(ctx); err != nil {
		return err
	}
	horizon := time.Now().UTC().Add(-s.opts.RollupHorizon).Truncate(time.Hour)
	if _, err := s.loadRollups(ctx, `updated_at >= ? AND bucket >= ?`, s.lastSync-syncOverlap, horizon); err != nil {
		return err
	}
	s.lastSync = now
	s.index.Prune(horizon.Unix())
	s.rtts.prune(horizon.Unix())
	s.edges.prune(horizon.Unix())
	return nil
}
