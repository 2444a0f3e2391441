package models

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"jobtester/ingest"
)

// ErrInvalidSetting wraps every validation failure of what an admin
// configures at run time (ingest keys, schedules, test definitions,
// regions); the message says which field and why.
var ErrInvalidSetting = errors.New("invalid setting")

// ErrInUse is returned when a region still has stored data or is otherwise
// needed, so removing or renaming it would orphan history.
var ErrInUse = errors.New("in use")

func invalid(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidSetting, fmt.Sprintf(format, a...))
}

// IngestKey is a row of ingest_keys: a named HMAC key for post_stats that
// an admin created. Secret is the stored (possibly sealed) form and never
// leaves the process.
type IngestKey struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Secret     string     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	CreatedBy  string     `json:"created_by"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	RevokedBy  string     `json:"revoked_by"`
}

// Revoked reports whether the key no longer authenticates.
func (k IngestKey) Revoked() bool { return k.RevokedAt != nil }

// keyNameRE is what a key name may look like: it is stored with every
// result the key posts and shown in logs and metrics labels.
var keyNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// ValidateIngestKeyName checks a new key's name.
func ValidateIngestKeyName(name string) error {
	if !keyNameRE.MatchString(name) {
		return invalid("name must be 1–64 characters of a–z, 0–9, '.', '_' or '-', starting with a letter or digit")
	}
	return nil
}

// CreateIngestKey stores a new key under name with a freshly generated
// secret, sealed by sealer, and returns the row and the secret. The secret
// is returned here only: nothing can read it back in clear afterwards.
// Names are never reused, even once revoked, so stored results stay
// attributable to one key.
func (s *Store) CreateIngestKey(ctx context.Context, name, createdBy string, sealer *ingest.Sealer) (IngestKey, string, error) {
	name = strings.TrimSpace(name)
	if err := ValidateIngestKeyName(name); err != nil {
		return IngestKey{}, "", err
	}
	secret, err := ingest.GenerateSecret()
	if err != nil {
		return IngestKey{}, "", err
	}
	sealed, err := sealer.Seal(name, secret)
	if err != nil {
		return IngestKey{}, "", err
	}
	k := IngestKey{Name: name, Secret: sealed, CreatedAt: time.Now().UTC(), CreatedBy: createdBy}
	if err := s.db.WithContext(ctx).Create(&k).Error; err != nil {
		if isUniqueViolation(err) {
			return IngestKey{}, "", invalid("an ingest key named %q exists or existed; names are not reused", name)
		}
		return IngestKey{}, "", fmt.Errorf("create ingest key %s: %w", name, err)
	}
	return k, secret, nil
}

// IngestKeys lists the stored keys, newest first.
func (s *Store) IngestKeys(ctx context.Context) ([]IngestKey, error) {
	var out []IngestKey
	if err := s.db.WithContext(ctx).Order("id DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list ingest keys: %w", err)
	}
	return out, nil
}

// RevokeIngestKey marks a key revoked; instances stop accepting it at
// their next key refresh. Revoking twice is an error, so the audit log
// records one revocation per key.
func (s *Store) RevokeIngestKey(ctx context.Context, id int64, revokedBy string) (IngestKey, error) {
	now := time.Now().UTC()
	res := s.db.WithContext(ctx).Model(&IngestKey{}).Where("id = ? AND revoked_at IS NULL", id).
		Updates(map[string]any{"revoked_at": now, "revoked_by": revokedBy})
	if res.Error != nil {
		return IngestKey{}, fmt.Errorf("revoke ingest key %d: %w", id, res.Error)
	}
	var k IngestKey
	err := s.db.WithContext(ctx).First(&k, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return IngestKey{}, fmt.Errorf("ingest key %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return IngestKey{}, fmt.Errorf("read ingest key %d: %w", id, err)
	}
	if res.RowsAffected == 0 {
		return k, invalid("ingest key %s is already revoked", k.Name)
	}
	return k, nil
}

// LoadIngestKeys is ingest.KeySource: every stored key with its sealed
// secret.
func (s *Store) LoadIngestKeys(ctx context.Context) ([]ingest.StoredKey, error) {
	var rows []IngestKey
	if err := s.db.WithContext(ctx).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load ingest keys: %w", err)
	}
	out := make([]ingest.StoredKey, len(rows))
	for i, r := range rows {
		out[i] = ingest.StoredKey{Name: r.Name, Sealed: r.Secret, Revoked: r.Revoked()}
	}
	return out, nil
}

// MarkIngestKeysUsed is ingest.KeySource: it moves last_used_at forward
// (never back: instances report out of order).
func (s *Store) MarkIngestKeysUsed(ctx context.Context, used map[string]time.Time) error {
	for name, at := range used {
		err := s.db.WithContext(ctx).Model(&IngestKey{}).
			Where("name = ? AND (last_used_at IS NULL OR last_used_at < ?)", name, at.UTC()).
			Update("last_used_at", at.UTC()).Error
		if err != nil {
			return fmt.Errorf("mark ingest key %s used: %w", name, err)
		}
	}
	return nil
}

// Schedule is a row of schedules: a cron expression an admin set, which
// overrides the config file's `schedule` while the row exists.
type Schedule struct {
	Name      string    `json:"name" gorm:"primaryKey"`
	Expr      string    `json:"expr"`
	Enabled   bool      `json:"enabled"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

