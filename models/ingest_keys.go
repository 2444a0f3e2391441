package models

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"jobtester/ingest"
)

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

// createIngestKey stores a new key under name with a freshly generated
// secret, sealed by sealer, and returns the row and the secret. The secret
// is returned here only: nothing can read it back in clear afterwards.
// Names are never reused, even once revoked, so stored results stay
// attributable to one key.
func (s *Store) createIngestKey(ctx context.Context, name, createdBy string, sealer *ingest.Sealer) (IngestKey, string, error) {
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

// ingestKey returns one key.
func (s *Store) ingestKey(ctx context.Context, id int64) (IngestKey, error) {
	return one[IngestKey](s.db.WithContext(ctx).Where("id = ?", id), fmt.Sprintf("ingest key %d", id))
}

// revokeIngestKey marks a key revoked; instances stop accepting it at
// their next key refresh. Revoking twice is an error, so the audit log
// records one revocation per key.
func (s *Store) revokeIngestKey(ctx context.Context, id int64, revokedBy string) (IngestKey, error) {
	now := time.Now().UTC()
	res := s.db.WithContext(ctx).Model(&IngestKey{}).Where("id = ? AND revoked_at IS NULL", id).
		Updates(map[string]any{"revoked_at": now, "revoked_by": revokedBy})
	if res.Error != nil {
		return IngestKey{}, fmt.Errorf("revoke ingest key %d: %w", id, res.Error)
	}
	k, err := s.ingestKey(ctx, id)
	if err != nil {
		return IngestKey{}, err
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

func ingestKeyTarget(k *IngestKey) string { return fmt.Sprintf("ingest_key:%d", k.ID) }

// CreateIngestKeyAudited stores a new key under name with a freshly
// generated secret (see createIngestKey), with its audit entry
// (ingest_key.create; the secret is never recorded).
func (s *Store) CreateIngestKeyAudited(ctx context.Context, actor, name string, sealer *ingest.Sealer) (IngestKey, string, error) {
	var secret string
	_, k, err := auditedChange(ctx, s, actor, "ingest_key.create", ingestKeyTarget, nil,
		func(tx *Store, _ *IngestKey) (k *IngestKey, err error) {
			k = new(IngestKey)
			*k, secret, err = tx.createIngestKey(ctx, name, actor, sealer)
			return k, err
		})
	if err != nil {
		return IngestKey{}, "", err
	}
	return *k, secret, nil
}

// RevokeIngestKeyAudited revokes a key (see revokeIngestKey), with its
// audit entry.
func (s *Store) RevokeIngestKeyAudited(ctx context.Context, actor string, id int64) (IngestKey, error) {
	_, k, err := auditedChange(ctx, s, actor, "ingest_key.revoke", ingestKeyTarget,
		func(tx *Store) (*IngestKey, error) { return found(tx.ingestKey(ctx, id)) },
		func(tx *Store, _ *IngestKey) (*IngestKey, error) { return found(tx.revokeIngestKey(ctx, id, actor)) })
	if err != nil {
		return IngestKey{}, err
	}
	return *k, nil
}
