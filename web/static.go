package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

// static holds our CSS and JS and, when `npm run build:web` ran before the
// build, the vendored htmx and uPlot files.
//
//go:embed static
var staticFS embed.FS

var (
	assetVersions = map[string]string{} // path under static/ → short content hash
	vendorPresent bool                  // htmx and uPlot were embedded
)

func init() {
	_ = fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		assetVersions[strings.TrimPrefix(p, "static/")] = hex.EncodeToString(sum[:6])
		return nil
	})
	_, htmx := assetVersions["vendor/htmx.min.js"]
	_, uplot := assetVersions["vendor/uPlot.iife.min.js"]
	vendorPresent = htmx && uplot
}

// Asset is the URL of a static file, with its content hash as the version
// so that browsers may cache it for good and still see a new build.
func Asset(name string) string {
	return "/static/" + name + "?v=" + assetVersions[name]
}

// VendorPresent reports whether the npm-built scripts are embedded.
func VendorPresent() bool { return vendorPresent }

func serveStatic(c echo.Context) error {
	name := path.Clean(strings.TrimPrefix(c.Param("*"), "/"))
	v, ok := assetVersions[name]
	if !ok || strings.HasSuffix(name, ".md") {
		return echo.NewHTTPError(http.StatusNotFound, "no such file")
	}
	b, err := staticFS.ReadFile("static/" + name)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "no such file")
	}
	h := c.Response().Header()
	if c.QueryParam("v") == v {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=300")
	}
	h.Set("ETag", `"`+v+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	if c.Request().Header.Get("If-None-Match") == `"`+v+`"` {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, contentType(name), b)
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	}
	return "application/octet-stream"
}
