package models

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// SweepTask is a row of sweep_tasks: one planned test of a sweep, stored
// when the sweep is planned so that an instance taking the sweep over runs
// what is left of it and nothing twice. Target is the jobs package's
// description of the test (JSON); the store does not read it.
type SweepTask struct {
	ID           int64  `json:"id"`
	SweepID      int64  `json:"sweep_id"`
	Seq          int    `json:"seq"`
	Orchestrator string `json:"orchestrator"`
	Target       string `json:"-"`
	Attempts     int    `json:"attempts"`
	Done         bool   `json:"done"`
	Outcome      string `json:"outcome"`
	Instance     string `json:"instance"` // who stored its last attempt
	ResultID     *int64 `json:"result_id"`
}

// SweepAttempt marks a result as one attempt of a sweep's planned test:
// it is stored only if the fence holds and the task's previous attempt is
// the last one stored, and it moves the task on in the same transaction.
type SweepAttempt struct {
	Fence    *Fence // nil: not fenced (a tester without a fleet)
	Task     int64
	Attempt  int  // 1 for the first
	Final    bool // the task's last attempt: it is done
	Instance string
}

// AddSweepTasks stores the plan of a sweep, fenced by f (nil: unfenced),
// and sets the tasks' IDs.
func (s *Store) AddSweepTasks(ctx context.Context, f *Fence, tasks []SweepTask) error {
	if len(tasks) == 0 {
		return nil
	}
	err := s.fenced(ctx, f, func(tx *gorm.DB) error {
		return tx.CreateInBatches(tasks, 200).Error
	})
	if err != nil {
		return fmt.Errorf("store the plan of sweep %d: %w", tasks[0].SweepID, err)
	}
	return nil
}

// SweepTasks lists a sweep's planned tests in plan order.
func (s *Store) SweepTasks(ctx context.Context, sweepID int64) ([]SweepTask, error) {
	var out []SweepTask
	if err := s.db.WithContext(ctx).Where("sweep_id = ?", sweepID).Order("seq").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("plan of sweep %d: %w", sweepID, err)
	}
	return out, nil
}

// UnfinishedSweep is the region's newest sweep still marked running: one
// whose holder stopped before its end. ErrNotFound if there is none.
func (s *Store) UnfinishedSweep(ctx context.Context, region string) (Sweep, error) {
	return one[Sweep](s.db.WithContext(ctx).Where("region = ? AND status = ?", region, SweepRunning).Order("id DESC"),
		"unfinished sweep of "+region)
}

// recordAttempt moves a's task on to its attempt, in tx; ErrFenced or
// ErrAttemptStored (rolling tx back) when it must not be stored.
func (s *Store) recordAttempt(tx *gorm.DB, a *SweepAttempt, resultID int64, outcome Outcome) error {
	if a.Fence != nil {
		if err := s.checkFence(tx, a.Fence); err != nil {
			return err
		}
	}
	res := tx.Exec(`UPDATE sweep_tasks SET attempts = ?, done = ?, outcome = ?, instance = ?, result_id = ?
		WHERE id = ? AND attempts = ? AND NOT done`,
		a.Attempt, a.Final, string(outcome), a.Instance, resultID, a.Task, a.Attempt-1)
	if res.Error != nil {
		return fmt.Errorf("record attempt %d of sweep task %d: %w", a.Attempt, a.Task, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("%w: task %d, attempt %d", ErrAttemptStored, a.Task, a.Attempt)
	}
	return nil
}

// notStored marks the refusals of a fenced write as ErrNotStored too, so
// that callers who only know that sentinel still tell the truth.
func notStored(err error) error {
	if errors.Is(err, ErrFenced) || errors.Is(err, ErrAttemptStored) {
		return fmt.Errorf("%w: %w", ErrNotStored, err)
	}
	return err
}

// insertAttempts stores results that are attempts of a sweep's planned
// tests, each in its own fenced transaction (a sweep stores a few a
// second: the group commit has nothing to gain).
func (s *Store) insertAttempts(ctx context.Context, results []NewResult) error {
	for i := range results {
		row, err := s.toRow(&results[i])
		if err != nil {
			return err
		}
		nr := &results[i]
		if err := s.insertWithResult(ctx, row, nr.Attempt, func(tx *gorm.DB, _ int64) error { return s.queueForward(tx, nr) }); err != nil {
			return fmt.Errorf("store the result of %s: %w", row.Orchestrator, err)
		}
	}
	return nil
}
