package mediaserver

import (
	"jobtester/testutil"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// keysOf decodes a JSON object's field names.
func keysOf(t *testing.T, s *Server, path string) []string {
	t.Helper()
	var m map[string]any
	if st := apiCall(t, "GET", apiURL(s, path), "", "", &m); st != 200 {
		t.Fatalf("GET %s: status %d", path, st)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestAPIListsGetsAndKicksWithMediaMTXShapes(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	const query = "pipeline=noop&streamId=s1&params=%7B%22prompt%22%3A%22a%22%7D"
	pub := publisherFor(t, rtmpURL(s, "live/apitest?"+query))
	pub.frames(t, 3, 200)
	waitPublished(t, s, "live/apitest")
	r := readerFor(t, rtmpURL(s, "live/apitest"))
	testutil.Eventually(t, "the reader", func() bool { return r.frames.Load() == 3 })

	// Field names as MediaMTX's, including the deprecated ones.
	for _, want := range []string{"name", "confName", "source", "available", "availableTime", "online", "onlineTime",
		"ready", "readyTime", "tracks", "tracks2", "inboundBytes", "outboundBytes", "inboundFramesInError",
		"bytesReceived", "bytesSent", "readers"} {
		if !slices.Contains(keysOf(t, s, "/v3/paths/get/live/apitest"), want) {
			t.Errorf("path item lacks %q", want)
		}
	}
	if got := keysOf(t, s, "/v3/paths/list"); !slices.Equal(got, []string{"itemCount", "items", "pageCount"}) {
		t.Errorf("list keys = %v", got)
	}

	// Clients escape the slash in a name, or not.
	if st := apiCall(t, "GET", apiURL(s, "/v3/paths/get/live%2Fapitest"), "", "", nil); st != 200 {
		t.Errorf("get with an escaped slash: status %d", st)
	}

	pubs := checkPathItem(t, s)
	checkConnItem(t, s, pubs[0].ID, query)
	checkPagesAndErrors(t, s)

	// Kicking the publisher ends the publication: its connection, the
	// path and the readers.
	var ok map[string]any
	if st := apiCall(t, "POST", apiURL(s, "/v3/rtmpconns/kick/"+pubs[0].ID), "", "", &ok); st != 200 || len(ok) != 1 || ok["status"] != "ok" {
		t.Fatalf("kick: status %d %v, want 200 {\"status\":\"ok\"}", st, ok)
	}
	if err := r.ended(t); !isHangUp(err) {
		t.Errorf("reader ended with %v, want the server to hang up", err)
	}
	// Kicking, as in MediaMTX, only starts the teardown.
	testutil.Eventually(t, "the kicked conn to go", func() bool {
		return apiCall(t, "GET", apiURL(s, "/v3/rtmpconns/get/"+pubs[0].ID), "", "", nil) == 404
	})
	var paths apiList[apiPath]
	apiCall(t, "GET", apiURL(s, "/v3/paths/list"), "", "", &paths)
	if paths.ItemCount != 0 {
		t.Errorf("paths after kick = %+v", paths)
	}
	if err := hungUp(pub.c.NetConn()); err != nil {
		t.Errorf("kicked publisher's connection: %v", err)
	}
}

// checkPathItem checks the one path's item against its publisher and
// reader, and returns the publishers.
func checkPathItem(t *testing.T, s *Server) []apiRTMPConn {
	t.Helper()
	var paths apiList[apiPath]
	apiCall(t, "GET", apiURL(s, "/v3/paths/list"), "", "", &paths)
	if paths.ItemCount != 1 || paths.PageCount != 1 || len(paths.Items) != 1 {
		t.Fatalf("paths list = %+v", paths)
	}
	p := paths.Items[0]
	pubs := connsOn(t, s, "publish", "live/apitest")
	readers := connsOn(t, s, "read", "live/apitest")
	if len(pubs) != 1 || len(readers) != 1 {
		t.Fatalf("publishers %+v, readers %+v", pubs, readers)
	}
	if p.Name != "live/apitest" || !p.Ready || !p.Available || p.ReadyTime == nil ||
		p.Source == nil || p.Source.Type != "rtmpConn" || p.Source.ID != pubs[0].ID ||
		len(p.Readers) != 1 || p.Readers[0] != (apiSourceOrReader{Type: "rtmpConn", ID: readers[0].ID}) {
		t.Errorf("path item = %+v", p)
	}
	if len(p.Tracks2) != 1 || p.Tracks2[0].Codec != "H264" {
		t.Fatalf("tracks2 = %+v", p.Tracks2)
	}
	props, _ := p.Tracks2[0].CodecProps.(map[string]any)
	if props["width"] != 64.0 || props["height"] != 48.0 || props["profile"] != "Baseline" {
		t.Errorf("codecProps = %v, want 64x48 Baseline (from the SPS)", props)
	}
	if p.InboundBytes == 0 || p.OutboundBytes == 0 {
		t.Errorf("byte counters = %d in, %d out", p.InboundBytes, p.OutboundBytes)
	}

	return pubs
}

// checkConnItem checks the publisher's rtmpconns item.
func checkConnItem(t *testing.T, s *Server, id, query string) {
	t.Helper()
	var pc apiRTMPConn
	if st := apiCall(t, "GET", apiURL(s, "/v3/rtmpconns/get/"+id), "", "", &pc); st != 200 {
		t.Fatalf("rtmpconns/get: status %d", st)
	}
	if !uuidRE.MatchString(pc.ID) || pc.State != "publish" || pc.Path != "live/apitest" || pc.Query != query ||
		pc.InboundBytes == 0 || pc.RemoteAddr == "" || pc.Created.IsZero() {
		t.Errorf("publisher conn = %+v", pc)
	}
	for _, want := range []string{"id", "created", "remoteAddr", "state", "path", "query", "user", "userAgent",
		"inboundBytes", "outboundBytes", "outboundFramesDiscarded", "bytesReceived", "bytesSent"} {
		if !slices.Contains(keysOf(t, s, "/v3/rtmpconns/get/"+pc.ID), want) {
			t.Errorf("conn item lacks %q", want)
		}
	}

}

// checkPagesAndErrors checks pagination and the errors of bad requests.
func checkPagesAndErrors(t *testing.T, s *Server) {
	t.Helper()
	// Pagination as MediaMTX: page is 0-based.
	var page apiList[apiRTMPConn]
	apiCall(t, "GET", apiURL(s, "/v3/rtmpconns/list?itemsPerPage=1&page=1"), "", "", &page)
	if page.ItemCount != 2 || page.PageCount != 2 || len(page.Items) != 1 {
		t.Errorf("page 1 of 1-item pages = %+v", page)
	}
	apiCall(t, "GET", apiURL(s, "/v3/rtmpconns/list?itemsPerPage=1&page=7"), "", "", &page)
	if page.ItemCount != 2 || len(page.Items) != 0 {
		t.Errorf("page past the end = %+v", page)
	}
	for _, q := range []string{"?itemsPerPage=0", "?page=-1", "?page=x", "?itemsPerPage=1e3"} {
		var e apiError
		if st := apiCall(t, "GET", apiURL(s, "/v3/paths/list"+q), "", "", &e); st != 400 || e.Error == "" {
			t.Errorf("list%s: status %d, error %q; want 400 with an error", q, st, e.Error)
		}
	}
	for _, u := range []string{"/v3/paths/get/nope", "/v3/rtmpconns/get/00000000-0000-4000-8000-000000000000", "/v3/nothing"} {
		var e apiError
		if st := apiCall(t, "GET", apiURL(s, u), "", "", &e); st != 404 || e.Error == "" || e.Status != "error" {
			t.Errorf("GET %s: status %d, %+v; want 404 with an error", u, st, e)
		}
	}
	var e apiError
	if st := apiCall(t, "POST", apiURL(s, "/v3/rtmpconns/kick/00000000-0000-4000-8000-000000000000"), "", "", &e); st != 404 || e.Error == "" || e.Status != "error" {
		t.Errorf("kick unknown: status %d, %+v", st, e)
	}
	// MediaMTX takes only UUIDs as connection ids: anything else is a 400.
	for _, u := range []string{"/v3/rtmpconns/get/nope", "/v3/rtmpconns/kick/00000000-0000-4000-8000-00000000000g"} {
		method := "GET"
		if strings.Contains(u, "kick") {
			method = "POST"
		}
		var e apiError
		if st := apiCall(t, method, apiURL(s, u), "", "", &e); st != 400 || e.Status != "error" || e.Error == "" {
			t.Errorf("%s %s: status %d, %+v; want 400", method, u, st, e)
		}
	}
}

func TestAPIBasicAuth(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{Users: []User{
		{Name: "admin", Pass: "s3cret", Actions: []Action{ActionAPI}},
		{Name: AnyUser, Actions: []Action{ActionPublish, ActionRead}},
	}})
	u := apiURL(s, "/v3/paths/list")
	var e apiError
	if st := apiCall(t, "GET", u, "", "", &e); st != 401 || e.Error == "" {
		t.Errorf("no credentials: status %d, error %q; want 401", st, e.Error)
	}
	if st := apiCall(t, "GET", u, "admin", "wrong", nil); st != 401 {
		t.Errorf("wrong password: status %d, want 401", st)
	}
	if st := apiCall(t, "GET", u, "nobody", "s3cret", nil); st != 401 {
		t.Errorf("wrong user: status %d, want 401", st)
	}
	if st := apiCall(t, "GET", u, "admin", "s3cret", nil); st != 200 {
		t.Errorf("right credentials: status %d, want 200", st)
	}
	// Kick needs them too.
	if st := apiCall(t, "POST", apiURL(s, "/v3/rtmpconns/kick/x"), "", "", nil); st != 401 {
		t.Errorf("kick without credentials: status %d, want 401", st)
	}
}

func TestUsersTable(t *testing.T) {
	t.Parallel()
	lo, remote, lo6 := netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("192.0.2.7"), netip.MustParseAddr("::1")
	mapped := netip.MustParseAddr("::ffff:127.0.0.1")
	def := users(DefaultUsers())
	for _, a := range []Action{ActionPublish, ActionRead, ActionAPI} {
		if !def.allows(a, lo, nil) || !def.allows(a, lo6, nil) || !def.allows(a, mapped, nil) {
			t.Errorf("DefaultUsers: %s from loopback refused", a)
		}
		if def.allows(a, remote, nil) {
			t.Errorf("DefaultUsers: %s from %s allowed", a, remote)
		}
	}

	gw := netip.MustParseAddr("10.0.0.5")
	us := users{
		{Name: AnyUser, IPs: []netip.Prefix{netip.MustParsePrefix("10.0.0.5/32")}, Actions: []Action{ActionPublish, ActionRead}},
		{Name: "tester", Pass: "pw", Actions: []Action{ActionPublish}},
		{Name: "admin", Pass: "apipw", Actions: []Action{ActionAPI}},
	}
	tester := &us[1]
	cases := []struct {
		name  string
		a     Action
		ip    netip.Addr
		named *User
		want  bool
	}{
		{"gateway reads anonymously", ActionRead, gw, nil, true},
		{"gateway publishes -out anonymously", ActionPublish, gw, nil, true},
		{"remote anonymous publish", ActionPublish, remote, nil, false},
		{"remote tester publishes", ActionPublish, remote, tester, true},
		{"tester may not read", ActionRead, remote, tester, false},
		{"tester from the gateway's address reads as any", ActionRead, gw, tester, true},
	}
	for _, c := range cases {
		if got := us.allows(c.a, c.ip, c.named); got != c.want {
			t.Errorf("%s: allows = %v, want %v", c.name, got, c.want)
		}
	}
	if !us.basic(ActionAPI, remote, "admin", "apipw", true) || us.basic(ActionAPI, remote, "admin", "x", true) ||
		us.basic(ActionAPI, remote, "", "", false) || us.basic(ActionAPI, remote, "tester", "pw", true) {
		t.Error("basic auth table wrong")
	}
	if n := us.named(remote); len(n) != 2 {
		t.Errorf("named users from anywhere = %d, want 2", len(n))
	}
}

func TestH264LevelAsMediaMTXWritesIt(t *testing.T) {
	for idc, want := range map[int]string{30: "3", 31: "3.1", 9: "0.9", 40: "4", 52: "5.2"} {
		if got := h264Level(idc); got != want {
			t.Errorf("h264Level(%d) = %q, want %q", idc, got, want)
		}
	}
}
