package livepeer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"jobtester/ethaddr"
)

// GatewayClient talks to one go-livepeer gateway (or the simulated one):
// its CLI listener and its AI HTTP listener.
//
// Calls whose context has no deadline get a default one (DefaultCLITimeout,
// DefaultJobTimeout, DefaultMediaTimeout); a context deadline always wins.
type GatewayClient struct {
	// CLIURL is the base URL of the gateway's -cliAddr, e.g.
	// "http://127.0.0.1:5935".
	CLIURL string
	// HTTPURL is the base URL of the gateway's -httpAddr (AI routes and
	// /stream/ media), e.g. "http://127.0.0.1:9935".
	HTTPURL string
	// HTTP is the client used for every call; nil means a default one that
	// bounds connecting and TLS and opens a fresh connection per request
	// (see Submit for why).
	HTTP *http.Client
	// MaxBody caps the bytes of a job's response body kept in
	// JobResult.Body; 0 means DefaultMaxBody.
	MaxBody int64
	// MaxMedia caps the bytes FetchMedia reads; 0 means DefaultMaxMedia.
	MaxMedia int64

	maxCLI int64 // 0: maxCLIBody; tests lower it
}

// Defaults for GatewayClient. A segment-anything-2 answer carries its masks
// and logits as text and runs to several MiB, hence the generous body cap.
const (
	DefaultMaxBody      = 32 << 20
	DefaultMaxMedia     = 64 << 20
	DefaultCLITimeout   = 2 * time.Minute // registeredOrchestrators makes 5 chain calls per orchestrator
	DefaultJobTimeout   = 5 * time.Minute
	DefaultMediaTimeout = time.Minute

	// maxCLIBody caps CLI answers; a network of a few hundred
	// orchestrators with hardware details is well under 1 MiB.
	maxCLIBody = 32 << 20
)

// ErrTooLarge is wrapped by errors for bodies beyond their cap.
var ErrTooLarge = errors.New("body exceeds size cap")

// ErrOffchain is returned by RegisteredOrchestrators when the gateway runs
// off-chain (-network offchain): it has no chain to read the pool from and
// answers 500 "missing ETH client" (docs/discovery.md, "Off-chain
// gateways").
var ErrOffchain = errors.New("the gateway runs off-chain and lists no orchestrators")

var defaultHTTP = &http.Client{
	Transport: &http.Transport{
		Proxy:                  http.ProxyFromEnvironment,
		DialContext:            (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:    10 * time.Second,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 1 << 20,
		// A fresh connection per request makes "the gateway closed the
		// connection without answering" unambiguous: it cannot be a
		// kept-alive connection the gateway closed while idle.
		DisableKeepAlives: true,
	},
}

func (c *GatewayClient) client() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return defaultHTTP
}

func (c *GatewayClient) maxBody() int64 {
	if c.MaxBody > 0 {
		return c.MaxBody
	}
	return DefaultMaxBody
}

func (c *GatewayClient) maxMedia() int64 {
	if c.MaxMedia > 0 {
		return c.MaxMedia
	}
	return DefaultMaxMedia
}

