package models

import (
	"context"
	"fmt"
	"time"
)

// ClaimOrchestrator marks addr busy for holder until until, so that no
// other instance tests it meanwhile, if it is neither busy nor within its
// min_gap at now. When it is not claimed, freeAt is when its gap ends if
// that is known (zero while another test holds it). until also names the
// claim: ReleaseOrchestrator ends only the claim it is given.
func (s *Store) ClaimOrchestrator(ctx context.Context, addr, holder string, until, now time.Time) (ok bool, freeAt time.Time, err error) {
	nowMs := now.UnixMilli()
	var claimed []string
	err = s.db.WithContext(ctx).Raw(`INSERT INTO orchestrator_slots (orchestrator, holder, busy_until_ms, free_at_ms)
		VALUES (?, ?, ?, 0)
		ON CONFLICT (orchestrator) DO UPDATE SET holder = excluded.holder, busy_until_ms = excluded.busy_until_ms
		WHERE orchestrator_slots.busy_until_ms <= ? AND orchestrator_slots.free_at_ms <= ?
		RETURNING orchestrator`, addr, holder, until.UnixMilli(), nowMs, nowMs).Scan(&claimed).Error
	if err != nil {
		return false, time.Time{}, fmt.Errorf("claim orchestrator %s: %w", addr, err)
	}
	if len(claimed) == 1 {
		return true, time.Time{}, nil
	}
	var slot struct{ BusyUntilMs, FreeAtMs int64 }
	err = s.db.WithContext(ctx).Raw(`SELECT busy_until_ms, free_at_ms FROM orchestrator_slots WHERE orchestrator = ?`, addr).
		Scan(&slot).Error
	if err != nil {
		return false, time.Time{}, fmt.Errorf("read the slot of orchestrator %s: %w", addr, err)
	}
	if slot.BusyUntilMs <= nowMs {
		freeAt = time.UnixMilli(slot.FreeAtMs)
	}
	return false, freeAt, nil
}

// ReleaseOrchestrator ends holder's claim of addr made with until: it is
// free again at freeAt (the test's end plus min_gap). Any other claim (a
// later one, or another holder's after this one lapsed) is left as it is,
// so a release retried late cannot free a test that runs.
func (s *Store) ReleaseOrchestrator(ctx context.Context, addr, holder string, until, freeAt time.Time) error {
	err := s.db.WithContext(ctx).Exec(`UPDATE orchestrator_slots SET holder = '', busy_until_ms = 0, free_at_ms = ?
		WHERE orchestrator = ? AND holder = ? AND busy_until_ms = ?`,
		freeAt.UnixMilli(), addr, holder, until.UnixMilli()).Error
	if err != nil {
		return fmt.Errorf("release orchestrator %s: %w", addr, err)
	}
	return nil
}

// ExtendOrchestrator moves holder's claim of addr made with until (or last
// extended to it) on to newUntil: the heartbeat of a test that runs. false
// (no error) means the claim is no longer there: it lapsed, and another
// may hold the orchestrator.
func (s *Store) ExtendOrchestrator(ctx context.Context, addr, holder string, until, newUntil time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Exec(`UPDATE orchestrator_slots SET busy_until_ms = ?
		WHERE orchestrator = ? AND holder = ? AND busy_until_ms = ?`,
		newUntil.UnixMilli(), addr, holder, until.UnixMilli())
	if res.Error != nil {
		return false, fmt.Errorf("extend the claim of orchestrator %s: %w", addr, res.Error)
	}
	return res.RowsAffected == 1, nil
}
