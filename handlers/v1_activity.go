package handlers

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"jobtester/ethaddr"
	"jobtester/models"
)

// ChainStore is the last chain read (cmd/jobtester's chain reader stores
// it): each orchestrator's on-chain facts and activity.
type ChainStore interface {
	ChainOrchestrator(ctx context.Context, address string) (models.ChainOrchestrator, error)
	ChainOrchestrators(ctx context.Context) ([]models.ChainOrchestrator, error)
}

var _ ChainStore = (*models.Store)(nil)

// registerV1Activity serves the chain's view: one orchestrator's facts and
// activity, and the whole last read.
func (s *server) registerV1Activity(e *echo.Echo) {
	v1 := e.Group("/api/v1", cors)
	v1.GET("/orchestrators/:address/activity", s.orchestratorActivity)
	v1.GET("/chain/orchestrators", s.chainOrchestrators)
}

// chainJSON is a chain row with its disagreements as a list. Wei, rounds
// and cuts stay decimal strings: JSON numbers would lose them.
type chainJSON struct {
	models.ChainOrchestrator
	Disagreements []string `json:"disagreements"`
}

func toChainJSON(r models.ChainOrchestrator) chainJSON {
	d := r.DisagreementList()
	if d == nil {
		d = []string{}
	}
	return chainJSON{ChainOrchestrator: r, Disagreements: d}
}

func (s *server) orchestratorActivity(c echo.Context) error {
	addr, ok := ethaddr.Normalize(c.Param("address"))
	if !ok {
		return badRequest("an orchestrator address is 0x followed by 40 hex digits")
	}
	r, err := s.Store.ChainOrchestrator(c.Request().Context(), addr)
	if errors.Is(err, models.ErrNotFound) {
		return &apiError{http.StatusNotFound, "no chain read holds " + addr + " (is chain_rpc_url set, and is it in the pool or a gateway's list?)"}
	}
	if err != nil {
		return err
	}
	cacheable(c) // a chain read is minutes old anyway
	return c.JSON(http.StatusOK, toChainJSON(r))
}

func (s *server) chainOrchestrators(c echo.Context) error {
	rows, err := s.Store.ChainOrchestrators(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]chainJSON, len(rows))
	for i, r := range rows {
		out[i] = toChainJSON(r)
	}
	cacheable(c)
	return c.JSON(http.StatusOK, map[string]any{"orchestrators": out})
}
