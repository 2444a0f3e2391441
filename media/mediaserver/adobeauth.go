package mediaserver

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/netip"
	"sync"
	"time"
)

// Adobe RTMP authentication, the scheme ffmpeg and gortmplib speak when a URL
// carries user:pass@. Each step is a separate TCP connection:
//
//  1. the client connects without credentials; the server rejects with
//     "code=403 need auth; authmod=adobe";
//  2. the client reconnects with app "...?authmod=adobe&user=U"; the server
//     rejects with a salt and a challenge;
//  3. the client reconnects with "...&challenge=C2&response=R" where
//     R = b64(md5(b64(md5(U+salt+pass)) + challenge + C2)).
//
// The server keeps the challenges it issued (they are single-use and
// expire) because the third connection does not always echo them: ffmpeg
// echoes "opaque" (sent equal to the challenge, so both clients hash the
// same value), gortmplib echoes nothing and also replaces the user name with
// "myuser", so a response is checked against every named user allowed from
// the client's address.

const (
	challengeTTL  = time.Minute
	maxChallenges = 1024
)

type challengeStore struct {
	mu sync.Mutex
	m  map[string]challengeEntry
}

type challengeEntry struct {
	ip      netip.Addr
	expires time.Time
}

func newChallengeStore() *challengeStore {
	return &challengeStore{m: make(map[string]challengeEntry)}
}

// issue records a fresh challenge for ip.
func (cs *challengeStore) issue(ip netip.Addr, now time.Time) string {
	c := randomHex(16)
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if len(cs.m) >= maxChallenges {
		cs.pruneLocked(now)
	}
	// Still full: a flood of half-finished logins. Dropping an arbitrary
	// one costs an honest client one retry at worst.
	for k := range cs.m {
		if len(cs.m) < maxChallenges {
			break
		}
		delete(cs.m, k)
	}
	cs.m[c] = challengeEntry{ip: ip.Unmap(), expires: now.Add(challengeTTL)}
	return c
}

func (cs *challengeStore) pruneLocked(now time.Time) {
	for k, e := range cs.m {
		if now.After(e.expires) {
			delete(cs.m, k)
		}
	}
}

// verify checks a step-3 response against the challenges issued to ip and
// the candidate users, consuming the challenge on success.
func (cs *challengeStore) verify(candidates []*User, p authParams, ip netip.Addr, salt string, now time.Time) *User {
	if p.response == "" || p.challenge == "" || len(candidates) == 0 {
		return nil
	}
	ip = ip.Unmap()
	cs.mu.Lock()
	defer cs.mu.Unlock()
	var issued []string
	if p.opaque != "" {
		if e, ok := cs.m[p.opaque]; ok && e.ip == ip && !now.After(e.expires) {
			issued = append(issued, p.opaque)
		}
	} else {
		for k, e := range cs.m {
			if e.ip == ip && !now.After(e.expires) {
				issued = append(issued, k)
			}
		}
	}
	for _, c := range issued {
		for _, u := range candidates {
			want := adobeResponse(u.Name, u.Pass, salt, c, p.challenge)
			if subtle.ConstantTimeCompare([]byte(want), []byte(p.response)) == 1 {
				delete(cs.m, c)
				return u
			}
		}
	}
	return nil
}

// adobeResponse is the response a client that knows pass computes.
func adobeResponse(user, pass, salt, challenge, clientChallenge string) string {
	h := md5.Sum([]byte(user + salt + pass))
	first := base64.StdEncoding.EncodeToString(h[:])
	h = md5.Sum([]byte(first + challenge + clientChallenge))
	return base64.StdEncoding.EncodeToString(h[:])
}

// randomHex is hex, not base64, because clients split the server's reply on
// '&' and '=' without decoding.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b)
}

// newUUID returns a random (version 4) UUID, the form MediaMTX gives
// connection ids.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
