package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
)

// The outbox holds results this tester forwards to a central leaderboard.
// A row is written in the same transaction as the local result
// (NewResult.Forward), so a result is either stored and queued or
// neither; the drainer (jobs.Outbox) posts rows and deletes each once the
// central confirmed it. Rows carry a stable idempotency key, so a post
// whose answer was lost and is sent again is stored once at the central.

// outboxRow is one result to forward, as queued.
type outboxRow struct {
	key  string // the Idempotency-Key it is posted with, for ever
	body string // the post_stats body, as it will be signed and sent
}

// extraOf is what a NewResult adds to its row in a batch.
func extraOf(nr *NewResult) (rowExtra, error) {
	ex := rowExtra{idem: nr.Idempotency}
	if !nr.Forward {
		return ex, nil
	}
	ob, err := newOutboxRow(nr)
	if err != nil {
		return ex, err
	}
	ex.outbox = &ob
	return ex, nil
}

func newOutboxRow(nr *NewResult) (outboxRow, error) {
	body, err := json.Marshal(nr.Stats)
	if err != nil {
		return outboxRow{}, fmt.Errorf("encode the result to forward: %w", err)
	}
	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return outboxRow{}, fmt.Errorf("idempotency key of the result to forward: %w", err)
	}
	return outboxRow{key: "outbox-" + hex.EncodeToString(id[:]), body: string(body)}, nil
}

