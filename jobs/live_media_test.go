package jobs_test

import (
	"context"
	"strings"
	"testing"

	"jobtester/jobs"
)

// An external MediaMTX's credentials are its query's user and pass: every
// URL the tester publishes or reads keeps them, ahead of the test's own
// query, and they never show in what is logged or stored.
func TestExternalMediaKeepsTheQueryCredentials(t *testing.T) {
	t.Parallel()
	m, err := jobs.StartMedia(context.Background(), jobs.MediaConfig{Server: "rtmp://mtx:1940/?user=tester&pass=p%26q"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.PublishURL("s", "pipeline=x&streamId=s"), "rtmp://mtx:1940/s?user=tester&pass=p%26q&pipeline=x&streamId=s"; got != want {
		t.Errorf("publish URL %q, want %q", got, want)
	}
	if got, want := m.ReadURL("s-out"), "rtmp://mtx:1940/s-out?user=tester&pass=p%26q"; got != want {
		t.Errorf("read URL %q, want %q", got, want)
	}
	if !m.HasCredentials() || strings.Contains(m.Base(), "p%26q") || !strings.Contains(m.Base(), "user=tester") {
		t.Errorf("credentials %v, base %q", m.HasCredentials(), m.Base())
	}
	if got := m.Redact("publish " + m.PublishURL("s", "a=1") + ": refused"); strings.Contains(got, "p%26q") || strings.Contains(got, "p&q") {
		t.Errorf("redacted %q still has the password", got)
	}
	// The embedded server's Adobe credentials in the userinfo are redacted too.
	a, err := jobs.StartMedia(context.Background(), jobs.MediaConfig{Server: "rtmp://u:s3cret@mtx:1935"})
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Redact("dial rtmp://u:s3cret@mtx:1935/s: refused"); strings.Contains(got, "s3cret") {
		t.Errorf("redacted %q still has the password", got)
	}
	plain, err := jobs.StartMedia(context.Background(), jobs.MediaConfig{Server: "rtmp://mtx:1935"})
	if err != nil || plain.HasCredentials() || plain.PublishURL("s", "a=1") != "rtmp://mtx:1935/s?a=1" {
		t.Errorf("plain: %v, %v, %q", err, plain.HasCredentials(), plain.PublishURL("s", "a=1"))
	}
}

func TestExternalMediaRefusesABadQueryOrAPI(t *testing.T) {
	t.Parallel()
	for _, c := range []jobs.MediaConfig{
		{Server: "rtmp://mtx:1935?streamId=x"},
		{Server: "rtmp://mtx:1935?params=%7B%7D"},
		{Server: "rtmp://mtx:1935?a=%zz"},
		{Server: "rtmp://mtx:1935", APIURL: "mtx:9997"},
		{Server: "http://mtx:1935"},
	} {
		if _, err := jobs.StartMedia(context.Background(), c); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}
