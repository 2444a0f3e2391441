package control

import (
	"context"
	"fmt"
	"strings"

	"jobtester/models"
)

// IngestKeysView is what the ingest keys page and its JSON show.
type IngestKeysView struct {
	Keys       []models.IngestKey `json:"keys"`
	ConfigKeys []string           `json:"config_keys"` // names from the config file, managed there
	Sealed     bool               `json:"sealed"`      // secrets stored encrypted (a `secret` setting is set)
}

// IngestKeys lists the stored keys and the config file's names.
func (o *Ops) IngestKeys(ctx context.Context) (IngestKeysView, error) {
	keys, err := o.Store.IngestKeys(ctx)
	if err != nil {
		return IngestKeysView{}, err
	}
	v := IngestKeysView{Keys: keys, ConfigKeys: []string{}, Sealed: o.Sealer != nil && o.Sealer.Encrypts()}
	if v.Keys == nil {
		v.Keys = []models.IngestKey{}
	}
	if o.Keys != nil {
		v.ConfigKeys = append(v.ConfigKeys, o.Keys.StaticNames()...)
	}
	return v, nil
}

// CanStoreKeys reports whether CreateIngestKey can work here.
func (o *Ops) CanStoreKeys() bool { return o.Sealer != nil }

// CreateIngestKey stores a new key named name (trimmed) and applies it on
// this instance at once. The secret is returned here and nowhere else: it
// is stored sealed. Errors: ErrNoKeyStore, ErrConfigKey,
// models.ErrInvalidSetting.
func (o *Ops) CreateIngestKey(ctx context.Context, actor, name string) (models.IngestKey, string, error) {
	name = strings.TrimSpace(name)
	if o.Sealer == nil {
		return models.IngestKey{}, "", ErrNoKeyStore
	}
	if o.Keys != nil && o.Keys.IsStatic(name) {
		return models.IngestKey{}, "", fmt.Errorf("an ingest key named %s is %w", name, ErrConfigKey)
	}
	k, secret, err := o.Store.CreateIngestKeyAudited(ctx, actor, name, o.Sealer)
	if err != nil {
		return models.IngestKey{}, "", err
	}
	o.refreshKeys(ctx)
	return k, secret, nil
}

// RevokeIngestKey revokes a stored key and stops accepting it here at once.
func (o *Ops) RevokeIngestKey(ctx context.Context, actor string, id int64) (models.IngestKey, error) {
	k, err := o.Store.RevokeIngestKeyAudited(ctx, actor, id)
	if err != nil {
		return k, err
	}
	o.refreshKeys(ctx)
	return k, nil
}

// refreshKeys applies a key change on this instance now; on failure the
// change still reaches it at the next periodic refresh.
func (o *Ops) refreshKeys(ctx context.Context) {
	if o.KeyRefresh == nil {
		return
	}
	if err := o.KeyRefresh.Refresh(ctx); err != nil {
		o.log().Warn("ingest keys not re-read after a change; the periodic refresh will", "err", err)
	}
}
