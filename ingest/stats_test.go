package ingest

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

const good = `{"region":"FRA","orchestrator":"0x3B28a7d785356dc67c7970666747e042305bfb79","success_rate":1,"round_trip_time":3.5,"errors":null,"timestamp":1726864722,"model":"m","model_is_warm":true,"pipeline":"Llm","input_parameters":"{}"}`

func TestDecodeAcceptsLegacyPayloads(t *testing.T) {
	s, err := Decode([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if s.Orchestrator != "0x3b28a7d785356dc67c7970666747e042305bfb79" || s.JobType() != JobTypeAI || !s.ModelIsWarm {
		t.Fatalf("decoded %+v", s)
	}
	tr := `{"region":"LON","orchestrator":"0x3b28a7d785356dc67c7970666747e042305bfb79","success_rate":0.5,"round_trip_time":1.2,"errors":[{"error_code":"timeout","count":2}],"timestamp":1,"seg_duration":2,"segments_sent":15,"segments_received":7,"upload_time":0.3,"download_time":0.2,"transcode_time":-0.01}`
	s, err = Decode([]byte(tr))
	if err != nil || s.JobType() != JobTypeTranscoding || s.Errors[0].Count != 2 {
		t.Fatalf("transcoding payload: %+v %v", s, err)
	}
}

func TestDecodeRejects(t *testing.T) {
	cases := map[string]string{
		"bad JSON":          `{"region":`,
		"empty":             ``,
		"array":             `[]`,
		"null":              `null`,
		"wrong type":        strings.Replace(good, `"timestamp":1726864722`, `"timestamp":"now"`, 1),
		"fractional int":    strings.Replace(good, `"timestamp":1726864722`, `"timestamp":1.5`, 1),
		"int overflow":      strings.Replace(good, `"timestamp":1726864722`, `"timestamp":99999999999999999999999`, 1),
		"float overflow":    strings.Replace(good, `"round_trip_time":3.5`, `"round_trip_time":1e999`, 1),
		"negative rtt":      strings.Replace(good, `"round_trip_time":3.5`, `"round_trip_time":-1`, 1),
		"success above one": strings.Replace(good, `"success_rate":1`, `"success_rate":1.01`, 1),
		"unknown field":     strings.Replace(good, `"region"`, `"extra":1,"region"`, 1),
		"trailing":          good + ` x`,
		"no region":         strings.Replace(good, `"region":"FRA",`, ``, 1),
		"model only":        strings.Replace(good, `"pipeline":"Llm",`, ``, 1),
		"pipeline only":     strings.Replace(good, `"model":"m",`, ``, 1),
		"short address":     strings.Replace(good, `0x3B28a7d785356dc67c7970666747e042305bfb79`, `0x3b28`, 1),
		"negative count":    strings.Replace(good, `"errors":null`, `"errors":[{"error_code":"x","count":-1}]`, 1),
		"negative time":     strings.Replace(good, `"timestamp":1726864722`, `"timestamp":-1`, 1),
		"NUL in text":       strings.Replace(good, `"input_parameters":"{}"`, `"input_parameters":"a\u0000b"`, 1),
		"huge model":        strings.Replace(good, `"model":"m"`, `"model":"`+strings.Repeat("m", MaxNameLen+1)+`"`, 1),
		"rtt of 1e308":      strings.Replace(good, `"round_trip_time":3.5`, `"round_trip_time":1e308`, 1),
		"rtt over a day":    strings.Replace(good, `"round_trip_time":3.5`, `"round_trip_time":86400.001`, 1),
		"segment over day":  strings.Replace(good, `"round_trip_time":3.5`, `"round_trip_time":3.5,"seg_duration":9e99`, 1),
		"upload over day":   strings.Replace(good, `"round_trip_time":3.5`, `"round_trip_time":3.5,"upload_time":1E6`, 1),
		"download over day": strings.Replace(good, `"round_trip_time":3.5`, `"round_trip_time":3.5,"download_time":86401`, 1),
		"transcode -1e300":  strings.Replace(good, `"round_trip_time":3.5`, `"round_trip_time":3.5,"transcode_time":-1e300`, 1),
		"success tiny neg":  strings.Replace(good, `"success_rate":1`, `"success_rate":-1e-300`, 1),
		"segments huge":     strings.Replace(good, `"round_trip_time":3.5`, `"round_trip_time":3.5,"segments_sent":1000000001`, 1),
		"error count huge":  strings.Replace(good, `"errors":null`, `"errors":[{"error_code":"x","count":9000000000000000000}]`, 1),
	}
	for name, body := range cases {
		if _, err := Decode([]byte(body)); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
}

func TestDecodeAcceptsTheBoundsThemselves(t *testing.T) {
	edge := strings.Replace(good, `"round_trip_time":3.5`, `"round_trip_time":86400,"seg_duration":86400,"upload_time":0,"download_time":86400,"transcode_time":-86400,"segments_sent":1000000000`, 1)
	if _, err := Decode([]byte(edge)); err != nil {
		t.Fatalf("a result at every bound was refused: %v", err)
	}
}

func TestCheckTimestampRefusesTheFarFuture(t *testing.T) {
	now := time.Unix(1_760_000_000, 0)
	for ts, ok := range map[int64]bool{
		0: true, 1: true, 1726864722: true, now.Unix(): true, now.Add(MaxClockSkew).Unix(): true,
		now.Add(MaxClockSkew).Unix() + 1: false, now.UnixMilli(): false, now.UnixNano(): false,
	} {
		s := Stats{Timestamp: ts}
		err := s.CheckTimestamp(now)
		if (err == nil) != ok || (err != nil && !errors.Is(err, ErrInvalid)) {
			t.Errorf("timestamp %d: err %v, want ok=%v", ts, err, ok)
		}
	}
}

func TestKeyringAcceptsRejectsAndRevokes(t *testing.T) {
	body := []byte(good)
	ring := NewKeyring([]Key{{Name: "a", Secret: "secret-a-0123456789"}, {Name: "b", Secret: "secret-b-0123456789"}})
	for _, c := range []struct{ secret, want string }{{"secret-a-0123456789", "a"}, {"secret-b-0123456789", "b"}} {
		if name, err := ring.Verify(Sign(c.secret, body), body); err != nil || name != c.want {
			t.Fatalf("key %s: %q %v", c.want, name, err)
		}
	}
	for _, header := range []string{"", "zz", Sign("other", body), Sign("secret-a-0123456789", append(body, ' ')), "Bearer " + Sign("secret-a-0123456789", body)} {
		if _, err := ring.Verify(header, body); !errors.Is(err, ErrUnauthenticated) {
			t.Fatalf("header %q accepted", header)
		}
	}
	revoked := NewKeyring([]Key{{Name: "a", Secret: "secret-a-0123456789", Revoked: true}, {Name: "b", Secret: "secret-b-0123456789"}})
	if _, err := revoked.Verify(Sign("secret-a-0123456789", body), body); err == nil {
		t.Fatal("a revoked key was accepted")
	}
	if name, err := revoked.Verify(Sign("secret-b-0123456789", body), body); err != nil || name != "b" {
		t.Fatal("revoking a broke b")
	}
	if NewKeyring(nil).Len() != 0 || NewKeyring([]Key{{Name: "empty"}}).Len() != 0 {
		t.Fatal("a keyring without secrets must have no keys")
	}
}

// FuzzDecode feeds arbitrary bytes to the ingest decoder: it must never
// panic, and whatever it accepts must satisfy the validation rules and
// survive a round trip through JSON unchanged.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte(`{"region":"LON","orchestrator":"0x3b28a7d785356dc67c7970666747e042305bfb79","success_rate":0.5,"round_trip_time":1.2,"errors":[],"timestamp":1,"seg_duration":2}`))
	f.Add([]byte(`{"success_rate":1e400}`))
	f.Add([]byte(`{"errors":[{"count":-1}]}`))
	f.Add([]byte(strings.Replace(good, `"round_trip_time":3.5`, `"round_trip_time":1e308`, 1)))
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := Decode(body)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error not wrapping ErrInvalid: %v", err)
			}
			return
		}
		for _, v := range []float64{s.RoundTripTime, s.SegDuration, s.UploadTime, s.DownloadTime, math.Abs(s.TranscodeTime)} {
			if !(v >= 0 && v <= MaxSeconds) {
				t.Fatalf("accepted a duration out of bounds: %+v", s)
			}
		}
		if s.SuccessRate < 0 || s.SuccessRate > 1 || s.RoundTripTime < 0 || s.Region == "" ||
			(s.Model == "") != (s.Pipeline == "") || s.Orchestrator != strings.ToLower(s.Orchestrator) {
			t.Fatalf("accepted an invalid payload: %+v", s)
		}
		again, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		s2, err := Decode(again)
		if err != nil {
			t.Fatalf("re-decode of %s: %v", again, err)
		}
		if b2, _ := json.Marshal(s2); string(b2) != string(again) {
			t.Fatalf("round trip changed the payload:\n%s\n%s", again, b2)
		}
	})
}
