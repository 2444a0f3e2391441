package mediaserver

import (
	"jobtester/testutil"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// credUsers: publishing needs the tester's password; anyone on loopback
// may read.
func credUsers() []User {
	return []User{
		{Name: "tester", Pass: "s3cret", Actions: []Action{ActionPublish}},
		{Name: AnyUser, IPs: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, Actions: []Action{ActionRead, ActionAPI}},
	}
}

func TestFFmpegPublishNeedsTheRightPassword(t *testing.T) {
	needFFmpeg(t)
	t.Parallel()
	s := startServer(t, Config{Users: credUsers()})
	addr := s.RTMPAddr()

	wrong := startFFmpeg(t, "rtmp://tester:wrong@"+addr+"/cred?"+testQuery, 1)
	stderr, err := wrong.wait()
	if err == nil {
		t.Fatal("ffmpeg published with a wrong password")
	}
	if !strings.Contains(stderr, "Incorrect username/password") {
		t.Errorf("ffmpeg was not told the password is wrong: %s", stderr)
	}
	anon := startFFmpeg(t, "rtmp://"+addr+"/cred?"+testQuery, 1)
	if _, err := anon.wait(); err == nil {
		t.Fatal("ffmpeg published without credentials")
	}
	var paths apiList[apiPath]
	apiCall(t, "GET", apiURL(s, "/v3/paths/list"), "", "", &paths)
	if paths.ItemCount != 0 {
		t.Fatalf("paths after refused publishers: %+v", paths)
	}

	right := startFFmpeg(t, "rtmp://tester:s3cret@"+addr+"/cred?"+testQuery, 2)
	waitPublished(t, s, "cred")
	pubs := connsOn(t, s, "publish", "cred")
	if len(pubs) != 1 || pubs[0].User != "tester" || pubs[0].Query != testQuery {
		t.Errorf("publisher = %+v, want user tester and the query without credentials", pubs)
	}
	// Reading needs nothing on loopback.
	r := readerFor(t, rtmpURL(s, "cred"))
	testutil.Eventually(t, "frames", func() bool { return r.frames.Load() >= 10 })
	if stderr, err := right.wait(); err != nil {
		t.Fatalf("ffmpeg with the right password: %v: %s", err, stderr)
	}
}

// gortmplib's client sends the password the same way but names itself
// "myuser" in the last step; the server finds the user by the response.
func TestGortmplibClientCredentials(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{Users: credUsers()})
	addr := s.RTMPAddr()
	for _, c := range []struct {
		url string
		ok  bool
	}{
		{"rtmp://" + addr + "/g1", false},
		{"rtmp://tester:nope@" + addr + "/g1", false},
		{"rtmp://someone:s3cret@" + addr + "/g1", false},
		{"rtmp://tester:s3cret@" + addr + "/g1?pipeline=noop", true},
	} {
		p, err := dialPublisher(t.Context(), c.url)
		if (err == nil) != c.ok {
			t.Errorf("publish %s: err = %v, want ok=%v", c.url, err, c.ok)
		}
		if err == nil {
			t.Cleanup(p.c.Close)
			p.frames(t, 1, 100)
		}
	}
	waitPublished(t, s, "g1")
	if pubs := connsOn(t, s, "publish", "g1"); len(pubs) != 1 || pubs[0].Query != "pipeline=noop" || pubs[0].User != "tester" {
		t.Errorf("publisher = %+v", pubs)
	}
	// Credentials a reader does not need are harmless.
	r := readerFor(t, "rtmp://tester:s3cret@"+addr+"/g1")
	testutil.Eventually(t, "a frame", func() bool { return r.frames.Load() == 1 })
}

func TestDefaultUsersLetLoopbackClientsInWithoutCredentials(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	pub := publisherFor(t, rtmpURL(s, "open"))
	pub.frames(t, 1, 100)
	waitPublished(t, s, "open")
	r := readerFor(t, rtmpURL(s, "open"))
	testutil.Eventually(t, "a frame", func() bool { return r.frames.Load() == 1 })
	// The API too.
	if st := apiCall(t, "GET", apiURL(s, "/v3/paths/list"), "", "", nil); st != 200 {
		t.Errorf("API from loopback: status %d", st)
	}
}

func TestAdobeChallengesAreSingleUseAndBound(t *testing.T) {
	t.Parallel()
	cs := newChallengeStore()
	ip, other := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	u := &User{Name: "tester", Pass: "pw", Actions: []Action{ActionPublish}}
	now := time.Now()
	ch := cs.issue(ip, now)
	p := authParams{mod: "adobe", user: "tester", challenge: "c2", opaque: ch,
		response: adobeResponse("tester", "pw", "salt", ch, "c2")}

	if cs.verify([]*User{u}, p, other, "salt", now) != nil {
		t.Error("accepted from another address")
	}
	if cs.verify([]*User{u}, p, ip, "salt", now.Add(2*challengeTTL)) != nil {
		t.Error("accepted an expired challenge")
	}
	bad := p
	bad.response = adobeResponse("tester", "wrong", "salt", ch, "c2")
	if cs.verify([]*User{u}, bad, ip, "salt", now) != nil {
		t.Error("accepted a wrong password")
	}
	// Without opaque (gortmplib) the issued challenge is found by address.
	noOpaque := p
	noOpaque.opaque = ""
	if cs.verify([]*User{u}, noOpaque, ip, "salt", now) != u {
		t.Fatal("refused the right password")
	}
	if cs.verify([]*User{u}, p, ip, "salt", now) != nil {
		t.Error("a challenge was accepted twice")
	}

	// A flood of challenges stays bounded.
	for range 3 * maxChallenges {
		cs.issue(ip, now)
	}
	if n := len(cs.m); n > maxChallenges {
		t.Errorf("%d challenges kept", n)
	}
}
