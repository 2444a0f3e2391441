package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"jobtester/ethaddr"
	"jobtester/models"
)

// VerifyStore is what the verification reads need: the evidence of
// flagged tests and their thumbnails.
type VerifyStore interface {
	Verifications(ctx context.Context, f models.VerificationFilter) ([]models.Verification, error)
	VerificationThumbnail(ctx context.Context, id int64, consensus bool) ([]byte, error)
}

var _ VerifyStore = (*models.Store)(nil)

// registerVerify serves the flagged batch tests: which test was suspected
// of what, and the evidence (hashes, distances, thumbnails of the answer
// and of the consensus answer). A store without evidence serves nothing.
func (s *server) registerVerify(e *echo.Echo) {
	vs, ok := s.Store.(VerifyStore)
	if !ok {
		return
	}
	g := e.Group("/api/v1/verification", cors)
	g.Match([]string{http.MethodGet, http.MethodHead}, "", func(c echo.Context) error { return flagged(c, vs) })
	g.Match([]string{http.MethodGet, http.MethodHead}, "/:id/answer.jpg", func(c echo.Context) error { return flagThumb(c, vs, false) })
	g.Match([]string{http.MethodGet, http.MethodHead}, "/:id/consensus.jpg", func(c echo.Context) error { return flagThumb(c, vs, true) })
}

// flaggedJSON is one flagged test with where its thumbnails are.
type flaggedJSON struct {
	models.Verification
	Reason       string `json:"reason"`
	ThumbnailURL string `json:"thumbnail_url"`
	ConsensusURL string `json:"consensus_thumbnail_url"`
}

// flagged answers GET /api/v1/verification?orchestrator=&pipeline=&model=&kind=&sweep=&since=&limit=,
// newest first. reason is the error code the test failed with
// ("suspected_<kind>"), detail what was measured.
func flagged(c echo.Context, vs VerifyStore) error {
	f := models.VerificationFilter{Orchestrator: ethaddr.Fold(c.QueryParam("orchestrator")), Pipeline: c.QueryParam("pipeline"),
		Model: c.QueryParam("model"), Kind: c.QueryParam("kind"), Limit: 100}
	if err := listParams(c, &f.Since, &f.Limit, &f.SweepID); err != nil {
		return err
	}
	rows, err := vs.Verifications(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := make([]flaggedJSON, 0, len(rows))
	for _, v := range rows {
		out = append(out, flaggedJSON{Verification: v, Reason: "suspected_" + v.Kind,
			ThumbnailURL: v.ThumbnailURL(false), ConsensusURL: v.ThumbnailURL(true)})
	}
	return c.JSON(http.StatusOK, map[string]any{"flagged": out})
}

// flagThumb answers the JPEG of a flagged answer or of its consensus.
func flagThumb(c echo.Context, vs VerifyStore, consensus bool) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	jpeg, err := vs.VerificationThumbnail(c.Request().Context(), id, consensus)
	if err != nil {
		return storeError(err)
	}
	return thumbnail(c, jpeg)
}
