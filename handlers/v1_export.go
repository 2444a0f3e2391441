package handlers

import (
	"bufio"
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"jobtester/ethaddr"
	"jobtester/leaderboard"
	"jobtester/models"
)

// ExportStore is what the export reads: one orchestrator's results in a
// window, a row at a time.
type ExportStore interface {
	EachResult(ctx context.Context, orchestrator string, from, to time.Time, fn func(*models.RawResult) error) error
}

var _ ExportStore = (*models.Store)(nil)

// maxExports is how many exports run at once: each holds a database
// connection for as long as its client reads.
const maxExports = 3

// exportQueueWait is how long an export waits for another to finish
// before it is refused with 503.
const exportQueueWait = 30 * time.Second

// exportDeadline ends an export whose client reads too slowly to finish a
// month of one orchestrator's results.
const exportDeadline = 5 * time.Minute

// registerV1Export serves an orchestrator's own results for a window, as
// JSON or CSV, streamed from the database.
func (s *server) registerV1Export(e *echo.Echo) {
	v1 := e.Group("/api/v1", cors)
	x := &exporter{store: s.Store, now: s.Now, log: s.Logger, slots: make(chan struct{}, maxExports)}
	v1.GET("/orchestrators/:address/results.json", func(c echo.Context) error { return x.serve(c, "json") })
	v1.GET("/orchestrators/:address/results.csv", func(c echo.Context) error { return x.serve(c, "csv") })
	v1.GET("/orchestrators/:address/results", func(c echo.Context) error { return x.serve(c, c.QueryParam("format")) })
}

type exporter struct {
	store ExportStore
	now   func() time.Time
	log   *slog.Logger
	slots chan struct{}
}

func (x *exporter) serve(c echo.Context, format string) error {
	addr, ok := ethaddr.Normalize(c.Param("address"))
	if !ok {
		return badRequest("an orchestrator address is 0x followed by 40 hex digits")
	}
	if format == "" {
		format = "json"
	}
	if format != "json" && format != "csv" {
		return badRequest("format must be json or csv")
	}
	from, to, err := leaderboard.ParseExportWindow(c.QueryParams(), x.now())
	if err != nil {
		return badRequest(err.Error())
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), exportDeadline)
	defer cancel()
	wait := time.NewTimer(exportQueueWait)
	defer wait.Stop()
	select {
	case x.slots <- struct{}{}:
		defer func() { <-x.slots }()
	case <-wait.C:
		c.Response().Header().Set("Retry-After", "10")
		return &apiError{http.StatusServiceUnavailable, "other exports are running; try again shortly"}
	case <-ctx.Done():
		return ctx.Err()
	}

	h := c.Response().Header()
	name := "results-" + addr + "-" + from.Format("20060102T150405Z") + "-" + to.Format("20060102T150405Z") + "." + format
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	if format == "csv" {
		h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	} else {
		h.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	}
	// Headers and the status go out with the first bytes; an error after
	// that can only cut the body short, which a client sees as an
	// unterminated JSON document or a missing final newline.
	buf := bufio.NewWriterSize(c.Response(), 32<<10)
	c.Response().WriteHeader(http.StatusOK)
	w, err := leaderboard.NewExportWriter(buf, format, addr, from, to)
	if err == nil {
		err = x.store.EachResult(ctx, addr, from, to, func(r *models.RawResult) error {
			return w.Write(leaderboard.ExportRowOf(r))
		})
	}
	if err == nil {
		err = w.Close()
	}
	if err == nil {
		err = buf.Flush()
	}
	if err != nil {
		x.log.Warn("export cut short", "orchestrator", addr, "err", err)
	}
	return nil
}
