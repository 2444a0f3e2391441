package auth

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"jobtester/dbtest"
	"jobtester/models"
)

var ctx = context.Background()

func forEachDialect(t *testing.T, fn func(t *testing.T, st *models.Store)) {
	for _, d := range dbtest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, dbtest.Open(t, d, models.Options{}))
		})
	}
}

// clock is a settable time source shared by the Auth under test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newAuth(t *testing.T, st *models.Store, clk *clock, o Options) *Auth {
	t.Helper()
	o.BcryptCost = bcrypt.MinCost
	o.Now = clk.Now
	o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := New(st, o)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestPasswordHashing(t *testing.T) {
	h, err := HashPassword("correct horse battery", bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h, "correct horse") || !strings.HasPrefix(h, "$2a$04$") {
		t.Fatalf("hash %q is not a bcrypt hash of cost 4", h)
	}
	h2, _ := HashPassword("correct horse battery", bcrypt.MinCost)
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	for pw, want := range map[string]bool{
		"correct horse battery":  true,
		"correct horse battery ": false,
		"Correct horse battery":  false,
		"":                       false,
		strings.Repeat("x", 100): false,
	} {
		if got := CheckPassword(h, pw); got != want {
			t.Errorf("CheckPassword(%q) = %v, want %v", pw, got, want)
		}
	}
	if CheckPassword("not a hash", "x") {
		t.Error("a broken hash matched")
	}
	if _, err := HashPassword(strings.Repeat("x", 73), bcrypt.MinCost); !errors.Is(err, ErrPasswordTooLong) {
		t.Errorf("73-byte password: %v, want ErrPasswordTooLong", err)
	}
	if _, err := HashPassword("", bcrypt.MinCost); err == nil {
		t.Error("empty password hashed")
	}
}

func TestEnsureAdminCreatesUpdatesAndAudits(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *models.Store) {
		clk := &clock{t: time.Now()}
		a := newAuth(t, st, clk, Options{})
		if err := a.EnsureAdmin(ctx, "admin", ""); err != nil {
			t.Fatal(err)
		}
		if ok, _ := a.HasAdmin(ctx); ok {
			t.Fatal("an account exists without a configured password")
		}
		if err := a.EnsureAdmin(ctx, "admin", "first password 1"); err != nil {
			t.Fatal(err)
		}
		u, err := st.AdminUser(ctx, "admin")
		if err != nil || !CheckPassword(u.PasswordHash, "first password 1") {
			t.Fatalf("created account %+v %v", u, err)
		}
		// Same password again: nothing changes, no audit entry.
		if err := a.EnsureAdmin(ctx, "admin", "first password 1"); err != nil {
			t.Fatal(err)
		}
		s, err := a.Login(ctx, "admin", "first password 1", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if err := a.EnsureAdmin(ctx, "admin", "second password 2"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Lookup(ctx, s.ID); !errors.Is(err, ErrNoSession) {
			t.Fatalf("session after a password change: %v, want ErrNoSession", err)
		}
		if _, err := a.Login(ctx, "admin", "first password 1", "127.0.0.1"); !errors.Is(err, ErrWrongCredentials) {
			t.Fatalf("old password: %v", err)
		}
		log, err := st.AuditLog(ctx, models.AuditQuery{})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range log {
			actions = append(actions, e.Actor+" "+e.Action)
			if strings.Contains(e.Before+e.After, "$2a$") || strings.Contains(e.Before+e.After, "password 1") {
				t.Errorf("audit entry %+v holds a secret", e)
			}
		}
		want := "config admin_user.password,admin session.login,config admin_user.create"
		if got := strings.Join(actions, ","); got != want {
			t.Fatalf("audit log %s, want %s", got, want)
		}
		if err := a.EnsureAdmin(ctx, "bad name!", "some password 12"); err == nil {
			t.Fatal("bad username accepted")
		}
	})
}

