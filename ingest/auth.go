package ingest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Key is one tester's shared secret. Name identifies the tester in stored
// results and logs; Secret never leaves this package's callers' config.
type Key struct {
	Name    string
	Secret  string
	Revoked bool
}

// ErrUnauthenticated is returned when no live key signed the body.
var ErrUnauthenticated = errors.New("request can not be authenticated")

// Keyring checks Authorization headers against several named keys, so one
// tester's key can be revoked without touching the others.
//
// It holds two sets: the keys of the config file, fixed for the process's
// life, and the keys an admin created in the database, replaced as a whole
// by SetStored whenever they are re-read (see Refresher). Verify reads the
// stored set through an atomic pointer, so a refresh never blocks ingest.
type Keyring struct {
	static []Key
	stored atomic.Pointer[[]Key]

	usedMu sync.Mutex
	used   map[string]time.Time // stored keys that verified since the last TakeUsage
}

// NewKeyring keeps the keys that are not revoked and have a secret.
func NewKeyring(keys []Key) *Keyring {
	k := &Keyring{static: live(keys)}
	k.stored.Store(&[]Key{})
	return k
}

func live(keys []Key) []Key {
	out := []Key{}
	for _, key := range keys {
		if !key.Revoked && key.Secret != "" {
			out = append(out, key)
		}
	}
	return out
}

// SetStored replaces the database-stored keys. A stored key named like a
// config key is dropped: the config file wins, so a name always means one
// secret.
func (k *Keyring) SetStored(keys []Key) {
	keep := make([]Key, 0, len(keys))
	for _, key := range live(keys) {
		if !k.IsStatic(key.Name) {
			keep = append(keep, key)
		}
	}
	k.stored.Store(&keep)
}

// IsStatic reports whether name is a key of the config file.
func (k *Keyring) IsStatic(name string) bool {
	for _, key := range k.static {
		if key.Name == name {
			return true
		}
	}
	return false
}

// StaticNames lists the config file's live keys by name, for the admin page.
func (k *Keyring) StaticNames() []string {
	out := make([]string, len(k.static))
	for i, key := range k.static {
		out[i] = key.Name
	}
	return out
}

// Len is the number of live keys, config and stored.
func (k *Keyring) Len() int { return len(k.static) + len(*k.stored.Load()) }

// TakeUsage returns when each stored key last verified a request since the
// previous call, and forgets it: the refresher writes it to the database.
func (k *Keyring) TakeUsage() map[string]time.Time {
	k.usedMu.Lock()
	defer k.usedMu.Unlock()
	out := k.used
	k.used = nil
	return out
}

// Sign returns the Authorization value legacy testers send: the lowercase
// hex HMAC-SHA256 of the raw body, no scheme prefix.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Verify returns the name of the key whose HMAC of body equals the header.
// Every live key is compared in constant time, so timing tells nothing about
// which key or how many bytes matched.
func (k *Keyring) Verify(header string, body []byte) (string, error) {
	got, err := hex.DecodeString(strings.TrimSpace(header))
	if err != nil || len(got) != sha256.Size {
		return "", ErrUnauthenticated
	}
	name, stored := "", false
	check := func(keys []Key, isStored bool) {
		for _, key := range keys {
			m := hmac.New(sha256.New, []byte(key.Secret))
			m.Write(body)
			if hmac.Equal(m.Sum(nil), got) && name == "" {
				name, stored = key.Name, isStored
			}
		}
	}
	check(k.static, false)
	check(*k.stored.Load(), true)
	if name == "" {
		return "", ErrUnauthenticated
	}
	if stored {
		now := time.Now().UTC()
		k.usedMu.Lock()
		if k.used == nil {
			k.used = map[string]time.Time{}
		}
		k.used[name] = now
		k.usedMu.Unlock()
	}
	return name, nil
}
