package models

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"jobtester/ingest"
)

// JobType is a row of job_types: "transcoding" or "ai".
type JobType struct {
	ID   int64
	Name string
}

// Region is a row of regions. The same code (Name) appears once per job
// type it serves.
type Region struct {
	ID          int64
	Name        string
	DisplayName string
	JobTypeID   int64
	JobType     string `gorm:"-"`
}

type regionKey struct{ name, jobType string }

// reloadRegions reads regions and job types into memory: they are small,
// read on every request, and change only through Store (or another
// instance, which the sync loop picks up).
func (s *Store) reloadRegions(ctx context.Context) error {
	rows, err := s.readRegions(ctx)
	if err != nil {
		return err
	}
	byID := make(map[int64]Region, len(rows))
	byName := make(map[regionKey]Region, len(rows))
	for _, r := range rows {
		byID[r.ID] = r
		byName[regionKey{r.Name, r.JobType}] = r
	}
	s.regionsMu.Lock()
	s.regions, s.byID, s.byName = rows, byID, byName
	s.regionsMu.Unlock()
	return nil
}

// Regions returns every region with its job type, as /api/regions lists them.
// Once the store has started they come from memory, which the sync loop
// keeps current; the database is read only before that.
func (s *Store) Regions(ctx context.Context) ([]Region, error) {
	s.regionsMu.RLock()
	cached := s.regions
	s.regionsMu.RUnlock()
	if s.started && cached != nil {
		return append([]Region(nil), cached...), nil
	}
	return s.readRegions(ctx)
}

func (s *Store) readRegions(ctx context.Context) ([]Region, error) {
	var rows []struct {
		Region
		JobTypeName string
	}
	err := s.db.WithContext(ctx).Raw(`SELECT r.id, r.name, r.display_name, r.job_type_id, j.name AS job_type_name
		FROM regions r JOIN job_types j ON j.id = r.job_type_id ORDER BY r.id`).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("list regions: %w", err)
	}
	out := make([]Region, len(rows))
	for i, r := range rows {
		out[i] = r.Region
		out[i].JobType = r.JobTypeName
	}
	return out, nil
}

func (s *Store) regionByName(name, jobType string) (Region, bool) {
	s.regionsMu.RLock()
	defer s.regionsMu.RUnlock()
	r, ok := s.byName[regionKey{name, jobType}]
	return r, ok
}

// regionExists reports whether the code names a region of any job type.
func (s *Store) regionExists(name string) bool {
	s.regionsMu.RLock()
	defer s.regionsMu.RUnlock()
	for k := range s.byName {
		if k.name == name {
			return true
		}
	}
	return false
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

// saveRegion creates (ID 0) or updates a region. Display name and
// description can always change; name and type only while no result
// references the region, since its history and the testers that post to it
// know it by them. The caller reloads the store's regions once committed.
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

// deleteRegion removes a region that nothing references; one with stored
// results or rollups is refused with ErrInUse saying what uses it.
func (s *Store) deleteRegion(ctx context.Context, r RegionDetail) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		use, err := regionUse(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		if use != "" {
			return fmt.Errorf("%w: region %s (%s) has %s and can not be removed; results would lose their region",
				ErrInUse, r.Name, r.JobType, use)
		}
		if err := tx.Exec(`DELETE FROM regions WHERE id = ?`, r.ID).Error; err != nil {
			if isForeignKeyViolation(err) {
				// A result stored between the check and the delete.
				return fmt.Errorf("%w: region %s (%s) has stored results and can not be removed", ErrInUse, r.Name, r.JobType)
			}
			return fmt.Errorf("delete region %s: %w", r.Name, err)
		}
		return nil
	})
}

func regionTarget(r *RegionDetail) string { return fmt.Sprintf("region:%d", r.ID) }

// SaveRegionAudited creates (ID 0) or updates a region (see saveRegion),
// with its audit entry (region.create or region.update). The store's
// regions follow at once, so results may name a new region straight away.
func (s *Store) SaveRegionAudited(ctx context.Context, actor string, r *RegionDetail) error {
	action := "region.create"
	var before func(*Store) (*RegionDetail, error)
	if r.ID != 0 {
		action = "region.update"
		before = func(tx *Store) (*RegionDetail, error) { return found(tx.RegionDetailByID(ctx, r.ID)) }
	}
	_, _, err := auditedChange(ctx, s, actor, action, regionTarget, before,
		func(tx *Store, _ *RegionDetail) (*RegionDetail, error) { return r, tx.saveRegion(ctx, r) })
	if err != nil {
		return err
	}
	return s.reloadRegions(ctx)
}

// DeleteRegionAudited removes a region (see deleteRegion), with its audit
// entry, and returns it.
func (s *Store) DeleteRegionAudited(ctx context.Context, actor string, id int64) (RegionDetail, error) {
	was, _, err := auditedChange(ctx, s, actor, "region.delete", regionTarget,
		func(tx *Store) (*RegionDetail, error) { return found(tx.RegionDetailByID(ctx, id)) },
		func(tx *Store, r *RegionDetail) (*RegionDetail, error) { return nil, tx.deleteRegion(ctx, *r) })
	if err != nil {
		return RegionDetail{}, err
	}
	return *was, s.reloadRegions(ctx)
}