func TestSessionsExpire(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *models.Store) {
		clk := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
		a := newAuth(t, st, clk, Options{SessionTTL: 3 * time.Hour, IdleTimeout: time.Hour})
		if err := a.EnsureAdmin(ctx, "admin", "a long password"); err != nil {
			t.Fatal(err)
		}
		s, err := a.Login(ctx, "admin", "a long password", "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if len(s.ID) != 43 || s.CSRFToken == "" || s.CSRFToken == s.ID {
			t.Fatalf("session %+v", s)
		}
		// The database holds the hash of the id, not the id.
		if _, err := st.Session(ctx, s.ID); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("raw session id found in the table: %v", err)
		}
		// Activity keeps it alive past the idle timeout…
		for i := 0; i < 3; i++ {
			clk.Add(50 * time.Minute)
			got, err := a.Lookup(ctx, s.ID)
			if err != nil {
				t.Fatalf("after %d×50 min of activity: %v", i+1, err)
			}
			if got.User != "admin" || got.CSRFToken != s.CSRFToken {
				t.Fatalf("looked up %+v", got)
			}
		}
		// …but not past the TTL from login (3 h; now 3 h 20 min).
		clk.Add(50 * time.Minute)
		if _, err := a.Lookup(ctx, s.ID); !errors.Is(err, ErrNoSession) {
			t.Fatalf("past the session TTL: %v", err)
		}
		// Idle for longer than the idle timeout.
		s2, err := a.Login(ctx, "admin", "a long password", "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		clk.Add(time.Hour)
		if _, err := a.Lookup(ctx, s2.ID); !errors.Is(err, ErrNoSession) {
			t.Fatalf("idle past the timeout: %v", err)
		}
		// Logout ends a session at once.
		s3, err := a.Login(ctx, "admin", "a long password", "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Logout(ctx, s3); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Lookup(ctx, s3.ID); !errors.Is(err, ErrNoSession) {
			t.Fatalf("after logout: %v", err)
		}
		for _, bad := range []string{"", "x", s3.ID + "A", strings.Repeat("A", 43), "../../etc"} {
			if _, err := a.Lookup(ctx, bad); !errors.Is(err, ErrNoSession) {
				t.Errorf("Lookup(%q) = %v", bad, err)
			}
		}
	})
}

func TestLoginIsRateLimitedPerIPAndUser(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *models.Store) {
		clk := &clock{t: time.Now()}
		a := newAuth(t, st, clk, Options{LoginLimit: 3, LoginWindow: time.Minute})
		if err := a.EnsureAdmin(ctx, "admin", "a long password"); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			if _, err := a.Login(ctx, "admin", "wrong", "10.0.0.1"); !errors.Is(err, ErrWrongCredentials) {
				t.Fatalf("bad login %d: %v", i, err)
			}
		}
		// The right password is refused too while the limit holds.
		_, err := a.Login(ctx, "admin", "a long password", "10.0.0.1")
		var rl *RateLimitedError
		if !errors.As(err, &rl) || rl.RetryAfter <= 0 || rl.RetryAfter > time.Minute {
			t.Fatalf("4th login: %v, want a rate limit of at most a minute", err)
		}
		// Per username: another IP is refused for "admin" too…
		if _, err := a.Login(ctx, "ADMIN", "a long password", "10.0.0.2"); !errors.As(err, &rl) {
			t.Fatalf("same user from another IP: %v", err)
		}
		// …and per IP: another name from the same IP as well.
		if _, err := a.Login(ctx, "someone", "x", "10.0.0.1"); !errors.As(err, &rl) {
			t.Fatalf("other user from the same IP: %v", err)
		}
		clk.Add(time.Minute + time.Second)
		if _, err := a.Login(ctx, "admin", "a long password", "10.0.0.1"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
		// Unknown names fail like wrong passwords.
		if _, err := a.Login(ctx, "nobody", "a long password", "10.0.0.3"); !errors.Is(err, ErrWrongCredentials) {
			t.Fatalf("unknown user: %v", err)
		}
	})
}

