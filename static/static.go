// Package static holds the dashboard's and the admin pages' CSS and JS and,
// when `npm run build:web` ran before the build, the npm-placed htmx and
// uPlot files in vendor/ (not committed), all embedded in the binary and
// served under /static/ with content-hashed URLs.
//
// Without the vendor files the build still works: the pages render on the
// server and the layout says the scripts are missing (VendorPresent).
package static

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

// vendor/ always holds its README, so the pattern matches without npm.
//
//go:embed *.css *.js vendor
var files embed.FS

var (
	versions      = map[string]string{} // path under static/ → short content hash
	vendorPresent bool                  // htmx and uPlot were embedded
)

func init() {
	_ = fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		versions[p] = hex.EncodeToString(sum[:6])
		return nil
	})
	_, htmx := versions["vendor/htmx.min.js"]
	_, uplot := versions["vendor/uPlot.iife.min.js"]
	vendorPresent = htmx && uplot
}

// URL is the URL of a static file, with its content hash as the version so
// that browsers may cache it for good and still see a new build.
func URL(name string) string {
	return "/static/" + name + "?v=" + versions[name]
}

// VendorPresent reports whether the npm-built scripts are embedded.
func VendorPresent() bool { return vendorPresent }

// Serve answers /static/*: cached for good when the URL carries the
// current version, briefly otherwise, with an ETag either way.
func Serve(c echo.Context) error {
	name := path.Clean(strings.TrimPrefix(c.Param("*"), "/"))
	v, ok := versions[name]
	if !ok || strings.HasSuffix(name, ".md") {
		return echo.NewHTTPError(http.StatusNotFound, "no such file")
	}
	b, err := files.ReadFile(name)
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
