package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"jobtester/models"
)

// Options tune an Auth. The zero value gives the defaults.
type Options struct {
	// SessionTTL is the longest a session lives after login. Default 12 h.
	SessionTTL time.Duration
	// IdleTimeout ends a session this long after its last request.
	// Default 2 h, and never more than SessionTTL.
	IdleTimeout time.Duration
	// SecureCookie marks the cookies Secure even on plain HTTP requests
	// (TLS terminated by a proxy that does not say so).
	SecureCookie bool
	// BcryptCost of new hashes; default DefaultCost. Tests use
	// bcrypt.MinCost.
	BcryptCost int
	// LoginLimit failed logins per LoginWindow, per client IP and per
	// username, after which logins answer 429. Default 5 per minute.
	LoginLimit  int
	LoginWindow time.Duration
	// StoreTimeout bounds each of a login's database steps (read the
	// account, write the session). Default 10 s. The password check
	// between them is not under it: bcrypt is CPU work whose time says
	// nothing about the database.
	StoreTimeout time.Duration
	Now          func() time.Time
	Logger       *slog.Logger
}

// Store is what Auth reads and changes: admin accounts and sessions.
// Logins and logouts are audited, in the transaction that makes them.
type Store interface {
	AdminUser(ctx context.Context, username string) (models.AdminUser, error)
	AdminUserCount(ctx context.Context) (int64, error)
	CreateAdminUser(ctx context.Context, actor, username, hash string) error
	SetAdminPassword(ctx context.Context, actor string, userID int64, hash string) error
	Session(ctx context.Context, idHash string) (models.SessionUser, error)
	TouchSession(ctx context.Context, idHash string, lastSeen, expires time.Time) error
	DeleteSession(ctx context.Context, idHash string) error
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error)
	Audited(ctx context.Context, e *models.AuditEntry, change func(tx *models.Store) error) error
}

var _ Store = (*models.Store)(nil)

// Auth checks admin logins and sessions.
type Auth struct {
	store Store
	opts  Options
	limit *limiter
	dummy string // hash compared against for unknown usernames
}

// Errors a login ends with.
var (
	// ErrWrongCredentials covers an unknown username and a wrong password
	// alike, so the answer does not tell which names exist.
	ErrWrongCredentials = errors.New("wrong username or password")
	// ErrNoSession is a missing, unknown or expired session.
	ErrNoSession = errors.New("not logged in")
)

// RateLimitedError is a refused login attempt, with the wait before the
// next one may be made.
type RateLimitedError struct{ RetryAfter time.Duration }

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("too many failed logins: try again in %s", e.RetryAfter.Round(time.Second))
}

