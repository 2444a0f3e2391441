package models

import (
	"context"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"jobtester/migrations"
)

type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations returns the migrations for one dialect in version order.
func loadMigrations(dialect string) ([]migration, error) {
	entries, err := fs.ReadDir(migrations.FS, ".")
	if err != nil {
		return nil, fmt.Errorf("read embedded migrations: %w", err)
	}
	byVersion := map[int]migration{}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".sql")
		if d := strings.LastIndexByte(name, '.'); d >= 0 {
			if name[d+1:] != dialect {
				continue
			}
			name = name[:d]
		}
		num, label, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration file %s: name must be NNNN_name[.dialect].sql", e.Name())
		}
		if prev, dup := byVersion[v]; dup {
			return nil, fmt.Errorf("migration %d defined twice (%s and %s)", v, prev.name, e.Name())
		}
		body, err := fs.ReadFile(migrations.FS, e.Name())
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		byVersion[v] = migration{version: v, name: label, sql: string(body)}
	}
	out := make([]migration, 0, len(byVersion))
	for _, m := range byVersion {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// Migrate applies every migration not yet recorded in schema_migrations, each
// in its own transaction. On PostgreSQL an advisory lock makes instances that
// start together take turns, so each migration runs exactly once.
func (s *Store) Migrate(ctx context.Context) (applied []string, err error) {
	// Each migration is checked against schema_migrations inside its
	// transaction, so trying again after a transient lock is safe.
	for attempt := 1; ; attempt++ {
		more, err := s.migrate(ctx)
		applied = append(applied, more...)
		if err == nil || attempt == 5 || !s.dialect.lockedOut(err) {
			return applied, err
		}
		select {
		case <-ctx.Done():
			return applied, err
		case <-time.After(time.Duration(attempt) * 100 * time.Millisecond):
		}
	}
}

func (s *Store) migrate(ctx context.Context) (applied []string, err error) {
	ms, err := loadMigrations(s.dialect.name)
	if err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	err = db.Transaction(func(tx *gorm.DB) error {
		// Even CREATE TABLE IF NOT EXISTS races on PostgreSQL: lock first.
		if err := s.dialect.lockMigrations(tx); err != nil {
			return fmt.Errorf("lock migrations: %w", err)
		}
		return tx.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, name VARCHAR(128) NOT NULL, applied_at ` + s.dialect.timeType + ` NOT NULL)`).Error
	})
	if err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	for _, m := range ms {
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := s.dialect.lockMigrations(tx); err != nil {
				return fmt.Errorf("lock migrations: %w", err)
			}
			var n int64
			if err := tx.Raw(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n).Error; err != nil {
				return fmt.Errorf("read schema_migrations: %w", err)
			}
			if n > 0 {
				return nil
			}
			for _, stmt := range splitStatements(m.sql) {
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("migration %04d_%s: %w", m.version, m.name, err)
				}
			}
			applied = append(applied, fmt.Sprintf("%04d_%s", m.version, m.name))
			return tx.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, time.Now().UTC()).Error
		})
		if err != nil {
			return applied, err
		}
	}
	return applied, nil
}

// splitStatements splits a migration file on semicolons that end a line.
// Migrations keep to that form, so no SQL parser is needed.
func splitStatements(sql string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(sql, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--") || trimmed == "" {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(trimmed, ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, strings.TrimSpace(cur.String()))
	}
	return out
}

// Pending lists the migrations not yet applied, for instances that run
// with a role that may not change the schema (auto_migrate off): they check
// instead of migrating, and refuse to start on an old schema.
func (s *Store) Pending(ctx context.Context) ([]string, error) {
	ms, err := loadMigrations(s.dialect.name)
	if err != nil {
		return nil, err
	}
	var done []int
	err = s.db.WithContext(ctx).Raw(`SELECT version FROM schema_migrations`).Scan(&done).Error
	if err != nil {
		// No schema_migrations table: nothing is applied.
		done = nil
	}
	applied := map[int]bool{}
	for _, v := range done {
		applied[v] = true
	}
	var pending []string
	for _, m := range ms {
		if !applied[m.version] {
			pending = append(pending, fmt.Sprintf("%04d_%s", m.version, m.name))
		}
	}
	return pending, nil
}