// SweepSchedule names the schedule of sweeps, the one schedule there is.
const SweepSchedule = "sweep"

// GetSchedule returns the stored schedule, or ErrNotFound when the config
// file's applies.
func (s *Store) GetSchedule(ctx context.Context, name string) (Schedule, error) {
	var sc Schedule
	err := s.db.WithContext(ctx).Where("name = ?", name).First(&sc).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return sc, fmt.Errorf("schedule %s: %w", name, ErrNotFound)
	}
	if err != nil {
		return sc, fmt.Errorf("read schedule %s: %w", name, err)
	}
	return sc, nil
}

// SaveSchedule stores a schedule. It checks only the form of the row; the
// cron syntax is the caller's to check (jobs.ValidateSchedule), since the
// scheduler is what understands it.
func (s *Store) SaveSchedule(ctx context.Context, sc *Schedule) error {
	sc.Expr = strings.TrimSpace(sc.Expr)
	if sc.Name == "" || len(sc.Name) > 32 {
		return invalid("schedule name must be 1–32 characters")
	}
	if sc.Expr == "" {
		return invalid("schedule is required (disable it instead of emptying it)")
	}
	if len(sc.Expr) > 256 || !utf8.ValidString(sc.Expr) || strings.ContainsAny(sc.Expr, "\x00\n\r") {
		return invalid("schedule must be one line of at most 256 characters")
	}
	sc.UpdatedAt = time.Now().UTC()
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "name"}},
		DoUpdates: clause.AssignmentColumns([]string{"expr", "enabled", "updated_at", "updated_by"}),
	}).Create(sc).Error
	if err != nil {
		return fmt.Errorf("save schedule %s: %w", sc.Name, err)
	}
	return nil
}

