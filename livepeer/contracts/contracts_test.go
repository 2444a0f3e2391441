package contracts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
)

// bindings lists every generated binding with its artifact's name.
var bindings = []struct {
	name string
	meta *bind.MetaData
}{
	{"Controller", ControllerMetaData},
	{"RoundsManager", RoundsManagerMetaData},
	{"BondingManager", BondingManagerMetaData},
	{"ServiceRegistry", ServiceRegistryMetaData},
	{"TicketBroker", TicketBrokerMetaData},
}

func parsedABI(t *testing.T, meta *bind.MetaData) *abi.ABI {
	t.Helper()
	a, err := meta.GetAbi()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// The selectors and topics go-livepeer calls and watches on Livepeer's
// contracts (docs/livepeer.md, "Contracts on Arbitrum One"). Our contracts
// must answer the same calls.
func TestFunctionSelectorsMatchLivepeer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		contract  *bind.MetaData
		signature string
		selector  string
	}{
		{BondingManagerMetaData, "getFirstTranscoderInPool()", "0x88a6c749"},
		{BondingManagerMetaData, "getNextTranscoderInPool(address)", "0x235c9603"},
		{BondingManagerMetaData, "getTranscoder(address)", "0x5dce9948"},
		{BondingManagerMetaData, "transcoderStatus(address)", "0x8b2f1652"},
		{BondingManagerMetaData, "transcoderTotalStake(address)", "0x9ef9df94"},
		{BondingManagerMetaData, "isActiveTranscoder(address)", "0x08802374"},
		{BondingManagerMetaData, "getTranscoderPoolSize()", "0x2a4e0d55"},
		{BondingManagerMetaData, "getTranscoderPoolMaxSize()", "0x5a2a75a9"},
		{ServiceRegistryMetaData, "getServiceURI(address)", "0x214c2a4b"},
		{ControllerMetaData, "getContract(bytes32)", "0xe16c7d98"},
		{RoundsManagerMetaData, "currentRound()", "0x8a19c8bc"},
		{RoundsManagerMetaData, "currentRoundInitialized()", "0x219bc76c"},
	}
	for _, tt := range tests {
		t.Run(tt.signature, func(t *testing.T) {
			t.Parallel()
			a := parsedABI(t, tt.contract)
			var found *abi.Method
			for _, m := range a.Methods {
				if m.Sig == tt.signature {
					found = &m
				}
			}
			if found == nil {
				t.Fatalf("no method %s in the ABI", tt.signature)
			}
			if got := hexutil.Encode(found.ID); got != tt.selector {
				t.Errorf("selector of %s = %s, want %s", tt.signature, got, tt.selector)
			}
		})
	}
}

// The remaining methods discovery or the simulated network call, and the
// return types discovery decodes; selectors alone would not catch a
// function that returns the wrong type.
func TestReadABIReturnTypes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		contract *bind.MetaData
		method   string
		outputs  string
	}{
		{BondingManagerMetaData, "getFirstTranscoderInPool", "address"},
		{BondingManagerMetaData, "getNextTranscoderInPool", "address"},
		{BondingManagerMetaData, "getTranscoder", "lastRewardRound uint256,rewardCut uint256,feeShare uint256,lastActiveStakeUpdateRound uint256,activationRound uint256,deactivationRound uint256,activeCumulativeRewards uint256,cumulativeRewards uint256,cumulativeFees uint256,lastFeeRound uint256"},
		{BondingManagerMetaData, "transcoderStatus", "uint8"},
		{BondingManagerMetaData, "transcoderTotalStake", "uint256"},
		{BondingManagerMetaData, "isActiveTranscoder", "bool"},
		{BondingManagerMetaData, "getTranscoderPoolSize", "uint256"},
		{BondingManagerMetaData, "getTranscoderPoolMaxSize", "uint256"},
		{ServiceRegistryMetaData, "getServiceURI", "string"},
		{ServiceRegistryMetaData, "setServiceURI", ""},
		{ControllerMetaData, "getContract", "address"},
		{RoundsManagerMetaData, "currentRound", "uint256"},
		{RoundsManagerMetaData, "currentRoundInitialized", "bool"},
		{RoundsManagerMetaData, "roundLength", "uint256"},
	}
	for _, tt := range tests {
		m, ok := parsedABI(t, tt.contract).Methods[tt.method]
		if !ok {
			t.Errorf("no method %s", tt.method)
			continue
		}
		var outs []string
		for _, o := range m.Outputs {
			outs = append(outs, strings.TrimSpace(o.Name+" "+o.Type.String()))
		}
		if got := strings.Join(outs, ","); got != tt.outputs {
			t.Errorf("%s returns (%s), want (%s)", tt.method, got, tt.outputs)
		}
	}
	if m := parsedABI(t, ServiceRegistryMetaData).Methods["setServiceURI"]; m.Sig != "setServiceURI(string)" {
		t.Errorf("setServiceURI signature %q, want setServiceURI(string)", m.Sig)
	}
}

// Readers of redemptions filter on the recipient (the orchestrator paid),
// the second indexed topic, as Livepeer's explorers do; only sender and
// recipient are indexed.
func TestWinningTicketRedeemedIndexesSenderAndRecipient(t *testing.T) {
	t.Parallel()
	e, ok := parsedABI(t, TicketBrokerMetaData).Events["WinningTicketRedeemed"]
	if !ok {
		t.Fatal("no WinningTicketRedeemed event")
	}
	var got []string
	for _, in := range e.Inputs {
		got = append(got, fmt.Sprintf("%s %s %v", in.Type, in.Name, in.Indexed))
	}
	want := []string{"address sender true", "address recipient true", "uint256 faceValue false", "uint256 winProb false",
		"uint256 senderNonce false", "uint256 recipientRand false", "bytes auxData false"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("inputs %q, want %q", got, want)
	}
}

