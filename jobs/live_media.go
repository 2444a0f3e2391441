package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"jobtester/media/mediaserver"
)

// MediaConfig says which media server live tests use.
type MediaConfig struct {
	// Server is "embedded" (or empty) to run media/mediaserver in this
	// process, else the RTMP base URL of an external MediaMTX
	// (rtmp://host:port?user=…&pass=…, or rtmp://user:pass@host:port for
	// a server that does Adobe authentication) whose own runOnReady hook
	// reaches the gateway. The base URL's query is kept in every URL the
	// tester publishes or reads.
	Server string
	// APIURL is the external server's control API (default
	// http://<host>:9997, MediaMTX's and go-livepeer's port), asked when
	// the input became ready so that the server's own delay does not
	// count in the startup latency. The user and pass of Server's query
	// are its basic-auth credentials.
	APIURL string
	// RTMPAddr and APIAddr are the embedded server's listen addresses.
	RTMPAddr, APIAddr string
	// Allow are addresses, besides loopback, that may publish, read and
	// call the API without credentials: the gateway's.
	Allow []netip.Prefix
	// GatewayURL is the HTTP base URL of the gateway the embedded server's
	// start hook calls.
	GatewayURL string
	Logger     *slog.Logger
}

// Media is where live tests publish their signal and read the output:
// the embedded server, or an external MediaMTX.
type Media struct {
	base   *url.URL            // rtmp://[user:pass@]host:port[?query]
	api    *url.URL            // the control API, nil if unknown
	server *mediaserver.Server // nil for an external server
}

// StartMedia starts the embedded media server (it stops when ctx ends or
// Close is called), or checks the external server's URL.
func StartMedia(ctx context.Context, cfg MediaConfig) (*Media, error) {
	if cfg.Server != "" && cfg.Server != "embedded" {
		u, err := url.Parse(cfg.Server)
		if err != nil || u.Scheme != "rtmp" || u.Host == "" {
			return nil, fmt.Errorf("media server %q: not an rtmp:// base URL", cfg.Server)
		}
		u.Path = ""
		if q, err := url.ParseQuery(u.RawQuery); err != nil {
			return nil, fmt.Errorf("media server %q: bad query: %w", u.Redacted(), err)
		} else if k := reservedQueryKey(q); k != "" {
			return nil, fmt.Errorf("media server %q: the query may not set %q, which every live test sets", u.Redacted(), k)
		}
		api, err := externalAPI(u, cfg.APIURL)
		if err != nil {
			return nil, err
		}
		return &Media{base: u, api: api}, nil
	}
	users := mediaserver.DefaultUsers()
	if len(cfg.Allow) > 0 {
		users = append(users, mediaserver.User{Name: mediaserver.AnyUser, IPs: cfg.Allow,
			Actions: []mediaserver.Action{mediaserver.ActionPublish, mediaserver.ActionRead, mediaserver.ActionAPI}})
	}
	srv, err := mediaserver.Start(ctx, mediaserver.Config{RTMPAddr: cfg.RTMPAddr, APIAddr: cfg.APIAddr, Users: users,
		GatewayURL: strings.TrimRight(cfg.GatewayURL, "/"), Logger: cfg.Logger})
	if err != nil {
		return nil, fmt.Errorf("start the embedded media server: %w", err)
	}
	m := &Media{base: &url.URL{Scheme: "rtmp", Host: dialable(srv.RTMPAddr())}, server: srv}
	if srv.APIAddr() != "" {
		m.api = &url.URL{Scheme: "http", Host: dialable(srv.APIAddr())}
	}
	context.AfterFunc(ctx, func() { _ = srv.Close() })
	return m, nil
}

