package config

import (
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestLiveDefaults(t *testing.T) {
	c, _, err := load("serve", nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.LiveConcurrency != 4 || c.MediaServer != "embedded" || c.RTMPAddr != ":1935" || c.MediaAPIAddr != ":9997" ||
		c.LiveDuration != 30*time.Second || c.LiveFirstOutputTimeout != time.Minute ||
		c.LiveSignal != (LiveSignal{512, 512, 30}) || c.LiveSignal.String() != "512x512@30" {
		t.Fatalf("live defaults = %+v", c)
	}
	p, err := c.LiveParamsJSON()
	if err != nil || len(p) != 0 {
		t.Fatalf("empty params = %v %v", p, err)
	}
}

func TestLiveSettingsParse(t *testing.T) {
	c, _, err := load("serve", []string{"--live-signal", "640x384@15", "--media-server", "rtmp://u:p@mtx:1935",
		"--live-params", `{"prompt":"a watercolor","seed":42}`, "--media-allow-ips", "10.0.0.7, 192.168.0.0/24,::1"}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.LiveSignal != (LiveSignal{640, 384, 15}) || c.MediaServer != "rtmp://u:p@mtx:1935" {
		t.Fatalf("parsed %+v", c)
	}
	p, err := c.LiveParamsJSON()
	if err != nil || p["prompt"] != "a watercolor" || p["seed"].(interface{ String() string }).String() != "42" {
		t.Fatalf("params %v %v", p, err)
	}
	allow, err := c.MediaAllow()
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.7/32"), netip.MustParsePrefix("192.168.0.0/24"), netip.MustParsePrefix("::1/128")}
	if err != nil || len(allow) != 3 || allow[0] != want[0] || allow[1] != want[1] || allow[2] != want[2] {
		t.Fatalf("allow %v %v", allow, err)
	}
}

func TestLiveErrorsNameTheSetting(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--live-signal", "512x512@14"}, "setting live_signal: 14 fps"},
		{[]string{"--live-signal", "512x512"}, "setting live_signal"},
		{[]string{"--live-signal", "511x512@30"}, "setting live_signal: size 511x512"},
		{[]string{"--live-signal", "axb@c"}, "setting live_signal"},
		{[]string{"--live-concurrency", "-1"}, "setting live_concurrency"},
		{[]string{"--live-concurrency", "65"}, "setting live_concurrency"},
		{[]string{"--media-server", "http://mtx:1935"}, "setting media_server"},
		{[]string{"--media-server", "rtmp://mtx:1935/live"}, "setting media_server"},
		{[]string{"--media-server", "rtmp://mtx:1935?streamId=1"}, "setting media_server: the query may not set \"streamId\""},
		{[]string{"--media-server", "rtmp://mtx:1935?a=%zz"}, "setting media_server: bad query"},
		{[]string{"--media-api-url", "mtx:9997"}, "setting media_api_url"},
		{[]string{"--rtmp-addr", "1935"}, "setting rtmp_addr"},
		{[]string{"--media-api-addr", "9997"}, "setting media_api_addr"},
		{[]string{"--media-allow-ips", "10.0.0.300"}, "setting media_allow_ips"},
		{[]string{"--live-duration", "1s"}, "setting live_duration"},
		{[]string{"--live-first-output-timeout", "11m"}, "setting live_first_output_timeout"},
		{[]string{"--live-params", `["a"]`}, "setting live_params"},
		{[]string{"--live-params", `{"a":1} {"b":2}`}, "setting live_params"},
		{[]string{"--live-params", `null`}, "setting live_params"},
		{[]string{"--gateways", "g1=http://c|http://h", "--live-gateway", "g2"}, "setting live_gateway"},
	}
	for _, c := range cases {
		_, _, err := load("serve", c.args, env(nil))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want it to mention %q", c.args, err, c.want)
		}
	}
	// MediaMTX's credentials in the query.
	if c, _, err := load("serve", []string{"--media-server", "rtmp://mtx:1935?user=u&pass=p", "--media-api-url", "http://mtx:9998"}, env(nil)); err != nil ||
		c.MediaServer != "rtmp://mtx:1935?user=u&pass=p" || c.MediaAPIURL != "http://mtx:9998" {
		t.Fatalf("query credentials: %v %+v", err, c)
	}
	// The media API may be turned off.
	if _, _, err := load("serve", []string{"--media-api-addr", ""}, env(nil)); err != nil {
		t.Fatalf("empty media_api_addr: %v", err)
	}
}
