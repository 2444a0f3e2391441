package livepeer

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func ms(v int64) time.Time { return time.UnixMilli(v).UTC() }

func TestParseLiveStatusReadsTheNestedShape(t *testing.T) {
	t.Parallel()
	s, err := ParseLiveStatus(golden(t, "live-status.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"pipeline", s.Pipeline, "streamdiffusion"},
		{"state", s.State, LiveStateOnline},
		{"start", s.StartTime, ms(1760000000000)},
		{"state update", s.LastStateUpdate, ms(1760000012500)},
		{"input fps", s.InputFPS, 29.9},
		{"inference fps", s.InferenceFPS, 24.1},
		{"last input", s.LastInput, ms(1760000029967)},
		{"last output", s.LastOutput, ms(1760000029950)},
		{"params update", s.LastParamsUpdate, ms(1760000001000)},
		{"params", string(s.LastParams), `{"prompt": "a watercolour city", "num_inference_steps": 2, "seed": 42}`},
		{"params hash", s.LastParamsHash, "5d41402abc4b2a76b9719d911017c592"},
		{"last error", s.LastError, ""},
		{"last error time", s.LastErrorTime, time.Time{}},
		{"restart", s.LastRestart, ms(1760000005000)},
		{"restart count", s.RestartCount, 1},
		{"restart logs", strings.Join(s.RestartLogs, "|"), "loading model|warming up"},
		{"stream", s.StreamID, "jt-7f3a"},
		{"request", s.RequestID, "c0ffee12"},
		{"pipeline id", s.PipelineID, "pip_abc"},
		{"orchestrator", s.OrchestratorAddress, "0xdef1c70578b2b5e8589a42e26980687fc5153079"},
		{"orchestrator url", s.OrchestratorURL, "https://compute.speedybird.xyz:443"},
		{"gateway error", s.GatewayError, "timeout waiting for segments"},
		{"gateway error time", s.GatewayErrorTime, ms(1760000031000)},
		{"whep", s.WHEPURL, "http://localhost:8889/jt-7f3a-c0ffee12-out/whep"},
		{"timestamp (last_status_timestamp wins)", s.Timestamp, ms(1760000030000)},
		{"flat", s.Flat, false},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestParseLiveStatusReadsTheFlatShape(t *testing.T) {
	t.Parallel()
	s, err := ParseLiveStatus(golden(t, "live-status-flat.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !s.Flat || s.InputFPS != 12.5 || s.InferenceFPS != 11.75 || s.State != LiveStateDegradedInput ||
		s.StreamID != "jt-flat" || s.Timestamp != ms(1760000030000) {
		t.Errorf("flat status: %+v", s)
	}
	// Rates nested under the flat names, as some front-ends relay them.
	s, err = ParseLiveStatus([]byte(`{"inference_status":{"input_fps":30,"output_fps":20}}`))
	if err != nil || !s.Flat || s.InputFPS != 30 || s.InferenceFPS != 20 {
		t.Errorf("nested flat names: %+v, %v", s, err)
	}
	// The nested shape wins over stray flat keys.
	s, err = ParseLiveStatus([]byte(`{"input_status":{"fps":29},"inference_status":{"fps":25},"input_fps":1,"output_fps":2}`))
	if err != nil || s.Flat || s.InputFPS != 29 || s.InferenceFPS != 25 {
		t.Errorf("mixed shapes: %+v, %v", s, err)
	}
}

func TestParseLiveStatusToleratesUnknownKeysNullsAndGaps(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{}`,
		`{"type":"status","state":"LOADING","start_time":0,"input_status":{},"inference_status":{"restart_count":0}}`,
		`{"pipeline":null,"state":null,"input_status":null,"inference_status":null,"orchestrator_info":null,"gateway_status":null}`,
		`{"inference_status":{"last_params":null,"last_restart_logs":null,"fps":null},"gateway_status":{"error":null}}`,
		`{"state":"SOME_NEW_STATE","new_block":{"x":[1,{"y":null}]},"input_status":{"fps":0,"jitter":"n/a"}}`,
		"  \n{\"state\":\"OFFLINE\"}\n",
	} {
		if _, err := ParseLiveStatus([]byte(body)); err != nil {
			t.Errorf("%s: %v", body, err)
		}
	}
	s, _ := ParseLiveStatus([]byte(`{"state":"SOME_NEW_STATE","orchestrator_info":{"address":"not-an-address"}}`))
	if s.State != "SOME_NEW_STATE" || s.OrchestratorAddress != "not-an-address" {
		t.Errorf("kept as sent: %+v", s)
	}
}

func TestParseLiveStatusRejectsBrokenInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, body, field string }{
		{"empty", ``, "not a JSON object"},
		{"html", `<html>502 Bad Gateway</html>`, "not a JSON object"},
		{"array", `[{"state":"ONLINE"}]`, "not a JSON object"},
		{"null", `null`, "not a JSON object"},
		{"truncated", `{"state":"ONLINE","input_status":{"fps":2`, "unexpected end"},
		{"trailing garbage", `{"state":"ONLINE"} {"state":"ERROR"}`, "invalid character"},
		{"state as number", `{"state":3}`, "state"},
		{"fps as string", `{"input_status":{"fps":"29.9"}}`, "input_status.fps"},
		{"negative fps", `{"inference_status":{"fps":-1}}`, "inference_status.fps"},
		{"absurd fps", `{"input_status":{"fps":1e9}}`, "input_status.fps"},
		{"flat fps as bool", `{"output_fps":true}`, "output_fps"},
		{"negative flat fps", `{"input_fps":-3}`, "input_fps"},
		{"time as string", `{"start_time":"2025-01-01T00:00:00Z"}`, "start_time"},
		{"time in nanoseconds", `{"timestamp":1760000030000000000}`, "timestamp"},
		{"negative time", `{"inference_status":{"last_output_time":-5}}`, "inference_status.last_output_time"},
		{"fractional restart count", `{"inference_status":{"restart_count":1.5}}`, "inference_status.restart_count"},
		{"negative restart count", `{"inference_status":{"restart_count":-1}}`, "inference_status.restart_count"},
		{"params as array", `{"inference_status":{"last_params":[1,2]}}`, "inference_status.last_params"},
		{"params as string", `{"inference_status":{"last_params":"{}"}}`, "inference_status.last_params"},
		{"logs not strings", `{"inference_status":{"last_restart_logs":[1]}}`, "last_restart_logs"},
		{"logs as string", `{"inference_status":{"last_restart_logs":"boom"}}`, "last_restart_logs"},
		{"input status as list", `{"input_status":[29.9]}`, "input_status"},
		{"orchestrator info as string", `{"orchestrator_info":"0xabc"}`, "orchestrator_info"},
		{"error time as string", `{"gateway_status":{"error":{"error_message":"x","error_time":"now"}}}`, "error_time"},
		{"error message as object", `{"gateway_status":{"error":{"error_message":{}}}}`, "error_message"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := ParseLiveStatus([]byte(tc.body))
			if err == nil {
				t.Fatalf("accepted: %+v", s)
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Errorf("error %q does not name %q", err, tc.field)
			}
		})
	}
}

// statusGateway serves the live status route on loopback.
func statusGateway(t *testing.T, h http.HandlerFunc) *GatewayClient {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /live/video-to-video/{id}/status", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &GatewayClient{HTTPURL: srv.URL}
}

func TestLiveStatusCallsTheGateway(t *testing.T) {
	t.Parallel()
	var gotID string
	c := statusGateway(t, func(w http.ResponseWriter, r *http.Request) {
		gotID = r.PathValue("id")
		serveBody(200, golden(t, "live-status.json"))(w, r)
	})
	s, err := c.LiveStatus(context.Background(), "jt-7f3a")
	if err != nil {
		t.Fatal(err)
	}
	if gotID != "jt-7f3a" || s.StreamID != "jt-7f3a" || s.InferenceFPS != 24.1 {
		t.Errorf("asked for %q, got %+v", gotID, s)
	}
	// A stream id is one path segment, whatever it holds.
	if _, err := c.LiveStatus(context.Background(), "a/b c"); err != nil {
		t.Fatal(err)
	}
	if gotID != "a/b c" {
		t.Errorf("escaped id arrived as %q", gotID)
	}
}

func TestLiveStatusErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		h      http.HandlerFunc
		sentry error
		text   string
	}{
		{"unknown stream", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "Stream not found", 404) }, ErrStreamNotFound, "404"},
		{"gateway error", serveBody(500, []byte("internal error")), nil, "status 500: internal error"},
		{"garbage", serveBody(200, []byte("<html>")), nil, "not a JSON object"},
		{"wrong type", serveBody(200, []byte(`{"input_status":{"fps":"fast"}}`)), nil, "input_status.fps"},
		{"too large", serveBody(200, append([]byte(`{"state":"ONLINE"}`), bytes.Repeat([]byte(" "), maxStatusBody)...)), ErrTooLarge, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := statusGateway(t, tc.h)
			_, err := c.LiveStatus(context.Background(), "s1")
			if err == nil {
				t.Fatal("no error")
			}
			if tc.sentry != nil && !errors.Is(err, tc.sentry) {
				t.Errorf("err = %v, want %v", err, tc.sentry)
			}
			if tc.sentry != ErrStreamNotFound && errors.Is(err, ErrStreamNotFound) {
				t.Errorf("err = %v is not a missing stream", err)
			}
			if !strings.Contains(err.Error(), tc.text) {
				t.Errorf("err = %v, want it to say %q", err, tc.text)
			}
		})
	}
}

func TestLiveStatusHonoursTheDeadline(t *testing.T) {
	t.Parallel()
	c := statusGateway(t, hang)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := c.LiveStatus(ctx, "s1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
}

func TestLiveStatusNeedsAStreamAndAGateway(t *testing.T) {
	t.Parallel()
	if _, err := (&GatewayClient{HTTPURL: "http://127.0.0.1:1"}).LiveStatus(context.Background(), ""); err == nil {
		t.Error("empty stream id accepted")
	}
	if _, err := (&GatewayClient{}).LiveStatus(context.Background(), "s1"); err == nil || !strings.Contains(err.Error(), "not configured") {
		t.Errorf("err = %v, want not configured", err)
	}
}

func FuzzParseLiveStatus(f *testing.F) {
	f.Add(golden(f, "live-status.json"))
	f.Add(golden(f, "live-status-flat.json"))
	f.Add([]byte(`{"inference_status":{"restart_count":1e3,"last_params":{"a":[1]}},"input_fps":0.5}`))
	f.Add([]byte(`{"start_time":32503680000001,"input_status":{"fps":-0}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := ParseLiveStatus(body)
		if err != nil {
			return
		}
		if s.InputFPS < 0 || s.InputFPS > maxFPS || s.InferenceFPS < 0 || s.InferenceFPS > maxFPS {
			t.Fatalf("rates %v %v", s.InputFPS, s.InferenceFPS)
		}
		if s.RestartCount < 0 {
			t.Fatalf("restart count %d", s.RestartCount)
		}
		for _, tm := range []time.Time{s.StartTime, s.LastStateUpdate, s.LastInput, s.LastOutput, s.LastParamsUpdate,
			s.LastErrorTime, s.LastRestart, s.GatewayErrorTime, s.Timestamp} {
			if !tm.IsZero() && (tm.Before(time.Unix(0, 0)) || tm.After(time.UnixMilli(maxEpochMS))) {
				t.Fatalf("time %v out of range", tm)
			}
		}
		if len(s.LastParams) > 0 && s.LastParams[0] != '{' {
			t.Fatalf("params %s", s.LastParams)
		}
	})
}
