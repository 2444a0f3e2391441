package ingest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
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
type Keyring struct {
	keys []Key
}

// NewKeyring keeps the keys that are not revoked and have a secret.
func NewKeyring(keys []Key) *Keyring {
	k := &Keyring{}
	for _, key := range keys {
		if !key.Revoked && key.Secret != "" {
			k.keys = append(k.keys, key)
		}
	}
	return k
}

// Len is the number of live keys.
func (k *Keyring) Len() int { return len(k.keys) }

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
	name := ""
	for _, key := range k.keys {
		m := hmac.New(sha256.New, []byte(key.Secret))
		m.Write(body)
		if hmac.Equal(m.Sum(nil), got) && name == "" {
			name = key.Name
		}
	}
	if name == "" {
		return "", ErrUnauthenticated
	}
	return name, nil
}
