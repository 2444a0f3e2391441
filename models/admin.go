package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// AdminUser is a row of admin_users. PasswordHash is a bcrypt hash; the
// password itself is never stored or logged.
type AdminUser struct {
	ID           int64
	Username     string
	PasswordHash string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// TableName keeps the table name the migration chose.
func (AdminUser) TableName() string { return "admin_users" }

// AdminSession is a row of admin_sessions: a logged-in browser. IDHash is
// the hex SHA-256 of the random id in the cookie, so the table alone does
// not let anyone act as the admin.
type AdminSession struct {
	IDHash     string `gorm:"primaryKey;column:id_hash"`
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// TableName keeps the table name the migration chose.
func (AdminSession) TableName() string { return "admin_sessions" }

// SessionUser is a session with the name of its user.
type SessionUser struct {
	AdminSession
	Username string
}

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

// FieldError is a validation failure of one input field, for forms that
// show the message next to the field. It wraps the sentinel of its kind
// (ErrInvalidMapping…), so callers can branch on either.
type FieldError struct {
	Field string // the input's name: orchestrator, uri, job_types, note…
	Msg   string
	Kind  error
}

func (e *FieldError) Error() string { return e.Kind.Error() + ": " + e.Msg }

// Unwrap lets errors.Is see the kind.
func (e *FieldError) Unwrap() error { return e.Kind }

func mappingError(field, msg string) error {
	return &FieldError{Field: field, Msg: msg, Kind: ErrInvalidMapping}
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

func mappingTarget(id int64) string { return fmt.Sprintf("mapping:%d", id) }

// SaveMappingAudited is SaveMapping with its audit entry (mapping.create
// or mapping.update, with the mapping before and after).
func (s *Store) SaveMappingAudited(ctx context.Context, actor string, m *URIMapping) error {
	e := &AuditEntry{Actor: actor, Action: "mapping.create"}
	return s.Audited(ctx, e, func(tx *Store) error {
		if m.ID != 0 {
			before, err := tx.Mapping(ctx, m.ID)
			if err != nil {
				return err
			}
			e.Action = "mapping.update"
			e.SetBefore(before)
		}
		if err := tx.SaveMapping(ctx, m); err != nil {
			return err
		}
		after, err := tx.Mapping(ctx, m.ID)
		if err != nil {
			return fmt.Errorf("read back mapping %d: %w", m.ID, err)
		}
		*m = after
		e.Target = mappingTarget(m.ID)
		e.SetAfter(after)
		return nil
	})
}

// DeleteMappingAudited is DeleteMapping with its audit entry.
func (s *Store) DeleteMappingAudited(ctx context.Context, actor string, id int64) error {
	e := &AuditEntry{Actor: actor, Action: "mapping.delete", Target: mappingTarget(id)}
	return s.Audited(ctx, e, func(tx *Store) error {
		before, err := tx.Mapping(ctx, id)
		if err != nil {
			return err
		}
		e.SetBefore(before)
		return tx.DeleteMapping(ctx, id)
	})
}

// adminUserRecord is what the audit log keeps of an account: never the
// hash.
type adminUserRecord struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
}

// AdminUser returns the account with this name.
func (s *Store) AdminUser(ctx context.Context, username string) (AdminUser, error) {
	var u AdminUser
	err := s.db.WithContext(ctx).Where("username = ?", username).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, fmt.Errorf("admin user %q: %w", username, ErrNotFound)
	}
	if err != nil {
		return u, fmt.Errorf("read admin user %q: %w", username, err)
	}
	return u, nil
}

// AdminUserCount is how many accounts exist; with none, the admin pages
// explain how to create the first.
func (s *Store) AdminUserCount(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&AdminUser{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count admin users: %w", err)
	}
	return n, nil
}

// CreateAdminUser stores a new account with its password hash. An account
// of that name created meanwhile by another instance is not an error: both
// came from the same configuration.
func (s *Store) CreateAdminUser(ctx context.Context, actor, username, hash string) error {
	e := &AuditEntry{Actor: actor, Action: "admin_user.create"}
	err := s.Audited(ctx, e, func(tx *Store) error {
		u := AdminUser{Username: username, PasswordHash: hash}
		if err := tx.db.WithContext(ctx).Create(&u).Error; err != nil {
			return err
		}
		e.Target = fmt.Sprintf("admin_user:%d", u.ID)
		e.SetAfter(adminUserRecord{u.ID, u.Username})
		return nil
	})
	if err != nil && isUniqueViolation(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create admin user %q: %w", username, err)
	}
	return nil
}

// SetAdminPassword replaces an account's password hash and ends its
// sessions: whoever knew the old password is logged out.
func (s *Store) SetAdminPassword(ctx context.Context, actor string, userID int64, hash string) error {
	e := &AuditEntry{Actor: actor, Action: "admin_user.password", Target: fmt.Sprintf("admin_user:%d", userID)}
	return s.Audited(ctx, e, func(tx *Store) error {
		var u AdminUser
		if err := tx.db.WithContext(ctx).Take(&u, userID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return fmt.Errorf("admin user %d: %w", userID, ErrNotFound)
			}
			return fmt.Errorf("read admin user %d: %w", userID, err)
		}
		err := tx.db.WithContext(ctx).Model(&AdminUser{}).Where("id = ?", userID).
			Updates(map[string]any{"password_hash": hash, "updated_at": time.Now().UTC()}).Error
		if err != nil {
			return fmt.Errorf("set password of admin user %d: %w", userID, err)
		}
		if err := tx.db.WithContext(ctx).Where("user_id = ?", userID).Delete(&AdminSession{}).Error; err != nil {
			return fmt.Errorf("end sessions of admin user %d: %w", userID, err)
		}
		// The record says that the password changed, not to what.
		e.SetBefore(adminUserRecord{u.ID, u.Username})
		e.SetAfter(adminUserRecord{u.ID, u.Username})
		return nil
	})
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, sess AdminSession) error {
	if err := s.db.WithContext(ctx).Create(&sess).Error; err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// Session returns the session with this id hash and its user, expired or
// not: the caller decides what its expiry means.
func (s *Store) Session(ctx context.Context, idHash string) (SessionUser, error) {
	var out SessionUser
	err := s.db.WithContext(ctx).Table("admin_sessions s").
		Select("s.id_hash, s.user_id, s.created_at, s.last_seen_at, s.expires_at, u.username").
		Joins("JOIN admin_users u ON u.id = s.user_id").
		Where("s.id_hash = ?", idHash).Take(&out).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return out, fmt.Errorf("session: %w", ErrNotFound)
	}
	if err != nil {
		return out, fmt.Errorf("read session: %w", err)
	}
	return out, nil
}

