package livepeer

import (
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"jobtester/ethaddr"
	"jobtester/livepeer/contracts"
)

// activityAcc adds up decoded events, each log once.
type activityAcc struct {
	contracts  ChainContracts
	redeemedID common.Hash
	rewardID   common.Hash
	tb         *contracts.TicketBrokerFilterer
	bm         *contracts.BondingManagerFilterer
	seen       map[[2]any]bool // tx hash, log index
	orchs      map[string]*OrchestratorActivity
}

func newActivityAcc(c ChainContracts) (*activityAcc, error) {
	tbABI, err := contracts.TicketBrokerMetaData.GetAbi()
	if err != nil {
		return nil, fmt.Errorf("chain activity: TicketBroker ABI: %w", err)
	}
	bmABI, err := contracts.BondingManagerMetaData.GetAbi()
	if err != nil {
		return nil, fmt.Errorf("chain activity: BondingManager ABI: %w", err)
	}
	// The filterers only decode here: the logs come from readLogs.
	tb, err := contracts.NewTicketBrokerFilterer(c.TicketBroker, nil)
	if err != nil {
		return nil, err
	}
	bm, err := contracts.NewBondingManagerFilterer(c.BondingManager, nil)
	if err != nil {
		return nil, err
	}
	return &activityAcc{contracts: c, redeemedID: tbABI.Events["WinningTicketRedeemed"].ID, rewardID: bmABI.Events["Reward"].ID,
		tb: tb, bm: bm, seen: map[[2]any]bool{}, orchs: map[string]*OrchestratorActivity{}}, nil
}

// The smallest data of each event: WinningTicketRedeemed's four words,
// the offset of auxData and its length; Reward's amount.
const (
	redeemedMinData = 6 * 32
	rewardData      = 32
)

// add checks one log against the request and counts it. Logs of blocks
// a reorganisation removed are skipped; a log seen before (a node that
// repeats itself) counts once.
func (a *activityAcc) add(l *types.Log, from, to uint64) error {
	if l.Removed {
		return nil
	}
	if l.BlockNumber < from || l.BlockNumber > to {
		return fmt.Errorf("%w: a log of block %d, outside %d–%d", ErrChainBadResponse, l.BlockNumber, from, to)
	}
	key := [2]any{l.TxHash, l.Index}
	if a.seen[key] {
		return nil
	}
	if len(l.Topics) == 0 {
		return fmt.Errorf("%w: a log of block %d without topics", ErrChainBadResponse, l.BlockNumber)
	}
	for _, t := range l.Topics[1:] {
		if !topicIsAddress(t) {
			return fmt.Errorf("%w: block %d: topic %s is not an address", ErrChainBadResponse, l.BlockNumber, t.Hex())
		}
	}
	var err error
	switch {
	case l.Address == a.contracts.TicketBroker && l.Topics[0] == a.redeemedID:
		err = a.addRedemption(l)
	case l.Address == a.contracts.BondingManager && l.Topics[0] == a.rewardID:
		err = a.addReward(l)
	default:
		err = fmt.Errorf("%w: block %d: an event %s of %s, not asked for", ErrChainBadResponse, l.BlockNumber, l.Topics[0].Hex(), l.Address.Hex())
	}
	if err == nil {
		a.seen[key] = true
	}
	return err
}

func (a *activityAcc) addRedemption(l *types.Log) error {
	if len(l.Data) < redeemedMinData {
		return fmt.Errorf("%w: block %d: WinningTicketRedeemed data of %d bytes", ErrChainBadResponse, l.BlockNumber, len(l.Data))
	}
	ev, err := a.tb.ParseWinningTicketRedeemed(*l)
	if err != nil {
		return fmt.Errorf("%w: block %d: WinningTicketRedeemed: %v", ErrChainBadResponse, l.BlockNumber, err)
	}
	o := a.orch(ev.Recipient)
	o.TicketsRedeemed++
	o.FaceValue.Add(o.FaceValue, ev.FaceValue)
	o.LastRedemptionBlock = max(o.LastRedemptionBlock, l.BlockNumber)
	return nil
}

func (a *activityAcc) addReward(l *types.Log) error {
	if len(l.Data) != rewardData {
		return fmt.Errorf("%w: block %d: Reward data of %d bytes", ErrChainBadResponse, l.BlockNumber, len(l.Data))
	}
	ev, err := a.bm.ParseReward(*l)
	if err != nil {
		return fmt.Errorf("%w: block %d: Reward: %v", ErrChainBadResponse, l.BlockNumber, err)
	}
	o := a.orch(ev.Transcoder)
	o.Rewards++
	o.RewardAmount.Add(o.RewardAmount, ev.Amount)
	o.LastRewardBlock = max(o.LastRewardBlock, l.BlockNumber)
	return nil
}

func (a *activityAcc) orch(addr common.Address) *OrchestratorActivity {
	key := ethaddr.Fold(addr.Hex())
	o := a.orchs[key]
	if o == nil {
		o = &OrchestratorActivity{Address: key, FaceValue: new(big.Int), RewardAmount: new(big.Int)}
		a.orchs[key] = o
	}
	return o
}

// topicIsAddress: an indexed address is left-padded with zeros; anything
// in the first 12 bytes means the topic is something else.
func topicIsAddress(t common.Hash) bool {
	for _, b := range t[:12] {
		if b != 0 {
			return false
		}
	}
	return true
}
