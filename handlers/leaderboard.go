package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"jobtester/ethaddr"
	"jobtester/ingest"
	"jobtester/leaderboard"
	"jobtester/models"
)

// statsQuery is leaderboard-serverless's ParseStatsQueryParams: orchestrator
// lower-cased, region upper-cased, pipeline and model both or neither,
// since/until in (possibly fractional) Unix seconds defaulting to the
// rolling window.
func (s *server) statsQuery(c echo.Context) (models.Filter, models.Window, error) {
	q := c.QueryParams()
	f := models.Filter{
		Orchestrator: ethaddr.Fold(q.Get("orchestrator")),
		Region:       strings.ToUpper(strings.TrimSpace(q.Get("region"))),
		Pipeline:     q.Get("pipeline"),
		Model:        q.Get("model"),
	}
	if f.Pipeline != "" && f.Model == "" {
		return f, models.Window{}, badRequest("model required")
	}
	if f.Model != "" && f.Pipeline == "" {
		return f, models.Window{}, badRequest("pipeline required")
	}
	switch jt := q.Get("job_type"); jt {
	case "", ingest.JobTypeTranscoding, ingest.JobTypeAI:
		f.JobType = jt
	default:
		return f, models.Window{}, badRequest(`job_type must be "transcoding" or "ai"`)
	}
	if f.Pipeline != "" {
		if f.JobType == ingest.JobTypeTranscoding {
			return f, models.Window{}, badRequest("pipeline and model select job_type ai")
		}
		f.JobType = ingest.JobTypeAI
	}
	now := s.Now()
	w := models.Window{Since: now.Add(-s.Window), Until: now}
	var err error
	if v := q.Get("since"); v != "" {
		if w.Since, err = unixSeconds(v); err != nil {
			return f, w, badRequest("since must be a Unix time in seconds")
		}
	}
	if v := q.Get("until"); v != "" {
		if w.Until, err = unixSeconds(v); err != nil {
			return f, w, badRequest("until must be a Unix time in seconds")
		}
	}
	if w.Since.After(w.Until) {
		return f, w, badRequest("since must not be after until")
	}
	return f, w, nil
}

func unixSeconds(v string) (time.Time, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e11 {
		return time.Time{}, errors.New("bad time")
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
}

func (s *server) aggregatedStats(c echo.Context) error {
	f, w, err := s.statsQuery(c)
	if err != nil {
		return err
	}
	// The AI median is always the network's, not the orchestrator's (as in
	// leaderboard-serverless): leaderboard.Aggregated never filters it by
	// orchestrator. The filter below keeps the legacy answer for an
	// orchestrator that has no data: {}.
	orch := f.Orchestrator
	var scores leaderboard.Scores
	// score=v2 answers the same shape with score v2's numbers, so the
	// Explorer can switch by changing its URL; without it the answer is
	// leaderboard-serverless's, byte for byte.
	switch c.QueryParam("score") {
	case "":
		scores, err = leaderboard.Aggregated(c.Request().Context(), s.Store, f, w)
	case "v2":
		scores, err = leaderboard.AggregatedV2(c.Request().Context(), s.Store, f, w, s.v2)
		if errors.Is(err, leaderboard.ErrV2Transcoding) {
			return badRequest(err.Error() + ": name a pipeline and model, or job_type=ai")
		}
	default:
		return badRequest(`score must be "v2" or absent`)
	}
	if err != nil {
		return err
	}
	if orch != "" {
		one := leaderboard.Scores{}
		if v, ok := scores[orch]; ok {
			one[orch] = v
		}
		scores = one
	}
	cacheable(c)
	return c.JSON(http.StatusOK, scores)
}

func (s *server) rawStats(c echo.Context) error {
	f, w, err := s.statsQuery(c)
	if err != nil {
		return err
	}
	if f.Orchestrator == "" {
		return badRequest("orchestrator is a required parameter")
	}
	rows, err := s.Store.RawResults(c.Request().Context(), f, w, 0)
	if err != nil {
		return err
	}
	out := map[string][]ingest.Stats{}
	for i := range rows {
		out[rows[i].Region] = append(out[rows[i].Region], rows[i].Stats())
	}
	cacheable(c)
	return c.JSON(http.StatusOK, out)
}

func (s *server) topAIScore(c echo.Context) error {
	// Only orchestrator is read and the window is always the default, as in
	// leaderboard-serverless; unlike it, the address is lower-cased and a
	// missing one answers {} instead of panicking.
	orch := ethaddr.Fold(c.QueryParam("orchestrator"))
	now := s.Now()
	top, ok, err := leaderboard.TopAI(c.Request().Context(), s.Store, orch, models.Window{Since: now.Add(-s.Window), Until: now})
	if err != nil {
		return err
	}
	cacheable(c)
	if !ok {
		return c.JSON(http.StatusOK, struct{}{})
	}
	return c.JSON(http.StatusOK, top)
}

type pipelineJSON struct {
	ID      string   `json:"id"`
	Models  []string `json:"models"`
	Regions []string `json:"regions"`
}

func (s *server) pipelines(c echo.Context) error {
	f, w, err := s.statsQuery(c)
	if err != nil {
		return err
	}
	ps, err := s.Store.Pipelines(c.Request().Context(), f.Region, w)
	if err != nil {
		return err
	}
	out := make([]pipelineJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, pipelineJSON{ID: p.ID, Models: p.Models, Regions: p.Regions})
	}
	cacheable(c)
	return c.JSON(http.StatusOK, map[string]any{"pipelines": out})
}

type regionJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

func (s *server) regions(c echo.Context) error {
	rs, err := s.Store.Regions(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]regionJSON, 0, len(rs))
	for _, r := range rs {
		out = append(out, regionJSON{ID: r.Name, Name: r.DisplayName, Type: r.JobType})
	}
	cacheable(c)
	return c.JSON(http.StatusOK, map[string]any{"regions": out})
}

// postStats stores one result from another tester. The body is checked in
// this order, and nothing is stored unless every check passes: size,
// signature (403), JSON and ranges (400), region for its job type (400).
func (s *server) postStats(c echo.Context) error {
	req := c.Request()
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), req.Body, s.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.metrics.rejected.WithLabelValues("too_large").Inc()
			return &apiError{http.StatusRequestEntityTooLarge, "body is larger than " + strconv.FormatInt(s.MaxBodyBytes, 10) + " bytes"}
		}
		s.metrics.rejected.WithLabelValues("read").Inc()
		return badRequest("could not read body")
	}
	keyName, err := s.Keys.Verify(req.Header.Get("Authorization"), body)
	if err != nil {
		s.metrics.rejected.WithLabelValues("unauthenticated").Inc()
		return &apiError{http.StatusForbidden, ingest.ErrUnauthenticated.Error()}
	}
	stats, err := ingest.Decode(body)
	if err == nil {
		err = stats.CheckTimestamp(s.Now())
	}
	if err != nil {
		s.metrics.rejected.WithLabelValues("invalid").Inc()
		return badRequest(err.Error())
	}
	idem, err := idempotencyOf(req.Header, body)
	if err != nil {
		s.metrics.rejected.WithLabelValues("idempotency_key").Inc()
		return badRequest(err.Error())
	}
	// The deadline reaches the store's writer: the answer comes before it,
	// and says truly whether the result was stored (see storeFailure).
	ctx, cancel := context.WithTimeout(req.Context(), s.IngestTimeout)
	defer cancel()
	replayed, err := s.Store.InsertOnce(ctx, models.NewResult{Stats: stats, IngestKey: keyName, ReceivedAt: s.Now(), Idempotency: idem})
	switch {
	case errors.Is(err, models.ErrInvalidRegion):
		s.metrics.rejected.WithLabelValues("invalid_region").Inc()
		return badRequest(err.Error())
	case errors.Is(err, models.ErrIdempotencyConflict):
		s.metrics.rejected.WithLabelValues("idempotency_conflict").Inc()
		return &apiError{http.StatusUnprocessableEntity, "Idempotency-Key " + strconv.Quote(idem.Key) +
			" was already used with a different body; nothing was stored"}
	case err != nil:
		return err
	case replayed:
		// Answered as the first post was; nothing stored twice.
		s.metrics.replayed.WithLabelValues(keyName).Inc()
		c.Response().Header().Set("Idempotent-Replayed", "true")
		return c.String(http.StatusOK, "ok")
	}
	s.metrics.ingested.WithLabelValues(keyName, stats.JobType()).Inc()
	return c.String(http.StatusOK, "ok")
}

// maxIdempotencyKey bounds the Idempotency-Key header.
const maxIdempotencyKey = 255

// idempotencyOf is the key a post is deduplicated by: its Idempotency-Key
// header, or for a client that sends none the hash of its body, so a
// replayed body is stored once (docs/ingest.md#exactly-once).
func idempotencyOf(h http.Header, body []byte) (models.Idempotency, error) {
	sum := sha256.Sum256(body)
	idem := models.Idempotency{BodySHA256: hex.EncodeToString(sum[:])}
	vals := h.Values("Idempotency-Key")
	switch {
	case len(vals) == 0:
		idem.Key = models.BodyKey(idem.BodySHA256)
		return idem, nil
	case len(vals) > 1:
		return idem, errors.New("more than one Idempotency-Key header")
	}
	key := vals[0]
	if key == "" || len(key) > maxIdempotencyKey {
		return idem, fmt.Errorf("Idempotency-Key must be 1 to %d characters", maxIdempotencyKey)
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return idem, errors.New("Idempotency-Key must be printable ASCII without spaces")
		}
	}
	idem.Key = key
	return idem, nil
}
