package simnet

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

func TestDeployChainChecksItsInput(t *testing.T) {
	t.Parallel()
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	addr := common.HexToAddress("0x00000000000000000000000000000000000000aa")
	for name, orchs := range map[string][]ChainOrchestrator{
		"no key nor address": {{Stake: big.NewInt(1)}},
		"nil stake":          {{Key: key}},
		"negative stake":     {{Key: key, Stake: big.NewInt(-1)}},
		"negative cut":       {{Address: addr, Stake: big.NewInt(1), RewardCut: -1}},
	} {
		if _, err := DeployChain(t.Context(), nil, nil, key, orchs, 0); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := DeployChain(t.Context(), nil, nil, nil, nil, 0); err == nil {
		t.Error("nil deployer accepted")
	}
}
