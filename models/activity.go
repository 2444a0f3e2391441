package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// ChainOrchestrator is a row of chain_orchestrators: what the chain said
// of one orchestrator at the last read, beside what a gateway listed, and
// its on-chain activity in the read's window. Wei, rounds and cuts are
// decimal strings: they may exceed 64 bits.
type ChainOrchestrator struct {
	Address   string `gorm:"primaryKey" json:"address"`
	OnChain   bool   `json:"on_chain"`
	InGateway bool   `json:"in_gateway"`
	Active    bool   `json:"active"`
	// The registries' URIs and the gateway's; Disagreements lists where the
	// chain and the gateway disagree, "; "-separated.
	ChainServiceURI   string `json:"chain_service_uri"`
	ChainAIServiceURI string `gorm:"column:chain_ai_service_uri" json:"chain_ai_service_uri"`
	GatewayServiceURI string `json:"gateway_service_uri"`
	Disagreements     string `json:"-"`
	// Stake is in LPT wei; RewardCut and FeeShare in parts per million.
	Stake             string `json:"stake_wei"`
	RewardCut         string `json:"reward_cut_ppm"`
	FeeShare          string `json:"fee_share_ppm"`
	ActivationRound   string `json:"activation_round"`
	DeactivationRound string `json:"deactivation_round"`
	LastRewardRound   string `json:"last_reward_round"`
	CurrentRound      string `json:"current_round"`
	// Activity in blocks WindowFromBlock..WindowToBlock (about WindowDays
	// days): winning tickets redeemed (face value in wei) and reward calls
	// (amount in LPT wei).
	TicketsRedeemed     int64      `json:"tickets_redeemed"`
	FaceValue           string     `json:"face_value_wei"`
	LastRedemptionBlock int64      `json:"last_redemption_block"`
	LastRedemptionAt    *time.Time `json:"last_redemption_at"`
	Rewards             int64      `json:"rewards"`
	RewardAmount        string     `json:"reward_amount_wei"`
	LastRewardBlock     int64      `json:"last_reward_block"`
	LastRewardAt        *time.Time `json:"last_reward_at"`
	WindowFromBlock     int64      `json:"window_from_block"`
	WindowToBlock       int64      `json:"window_to_block"`
	WindowDays          int        `json:"window_days"`
	ReadAt              time.Time  `json:"read_at"`
}

// TableName keeps the table name the migration chose.
func (ChainOrchestrator) TableName() string { return "chain_orchestrators" }

// DisagreementList splits Disagreements.
func (c ChainOrchestrator) DisagreementList() []string {
	if c.Disagreements == "" {
		return nil
	}
	return strings.Split(c.Disagreements, "; ")
}

// SaveChainOrchestrators replaces the table with one read's rows, all
// stamped readAt: the chain is read whole, so a row not in it is gone
// from the pool.
func (s *Store) SaveChainOrchestrators(ctx context.Context, rows []ChainOrchestrator, readAt time.Time) error {
	readAt = readAt.UTC()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("1 = 1").Delete(&ChainOrchestrator{}).Error; err != nil {
			return fmt.Errorf("clear chain orchestrators: %w", err)
		}
		for i := range rows {
			rows[i].ReadAt = readAt
			for _, t := range []**time.Time{&rows[i].LastRedemptionAt, &rows[i].LastRewardAt} {
				if *t != nil {
					u := (*t).UTC()
					*t = &u
				}
			}
		}
		if len(rows) == 0 {
			return nil
		}
		if err := tx.CreateInBatches(rows, 200).Error; err != nil {
			return fmt.Errorf("save chain orchestrators: %w", err)
		}
		return nil
	})
}

// ChainOrchestrator returns the last chain read's row of one address, or
// ErrNotFound when the chain was never read or did not hold it.
func (s *Store) ChainOrchestrator(ctx context.Context, address string) (ChainOrchestrator, error) {
	return one[ChainOrchestrator](s.db.WithContext(ctx).Where("address = ?", address), "chain record of "+address)
}

// ChainOrchestrators lists the last chain read, by address.
func (s *Store) ChainOrchestrators(ctx context.Context) ([]ChainOrchestrator, error) {
	var out []ChainOrchestrator
	if err := s.db.WithContext(ctx).Order("address").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("chain orchestrators: %w", err)
	}
	return out, nil
}
