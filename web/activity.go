package web

import (
	"context"
	"math/big"
	"strconv"
	"strings"

	"jobtester/models"
)

// ChainStore is the last chain read, as cmd/jobtester's chain reader
// stores it.
type ChainStore interface {
	ChainOrchestrator(ctx context.Context, address string) (models.ChainOrchestrator, error)
}

// ChainView is the orchestrator page's on-chain section: the pool's facts
// in human units, the activity in the read's window, and where the chain
// and the gateway disagree.
type ChainView struct {
	Row             models.ChainOrchestrator
	Stake           string // "75,000 LPT"
	RewardCut       string // "10 %"
	FeeCut          string // "50 %": 1 − feeShare, what the orchestrator keeps of fees
	ActiveSince     string // "round 3,850", ", until round 4,000" when deactivating
	LastRewardRound string
	FaceValue       string // "0.12 ETH"
	RewardAmount    string // "37.5 LPT"
	Window          string // "7 days (blocks 120–9,500)"
	Tickets         string // "12, 0.12 ETH face value, last at block 9,400 (time)"
	Rewards         string // "3, 37.5 LPT minted, last at block 9,311"
	Disagreements   []string
}

// chainView reads the orchestrator's row of the last chain read; nil when
// there is none (no chain configured, or not in its pool nor a gateway's
// list) or the read failed: the section says so, the page stands.
func (s *site) chainView(ctx context.Context, addr string) *ChainView {
	r, err := s.Store.ChainOrchestrator(ctx, addr)
	if err != nil {
		if !notFound(err) {
			s.Logger.Warn("orchestrator page: chain read", "orchestrator", addr, "err", err)
		}
		return nil
	}
	v := &ChainView{Row: r, Stake: fmtWei(r.Stake, "LPT"), RewardCut: fmtPPM(r.RewardCut),
		ActiveSince: fmtRound(r.ActivationRound), LastRewardRound: fmtRound(r.LastRewardRound),
		FaceValue: fmtWei(r.FaceValue, "ETH"), RewardAmount: fmtWei(r.RewardAmount, "LPT"), Disagreements: r.DisagreementList()}
	if share, ok := new(big.Int).SetString(r.FeeShare, 10); ok {
		v.FeeCut = fmtPPM(new(big.Int).Sub(big.NewInt(1_000_000), share).String())
	}
	// 2^256−1 is Livepeer's "not deactivating".
	if d, ok := new(big.Int).SetString(r.DeactivationRound, 10); ok && d.BitLen() < 256 {
		v.ActiveSince += ", until " + fmtRound(r.DeactivationRound)
	}
	if r.OnChain && !r.Active {
		v.ActiveSince += " (not active now)"
	}
	v.Window = fmtCount(int64(r.WindowDays)) + " days (blocks " + groupDigits(big.NewInt(r.WindowFromBlock).String()) + "–" +
		groupDigits(big.NewInt(r.WindowToBlock).String()) + ")"
	if r.WindowDays == 1 {
		v.Window = strings.Replace(v.Window, "days", "day", 1)
	}
	if r.LastRewardRound == "0" { // Livepeer's zero value: it never called reward
		v.LastRewardRound = "never"
	}
	v.Tickets = groupDigits(strconv.FormatInt(r.TicketsRedeemed, 10))
	if r.TicketsRedeemed > 0 {
		v.Tickets += ", " + v.FaceValue + " face value, last at block " + groupDigits(strconv.FormatInt(r.LastRedemptionBlock, 10))
		if r.LastRedemptionAt != nil {
			v.Tickets += " (" + fmtTime(*r.LastRedemptionAt) + ")"
		}
	}
	v.Rewards = groupDigits(strconv.FormatInt(r.Rewards, 10))
	if r.Rewards > 0 {
		v.Rewards += ", " + v.RewardAmount + " minted, last at block " + groupDigits(strconv.FormatInt(r.LastRewardBlock, 10))
	}
	return v
}

// fmtWei shows a decimal wei amount in whole units of 10^18 with thousands
// separators and at most 4 decimals, trailing zeros dropped: "75,000 LPT",
// "0.0125 ETH". An amount that is not a number is shown as it is.
func fmtWei(wei, unit string) string {
	n, ok := new(big.Int).SetString(wei, 10)
	if !ok {
		return wei
	}
	neg := n.Sign() < 0
	n.Abs(n)
	// Round to 4 decimals: units of 10^14 wei.
	step := new(big.Int).Exp(big.NewInt(10), big.NewInt(14), nil)
	q, r := new(big.Int).QuoRem(n, step, new(big.Int))
	if new(big.Int).Lsh(r, 1).Cmp(step) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	whole, frac := new(big.Int).QuoRem(q, big.NewInt(10_000), new(big.Int))
	s := groupDigits(whole.String())
	if f := strings.TrimRight(padLeft(frac.String(), 4), "0"); f != "" {
		s += "." + f
	}
	if neg {
		s = "−" + s
	}
	return s + " " + unit
}

// fmtPPM shows parts per million as a percentage: "100000" → "10 %".
func fmtPPM(ppm string) string {
	n, ok := new(big.Int).SetString(ppm, 10)
	if !ok {
		return ""
	}
	r := new(big.Rat).SetFrac(n, big.NewInt(10_000))
	s := strings.TrimRight(strings.TrimRight(r.FloatString(2), "0"), ".")
	return s + " %"
}

// fmtRound shows a round number with thousands separators.
func fmtRound(round string) string {
	if _, ok := new(big.Int).SetString(round, 10); !ok {
		return ""
	}
	return "round " + groupDigits(round)
}

// groupDigits puts a comma between thousands of a decimal integer.
func groupDigits(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func padLeft(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return strings.Repeat("0", n-len(s)) + s
}
