package ingest

import (
	"errors"
	"strings"
	"testing"
)

func TestSealerRoundTripsAndRefusesTampering(t *testing.T) {
	s, err := NewSealer("instance-secret-setting-01")
	if err != nil {
		t.Fatal(err)
	}
	secret, err := GenerateSecret()
	if err != nil || len(secret) != 64 || strings.Trim(secret, "0123456789abcdef") != "" {
		t.Fatalf("secret %q %v: want 64 lowercase hex characters", secret, err)
	}
	a, _ := s.Seal("k", secret)
	b, _ := s.Seal("k", secret)
	if a == b || strings.Contains(a, secret) {
		t.Fatalf("sealing must use a fresh nonce and hide the secret: %q %q", a, b)
	}
	if got, err := s.Open("k", a); err != nil || got != secret {
		t.Fatalf("open: %q %v", got, err)
	}
	if _, err := s.Open("other-name", a); !errors.Is(err, ErrSealed) {
		t.Fatalf("a sealed secret moved to another key opened: %v", err)
	}
	flipped := []byte(a)
	flipped[len(flipped)-3] ^= 1
	for name, stored := range map[string]string{
		"bit flipped": string(flipped), "truncated": a[:len(sealedPrefix)+4], "not base64": sealedPrefix + "!!!",
		"unknown form": "rot13:abc", "empty": "",
	} {
		if _, err := s.Open("k", stored); err == nil {
			t.Errorf("%s: opened", name)
		}
	}
	other, _ := NewSealer("another-secret-setting-02")
	if _, err := other.Open("k", a); !errors.Is(err, ErrSealed) {
		t.Fatalf("opened under another secret: %v", err)
	}
	plain, _ := NewSealer("")
	if plain.Encrypts() || !s.Encrypts() {
		t.Fatal("Encrypts is wrong")
	}
	p, _ := plain.Seal("k", secret)
	if got, err := s.Open("k", p); err != nil || got != secret {
		t.Fatalf("a plain secret must open under any sealer: %q %v", got, err)
	}
	if _, err := plain.Open("k", a); !errors.Is(err, ErrSealed) {
		t.Fatalf("a sealed secret without a secret setting: %v", err)
	}
}

func TestKeyringRecordsUseOfStoredKeysOnly(t *testing.T) {
	ring := NewKeyring([]Key{{Name: "config", Secret: "config-secret-0000001"}})
	ring.SetStored([]Key{{Name: "stored", Secret: "stored-secret-0000002"}, {Name: "gone", Secret: "x", Revoked: true}})
	body := []byte("b")
	for _, s := range []string{"config-secret-0000001", "stored-secret-0000002"} {
		if _, err := ring.Verify(Sign(s, body), body); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ring.Verify(Sign("x", body), body); err == nil {
		t.Fatal("a revoked stored key was accepted")
	}
	used := ring.TakeUsage()
	if len(used) != 1 || used["stored"].IsZero() {
		t.Fatalf("usage = %v, want only the stored key", used)
	}
	if len(ring.TakeUsage()) != 0 {
		t.Fatal("TakeUsage must forget what it returned")
	}
	if ring.Len() != 2 || !ring.IsStatic("config") || ring.IsStatic("stored") {
		t.Fatalf("Len %d", ring.Len())
	}
}

// FuzzSealerOpen: whatever is stored in the database, Open never panics,
// and only what Seal produced under the same secret and name opens.
func FuzzSealerOpen(f *testing.F) {
	s, _ := NewSealer("fuzz-secret-setting-000001")
	good, _ := s.Seal("k", "secret")
	f.Add(good)
	f.Add("plain:abc")
	f.Add(sealedPrefix)
	f.Add(sealedPrefix + "AAAA")
	f.Fuzz(func(t *testing.T, stored string) {
		got, err := s.Open("k", stored)
		if err != nil {
			return
		}
		if !strings.HasPrefix(stored, plainPrefix) && stored != good && got != "secret" {
			t.Fatalf("opened a forged value %q to %q", stored, got)
		}
	})
}
