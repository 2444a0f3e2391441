package mediaserver

import (
	"crypto/subtle"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"slices"
	"time"
)

// Config is what Start needs. Zero values take the defaults noted on each
// field.
type Config struct {
	// RTMPAddr is the RTMP listen address (default ":1935"; "127.0.0.1:0"
	// picks a free loopback port).
	RTMPAddr string
	// APIAddr is the control API listen address (MediaMTX's is ":9997");
	// "" disables the API.
	APIAddr string
	// Users are MediaMTX-like internal users (authMethod: internal); nil
	// means DefaultUsers().
	Users []User
	// GatewayURL is the base URL of the gateway's HTTP API, for the start
	// hook; "" sends no hook.
	GatewayURL string
	// HookTimeout bounds one start hook (default 10 s). The gateway answers
	// only after its first orchestrator attempt, so this is longer than a
	// normal API call.
	HookTimeout time.Duration
	// ReadWait is how long a reader of a path nobody publishes waits for a
	// publisher; 0 refuses it at once, as MediaMTX does.
	ReadWait time.Duration
	// ReadTimeout bounds the handshake and connect exchange and any silence
	// of a publisher (default 10 s, MediaMTX's readTimeout).
	ReadTimeout time.Duration
	// WriteTimeout bounds one write to a client (default 10 s, MediaMTX's
	// writeTimeout); a reader that takes longer is dropped.
	WriteTimeout time.Duration
	// WriteQueueSize is how many frames may wait for one reader before
	// further frames are discarded (default 256).
	WriteQueueSize int
	// Logger receives the server's logs; nil discards them.
	Logger *slog.Logger
}

// Defaults, named after the MediaMTX settings they mirror where there is one.
const (
	defaultRTMPAddr       = ":1935"
	defaultHookTimeout    = 10 * time.Second
	defaultReadTimeout    = 10 * time.Second
	defaultWriteTimeout   = 10 * time.Second
	defaultWriteQueueSize = 256
)

func (c Config) withDefaults() Config {
	if c.RTMPAddr == "" {
		c.RTMPAddr = defaultRTMPAddr
	}
	if c.Users == nil {
		c.Users = DefaultUsers()
	}
	if c.HookTimeout == 0 {
		c.HookTimeout = defaultHookTimeout
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = defaultReadTimeout
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = defaultWriteTimeout
	}
	if c.WriteQueueSize == 0 {
		c.WriteQueueSize = defaultWriteQueueSize
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return c
}

func (c Config) validate() error {
	switch {
	case c.HookTimeout < 0:
		return fmt.Errorf("HookTimeout %v is negative", c.HookTimeout)
	case c.ReadWait < 0:
		return fmt.Errorf("ReadWait %v is negative", c.ReadWait)
	case c.ReadTimeout < 0:
		return fmt.Errorf("ReadTimeout %v is negative", c.ReadTimeout)
	case c.WriteTimeout < 0:
		return fmt.Errorf("WriteTimeout %v is negative", c.WriteTimeout)
	case c.WriteQueueSize < 0:
		return fmt.Errorf("WriteQueueSize %d is negative", c.WriteQueueSize)
	}
	for i, u := range c.Users {
		if u.Name == "" {
			return fmt.Errorf("user %d: empty Name (use %q for no credentials)", i, AnyUser)
		}
		if len(u.Actions) == 0 {
			return fmt.Errorf("user %d (%s): no Actions", i, u.Name)
		}
		for _, a := range u.Actions {
			if a != ActionPublish && a != ActionRead && a != ActionAPI {
				return fmt.Errorf("user %d (%s): unknown action %q", i, u.Name, a)
			}
		}
	}
	return nil
}

// Action is what a user may do, named as in MediaMTX's permissions.
type Action string

// The actions this server checks.
const (
	ActionPublish Action = "publish"
	ActionRead    Action = "read"
	ActionAPI     Action = "api"
)

// AnyUser is the user name that matches every client, with or without
// credentials (MediaMTX's "any").
const AnyUser = "any"

// User is one entry of MediaMTX's authInternalUsers.
type User struct {
	// Name is the user name; AnyUser needs no credentials.
	Name string
	// Pass is the password (ignored for AnyUser).
	Pass string
	// IPs restricts the client addresses; empty means any address.
	IPs []netip.Prefix
	// Actions are what this user may do.
	Actions []Action
}

// DefaultUsers grants publish, read and api to any client on loopback and
// nothing to anyone else: the tester and a gateway on the same host work out
// of the box, and nothing is exposed by accident. A gateway on another host
// needs its own entry; see docs/mediaserver.md.
func DefaultUsers() []User {
	return []User{{
		Name:    AnyUser,
		IPs:     []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")},
		Actions: []Action{ActionPublish, ActionRead, ActionAPI},
	}}
}

func (u *User) fromIP(ip netip.Addr) bool {
	if len(u.IPs) == 0 {
		return true
	}
	ip = ip.Unmap()
	for _, p := range u.IPs {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

func (u *User) may(a Action, ip netip.Addr) bool {
	return slices.Contains(u.Actions, a) && u.fromIP(ip)
}

// passwordIs compares in constant time so a timing probe learns nothing.
func (u *User) passwordIs(pass string) bool {
	return subtle.ConstantTimeCompare([]byte(u.Pass), []byte(pass)) == 1
}

// users is the authorisation table.
type users []User

// anonymous reports whether a client without credentials may do a.
func (us users) anonymous(a Action, ip netip.Addr) bool {
	for i := range us {
		if us[i].Name == AnyUser && us[i].may(a, ip) {
			return true
		}
	}
	return false
}

// allows reports whether a client may do a: as anonymous, or as the
// authenticated named user (a pointer into us, nil for none). "any" entries
// apply whatever credentials were given, as in MediaMTX.
func (us users) allows(a Action, ip netip.Addr, named *User) bool {
	if us.anonymous(a, ip) {
		return true
	}
	return named != nil && named.may(a, ip)
}

// named lists the users with credentials who may connect from ip at all.
func (us users) named(ip netip.Addr) []*User {
	var out []*User
	for i := range us {
		if us[i].Name != AnyUser && us[i].fromIP(ip) {
			out = append(out, &us[i])
		}
	}
	return out
}

// basic checks HTTP basic credentials for a (ok reports whether any were
// sent).
func (us users) basic(a Action, ip netip.Addr, name, pass string, ok bool) bool {
	if us.anonymous(a, ip) {
		return true
	}
	if !ok {
		return false
	}
	for i := range us {
		u := &us[i]
		if u.Name != AnyUser && u.Name == name && u.may(a, ip) && u.passwordIs(pass) {
			return true
		}
	}
	return false
}
