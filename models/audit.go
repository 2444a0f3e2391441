package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// AuditEntry is a row of audit_log: who changed what, when, and the
// record before and after as JSON ("" for none: nothing before a create,
// nothing after a delete).
type AuditEntry struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`  // an admin's username, "token" (API bearer token) or "config"
	Action string    `json:"action"` // <thing>.<verb>: mapping.create, admin_user.password…
	Target string    `json:"target"` // <thing>:<id>
	Before string    `json:"before" gorm:"column:before_json"`
	After  string    `json:"after" gorm:"column:after_json"`
}

// TableName keeps the table name the migration chose.
func (AuditEntry) TableName() string { return "audit_log" }

// SetBefore records v as the state before the change.
func (e *AuditEntry) SetBefore(v any) { e.Before = auditJSON(v) }

// SetAfter records v as the state after the change.
func (e *AuditEntry) SetAfter(v any) { e.After = auditJSON(v) }

func auditJSON(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		// Audit records are our own structs; keep the entry rather than
		// lose the change's record over a snapshot.
		b, _ = json.Marshal(map[string]string{"unrecordable": err.Error()})
	}
	return string(b)
}

// Audited runs change in one transaction with the audit entry that
// records it, so no change is committed without its record and no record
// is kept for a change that failed. change fills e.Target, e.Before and
// e.After; e.At is set here. tx reaches the plain tables (mappings, admin,
// audit and the like); it has no result pipeline, so Insert and the
// leaderboard reads must not be called on it.
func (s *Store) Audited(ctx context.Context, e *AuditEntry, change func(tx *Store) error) error {
	if e.Actor == "" || e.Action == "" {
		return errors.New("audit entry needs an actor and an action")
	}
	return s.db.WithContext(ctx).Transaction(func(db *gorm.DB) error {
		tx := &Store{db: db, dialect: s.dialect, opts: s.opts, log: s.log}
		if err := change(tx); err != nil {
			return err
		}
		e.ID = 0
		e.At = time.Now().UTC()
		if err := db.Create(e).Error; err != nil {
			return fmt.Errorf("write audit log (%s %s): %w", e.Action, e.Target, err)
		}
		return nil
	})
}

// auditedChange is the one shape of every audited change of a record of
// type T: read the record as it stands, change it, and log both sides
// with the change, all in one transaction (see Audited). before reads the
// record (nil func or nil record: there is none, as before a create);
// apply makes the change, given the record before it, and returns the
// record after it (nil after a delete). target names the record, from its state after the change or,
// after a delete, before it: a create learns its id only from the change.
// It returns both records.
func auditedChange[T any](ctx context.Context, s *Store, actor, action string, target func(*T) string,
	before func(tx *Store) (*T, error), apply func(tx *Store, was *T) (*T, error)) (was, is *T, err error) {
	e := &AuditEntry{Actor: actor, Action: action}
	err = s.Audited(ctx, e, func(tx *Store) error {
		if before != nil {
			if was, err = before(tx); err != nil {
				return err
			}
		}
		if is, err = apply(tx, was); err != nil {
			return err
		}
		switch {
		case is != nil:
			e.Target = target(is)
		case was != nil:
			e.Target = target(was)
		}
		if was != nil {
			e.SetBefore(was)
		}
		if is != nil {
			e.SetAfter(is)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return was, is, nil
}

// found turns a read into a record for auditedChange.
func found[T any](v T, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// optional is found for a record that may not exist yet (an override not
// set): ErrNotFound is no record, not a failure.
func optional[T any](v T, err error) (*T, error) {
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return found(v, err)
}

// AuditAction records an action that changes nothing in these tables but
// is an admin's doing, such as starting a test of one orchestrator.
func (s *Store) AuditAction(ctx context.Context, actor, action, target string, after any) error {
	e := &AuditEntry{Actor: actor, Action: action, Target: target}
	e.SetAfter(after)
	return s.Audited(ctx, e, func(*Store) error { return nil })
}

// AuditQuery selects audit entries, newest first.
type AuditQuery struct {
	Limit    int    // default 100, at most 1000
	BeforeID int64  // paging: entries older than this id (0: from the newest)
	Target   string // exact target, "" for all
	Actor    string // exact actor, "" for all
}

// AuditLog lists audit entries, newest first.
func (s *Store) AuditLog(ctx context.Context, q AuditQuery) ([]AuditEntry, error) {
	if q.Limit <= 0 {
		q.Limit = 100
	}
	q.Limit = min(q.Limit, 1000)
	db := s.db.WithContext(ctx).Order("id DESC").Limit(q.Limit)
	if q.BeforeID > 0 {
		db = db.Where("id < ?", q.BeforeID)
	}
	if q.Target != "" {
		db = db.Where("target = ?", q.Target)
	}
	if q.Actor != "" {
		db = db.Where("actor = ?", q.Actor)
	}
	var out []AuditEntry
	if err := db.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	return out, nil
}
