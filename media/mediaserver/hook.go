package mediaserver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// wantsHook says whether a path that became ready is announced to the
// gateway: every path, the gateway's own <stream>-out output included, as
// MediaMTX's runOnReady does (go-livepeer ignores the -out calls).
func (s *Server) wantsHook(string) bool {
	return s.cfg.GatewayURL != ""
}

// sendStartHook is MediaMTX's runOnReady of go-livepeer's box:
//
//	curl $GW/live/video-to-video/$MTX_PATH/start -F source_id=… -F source_type=… -F query=$MTX_QUERY
//
// with the query passed exactly as the publisher sent it. The gateway answers
// only after its first orchestrator attempt and its answer says nothing about
// success (failure shows as a kick, a /status error or no -out path), so the
// hook runs in its own goroutine, and a failure is logged, never fatal.
func (s *Server) sendStartHook(name, query, sourceID string) {
	ctx, cancel := context.WithTimeout(s.life, s.cfg.HookTimeout)
	defer cancel()
	target := strings.TrimRight(s.cfg.GatewayURL, "/") + "/live/video-to-video/" + name + "/start"
	log := s.log.With("path", name, "url", target)

	fields := [][2]string{{"source_id", sourceID}, {"source_type", "rtmpConn"}, {"query", query}}
	if u := s.rtmpURLForGateway(ctx, name); u != "" {
		fields = append(fields, [2]string{"rtmp_url", u})
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			log.Error("mediaserver: start hook: build form", "err", err)
			return
		}
	}
	if err := mw.Close(); err != nil {
		log.Error("mediaserver: start hook: build form", "err", err)
		return
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, &body)
	if err != nil {
		log.Error("mediaserver: start hook: build request", "err", err)
		return
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := s.hookClient.Do(req)
	if err != nil {
		log.Warn("mediaserver: start hook failed", "err", err)
		return
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 {
		log.Warn("mediaserver: start hook refused", "status", resp.StatusCode, "body", strings.TrimSpace(string(msg)))
		return
	}
	log.Debug("mediaserver: start hook sent")
}

// rtmpURLForGateway is the rtmp_url the gateway should pull the input from,
// or "" when its default — rtmp://<caller IP>/<stream>, port 1935 — is right.
func (s *Server) rtmpURLForGateway(ctx context.Context, name string) string {
	u, err := gatewayPullURL(ctx, s.RTMPAddr(), s.cfg.GatewayURL, name)
	if err != nil {
		s.log.Warn("mediaserver: start hook: cannot tell which address the gateway reaches us on; sending no rtmp_url", "err", err)
		return ""
	}
	return u
}

// gatewayPullURL builds the pull URL for a listener bound to listenAddr. The
// host is the listener's address if it is bound to one, else the local
// address this host uses to reach the gateway, which is the caller IP the
// gateway sees.
func gatewayPullURL(ctx context.Context, listenAddr, gatewayURL, name string) (string, error) {
	host, port, err := net.SplitHostPort(listenAddr)
	if err != nil {
		return "", err
	}
	if port == "1935" {
		return "", nil
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		if host, err = localAddrToward(ctx, gatewayURL); err != nil {
			return "", err
		}
	}
	return "rtmp://" + net.JoinHostPort(host, port) + "/" + name, nil
}

// localAddrToward asks the kernel which source address it would use for
// the gateway: a UDP "connection" sends nothing.
func localAddrToward(ctx context.Context, gatewayURL string) (string, error) {
	u, err := url.Parse(gatewayURL)
	if err != nil {
		return "", fmt.Errorf("parse gateway URL: %w", err)
	}
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "udp", net.JoinHostPort(u.Hostname(), port))
	if err != nil {
		return "", fmt.Errorf("route to gateway %s: %w", u.Host, err)
	}
	defer c.Close()
	ua, ok := c.LocalAddr().(*net.UDPAddr)
	if !ok {
		return "", fmt.Errorf("unexpected local address %v", c.LocalAddr())
	}
	return ua.IP.String(), nil
}