// New returns an Auth on store.
func New(store Store, o Options) (*Auth, error) {
	if o.SessionTTL <= 0 {
		o.SessionTTL = 12 * time.Hour
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 2 * time.Hour
	}
	o.IdleTimeout = min(o.IdleTimeout, o.SessionTTL)
	if o.BcryptCost == 0 {
		o.BcryptCost = DefaultCost
	}
	if o.LoginLimit <= 0 {
		o.LoginLimit = 5
	}
	if o.LoginWindow <= 0 {
		o.LoginWindow = time.Minute
	}
	if o.StoreTimeout <= 0 {
		o.StoreTimeout = 10 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	// A throwaway password: only its hash's cost matters, so a check for a
	// name that does not exist takes as long as for one that does.
	dummy, err := HashPassword(randomToken(), o.BcryptCost)
	if err != nil {
		return nil, err
	}
	return &Auth{store: store, opts: o, limit: newLimiter(o.LoginLimit, o.LoginWindow), dummy: dummy}, nil
}

// ConfigActor is the audit log's actor for changes made from the
// configuration at start.
const ConfigActor = "config"

// EnsureAdmin makes the configured account exist with the configured
// password: created if missing, its hash replaced if the password changed
// (which ends its sessions), left alone otherwise. An empty password does
// nothing: there is no default password.
func (a *Auth) EnsureAdmin(ctx context.Context, username, password string) error {
	if password == "" {
		n, err := a.store.AdminUserCount(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			a.opts.Logger.Warn("no admin account: the admin pages stay closed until one is created " +
				"(set admin_password, e.g. env JOBTESTER_ADMIN_PASSWORD, and admin_user, then restart)")
		}
		return nil
	}
	if err := ValidUsername(username); err != nil {
		return err
	}
	u, err := a.store.AdminUser(ctx, username)
	switch {
	case errors.Is(err, models.ErrNotFound):
		hash, err := HashPassword(password, a.opts.BcryptCost)
		if err != nil {
			return fmt.Errorf("admin_password: %w", err)
		}
		if err := a.store.CreateAdminUser(ctx, ConfigActor, username, hash); err != nil {
			return err
		}
		a.opts.Logger.Info("admin account created from the configuration", "admin_user", username)
		return nil
	case err != nil:
		return err
	}
	if CheckPassword(u.PasswordHash, password) {
		return nil
	}
	hash, err := HashPassword(password, a.opts.BcryptCost)
	if err != nil {
		return fmt.Errorf("admin_password: %w", err)
	}
	if err := a.store.SetAdminPassword(ctx, ConfigActor, u.ID, hash); err != nil {
		return err
	}
	a.opts.Logger.Info("admin password changed from the configuration; its sessions were ended", "admin_user", username)
	return nil
}

// ValidUsername checks an account name: 1 to 64 letters, digits and . _ @ -.
func ValidUsername(name string) error {
	if name == "" || len(name) > 64 || strings.Trim(name,
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-") != "" {
		return fmt.Errorf("admin user %q must be 1 to 64 letters, digits or . _ @ -", name)
	}
	return nil
}

// Session is a logged-in browser. ID is the secret in the cookie; it is
// never stored or logged.
type Session struct {
	ID        string
	UserID    int64
	User      string
	ExpiresAt time.Time
	// CSRFToken is what forms and htmx requests of this session must
	// send back.
	CSRFToken string
}

// Login checks a username and password from client ip and starts a
// session. It returns ErrWrongCredentials, or a *RateLimitedError without
// checking anything once the IP or the username has failed too often.
// ctx is the request's; each database step gets its own StoreTimeout, so
// a slow password check on a loaded machine cannot use up the write's
// time and turn a right password into "database unavailable".
func (a *Auth) Login(ctx context.Context, username, password, ip string) (Session, error) {
	now := a.opts.Now()
	keys := []string{"ip:" + ip, "user:" + strings.ToLower(username)}
	if wait, blocked := a.limit.blocked(now, keys...); blocked {
		return Session{}, &RateLimitedError{RetryAfter: wait}
	}
	rctx, cancel := context.WithTimeout(ctx, a.opts.StoreTimeout)
	u, err := a.store.AdminUser(rctx, username)
	cancel()
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return Session{}, err
	}
	hash := u.PasswordHash
	if err != nil {
		hash = a.dummy
	}
	if !CheckPassword(hash, password) || u.ID == 0 {
		a.limit.fail(now, keys...)
		a.opts.Logger.Info("admin login refused", "admin_user", username, "ip", ip)
		return Session{}, ErrWrongCredentials
	}
	a.limit.reset(keys[1])
	ctx, cancel = context.WithTimeout(ctx, a.opts.StoreTimeout)
	defer cancel()
	id := randomToken()
	sess := models.AdminSession{
		IDHash: hashID(id), UserID: u.ID, CreatedAt: now.UTC(), LastSeenAt: now.UTC(),
		ExpiresAt: now.Add(a.opts.IdleTimeout).UTC(),
	}
	// Expired sessions are cleared here, where a write happens anyway,
	// rather than by a timer on every instance.
	if _, err := a.store.DeleteExpiredSessions(ctx, now); err != nil {
		a.opts.Logger.Warn("could not clear expired admin sessions", "err", err)
	}
	e := &models.AuditEntry{Actor: u.Username, Action: "session.login", Target: fmt.Sprintf("admin_user:%d", u.ID)}
	e.SetAfter(map[string]string{"ip": ip})
	err = a.store.Audited(ctx, e, func(tx *models.Store) error { return tx.CreateSession(ctx, sess) })
	if err != nil {
		return Session{}, err
	}
	a.opts.Logger.Info("admin logged in", "admin_user", u.Username, "ip", ip)
	return Session{ID: id, UserID: u.ID, User: u.Username, ExpiresAt: sess.ExpiresAt, CSRFToken: csrfToken(id)}, nil
}

// Lookup returns the live session whose cookie value is id, and moves its
// idle expiry forward. A session past its expiry is deleted.
func (a *Auth) Lookup(ctx context.Context, id string) (Session, error) {
	if !wellFormedToken(id) {
		return Session{}, ErrNoSession
	}
	h := hashID(id)
	su, err := a.store.Session(ctx, h)
	if errors.Is(err, models.ErrNotFound) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, err
	}
	now := a.opts.Now()
	if !now.Before(su.ExpiresAt) {
		if err := a.store.DeleteSession(ctx, h); err != nil {
			a.opts.Logger.Warn("could not delete an expired admin session", "err", err)
		}
		return Session{}, ErrNoSession
	}
	expires := su.ExpiresAt
	// One write a minute at most per session, not one per request.
	if now.Sub(su.LastSeenAt) >= time.Minute {
		expires = now.Add(a.opts.IdleTimeout)
		if limit := su.CreatedAt.Add(a.opts.SessionTTL); expires.After(limit) {
			expires = limit
		}
		if err := a.store.TouchSession(ctx, h, now, expires); err != nil {
			return Session{}, err
		}
	}
	return Session{ID: id, UserID: su.UserID, User: su.Username, ExpiresAt: expires, CSRFToken: csrfToken(id)}, nil
}

// Logout ends the session whose cookie value is id.
func (a *Auth) Logout(ctx context.Context, s Session) error {
	e := &models.AuditEntry{Actor: s.User, Action: "session.logout", Target: fmt.Sprintf("admin_user:%d", s.UserID)}
	return a.store.Audited(ctx, e, func(tx *models.Store) error { return tx.DeleteSession(ctx, hashID(s.ID)) })
}

// HasAdmin reports whether any account exists.
func (a *Auth) HasAdmin(ctx context.Context) (bool, error) {
	n, err := a.store.AdminUserCount(ctx)
	return n > 0, err
}

// randomToken is 256 random bits, URL-safe.
func randomToken() string {
	var b [32]byte
	// crypto/rand.Read never fails (Go 1.24+); it aborts the program instead.
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func wellFormedToken(s string) bool {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(b) == 32
}

func hashID(id string) string {
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:])
}

// csrfToken derives a form token from a cookie secret: the server needs
// no storage for it, and a copy of the database does not reveal it.
func csrfToken(secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("jobtester csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// tokenMatches compares a sent token with the expected one in constant time.
func tokenMatches(sent, want string) bool {
	return sent != "" && want != "" && subtle.ConstantTimeCompare([]byte(sent), []byte(want)) == 1
}