// withDefaultDeadline gives ctx a deadline d from now unless it has one.
func withDefaultDeadline(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

// endpoint joins a configured base URL and a path, checking the base.
func endpoint(base, path, what string) (string, error) {
	if base == "" {
		return "", fmt.Errorf("gateway %s URL is not configured", what)
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("gateway %s URL %q is not an http(s) URL", what, base)
	}
	return strings.TrimRight(base, "/") + "/" + strings.TrimLeft(path, "/"), nil
}

// readCapped reads at most max bytes of r; truncated reports that more
// followed.
func readCapped(r io.Reader, max int64) (body []byte, truncated bool, err error) {
	body, err = io.ReadAll(io.LimitReader(r, max+1))
	if int64(len(body)) > max {
		return body[:max], true, err
	}
	return body, false, err
}

// getCLI GETs path on the CLI listener and returns the status and the
// whole body; a body beyond maxCLIBody is an error.
func (c *GatewayClient) getCLI(ctx context.Context, path string) (status int, body []byte, u string, err error) {
	u, err = endpoint(c.CLIURL, path, "CLI")
	if err != nil {
		return 0, nil, "", err
	}
	ctx, cancel := withDefaultDeadline(ctx, DefaultCLITimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, nil, u, fmt.Errorf("GET %s: %w", u, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.client().Do(req)
	if err != nil {
		return 0, nil, u, fmt.Errorf("GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	max := int64(maxCLIBody)
	if c.maxCLI > 0 {
		max = c.maxCLI
	}
	body, truncated, err := readCapped(resp.Body, max)
	if err != nil {
		return resp.StatusCode, nil, u, fmt.Errorf("GET %s: read body: %w", u, err)
	}
	if truncated {
		return resp.StatusCode, nil, u, fmt.Errorf("GET %s: %w (%d bytes)", u, ErrTooLarge, max)
	}
	return resp.StatusCode, body, u, nil
}

// snippet shortens a body for an error message.
func snippet(b []byte) string {
	const max = 200
	b = bytes.TrimSpace(b)
	if len(b) > max {
		b = b[:max]
		for len(b) > 0 && !utf8.Valid(b) {
			b = b[:len(b)-1]
		}
		return strings.ToValidUTF8(string(b), "?") + "…"
	}
	return strings.ToValidUTF8(string(b), "?")
}

// RegisteredOrchestrators calls GET {CLIURL}/registeredOrchestrators, the
// gateway's view of the active transcoder pool (it needs an on-chain
// gateway; an off-chain one answers 500).
//
// The answer is all or nothing: a record with an invalid address, a
// duplicate address, an integer that is negative, fractional or beyond
// uint256, or a malformed PricePerPixel makes the whole call fail with an
// error naming the record. These values come from go-ethereum encoders,
// so any of them means the gateway is broken, not one orchestrator.
// A missing or null integer is nil, a missing or empty PricePerPixel nil;
// PricePerPixel "0" stays 0 (the gateway's way of saying it never polled
// the price). JSON null for the list is an empty pool.
func (c *GatewayClient) RegisteredOrchestrators(ctx context.Context) ([]Orchestrator, error) {
	status, body, u, err := c.getCLI(ctx, "/registeredOrchestrators")
	if err != nil {
		return nil, fmt.Errorf("registered orchestrators: %w", err)
	}
	if status == http.StatusInternalServerError && bytes.Contains(body, []byte("missing ETH client")) {
		return nil, fmt.Errorf("registered orchestrators: GET %s: %s: %w", u, snippet(body), ErrOffchain)
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("registered orchestrators: GET %s: status %d: %s", u, status, snippet(body))
	}
	orchs, err := decodeRegisteredOrchestrators(body)
	if err != nil {
		return nil, fmt.Errorf("registered orchestrators from %s: %w", u, err)
	}
	return orchs, nil
}

// transcoderJSON is go-livepeer's eth/types.Transcoder as encoding/json
// writes it (no tags: Go field names). Fields the tester does not use are
// not decoded.
type transcoderJSON struct {
	Address           string
	ServiceURI        string
	DelegatedStake    json.RawMessage
	ActivationRound   json.RawMessage
	DeactivationRound json.RawMessage
	Active            bool
	Status            string
	PricePerPixel     *string
}

func decodeRegisteredOrchestrators(body []byte) ([]Orchestrator, error) {
	var list []transcoderJSON
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	out := make([]Orchestrator, 0, len(list))
	seen := make(map[string]bool, len(list))
	for i, t := range list {
		addr, ok := ethaddr.Normalize(t.Address)
		if !ok {
			return nil, fmt.Errorf("orchestrator %d: invalid address %q", i, snippet([]byte(t.Address)))
		}
		if seen[addr] {
			return nil, fmt.Errorf("orchestrator %d: address %s listed twice", i, addr)
		}
		seen[addr] = true
		o := Orchestrator{
			Address:    addr,
			ServiceURI: strings.TrimSpace(t.ServiceURI),
			Active:     t.Active,
			Registered: t.Status == "Registered",
			Sources:    []string{"gateway"},
		}
		for _, f := range []struct {
			name string
			raw  json.RawMessage
			dst  **big.Int
		}{
			{"DelegatedStake", t.DelegatedStake, &o.DelegatedStake},
			{"ActivationRound", t.ActivationRound, &o.ActivationRound},
			{"DeactivationRound", t.DeactivationRound, &o.DeactivationRound},
		} {
			n, err := decodeUint256(f.raw)
			if err != nil {
				return nil, fmt.Errorf("orchestrator %s: %s: %w", addr, f.name, err)
			}
			*f.dst = n
		}
		if t.PricePerPixel != nil && *t.PricePerPixel != "" {
			p, err := parsePrice(*t.PricePerPixel)
			if err != nil {
				return nil, fmt.Errorf("orchestrator %s: PricePerPixel: %w", addr, err)
			}
			o.PricePerPixel = p
		}
		out = append(out, o)
	}
	return out, nil
}

// maxUint256 is 2^256−1, the largest value a chain integer can hold.
var maxUint256 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))

// uint256Digits is the number of decimal digits of 2^256−1; anything
// longer is rejected before parsing, so a megabyte of digits costs nothing.
const uint256Digits = 78

// decodeUint256 decodes a bare JSON integer in [0, 2^256−1] (nil for null
// or absent). A quoted number is refused: go-livepeer writes *big.Int bare.
func decodeUint256(raw json.RawMessage) (*big.Int, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	return parseUint256(string(raw))
}

func parseUint256(s string) (*big.Int, error) {
	if s == "" {
		return nil, errors.New("empty integer")
	}
	if len(s) > uint256Digits {
		return nil, fmt.Errorf("integer %s beyond uint256", snippet([]byte(s)))
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return nil, fmt.Errorf("%s is not a non-negative integer", snippet([]byte(s)))
		}
	}
	n, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return nil, fmt.Errorf("%s is not a non-negative integer", snippet([]byte(s)))
	}
	if n.Cmp(maxUint256) > 0 {
		return nil, fmt.Errorf("integer %s beyond uint256", snippet([]byte(s)))
	}
	return n, nil
}

// parsePrice parses a *big.Rat as go-livepeer writes it: "a" or "a/b".
// Decimal points and exponents are refused (big.Rat would accept
// "1e999999999" and allocate accordingly); each part must fit uint256.
func parsePrice(s string) (*big.Rat, error) {
	num, den, frac := strings.Cut(s, "/")
	a, err := parseUint256(num)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", snippet([]byte(s)), err)
	}
	r := new(big.Rat).SetInt(a)
	if frac {
		b, err := parseUint256(den)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", snippet([]byte(s)), err)
		}
		if b.Sign() == 0 {
			return nil, fmt.Errorf("%q: zero denominator", snippet([]byte(s)))
		}
		r.SetFrac(a, b)
	}
	return r, nil
}
