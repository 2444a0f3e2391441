package mediaserver

import (
	"flag"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"testing"

	"jobtester/testutil"
)

var updateAPITable = flag.Bool("update-api-table", false, "rewrite the API table in ../../docs/mediaserver.md from both servers' answers")

const (
	apiTableBegin = "<!-- api-table:begin (generated: go test ./media/mediaserver -run TestAPITableAgainstMediaMTX -update-api-table) -->"
	apiTableEnd   = "<!-- api-table:end -->"
)

// TestAPITableAgainstMediaMTX publishes the same stream to this server and
// to a real MediaMTX, with a reader on each, and tabulates every field of
// the API objects go-livepeer reads (a path, a connection) with its JSON
// type in both: the side-by-side table of docs/mediaserver.md, which must
// be current.
func TestAPITableAgainstMediaMTX(t *testing.T) {
	t.Parallel()
	needFFmpeg(t)
	rtmpAddr, apiAddr := freeAddr(t), freeAddr(t)
	testutil.StartMediaMTX(t, fmt.Sprintf(`logLevel: warn
rtsp: false
hls: false
webrtc: false
srt: false
moq: false
rtmpAddress: %s
api: true
apiAddress: %s
paths:
  all_others:
`, rtmpAddr, apiAddr), apiAddr)
	s := startServer(t, Config{})
	ours := objectsOf(t, "rtmp://"+s.RTMPAddr(), "http://"+s.APIAddr())
	theirs := objectsOf(t, "rtmp://"+rtmpAddr, "http://"+apiAddr)
	table := apiTable(ours, theirs)

	b, err := os.ReadFile("../../docs/mediaserver.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i, j := strings.Index(doc, apiTableBegin), strings.Index(doc, apiTableEnd)
	if i < 0 || j < i {
		t.Fatalf("docs/mediaserver.md has no %q … %q section", apiTableBegin, apiTableEnd)
	}
	want := doc[:i+len(apiTableBegin)] + "\n" + table + doc[j:]
	if *updateAPITable {
		if err := os.WriteFile("../../docs/mediaserver.md", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if want != doc {
		t.Errorf("docs/mediaserver.md's API table is not what both servers answer; it should read:\n%s\n(go test ./media/mediaserver -run TestAPITableAgainstMediaMTX -update-api-table rewrites it)", table)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// objectsOf publishes to the server at rtmpBase, reads from it, and
// returns the API's path object and the publisher's and the reader's
// connection objects, flattened to field → JSON type.
func objectsOf(t *testing.T, rtmpBase, apiBase string) map[string]map[string]string {
	t.Helper()
	pub := startFFmpeg(t, rtmpBase+"/table?x=1", 60)
	defer func() { _ = pub.cmd.Process.Kill() }()
	var path map[string]any
	testutil.EventuallyWithin(t, 2*testutil.WaitTimeout, "the path ready on "+apiBase, func() bool {
		path = nil
		return apiCall(t, "GET", apiBase+"/v3/paths/get/table", "", "", &path) == 200 && path["ready"] == true
	})
	rd := readerFor(t, rtmpBase+"/table")
	defer rd.c.Close()
	var list struct {
		Items []map[string]any `json:"items"`
	}
	conns := map[string]map[string]any{}
	testutil.Eventually(t, "a publisher and a reader on "+apiBase, func() bool {
		path, list.Items = nil, nil
		apiCall(t, "GET", apiBase+"/v3/paths/get/table", "", "", &path)
		apiCall(t, "GET", apiBase+"/v3/rtmpconns/list", "", "", &list)
		for _, c := range list.Items {
			if st, _ := c["state"].(string); st == "publish" || st == "read" {
				conns[st] = c
			}
		}
		readers, _ := path["readers"].([]any)
		return len(conns) == 2 && len(readers) == 1
	})
	out := map[string]map[string]string{"path": {}, "rtmpConn": {}}
	flatten(out["path"], "", path)
	flatten(out["rtmpConn"], "", conns["publish"])
	flatten(out["rtmpConn"], "", conns["read"])
	return out
}

// shownValues are the fields whose values, not only their types, are the
// same whatever the stream and the moment: names of kinds, codecs, levels.
var shownValues = []string{"confName", "source.type", "readers[].type", "tracks[]", "tracks2[].codec",
	"tracks2[].codecProps.level", "tracks2[].codecProps.profile", "tracks2[].codecProps.width", "tracks2[].codecProps.height"}

// flatten records the JSON type of every field of v under prefix; array
// elements as name[].
func flatten(into map[string]string, prefix string, v any) {
	switch x := v.(type) {
	case map[string]any:
		if prefix != "" {
			into[prefix] = "object"
		}
		for k, e := range x {
			flatten(into, strings.TrimPrefix(prefix+"."+k, "."), e)
		}
	case []any:
		into[prefix] = "array"
		for _, e := range x {
			flatten(into, prefix+"[]", e)
		}
	case string:
		into[prefix] = "string"
		if slices.Contains(shownValues, prefix) {
			into[prefix] = fmt.Sprintf("string `%q`", x)
		}
	case float64:
		into[prefix] = "number"
		if slices.Contains(shownValues, prefix) {
			into[prefix] = fmt.Sprintf("number `%v`", x)
		}
	case bool:
		into[prefix] = "boolean"
	case nil:
		if _, ok := into[prefix]; !ok {
			into[prefix] = "null"
		}
	}
}

// apiTable is the markdown table of both servers' fields.
func apiTable(ours, theirs map[string]map[string]string) string {
	var b strings.Builder
	b.WriteString("| object | field | this server | MediaMTX " + testutil.MediaMTXVersion + " |\n|---|---|---|---|\n")
	for _, obj := range []string{"path", "rtmpConn"} {
		var keys []string
		for k := range ours[obj] {
			keys = append(keys, k)
		}
		for k := range theirs[obj] {
			if _, ok := ours[obj][k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "| %s | `%s` | %s | %s |\n", obj, k, orDash(ours[obj][k]), orDash(theirs[obj][k]))
		}
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
