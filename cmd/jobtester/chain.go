package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"math/big"
	"strings"
	"sync"
	"time"

	"jobtester/config"
	"jobtester/livepeer"
	"jobtester/models"
)

// chainStore is what the chain reader writes.
type chainStore interface {
	SaveChainOrchestrators(ctx context.Context, rows []models.ChainOrchestrator, readAt time.Time) error
}

var _ chainStore = (*models.Store)(nil)

// chainReader reads, on a timer, the chain's facts of every orchestrator
// in the pool and its activity over the last days, compares the pool with
// the first gateway's list, and stores the lot for the orchestrator page
// and /api/v1.
type chainReader struct {
	chain   *livepeer.ChainDiscovery
	gateway *livepeer.GatewayClient // nil: no comparison
	store   chainStore
	window  livepeer.ActivityWindow
	every   time.Duration
	log     *slog.Logger
}

// newChainReader dials the chain of cfg; nil without chain_rpc_url.
func newChainReader(ctx context.Context, cfg *config.Config, st chainStore, log *slog.Logger) (*chainReader, error) {
	if cfg.ChainRPCURL == "" {
		return nil, nil
	}
	chain, err := livepeer.DialChain(ctx, livepeer.ChainConfig{RPCURL: cfg.ChainRPCURL, Controller: cfg.ChainController,
		AIServiceRegistry: cfg.ChainAIServiceRegistry})
	if err != nil {
		return nil, fmt.Errorf("chain reads: %w", err)
	}
	r := &chainReader{chain: chain, store: st, every: cfg.ChainReadInterval, log: log.With("component", "chain"),
		window: livepeer.ActivityWindow{Days: cfg.ChainActivityDays, BlocksPerDay: uint64(cfg.ChainBlocksPerDay)}}
	if len(cfg.Gateways) > 0 && cfg.DiscoverGateway {
		r.gateway = &livepeer.GatewayClient{CLIURL: cfg.Gateways[0].CLIURL}
	}
	return r, nil
}

// run reads at once and then every r.every until ctx ends; a failed read
// is logged and the last stored one stays.
func (r *chainReader) run(ctx context.Context) {
	defer r.chain.Close()
	t := time.NewTicker(r.every)
	defer t.Stop()
	for {
		rctx, cancel := context.WithTimeout(ctx, max(r.every, 2*time.Minute))
		err := r.readOnce(rctx)
		cancel()
		if err != nil && ctx.Err() == nil {
			r.log.Warn("chain read failed; will retry", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// readOnce reads the pool, the activity and the gateway's list, and
// stores them.
func (r *chainReader) readOnce(ctx context.Context) error {
	orchs, round, err := r.chain.Orchestrators(ctx)
	if err != nil {
		return err
	}
	act, err := r.chain.Activity(ctx, r.window)
	if err != nil {
		return err
	}
	var gw []livepeer.Orchestrator
	if r.gateway != nil {
		if gw, err = r.gateway.RegisteredOrchestrators(ctx); err != nil {
			return fmt.Errorf("compare with the gateway: %w", err)
		}
	}
	rows := chainRows(orchs, round, act, livepeer.ChainCompare(gw, orchs), r.window.Days)
	if err := r.store.SaveChainOrchestrators(ctx, rows, time.Now()); err != nil {
		return err
	}
	active, tickets, disagree := 0, int64(0), 0
	for _, o := range orchs {
		if o.Active {
			active++
		}
	}
	for _, row := range rows {
		tickets += row.TicketsRedeemed
		if row.Disagreements != "" {
			disagree++
			r.log.Info("chain and gateway disagree", "orchestrator", row.Address, "why", row.Disagreements,
				"chain_uri", row.ChainServiceURI, "gateway_uri", row.GatewayServiceURI)
		}
	}
	r.log.Info("orchestrators found on chain", "pool", len(orchs), "active", active, "round", round,
		"blocks", fmt.Sprintf("%d-%d", act.FromBlock, act.ToBlock), "tickets_redeemed", tickets, "disagreements", disagree)
	return nil
}

// chainRows joins the pool, the activity and the comparison on the
// address: one row per address any of them names.
func chainRows(orchs []livepeer.Orchestrator, round *big.Int, act *livepeer.Activity, cmp []livepeer.ChainComparison, days int) []models.ChainOrchestrator {
	rows := map[string]*models.ChainOrchestrator{}
	var order []string
	row := func(addr string) *models.ChainOrchestrator {
		if r, ok := rows[addr]; ok {
			return r
		}
		r := &models.ChainOrchestrator{Address: addr, FaceValue: "0", RewardAmount: "0", CurrentRound: decimal(round), WindowDays: days,
			WindowFromBlock: clampInt64(act.FromBlock), WindowToBlock: clampInt64(act.ToBlock)}
		rows[addr] = r
		order = append(order, addr)
		return r
	}
	for _, o := range orchs {
		r := row(o.Address)
		r.OnChain, r.Active = true, o.Active
		r.Stake, r.RewardCut, r.FeeShare = decimal(o.DelegatedStake), decimal(o.RewardCut), decimal(o.FeeShare)
		r.ActivationRound, r.DeactivationRound, r.LastRewardRound = decimal(o.ActivationRound), decimal(o.DeactivationRound), decimal(o.LastRewardRound)
	}
	for _, c := range cmp {
		r := row(c.Address)
		r.InGateway, r.ChainServiceURI, r.ChainAIServiceURI, r.GatewayServiceURI = c.InGateway, c.ChainServiceURI, c.ChainAIServiceURI, c.GatewayServiceURI
		r.Disagreements = strings.Join(c.Disagreements, "; ")
	}
	for addr, a := range act.Orchestrators {
		r := row(addr)
		r.TicketsRedeemed, r.FaceValue, r.LastRedemptionBlock = a.TicketsRedeemed, a.FaceValue.String(), clampInt64(a.LastRedemptionBlock)
		r.Rewards, r.RewardAmount, r.LastRewardBlock = a.Rewards, a.RewardAmount.String(), clampInt64(a.LastRewardBlock)
		r.LastRedemptionAt, r.LastRewardAt = timeOrNil(a.LastRedemptionTime), timeOrNil(a.LastRewardTime)
	}
	out := make([]models.ChainOrchestrator, len(order))
	for i, a := range order {
		out[i] = *rows[a]
	}
	return out
}

func decimal(n *big.Int) string {
	if n == nil {
		return ""
	}
	return n.String()
}

func clampInt64(n uint64) int64 {
	return int64(min(n, math.MaxInt64))
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// startChainReader runs the chain reader beside the server when a chain
// is configured.
func (in *instance) startChainReader(wg *sync.WaitGroup) {
	r, err := newChainReader(in.sweepCtx, in.cfg, in.st, in.log)
	if err != nil {
		in.log.Error("chain reads are off", "err", err)
		return
	}
	if r == nil {
		return
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		r.run(in.sweepCtx)
	}()
}