// dialable turns a bound listen address into one this process can dial:
// a wildcard host becomes loopback.
func dialable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip, err := netip.ParseAddr(host); host == "" || (err == nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// Embedded returns the embedded server, nil for an external one.
func (m *Media) Embedded() *mediaserver.Server { return m.server }

// HasCredentials says whether the base URL carries credentials (userinfo,
// or MediaMTX's user and pass in the query).
func (m *Media) HasCredentials() bool {
	return m.base.User != nil || m.base.Query().Has("user")
}

// Redact takes the base URL's password out of s (an error that quotes a
// URL): the userinfo's, and the pass of MediaMTX's query.
func (m *Media) Redact(s string) string {
	if p, ok := m.base.User.Password(); ok && p != "" {
		s = strings.ReplaceAll(s, ":"+p+"@", ":xxxxx@")
		s = strings.ReplaceAll(s, ":"+url.PathEscape(p)+"@", ":xxxxx@")
	}
	if p := m.base.Query().Get("pass"); p != "" {
		s = strings.ReplaceAll(s, "pass="+p, "pass=xxxxx")
		s = strings.ReplaceAll(s, "pass="+url.QueryEscape(p), "pass=xxxxx")
	}
	return s
}

// Base is the RTMP base URL without credentials, for logs.
func (m *Media) Base() string { return redactQuery(m.base) }

// PublishURL is where the signal of stream is published, with the query
// the start hook passes to the gateway after the base URL's own (the
// credentials MediaMTX reads from user and pass).
func (m *Media) PublishURL(stream, rawQuery string) string {
	u := *m.base
	u.Path = "/" + stream
	if u.RawQuery != "" && rawQuery != "" {
		u.RawQuery += "&" + rawQuery
	} else if rawQuery != "" {
		u.RawQuery = rawQuery
	}
	return u.String()
}

// ReadURL is where a path is read.
func (m *Media) ReadURL(path string) string {
	u := *m.base
	u.Path = "/" + path
	return u.String()
}

// Check tells whether the media server still takes connections: a failed
// test whose input or output broke is ours, not the orchestrator's, when
// it does not.
func (m *Media) Check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	host := m.base.Host
	if m.base.Port() == "" {
		host = net.JoinHostPort(m.base.Hostname(), "1935")
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return fmt.Errorf("dial %s: %w", host, err)
	}
	return c.Close()
}

// Close stops the embedded server; a no-op for an external one.
func (m *Media) Close() error {
	if m.server == nil {
		return nil
	}
	return m.server.Close()
}

// ReadyTime is when the media server marked path ready (its readyTime):
// for the input, when the start hook went to the gateway; for the output,
// when the server had its first keyframe, before the reader's own play,
// retries and decode, which a busy machine slows. ok is false for a
// server without a known API, or a path not ready. An external server's
// clock is taken to agree with ours (NTP), as on one host.
func (m *Media) ReadyTime(ctx context.Context, path string) (time.Time, bool) {
	if m.api == nil {
		return time.Time{}, false
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	u := m.api.JoinPath("/v3/paths/get/", path)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return time.Time{}, false
	}
	if q := m.base.Query(); q.Get("user") != "" {
		req.SetBasicAuth(q.Get("user"), q.Get("pass"))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return time.Time{}, false
	}
	defer resp.Body.Close()
	var p struct {
		ReadyTime *time.Time `json:"readyTime"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&p) != nil || p.ReadyTime == nil {
		return time.Time{}, false
	}
	return *p.ReadyTime, true
}

// reservedQueryKey is a key of q that every live test's query sets itself,
// or "".
func reservedQueryKey(q url.Values) string {
	for _, k := range []string{"pipeline", "streamId", "orchestrator", "params"} {
		if q.Has(k) {
			return k
		}
	}
	return ""
}

// externalAPI is the external server's control API: raw, or port 9997 of
// the RTMP host.
func externalAPI(rtmp *url.URL, raw string) (*url.URL, error) {
	if raw == "" {
		return &url.URL{Scheme: "http", Host: net.JoinHostPort(rtmp.Hostname(), "9997")}, nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("media server API %q: not an http(s):// URL", raw)
	}
	return u, nil
}

// redactQuery is u without its password, in the userinfo or the query.
func redactQuery(u *url.URL) string {
	c := *u
	if q := c.Query(); q.Has("pass") {
		q.Set("pass", "xxxxx")
		c.RawQuery = q.Encode()
	}
	return c.Redacted()
}