// DeleteSchedule removes a stored schedule: the config file's applies again.
func (s *Store) DeleteSchedule(ctx context.Context, name string) error {
	res := s.db.WithContext(ctx).Where("name = ?", name).Delete(&Schedule{})
	if res.Error != nil {
		return fmt.Errorf("delete schedule %s: %w", name, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("schedule %s: %w", name, ErrNotFound)
	}
	return nil
}

// TestDefinition is a row of test_definitions: an admin's override of one
// pipeline's built-in test. Pipelines without a row run as built.
type TestDefinition struct {
	Pipeline  string    `json:"pipeline" gorm:"primaryKey"`
	Enabled   bool      `json:"enabled"`
	Params    string    `json:"params"` // JSON object; the keys each pipeline takes are jobs' to check
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

// TestDefinitions lists every override, by pipeline.
func (s *Store) TestDefinitions(ctx context.Context) ([]TestDefinition, error) {
	var out []TestDefinition
	if err := s.db.WithContext(ctx).Order("pipeline").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list test definitions: %w", err)
	}
	return out, nil
}

// SaveTestDefinition stores an override. Params must be a JSON object
// (stored compacted); which keys a pipeline takes is checked by the caller
// (jobs.ValidateParams), which knows the pipelines.
func (s *Store) SaveTestDefinition(ctx context.Context, d *TestDefinition) error {
	if d.Pipeline == "" || len(d.Pipeline) > 256 {
		return invalid("pipeline must be 1–256 characters")
	}
	if strings.TrimSpace(d.Params) == "" {
		d.Params = "{}"
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(d.Params), &obj); err != nil || obj == nil {
		return invalid("parameters must be a JSON object such as {\"seed\": 7}")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(d.Params)); err != nil {
		return invalid("parameters must be a JSON object such as {\"seed\": 7}")
	}
	if buf.Len() > 16<<10 {
		return invalid("parameters must be at most 16 KiB")
	}
	d.Params = buf.String()
	d.UpdatedAt = time.Now().UTC()
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "pipeline"}},
		DoUpdates: clause.AssignmentColumns([]string{"enabled", "params", "updated_at", "updated_by"}),
	}).Create(d).Error
	if err != nil {
		return fmt.Errorf("save test definition %s: %w", d.Pipeline, err)
	}
	return nil
}

// DeleteTestDefinition removes an override: the built-in test applies again.
func (s *Store) DeleteTestDefinition(ctx context.Context, pipeline string) error {
	res := s.db.WithContext(ctx).Where("pipeline = ?", pipeline).Delete(&TestDefinition{})
	if res.Error != nil {
		return fmt.Errorf("delete test definition %s: %w", pipeline, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("test definition %s: %w", pipeline, ErrNotFound)
	}
	return nil
}

// RegionDetail is a region as the admin edits it.
type RegionDetail struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	JobType     string `json:"job_type"` // transcoding or ai
	Description string `json:"description"`
}

var regionNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,55}$`)

// Normalize checks a region and trims its text; the error names the field.
func (r *RegionDetail) Normalize() error {
	r.Name = strings.TrimSpace(r.Name)
	r.DisplayName = strings.TrimSpace(r.DisplayName)
	r.Description = strings.TrimSpace(r.Description)
	r.JobType = strings.ToLower(strings.TrimSpace(r.JobType))
	if !regionNameRE.MatchString(r.Name) {
		return invalid("name must be 1–56 letters, digits, '-' or '_' (testers post it as their region, e.g. FRA)")
	}
	if r.JobType != ingest.JobTypeTranscoding && r.JobType != ingest.JobTypeAI {
		return invalid("type must be transcoding or ai")
	}
	if r.DisplayName == "" || utf8.RuneCountInString(r.DisplayName) > 128 {
		return invalid("display name is required, at most 128 characters")
	}
	if utf8.RuneCountInString(r.Description) > 1000 {
		return invalid("description must be at most 1000 characters")
	}
	for _, v := range []string{r.DisplayName, r.Description} {
		if !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 {
			return invalid("text must be valid UTF-8 without NUL characters")
		}
	}
	return nil
}

// RegionDetails lists every region with its description, by type then name.
func (s *Store) RegionDetails(ctx context.Context) ([]RegionDetail, error) {
	var out []RegionDetail
	err := s.db.WithContext(ctx).Raw(`SELECT r.id, r.name, r.display_name, j.name AS job_type, r.description
		FROM regions r JOIN job_types j ON j.id = r.job_type_id ORDER BY j.id, r.name`).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list regions: %w", err)
	}
	return out, nil
}

// RegionDetailByID returns one region.
func (s *Store) RegionDetailByID(ctx context.Context, id int64) (RegionDetail, error) {
	var out []RegionDetail
	err := s.db.WithContext(ctx).Raw(`SELECT r.id, r.name, r.display_name, j.name AS job_type, r.description
		FROM regions r JOIN job_types j ON j.id = r.job_type_id WHERE r.id = ?`, id).Scan(&out).Error
	if err != nil {
		return RegionDetail{}, fmt.Errorf("read region %d: %w", id, err)
	}
	if len(out) == 0 {
		return RegionDetail{}, fmt.Errorf("region %d: %w", id, ErrNotFound)
	}
	return out[0], nil
}

func (s *Store) jobTypeID(ctx context.Context, tx *gorm.DB, name string) (int64, error) {
	var ids []int64
	if err := tx.WithContext(ctx).Raw(`SELECT id FROM job_types WHERE name = ?`, name).Scan(&ids).Error; err != nil {
		return 0, fmt.Errorf("read job type %s: %w", name, err)
	}
	if len(ids) == 0 {
		return 0, invalid("type must be transcoding or ai")
	}
	return ids[0], nil
}

// regionUse says why a region can not lose its identity ("" when it can):
// results and rollups reference it by id, and legacy testers post by name.
func regionUse(ctx context.Context, tx *gorm.DB, id int64) (string, error) {
	for _, q := range []struct{ table, what string }{{"results", "stored results"}, {"rollups", "hourly rollups"}} {
		var hits []int
		err := tx.WithContext(ctx).Raw(`SELECT 1 FROM `+q.table+` WHERE region_id = ? LIMIT 1`, id).Scan(&hits).Error
		if err != nil {
			return "", fmt.Errorf("check whether region %d is used: %w", id, err)
		}
		if len(hits) > 0 {
			return q.what, nil
		}
	}
	return "", nil
}

// SaveRegion creates (ID 0) or updates a region. Display name and
// description can always change; name and type only while no result
// references the region, since its history and the testers that post to it
// know it by them.
func (s *Store) SaveRegion(ctx context.Context, r *RegionDetail) error {
	if err := s.saveRegion(ctx, r); err != nil {
		return err
	}
	return s.reloadRegions(ctx)
}

func (s *Store) saveRegion(ctx context.Context, r *RegionDetail) error {
	if err := r.Normalize(); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		jt, err := s.jobTypeID(ctx, tx, r.JobType)
		if err != nil {
			return err
		}
		if r.ID == 0 {
			err := tx.Exec(`INSERT INTO regions (name, display_name, job_type_id, description) VALUES (?, ?, ?, ?)`,
				r.Name, r.DisplayName, jt, r.Description).Error
			if err != nil {
				if isUniqueViolation(err) {
					return invalid("region %s already exists for %s", r.Name, r.JobType)
				}
				return fmt.Errorf("create region %s: %w", r.Name, err)
			}
			var ids []int64
			if err := tx.Raw(`SELECT id FROM regions WHERE name = ? AND job_type_id = ?`, r.Name, jt).Scan(&ids).Error; err != nil || len(ids) == 0 {
				return fmt.Errorf("read back region %s: %v", r.Name, err)
			}
			r.ID = ids[0]
			return nil
		}
		var cur []RegionDetail
		if err := tx.Raw(`SELECT r.id, r.name, j.name AS job_type FROM regions r JOIN job_types j ON j.id = r.job_type_id
			WHERE r.id = ?`, r.ID).Scan(&cur).Error; err != nil {
			return fmt.Errorf("read region %d: %w", r.ID, err)
		}
		if len(cur) == 0 {
			return fmt.Errorf("region %d: %w", r.ID, ErrNotFound)
		}
		if cur[0].Name != r.Name || cur[0].JobType != r.JobType {
			use, err := regionUse(ctx, tx, r.ID)
			if err != nil {
				return err
			}
			if use != "" {
				return fmt.Errorf("%w: region %s (%s) has %s, so its name and type can not change; edit its display name or description, or create a new region",
					ErrInUse, cur[0].Name, cur[0].JobType, use)
			}
		}
		err = tx.Exec(`UPDATE regions SET name = ?, display_name = ?, job_type_id = ?, description = ? WHERE id = ?`,
			r.Name, r.DisplayName, jt, r.Description, r.ID).Error
		if err != nil {
			if isUniqueViolation(err) {
				return invalid("region %s already exists for %s", r.Name, r.JobType)
			}
			return fmt.Errorf("update region %d: %w", r.ID, err)
		}
		return nil
	})
}

// DeleteRegion removes a region that nothing references; one with stored
// results or rollups is refused with ErrInUse saying what uses it.
func (s *Store) DeleteRegion(ctx context.Context, id int64) (RegionDetail, error) {
	r, err := s.deleteRegion(ctx, id)
	if err != nil {
		return r, err
	}
	return r, s.reloadRegions(ctx)
}

func (s *Store) deleteRegion(ctx context.Context, id int64) (RegionDetail, error) {
	r, err := s.RegionDetailByID(ctx, id)
	if err != nil {
		return r, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		use, err := regionUse(ctx, tx, id)
		if err != nil {
			return err
		}
		if use != "" {
			return fmt.Errorf("%w: region %s (%s) has %s and can not be removed; results would lose their region",
				ErrInUse, r.Name, r.JobType, use)
		}
		if err := tx.Exec(`DELETE FROM regions WHERE id = ?`, id).Error; err != nil {
			if isForeignKeyViolation(err) {
				// A result stored between the check and the delete.
				return fmt.Errorf("%w: region %s (%s) has stored results and can not be removed", ErrInUse, r.Name, r.JobType)
			}
			return fmt.Errorf("delete region %s: %w", r.Name, err)
		}
		return nil
	})
	return r, err
}

func isForeignKeyViolation(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "FOREIGN KEY constraint failed") || strings.Contains(msg, "SQLSTATE 23503")
}

// The audited forms of the changes above: each runs in one transaction
// with its audit_log entry (see Audited). Targets are <thing>:<id>.

// CreateIngestKeyAudited is CreateIngestKey with its audit entry
// (ingest_key.create; the secret is never recorded).
func (s *Store) CreateIngestKeyAudited(ctx context.Context, actor, name string, sealer *ingest.Sealer) (IngestKey, string, error) {
	var k IngestKey
	var secret string
	e := &AuditEntry{Actor: actor, Action: "ingest_key.create"}
	err := s.Audited(ctx, e, func(tx *Store) error {
		var err error
		if k, secret, err = tx.CreateIngestKey(ctx, name, actor, sealer); err != nil {
			return err
		}
		e.Target = fmt.Sprintf("ingest_key:%d", k.ID)
		e.SetAfter(k)
		return nil
	})
	if err != nil {
		return IngestKey{}, "", err
	}
	return k, secret, nil
}

// RevokeIngestKeyAudited is RevokeIngestKey with its audit entry.
func (s *Store) RevokeIngestKeyAudited(ctx context.Context, actor string, id int64) (IngestKey, error) {
	var k IngestKey
	e := &AuditEntry{Actor: actor, Action: "ingest_key.revoke", Target: fmt.Sprintf("ingest_key:%d", id)}
	err := s.Audited(ctx, e, func(tx *Store) error {
		var err error
		if k, err = tx.RevokeIngestKey(ctx, id, actor); err != nil {
			return err
		}
		before := k
		before.RevokedAt, before.RevokedBy = nil, ""
		e.SetBefore(before)
		e.SetAfter(k)
		return nil
	})
	return k, err
}

// SaveScheduleAudited is SaveSchedule with its audit entry
// (schedule.update, before is null when the config's applied).
func (s *Store) SaveScheduleAudited(ctx context.Context, actor string, sc *Schedule) error {
	sc.UpdatedBy = actor
	e := &AuditEntry{Actor: actor, Action: "schedule.update", Target: "schedule:" + sc.Name}
	return s.Audited(ctx, e, func(tx *Store) error {
		if before, err := tx.GetSchedule(ctx, sc.Name); err == nil {
			e.SetBefore(before)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		if err := tx.SaveSchedule(ctx, sc); err != nil {
			return err
		}
		e.SetAfter(sc)
		return nil
	})
}

// DeleteScheduleAudited is DeleteSchedule with its audit entry
// (schedule.reset: the config's schedule applies again).
func (s *Store) DeleteScheduleAudited(ctx context.Context, actor, name string) error {
	e := &AuditEntry{Actor: actor, Action: "schedule.reset", Target: "schedule:" + name}
	return s.Audited(ctx, e, func(tx *Store) error {
		before, err := tx.GetSchedule(ctx, name)
		if err != nil {
			return err
		}
		e.SetBefore(before)
		return tx.DeleteSchedule(ctx, name)
	})
}

// SaveTestDefinitionAudited is SaveTestDefinition with its audit entry.
func (s *Store) SaveTestDefinitionAudited(ctx context.Context, actor string, d *TestDefinition) error {
	d.UpdatedBy = actor
	e := &AuditEntry{Actor: actor, Action: "test_definition.update", Target: "test_definition:" + d.Pipeline}
	return s.Audited(ctx, e, func(tx *Store) error {
		var before []TestDefinition
		if err := tx.db.WithContext(ctx).Where("pipeline = ?", d.Pipeline).Find(&before).Error; err != nil {
			return fmt.Errorf("read test definition %s: %w", d.Pipeline, err)
		}
		if len(before) > 0 {
			e.SetBefore(before[0])
		}
		if err := tx.SaveTestDefinition(ctx, d); err != nil {
			return err
		}
		e.SetAfter(d)
		return nil
	})
}

// DeleteTestDefinitionAudited is DeleteTestDefinition with its audit entry
// (test_definition.reset: the built-in test applies again).
func (s *Store) DeleteTestDefinitionAudited(ctx context.Context, actor, pipeline string) error {
	e := &AuditEntry{Actor: actor, Action: "test_definition.reset", Target: "test_definition:" + pipeline}
	return s.Audited(ctx, e, func(tx *Store) error {
		var before []TestDefinition
		if err := tx.db.WithContext(ctx).Where("pipeline = ?", pipeline).Find(&before).Error; err != nil {
			return fmt.Errorf("read test definition %s: %w", pipeline, err)
		}
		if len(before) == 0 {
			return fmt.Errorf("test definition %s: %w", pipeline, ErrNotFound)
		}
		e.SetBefore(before[0])
		return tx.DeleteTestDefinition(ctx, pipeline)
	})
}

// SaveRegionAudited is SaveRegion with its audit entry (region.create or
// region.update).
func (s *Store) SaveRegionAudited(ctx context.Context, actor string, r *RegionDetail) error {
	e := &AuditEntry{Actor: actor, Action: "region.create"}
	err := s.Audited(ctx, e, func(tx *Store) error {
		if r.ID != 0 {
			before, err := tx.RegionDetailByID(ctx, r.ID)
			if err != nil {
				return err
			}
			e.Action = "region.update"
			e.SetBefore(before)
		}
		if err := tx.saveRegion(ctx, r); err != nil {
			return err
		}
		e.Target = fmt.Sprintf("region:%d", r.ID)
		e.SetAfter(r)
		return nil
	})
	if err != nil {
		return err
	}
	return s.reloadRegions(ctx)
}

// DeleteRegionAudited is DeleteRegion with its audit entry.
func (s *Store) DeleteRegionAudited(ctx context.Context, actor string, id int64) (RegionDetail, error) {
	var r RegionDetail
	e := &AuditEntry{Actor: actor, Action: "region.delete", Target: fmt.Sprintf("region:%d", id)}
	err := s.Audited(ctx, e, func(tx *Store) error {
		var err error
		if r, err = tx.deleteRegion(ctx, id); err != nil {
			return err
		}
		e.SetBefore(r)
		return nil
	})
	if err != nil {
		return r, err
	}
	return r, s.reloadRegions(ctx)
}

// AuditAction records an action that changes nothing in these tables but
// is an admin's doing, such as starting a test of one orchestrator.
func (s *Store) AuditAction(ctx context.Context, actor, action, target string, after any) error {
	e := &AuditEntry{Actor: actor, Action: action, Target: target}
	e.SetAfter(after)
	return s.Audited(ctx, e, func(*Store) error { return nil })
}