func TestLimiterSlidingWindow(t *testing.T) {
	l := newLimiter(2, time.Minute)
	t0 := time.Unix(1000, 0)
	l.fail(t0, "k")
	l.fail(t0.Add(30*time.Second), "k")
	if w, ok := l.blocked(t0.Add(31*time.Second), "k"); !ok || w != 29*time.Second {
		t.Fatalf("blocked = %v %v, want 29s", w, ok)
	}
	// The first failure leaves the window at t0+60s.
	if _, ok := l.blocked(t0.Add(60*time.Second), "k"); ok {
		t.Fatal("still blocked after the oldest failure left the window")
	}
	if _, ok := l.blocked(t0, "other"); ok {
		t.Fatal("an unrelated key is blocked")
	}
	l.fail(t0.Add(61*time.Second), "k")
	if w, ok := l.blocked(t0.Add(62*time.Second), "k"); !ok || w != 28*time.Second {
		t.Fatalf("blocked = %v %v, want 28s", w, ok)
	}
	l.reset("k")
	if _, ok := l.blocked(t0.Add(62*time.Second), "k"); ok {
		t.Fatal("blocked after reset")
	}
	// The map does not grow without bound.
	for i := 0; i < maxKeys+10; i++ {
		l.fail(t0, strings.Repeat("x", i%50)+string(rune('a'+i%26))+time.Duration(i).String())
	}
	l.fail(t0.Add(2*time.Minute), "new")
	if n := len(l.fails); n > 1 {
		t.Fatalf("%d keys kept after every old one expired", n)
	}
}

func TestCSRFTokens(t *testing.T) {
	a, b := randomToken(), randomToken()
	if a == b || !wellFormedToken(a) {
		t.Fatal("random tokens repeat or are malformed")
	}
	ta, ta2, tb := csrfToken(a), csrfToken(a), csrfToken(b)
	if ta != ta2 || ta == tb || ta == a {
		t.Fatal("CSRF token is not a per-secret function")
	}
	if !tokenMatches(csrfToken(a), csrfToken(a)) || tokenMatches("", "") || tokenMatches(csrfToken(a), csrfToken(b)) ||
		tokenMatches(csrfToken(a)[:10], csrfToken(a)) {
		t.Fatal("tokenMatches")
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/admin/mappings?x=1":  "/admin/mappings?x=1",
		"/runs/3":              "/runs/3",
		"":                     "/admin",
		"//evil.example/":      "/admin",
		"/\\evil.example":      "/admin",
		"https://evil.example": "/admin",
		"admin":                "/admin",
		"/a\r\nSet-Cookie: x":  "/admin",
	} {
		if got := SafeNext(in, "/admin"); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkCheckPassword is the cost of one login check at the stored
// hashes' cost: what a guess costs an attacker holding a hash, and the CPU
// a burst of logins takes before the rate limit stops it.
func BenchmarkCheckPassword(b *testing.B) {
	h, err := HashPassword("correct horse battery", DefaultCost)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		CheckPassword(h, "wrong horse battery")
	}
}

// deadlineStore records the deadline each login step was given.
type deadlineStore struct {
	*models.Store
	read, write time.Time
}

func (d *deadlineStore) AdminUser(ctx context.Context, username string) (models.AdminUser, error) {
	d.read, _ = ctx.Deadline()
	return d.Store.AdminUser(ctx, username)
}

func (d *deadlineStore) Audited(ctx context.Context, e *models.AuditEntry, change func(tx *models.Store) error) error {
	d.write, _ = ctx.Deadline()
	return d.Store.Audited(ctx, e, change)
}

// TestLoginDeadlineExcludesThePasswordCheck: the session write gets its
// own StoreTimeout, counted from after the password check, so a slow
// bcrypt on a loaded machine cannot leave the write without time (which
// answered a right password with 503).
func TestLoginDeadlineExcludesThePasswordCheck(t *testing.T) {
	st := &deadlineStore{Store: dbtest.Open(t, "sqlite", models.Options{})}
	clk := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	a, err := New(st, Options{BcryptCost: bcrypt.MinCost + 2, Now: clk.Now, StoreTimeout: time.Hour,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.EnsureAdmin(ctx, "admin", "a long password"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Login(ctx, "admin", "a long password", "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if st.read.IsZero() || st.write.IsZero() {
		t.Fatalf("a login step ran without a deadline: read %v, write %v", st.read, st.write)
	}
	if !st.write.After(st.read) {
		t.Fatalf("the write's deadline %v is not later than the read's %v: the password check ate into it", st.write, st.read)
	}
}