func TestEventTopicsMatchLivepeer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		contract *bind.MetaData
		sig      string
		topic    string
	}{
		{BondingManagerMetaData, "TranscoderUpdate(address,uint256,uint256)", "0x7346854431dbb3eb8e373c604abf89e90f4865b8447e1e2834d7b3e4677bf544"},
		{BondingManagerMetaData, "TranscoderActivated(address,uint256)", "0x65d72d782835d64c3287844a829608d5abdc7e864cc9affe96d910ab3db665e9"},
		{BondingManagerMetaData, "TranscoderDeactivated(address,uint256)", "0xfee3e693fc72d0a0a673805f3e606c551f4c677b9072444b90dd2d0406bc995c"},
		{BondingManagerMetaData, "Reward(address,uint256)", "0x619caafabdd75649b302ba8419e48cccf64f37f1983ac4727cfb38b57703ffc9"},
		{ServiceRegistryMetaData, "ServiceURIUpdate(address,string)", "0xfbb63068732c85741c9f8e61caffaabe038d577bfafd2d2dcc0e352a4f653a4c"},
		{RoundsManagerMetaData, "NewRound(uint256,bytes32)", "0x22f2fc17c5daf07db2379b3a03a8ef20a183f761097a58fce219c8a14619e786"},
		{TicketBrokerMetaData, "WinningTicketRedeemed(address,address,uint256,uint256,uint256,uint256,bytes)", "0xc389eb51ed006dbf2528507f010efdf5225ea596e1e1741d74f550dab1925ee7"},
	}
	for _, tt := range tests {
		var found *abi.Event
		for _, e := range parsedABI(t, tt.contract).Events {
			if e.Sig == tt.sig {
				found = &e
			}
		}
		if found == nil {
			t.Errorf("no event %s in the ABI", tt.sig)
			continue
		}
		if got := found.ID.Hex(); got != tt.topic {
			t.Errorf("topic of %s = %s, want %s", tt.sig, got, tt.topic)
		}
		// The first argument is indexed in every one of these events.
		if !found.Inputs[0].Indexed {
			t.Errorf("%s: first argument not indexed", tt.sig)
		}
	}
}

// artifact is the part of artifacts/<Name>.json the tests read.
type artifact struct {
	ContractName    string          `json:"contractName"`
	SourceName      string          `json:"sourceName"`
	SourceKeccak256 string          `json:"sourceKeccak256"`
	Compiler        string          `json:"compiler"`
	ABI             json.RawMessage `json:"abi"`
	Bytecode        string          `json:"bytecode"`
}

func readArtifact(t *testing.T, name string) artifact {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("artifacts", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var a artifact
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("artifacts/%s.json: %v", name, err)
	}
	return a
}

// A binding generated from an older artifact (or edited by hand) fails here:
// run `npm run build:contracts`.
func TestBindingsMatchArtifacts(t *testing.T) {
	t.Parallel()
	for _, b := range bindings {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			art := readArtifact(t, b.name)
			if art.ContractName != b.name {
				t.Errorf("artifact contractName %q", art.ContractName)
			}
			fromArtifact, err := abi.JSON(bytes.NewReader(art.ABI))
			if err != nil {
				t.Fatal(err)
			}
			if fromBinding := parsedABI(t, b.meta); !reflect.DeepEqual(*fromBinding, fromArtifact) {
				t.Errorf("binding ABI differs from artifacts/%s.json; run npm run build:contracts", b.name)
			}
			if b.meta.Bin != art.Bytecode {
				t.Errorf("binding bytecode differs from artifacts/%s.json; run npm run build:contracts", b.name)
			}
		})
	}
}

// An artifact not rebuilt after its source changed fails here. The compiler
// version must be the one package.json pins.
func TestArtifactsMatchSources(t *testing.T) {
	t.Parallel()
	pkg, err := os.ReadFile(filepath.Join("..", "..", "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		DevDependencies map[string]string `json:"devDependencies"`
	}
	if err := json.Unmarshal(pkg, &manifest); err != nil {
		t.Fatal(err)
	}
	solc := manifest.DevDependencies["solc"]
	if solc == "" {
		t.Fatal("package.json has no solc devDependency")
	}
	for _, b := range bindings {
		art := readArtifact(t, b.name)
		src, err := os.ReadFile(filepath.Join("src", art.SourceName))
		if err != nil {
			t.Fatal(err)
		}
		if got := crypto.Keccak256Hash(src).Hex(); got != art.SourceKeccak256 {
			t.Errorf("src/%s changed since artifacts/%s.json was built (keccak256 %s, artifact says %s); run npm run build:contracts",
				art.SourceName, b.name, got, art.SourceKeccak256)
		}
		if !strings.HasPrefix(art.Compiler, solc+"+") {
			t.Errorf("artifacts/%s.json built with solc %s, package.json pins %s", b.name, art.Compiler, solc)
		}
	}
}

// Every source file with a contract is built; a new file left out of
// build.sh would otherwise go unnoticed.
func TestEverySourceHasAnArtifact(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("src", "*.sol"))
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, b := range bindings {
		have[b.name+".sol"] = true
	}
	for _, f := range files {
		if !have[filepath.Base(f)] {
			t.Errorf("%s has no artifact and binding; add it to build.sh, compile.cjs and this test", f)
		}
	}
	if len(files) != len(bindings) {
		t.Errorf("%d sources, %d bindings", len(files), len(bindings))
	}
}
