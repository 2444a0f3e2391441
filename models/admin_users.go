package models

import (
	"context"
	"fmt"
	"time"
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

// adminUserRecord is what the audit log keeps of an account: never the
// hash.
type adminUserRecord struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
}

// AdminUser returns the account with this name.
func (s *Store) AdminUser(ctx context.Context, username string) (AdminUser, error) {
	return one[AdminUser](s.db.WithContext(ctx).Where("username = ?", username), fmt.Sprintf("admin user %q", username))
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

func adminUserTarget(u *adminUserRecord) string { return fmt.Sprintf("admin_user:%d", u.ID) }

// CreateAdminUser stores a new account with its password hash. An account
// of that name created meanwhile by another instance is not an error: both
// came from the same configuration.
func (s *Store) CreateAdminUser(ctx context.Context, actor, username, hash string) error {
	_, _, err := auditedChange(ctx, s, actor, "admin_user.create", adminUserTarget, nil,
		func(tx *Store, _ *adminUserRecord) (*adminUserRecord, error) {
			u := AdminUser{Username: username, PasswordHash: hash}
			if err := tx.db.WithContext(ctx).Create(&u).Error; err != nil {
				return nil, err
			}
			return &adminUserRecord{u.ID, u.Username}, nil
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
// sessions: whoever knew the old password is logged out. The audit record
// says that the password changed, not to what: before and after are the
// same account.
func (s *Store) SetAdminPassword(ctx context.Context, actor string, userID int64, hash string) error {
	_, _, err := auditedChange(ctx, s, actor, "admin_user.password", adminUserTarget,
		func(tx *Store) (*adminUserRecord, error) {
			u, err := one[AdminUser](tx.db.WithContext(ctx).Where("id = ?", userID), fmt.Sprintf("admin user %d", userID))
			if err != nil {
				return nil, err
			}
			return &adminUserRecord{u.ID, u.Username}, nil
		},
		func(tx *Store, account *adminUserRecord) (*adminUserRecord, error) {
			err := tx.db.WithContext(ctx).Model(&AdminUser{}).Where("id = ?", userID).
				Updates(map[string]any{"password_hash": hash, "updated_at": time.Now().UTC()}).Error
			if err != nil {
				return nil, fmt.Errorf("set password of admin user %d: %w", userID, err)
			}
			if err := tx.db.WithContext(ctx).Where("user_id = ?", userID).Delete(&AdminSession{}).Error; err != nil {
				return nil, fmt.Errorf("end sessions of admin user %d: %w", userID, err)
			}
			return account, nil
		})
	return err
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
	return one[SessionUser](s.db.WithContext(ctx).Table("admin_sessions s").
		Select("s.id_hash, s.user_id, s.created_at, s.last_seen_at, s.expires_at, u.username").
		Joins("JOIN admin_users u ON u.id = s.user_id").
		Where("s.id_hash = ?", idHash), "session")
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
