package livepeer

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// FetchMedia GETs a media URL from a job's answer: a relative
// "/stream/…" path is resolved against HTTPURL, an absolute http(s) URL
// (a gateway with -objectStore) is used as is. Fetch promptly: the
// gateway's memory store keeps only the last few results per stream.
// Errors name the URL; a body beyond MaxMedia wraps ErrTooLarge.
func (c *GatewayClient) FetchMedia(ctx context.Context, mediaURL string) ([]byte, string, error) {
	u, err := c.resolveMedia(mediaURL)
	if err != nil {
		return nil, "", err
	}
	ctx, cancel := withDefaultDeadline(ctx, DefaultMediaTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, "", fmt.Errorf("fetch media %s: %w", u, err)
	}
	resp, err := c.client().Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("fetch media %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _, _ := readCapped(resp.Body, 4<<10)
		return nil, "", fmt.Errorf("fetch media %s: status %d: %s", u, resp.StatusCode, snippet(body))
	}
	max := c.maxMedia()
	if resp.ContentLength > max {
		return nil, "", fmt.Errorf("fetch media %s: %w: Content-Length %d > %d", u, ErrTooLarge, resp.ContentLength, max)
	}
	body, truncated, err := readCapped(resp.Body, max)
	if err != nil {
		return nil, "", fmt.Errorf("fetch media %s: read body: %w", u, err)
	}
	if truncated {
		return nil, "", fmt.Errorf("fetch media %s: %w (%d bytes)", u, ErrTooLarge, max)
	}
	return body, resp.Header.Get("Content-Type"), nil
}

func (c *GatewayClient) resolveMedia(mediaURL string) (string, error) {
	ref, err := url.Parse(strings.TrimSpace(mediaURL))
	if err != nil || mediaURL == "" {
		return "", fmt.Errorf("fetch media %q: not a URL", snippet([]byte(mediaURL)))
	}
	if ref.IsAbs() {
		if (ref.Scheme != "http" && ref.Scheme != "https") || ref.Host == "" {
			return "", fmt.Errorf("fetch media %q: not an http(s) URL", snippet([]byte(mediaURL)))
		}
		return ref.String(), nil
	}
	if ref.Host != "" || !strings.HasPrefix(ref.Path, "/") {
		// "//host/x" or "x/y": not what a gateway returns.
		return "", fmt.Errorf("fetch media %q: neither an absolute URL nor an absolute path", snippet([]byte(mediaURL)))
	}
	base, err := endpoint(c.HTTPURL, "", "HTTP")
	if err != nil {
		return "", fmt.Errorf("fetch media %s: %w", mediaURL, err)
	}
	b, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("fetch media %s: %w", mediaURL, err)
	}
	return b.ResolveReference(ref).String(), nil
}
