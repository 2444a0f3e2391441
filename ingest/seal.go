package ingest

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Stored secrets carry their form as a prefix, so a database can hold
// keys written by instances with and without the `secret` setting.
const (
	sealedPrefix = "aesgcm1:" // base64url(nonce ‖ AES-256-GCM ciphertext ‖ tag), name as additional data
	plainPrefix  = "plain:"
)

// ErrSealed is returned for a stored secret this instance cannot open: it
// was sealed under a `secret` setting this instance lacks or has changed.
var ErrSealed = errors.New("ingest key is sealed under a different secret setting")

// Sealer protects the secrets of database-stored ingest keys. The HMAC
// needs the secret itself, so it cannot be hashed like a password; instead
// it is encrypted with AES-256-GCM under a key derived (HKDF-SHA256) from
// the instance's `secret` setting. A copy of the database alone then holds
// no usable ingest secret. Without a `secret` setting secrets are stored as
// they are; docs/admin.md says so.
type Sealer struct {
	aead cipher.AEAD // nil: store plain
}

// hkdfInfo binds the derived key to this one use: the same `secret` also
// signs post_stats as the key "default".
const hkdfInfo = "jobtester ingest-key sealing v1"

// NewSealer derives the sealing key from master; an empty master gives a
// Sealer that stores secrets plain.
func NewSealer(master string) (*Sealer, error) {
	if master == "" {
		return &Sealer{}, nil
	}
	key, err := hkdf.Key(sha256.New, []byte(master), nil, hkdfInfo, 32)
	if err != nil {
		return nil, fmt.Errorf("derive the ingest-key sealing key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("ingest-key sealing cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("ingest-key sealing cipher: %w", err)
	}
	return &Sealer{aead: aead}, nil
}

// Encrypts reports whether secrets are sealed rather than stored plain.
func (s *Sealer) Encrypts() bool { return s.aead != nil }

// Seal returns the stored form of a key's secret. The key's name is the
// additional data, so a sealed secret moved to another row does not open.
func (s *Sealer) Seal(name, secret string) (string, error) {
	if s.aead == nil {
		return plainPrefix + secret, nil
	}
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(secret)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal ingest key %s: %w", name, err)
	}
	out := s.aead.Seal(nonce, nonce, []byte(secret), []byte(name))
	return sealedPrefix + base64.RawURLEncoding.EncodeToString(out), nil
}

// Open returns the secret of a stored key. A plain secret opens whatever
// the Sealer; a sealed one needs the same `secret` setting it was sealed
// under, else the error wraps ErrSealed.
func (s *Sealer) Open(name, stored string) (string, error) {
	if v, ok := strings.CutPrefix(stored, plainPrefix); ok {
		return v, nil
	}
	v, ok := strings.CutPrefix(stored, sealedPrefix)
	if !ok {
		return "", fmt.Errorf("ingest key %s: stored secret has an unknown form", name)
	}
	if s.aead == nil {
		return "", fmt.Errorf("ingest key %s: %w (this instance has none)", name, ErrSealed)
	}
	raw, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(raw) < s.aead.NonceSize()+s.aead.Overhead() {
		return "", fmt.Errorf("ingest key %s: stored secret is damaged", name)
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], []byte(name))
	if err != nil {
		return "", fmt.Errorf("ingest key %s: %w", name, ErrSealed)
	}
	return string(plain), nil
}

// GenerateSecret returns a new ingest secret: 32 random bytes as hex, the
// form legacy testers take as their SECRET.
func GenerateSecret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generate ingest secret: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}
