package chaintest

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
)

func TestDeployChecksItsInput(t *testing.T) {
	t.Parallel()
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	for name, orchs := range map[string][]Orchestrator{
		"nil key":        {{Stake: big.NewInt(1)}},
		"nil stake":      {{Key: key}},
		"negative stake": {{Key: key, Stake: big.NewInt(-1)}},
	} {
		if _, err := Deploy(t.Context(), nil, nil, key, orchs); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := Deploy(t.Context(), nil, nil, nil, nil); err == nil {
		t.Error("nil deployer accepted")
	}
}