// TouchSession records activity and moves the expiry.
func (s *Store) TouchSession(ctx context.Context, idHash string, lastSeen, expires time.Time) error {
	err := s.db.WithContext(ctx).Model(&AdminSession{}).Where("id_hash = ?", idHash).
		Updates(map[string]any{"last_seen_at": lastSeen.UTC(), "expires_at": expires.UTC()}).Error
	if err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// DeleteSession ends one session; ending one already gone is not an error.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	if err := s.db.WithContext(ctx).Where("id_hash = ?", idHash).Delete(&AdminSession{}).Error; err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions that expired before now.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Where("expires_at < ?", now.UTC()).Delete(&AdminSession{})
	if res.Error != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// SweepTests counts, by outcome, the attempts one sweep made on one
// orchestrator.
type SweepTests struct {
	Sweep        int64
	StartedAt    time.Time
	Passed       int
	Failed       int
	Unavailable  int
	TesterErrors int
}

// Total is every attempt counted.
func (t SweepTests) Total() int { return t.Passed + t.Failed + t.Unavailable + t.TesterErrors }

// ReconciliationData is what the reconciliation view compares: what
// discovery stored, the admin's mappings, and how each orchestrator's
// latest tests went.
type ReconciliationData struct {
	Orchestrators []DiscoveredOrchestrator
	Mappings      []URIMapping
	// Capabilities are the advertised capabilities, by orchestrator.
	Capabilities map[string][]AdvertisedCapability
	// LastTests is, by orchestrator, the latest of the recent sweeps that
	// tested it.
	LastTests map[string]SweepTests
}

// reconcileSweeps is how many recent sweeps are read for LastTests: enough
// to cover an orchestrator skipped by a few sweeps, few enough that the
// read stays an index lookup however many results are stored.
const reconcileSweeps = 20

// Reconciliation reads what the reconciliation view needs.
func (s *Store) Reconciliation(ctx context.Context) (ReconciliationData, error) {
	var d ReconciliationData
	var err error
	if d.Orchestrators, err = s.Orchestrators(ctx); err != nil {
		return d, err
	}
	if d.Mappings, err = s.Mappings(ctx); err != nil {
		return d, err
	}
	var caps []AdvertisedCapability
	if err := s.db.WithContext(ctx).Order("orchestrator, pipeline, model").Find(&caps).Error; err != nil {
		return d, fmt.Errorf("list capabilities: %w", err)
	}
	d.Capabilities = map[string][]AdvertisedCapability{}
	for _, c := range caps {
		d.Capabilities[c.Orchestrator] = append(d.Capabilities[c.Orchestrator], c)
	}
	sweeps, err := s.Sweeps(ctx, reconcileSweeps)
	if err != nil {
		return d, err
	}
	d.LastTests = map[string]SweepTests{}
	if len(sweeps) == 0 {
		return d, nil
	}
	ids := make([]int64, len(sweeps))
	started := map[int64]time.Time{}
	for i, sw := range sweeps {
		ids[i] = sw.ID
		started[sw.ID] = sw.StartedAt
	}
	var rows []struct {
		Orchestrator string
		SweepID      int64
		Outcome      Outcome
		N            int
	}
	err = s.db.WithContext(ctx).Table("results").
		Select("orchestrator, sweep_id, outcome, COUNT(*) AS n").
		Where("sweep_id IN ?", ids).Group("orchestrator, sweep_id, outcome").Scan(&rows).Error
	if err != nil {
		return d, fmt.Errorf("count outcomes of recent sweeps: %w", err)
	}
	for _, r := range rows {
		t := d.LastTests[r.Orchestrator]
		if r.SweepID < t.Sweep {
			continue
		}
		if r.SweepID > t.Sweep {
			t = SweepTests{Sweep: r.SweepID, StartedAt: started[r.SweepID]}
		}
		switch r.Outcome {
		case OutcomePass:
			t.Passed += r.N
		case OutcomeFail:
			t.Failed += r.N
		case OutcomeUnavailable:
			t.Unavailable += r.N
		case OutcomeTesterError:
			t.TesterErrors += r.N
		}
		d.LastTests[r.Orchestrator] = t
	}
	return d, nil
}
