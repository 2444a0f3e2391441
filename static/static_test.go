package static

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

func get(t *testing.T, target string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	e := echo.New()
	e.GET("/static/*", Serve)
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

func TestURLsCarryTheContentHashAndAreCachedForGood(t *testing.T) {
	for _, name := range []string{"app.css", "app.js", "admin.css"} {
		u := URL(name)
		if !strings.HasPrefix(u, "/static/"+name+"?v=") || len(u) == len("/static/"+name+"?v=") {
			t.Fatalf("URL(%q) = %q, want a content hash", name, u)
		}
		rec := get(t, u, nil)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
			t.Errorf("GET %s = %d %v", u, rec.Code, rec.Header())
		}
		rec = get(t, "/static/"+name, map[string]string{"If-None-Match": rec.Header().Get("ETag")})
		if rec.Code != http.StatusNotModified || strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
			t.Errorf("conditional GET of unversioned %s = %d %v", name, rec.Code, rec.Header())
		}
	}
}

func TestOnlyEmbeddedAssetsAreServed(t *testing.T) {
	for _, p := range []string{"/static/vendor/README.md", "/static/../static.go", "/static/static.go", "/static/nothing.js"} {
		if rec := get(t, p, nil); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, rec.Code)
		}
	}
}

func TestVendorFilesArePlacedByNpm(t *testing.T) {
	if !VendorPresent() {
		t.Fatal("htmx and uPlot are not embedded: run `npm ci && npm run build:web` first")
	}
}
