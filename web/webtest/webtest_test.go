package webtest_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"jobtester/web/webtest"
)

// The harness drives a real page: navigate, click a link, fill and submit
// a form, read text, and keep a screenshot.
func TestHarnessDrivesARealPage(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!DOCTYPE html><html lang="en"><title>t</title><h1 id="h">Start</h1>
<a id="next" href="/next">next</a>
<form action="/hello" method="get"><label for="name">Name</label><input id="name" name="name"><button id="go">Go</button></form>`))
	})
	mux.HandleFunc("/next", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!DOCTYPE html><h1 id="h">Next page</h1>`))
	})
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!DOCTYPE html><h1 id="h">Hello ` + strings.ReplaceAll(r.URL.Query().Get("name"), "<", "") + `</h1>`))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	t.Setenv("JOBTESTER_ARTIFACTS", t.TempDir())
	b := webtest.New(t)
	b.Navigate(srv.URL + "/")
	if got := b.Text("#h"); got != "Start" {
		t.Fatalf("heading %q, want Start", got)
	}
	b.Click("#next")
	b.WaitFor("the next page", `document.querySelector('#h').innerText === 'Next page'`)
	if !strings.HasSuffix(b.Location(), "/next") {
		t.Fatalf("location %s after clicking next", b.Location())
	}
	b.Navigate(srv.URL + "/")
	b.Fill("#name", "orchestrator")
	b.Click("#go")
	b.WaitFor("the greeting", `document.querySelector('#h').innerText === 'Hello orchestrator'`)
	path := b.Screenshot("greeting")
	png, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(png) < 8 || string(png[1:4]) != "PNG" {
		t.Fatalf("screenshot %s is not a PNG", path)
	}
	if errs := b.JSErrors(); len(errs) != 0 {
		t.Fatalf("JavaScript errors: %v", errs)
	}
}
