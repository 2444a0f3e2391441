package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Lease is a row of leases: who holds a named lease, until when, and its
// fencing token, which grows by one on every acquisition. The times are
// Unix milliseconds of the instances' clocks (docs/deployment.md says why
// their clocks must agree to well within the lease's TTL).
type Lease struct {
	Name       string `json:"name"`
	Holder     string `json:"holder"`
	Token      int64  `json:"token"`
	ExpiresMs  int64  `json:"expires_ms"`
	AcquiredMs int64  `json:"acquired_ms"`
}

// ErrFenced is returned for a write fenced with a lease that its writer no
// longer holds: another instance took it over (the writer was paused past
// the TTL, or cut off from the database). Nothing was written.
var ErrFenced = errors.New("fenced: the lease is no longer held")

// ErrAttemptStored is returned for a sweep attempt that is already stored
// (a retry after a commit whose answer was lost): nothing more was written.
var ErrAttemptStored = errors.New("this attempt of the sweep's test is already stored")

// Fence ties a write to a lease: it is committed only if, in the same
// transaction, the lease is still held by Holder with Token and has not
// expired at At.
type Fence struct {
	Lease  string
	Holder string
	Token  int64
	At     time.Time
}

// AcquireLease takes the lease name for holder until now+ttl if it is free
// (never taken, released, or expired at now), with a token one above the
// last. ok is false, with no error, when another holder has it.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration, now time.Time) (token int64, ok bool, err error) {
	nowMs := now.UnixMilli()
	rows, err := s.db.WithContext(ctx).Raw(`INSERT INTO leases (name, holder, token, expires_ms, acquired_ms)
		VALUES (?, ?, 1, ?, ?)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, token = leases.token + 1,
			expires_ms = excluded.expires_ms, acquired_ms = excluded.acquired_ms
		WHERE leases.expires_ms <= ?
		RETURNING token`, name, holder, now.Add(ttl).UnixMilli(), nowMs, nowMs).Rows()
	if err != nil {
		return 0, false, fmt.Errorf("acquire lease %s: %w", name, err)
	}
	defer rows.Close()
	if rows.Next() {
		if err := rows.Scan(&token); err != nil {
			return 0, false, fmt.Errorf("acquire lease %s: %w", name, err)
		}
		ok = true
	}
	if err := rows.Err(); err != nil {
		return 0, false, fmt.Errorf("acquire lease %s: %w", name, err)
	}
	return token, ok, nil
}

// RenewLease moves the expiry of a lease its holder still has to now+ttl.
// false (no error) means it is lost: expired at now, or taken over.
func (s *Store) RenewLease(ctx context.Context, name, holder string, token int64, ttl time.Duration, now time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Exec(`UPDATE leases SET expires_ms = ?
		WHERE name = ? AND holder = ? AND token = ? AND expires_ms > ?`,
		now.Add(ttl).UnixMilli(), name, holder, token, now.UnixMilli())
	if res.Error != nil {
		return false, fmt.Errorf("renew lease %s: %w", name, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// ReleaseLease frees a lease its holder has (an expiry of 0), so another
// instance may take it at once; a lease already lost is left as it is.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string, token int64) error {
	err := s.db.WithContext(ctx).Exec(`UPDATE leases SET expires_ms = 0 WHERE name = ? AND holder = ? AND token = ?`,
		name, holder, token).Error
	if err != nil {
		return fmt.Errorf("release lease %s: %w", name, err)
	}
	return nil
}

// GetLease reads one lease; ErrNotFound if it was never taken.
func (s *Store) GetLease(ctx context.Context, name string) (Lease, error) {
	return one[Lease](s.db.WithContext(ctx).Where("name = ?", name), "lease "+name)
}

// checkFence fails with ErrFenced unless f's lease is still held as f
// says. On PostgreSQL the row stays share-locked until tx ends, so a
// takeover (an UPDATE of the row) waits for the write it fences to commit
// or roll back: no write of an old token can land after a new one began.
func (s *Store) checkFence(tx *gorm.DB, f *Fence) error {
	q := `SELECT token FROM leases WHERE name = ? AND holder = ? AND token = ? AND expires_ms > ?`
	if s.dialect.name == "postgres" {
		q += ` FOR SHARE`
	}
	var tokens []int64
	if err := tx.Raw(q, f.Lease, f.Holder, f.Token, f.At.UnixMilli()).Scan(&tokens).Error; err != nil {
		return fmt.Errorf("check lease %s: %w", f.Lease, err)
	}
	if len(tokens) == 0 {
		return fmt.Errorf("%w: %s (token %d of %s)", ErrFenced, f.Lease, f.Token, f.Holder)
	}
	return nil
}

// fenced runs fn in one transaction after checking f (nil: no check).
func (s *Store) fenced(ctx context.Context, f *Fence, fn func(tx *gorm.DB) error) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if f != nil {
			if err := s.checkFence(tx, f); err != nil {
				return err
			}
		}
		return fn(tx)
	})
}
