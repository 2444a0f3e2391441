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
	// (rtmp://[user:pass@]host:port) whose own runOnReady hook reaches the
	// gateway.
	Server string
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
	base   *url.URL            // rtmp://[user:pass@]host:port
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
		u.Path, u.RawQuery = "", ""
		return &Media{base: u}, nil
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

// Base is the RTMP base URL without credentials, for logs.
func (m *Media) Base() string { return m.base.Redacted() }

// PublishURL is where the signal of stream is published, with the query
// the start hook passes to the gateway.
func (m *Media) PublishURL(stream, rawQuery string) string {
	u := *m.base
	u.Path, u.RawQuery = "/"+stream, rawQuery
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

// ReadyTime is when the embedded media server received the first keyframe
// on path: the moment output reached the tester, before the reader's own
// play, retries and decode, which a busy machine slows. ok is false for an
// external server (its clock is not ours), a server without its API, or
// a path not ready.
func (m *Media) ReadyTime(ctx context.Context, path string) (time.Time, bool) {
	if m.server == nil || m.server.APIAddr() == "" {
		return time.Time{}, false
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	u := "http://" + dialable(m.server.APIAddr()) + "/v3/paths/get/" + url.PathEscape(path)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return time.Time{}, false
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