// outboxInsertSQL inserts n outbox rows, due now by the database clock.
func (s *Store) outboxInsertSQL(n int) string {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO outbox (idempotency_key, body, created_at, next_attempt_at) VALUES `)
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`(?,?,` + s.dialect.nowMillis + `,` + s.dialect.nowMillis + `)`)
	}
	return sb.String()
}

func outboxArgs(rows []outboxRow) []any {
	args := make([]any, 0, 2*len(rows))
	for _, r := range rows {
		args = append(args, r.key, r.body)
	}
	return args
}

// queueForward adds nr's outbox row inside a GORM transaction, for the
// write paths that bypass the group-commit writer (live, flagged tests).
func (s *Store) queueForward(tx *gorm.DB, nr *NewResult) error {
	if !nr.Forward {
		return nil
	}
	ob, err := newOutboxRow(nr)
	if err != nil {
		return err
	}
	if err := tx.Exec(s.outboxInsertSQL(1), outboxArgs([]outboxRow{ob})...).Error; err != nil {
		return fmt.Errorf("queue the result to forward: %w", err)
	}
	return nil
}

// OutboxItem is a claimed outbox row.
type OutboxItem struct {
	ID             int64
	IdempotencyKey string
	Body           string
	Attempts       int // including the one this claim is for
}

// ClaimOutbox takes up to n due rows for lease: no other drainer takes
// them until the lease ends (then they are due again, in case this one
// died). On PostgreSQL, instances claim with SKIP LOCKED, so two drainers
// never wait on or take the same row at once.
func (s *Store) ClaimOutbox(ctx context.Context, n int, lease time.Duration) ([]OutboxItem, error) {
	now := s.dialect.nowMillis
	lock := ""
	if s.dialect.name == postgresDialect.name {
		lock = ` FOR UPDATE SKIP LOCKED`
	}
	var items []OutboxItem
	err := s.db.WithContext(ctx).Raw(`UPDATE outbox SET claimed_until = `+now+` + ?, attempts = attempts + 1
		WHERE id IN (SELECT id FROM outbox WHERE parked_at = 0 AND next_attempt_at <= `+now+`
			AND claimed_until <= `+now+` ORDER BY id LIMIT ?`+lock+`)
		RETURNING id, idempotency_key, body, attempts`, lease.Milliseconds(), n).Scan(&items).Error
	if err != nil {
		return nil, fmt.Errorf("claim outbox rows: %w", err)
	}
	sort.Slice(items, func(i, j int) bool { return items[i].ID < items[j].ID })
	return items, nil
}

// DeleteOutbox removes a row the central confirmed.
func (s *Store) DeleteOutbox(ctx context.Context, id int64) error {
	if err := s.db.WithContext(ctx).Exec(`DELETE FROM outbox WHERE id = ?`, id).Error; err != nil {
		return fmt.Errorf("delete outbox row %d: %w", id, err)
	}
	return nil
}

// RetryOutbox releases a row to be tried again after delay.
func (s *Store) RetryOutbox(ctx context.Context, id int64, delay time.Duration, reason string) error {
	err := s.db.WithContext(ctx).Exec(`UPDATE outbox SET next_attempt_at = `+s.dialect.nowMillis+` + ?,
		claimed_until = 0, last_error = ? WHERE id = ?`, delay.Milliseconds(), clip(reason), id).Error
	if err != nil {
		return fmt.Errorf("reschedule outbox row %d: %w", id, err)
	}
	return nil
}

// ResumeOutbox makes every row waiting out a backoff due at once, and
// returns how many: the drainer calls it when the central answers again
// after failing, so what queued up during an outage goes now rather than
// each row at the end of its own backoff (minutes, after a long outage).
// Parked rows and rows another drainer holds are left as they are.
func (s *Store) ResumeOutbox(ctx context.Context) (int64, error) {
	now := s.dialect.nowMillis
	res := s.db.WithContext(ctx).Exec(`UPDATE outbox SET next_attempt_at = 0
		WHERE parked_at = 0 AND next_attempt_at > ` + now + ` AND claimed_until <= ` + now)
	if res.Error != nil {
		return 0, fmt.Errorf("resume outbox rows: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// ParkOutbox keeps a row the central refused for good, with the reason,
// out of the drainer's way.
func (s *Store) ParkOutbox(ctx context.Context, id int64, reason string) error {
	err := s.db.WithContext(ctx).Exec(`UPDATE outbox SET parked_at = `+s.dialect.nowMillis+`,
		claimed_until = 0, last_error = ? WHERE id = ?`, clip(reason), id).Error
	if err != nil {
		return fmt.Errorf("park outbox row %d: %w", id, err)
	}
	return nil
}

func clip(s string) string {
	if len(s) > 1024 {
		s = s[:1024]
	}
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "?")
}

// OutboxStats is the outbox at a glance, for /metrics.
type OutboxStats struct {
	Depth     int64         // rows waiting to be sent (parked ones aside)
	Parked    int64         // rows the central refused for good
	OldestAge time.Duration // age of the oldest waiting row (0: none)
}

// OutboxStats counts the outbox.
func (s *Store) OutboxStats(ctx context.Context) (OutboxStats, error) {
	var r struct {
		Depth, Parked, Oldest, Now int64
	}
	err := s.db.WithContext(ctx).Raw(`SELECT
		COALESCE(SUM(CASE WHEN parked_at = 0 THEN 1 ELSE 0 END), 0) AS depth,
		COALESCE(SUM(CASE WHEN parked_at > 0 THEN 1 ELSE 0 END), 0) AS parked,
		COALESCE(MIN(CASE WHEN parked_at = 0 THEN created_at END), 0) AS oldest,
		` + s.dialect.nowMillis + ` AS now FROM outbox`).Scan(&r).Error
	if err != nil {
		return OutboxStats{}, fmt.Errorf("count the outbox: %w", err)
	}
	st := OutboxStats{Depth: r.Depth, Parked: r.Parked}
	if r.Oldest > 0 {
		st.OldestAge = time.Duration(max(r.Now-r.Oldest, 0)) * time.Millisecond
	}
	return st, nil
}

// ParkedOutbox lists up to limit parked rows, newest first, for an operator.
func (s *Store) ParkedOutbox(ctx context.Context, limit int) ([]ParkedItem, error) {
	var out []ParkedItem
	err := s.db.WithContext(ctx).Raw(`SELECT id, idempotency_key, body, attempts, last_error, parked_at
		FROM outbox WHERE parked_at > 0 ORDER BY parked_at DESC, id DESC LIMIT ?`, limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list parked outbox rows: %w", err)
	}
	return out, nil
}

// ParkedItem is an outbox row the central refused: the body and why.
type ParkedItem struct {
	OutboxItem
	LastError string
	ParkedAt  int64 // Unix milliseconds
}
