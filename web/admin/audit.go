package admin

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"jobtester/models"
)

func (h *handler) auditRoutes(g *echo.Group) {
	g.GET("/audit", h.auditPage)
}

const auditPageSize = 50

// auditView is one page of the audit log, newest first.
type auditView struct {
	Query   models.AuditQuery
	Entries []models.AuditEntry
	Older   string // link to the next page, "" on the last
}

func (h *handler) auditPage(c echo.Context) error {
	q := models.AuditQuery{Limit: auditPageSize, Actor: c.QueryParam("actor"), Target: c.QueryParam("target")}
	if b := c.QueryParam("before"); b != "" {
		id, err := strconv.ParseInt(b, 10, 64)
		if err != nil || id <= 0 {
			return echo.NewHTTPError(http.StatusBadRequest, "before must be an entry id")
		}
		q.BeforeID = id
	}
	ctx, cancel := timeout(c)
	defer cancel()
	entries, err := h.Store.AuditLog(ctx, q)
	if err != nil {
		return err
	}
	v := auditView{Query: q, Entries: entries}
	if len(entries) == auditPageSize {
		p := url.Values{}
		p.Set("before", strconv.FormatInt(entries[len(entries)-1].ID, 10))
		if q.Actor != "" {
			p.Set("actor", q.Actor)
		}
		if q.Target != "" {
			p.Set("target", q.Target)
		}
		v.Older = "/admin/audit?" + p.Encode()
	}
	return h.page(c, http.StatusOK, "Audit log", "audit", auditBody(v))
}

// prettyJSON indents a stored record for reading; text that is not JSON
// is shown as it is.
func prettyJSON(s string) string {
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(s), "", "  "); err != nil {
		return s
	}
	return b.String()
}
