// Code generated - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package contracts

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"time"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/event"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = errors.New
	_ = big.NewInt
	_ = strings.NewReader
	_ = ethereum.NotFound
	_ = bind.Bind
	_ = common.Big1
	_ = types.BloomLookup
	_ = event.NewSubscription
	_ = abi.ConvertType
	_ = time.Tick
	_ = context.Background
)

// BondingManagerMetaData contains all meta data concerning the BondingManager contract.
var BondingManagerMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"address\",\"name\":\"controllerAddress\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"maxSize\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"transcoder\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Reward\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"transcoder\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"activationRound\",\"type\":\"uint256\"}],\"name\":\"TranscoderActivated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"transcoder\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"deactivationRound\",\"type\":\"uint256\"}],\"name\":\"TranscoderDeactivated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"transcoder\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"rewardCut\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"feeShare\",\"type\":\"uint256\"}],\"name\":\"TranscoderUpdate\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"controller\",\"outputs\":[{\"internalType\":\"contractIControllerLookup\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"transcoder\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"deactivationRound\",\"type\":\"uint256\"}],\"name\":\"deactivateTranscoder\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"getFirstTranscoderInPool\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"transcoder\",\"type\":\"address\"}],\"name\":\"getNextTranscoderInPool\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"transcoder\",\"type\":\"address\"}],\"name\":\"getTranscoder\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"lastRewardRound\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"rewardCut\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"feeShare\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"lastActiveStakeUpdateRound\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"activationRound\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"deactivationRound\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"activeCumulativeRewards\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"cumulativeRewards\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"cumulativeFees\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"lastFeeRound\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"getTranscoderPoolMaxSize\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"getTranscoderPoolSize\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"transcoder\",\"type\":\"address\"}],\"name\":\"isActiveTranscoder\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"transcoder\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"stake\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"rewardCut\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"feeShare\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"activationRound\",\"type\":\"uint256\"}],\"name\":\"registerTranscoder\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"transcoder\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"reward\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"transcoder\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"next\",\"type\":\"address\"}],\"name\":\"setNextTranscoderInPoolForTest\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"maxSize\",\"type\":\"uint256\"}],\"name\":\"setTranscoderPoolMaxSize\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"transcoder\",\"type\":\"address\"}],\"name\":\"transcoderStatus\",\"outputs\":[{\"internalType\":\"enumBondingManager.TranscoderStatus\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"transcoder\",\"type\":\"address\"}],\"name\":\"transcoderTotalStake\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"transcoder\",\"type\":\"address\"}],\"name\":\"withdrawTranscoder\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	Bin: "0x60c060405234801561000f575f5ffd5b5060405161119638038061119683398101604081905261002e91610049565b336080526001600160a01b039190911660a052600455610080565b5f5f6040838503121561005a575f5ffd5b82516001600160a01b0381168114610070575f5ffd5b6020939093015192949293505050565b60805160a0516110c46100d25f395f81816103320152610ab101525f81816102cd015281816103b901528181610513015281816105e80152818161068c015281816108dc0152610a2e01526110c45ff3fe608060405234801561000f575f5ffd5b50600436106100fb575f3560e01c80637682e470116100935780638da5cb5b116100635780638da5cb5b146102c85780639ef9df94146102ef578063d5102a9f1461031a578063f77c47911461032d575f5ffd5b80637682e470146102715780637764dc6e1461028457806388a6c749146102975780638b2f1652146102a8575f5ffd5b80633a6694b3116100ce5780633a6694b3146101915780635a2a75a9146101a45780635dce9948146101ac57806364315b671461025e575f5ffd5b806308802374146100ff57806321670f2214610127578063235c96031461013c5780632a4e0d551461017f575b5f5ffd5b61011261010d366004610eb4565b610354565b60405190151581526020015b60405180910390f35b61013a610135366004610ed6565b6103ae565b005b61016761014a366004610eb4565b6001600160a01b039081165f908152600160205260409020541690565b6040516001600160a01b03909116815260200161011e565b6003545b60405190815260200161011e565b61013a61019f366004610ed6565b610508565b600454610183565b6102146101ba366004610eb4565b6001600160a01b03165f908152602081905260409020805460018201546002830154600384015460048501546005860154600687015460078801546008890154600990990154979996989597949693959294919390929190565b604080519a8b5260208b0199909952978901969096526060880194909452608087019290925260a086015260c085015260e08401526101008301526101208201526101400161011e565b61013a61026c366004610f00565b6105dd565b61013a61027f366004610f37565b610681565b61013a610292366004610eb4565b6108d1565b6002546001600160a01b0316610167565b6102bb6102b6366004610eb4565b6109f2565b60405161011e9190610f77565b6101677f000000000000000000000000000000000000000000000000000000000000000081565b6101836102fd366004610eb4565b6001600160a01b03165f908152602081905260409020600a015490565b61013a610328366004610f9d565b610a23565b6101677f000000000000000000000000000000000000000000000000000000000000000081565b6001600160a01b0381165f908152602081905260408120600b810154610100900460ff1661038457505f92915050565b5f61038d610a70565b9050808260040154111580156103a65750816005015481105b949350505050565b336001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016146103ff5760405162461bcd60e51b81526004016103f690610fb4565b60405180910390fd5b6001600160a01b0382165f908152602081905260409020600b81015460ff1661043a5760405162461bcd60e51b81526004016103f690610feb565b5f610443610a70565b90508282600a015f8282546104589190611036565b9250508190555082826007015f8282546104729190611036565b9250508190555082826006015f82825461048c9190611036565b909155505080825560038201819055600b820154610100900460ff16156104bf576104b684610bef565b6104bf84610d5e565b836001600160a01b03167f619caafabdd75649b302ba8419e48cccf64f37f1983ac4727cfb38b57703ffc9846040516104fa91815260200190565b60405180910390a250505050565b336001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016146105505760405162461bcd60e51b81526004016103f690610fb4565b6001600160a01b0382165f908152602081905260409020600b015460ff1661058a5760405162461bcd60e51b81526004016103f690610feb565b6001600160a01b0382165f818152602081815260409182902060050184905590518381527ffee3e693fc72d0a0a673805f3e606c551f4c677b9072444b90dd2d0406bc995c910160405180910390a25050565b336001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016146106255760405162461bcd60e51b81526004016103f690610fb4565b6001600160a01b03821661065457600280546001600160a01b0383166001600160a01b03199091161790555050565b6001600160a01b039182165f90815260016020526040902080546001600160a01b03191691909216179055565b336001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016146106c95760405162461bcd60e51b81526004016103f690610fb4565b6001600160a01b03851661071f5760405162461bcd60e51b815260206004820152601c60248201527f426f6e64696e674d616e616765723a207a65726f20616464726573730000000060448201526064016103f6565b6001600160a01b0385165f908152602081905260409020600b015460ff16156107955760405162461bcd60e51b815260206004820152602260248201527f426f6e64696e674d616e616765723a20616c7265616479207265676973746572604482015261195960f21b60648201526084016103f6565b600454600354106107e85760405162461bcd60e51b815260206004820152601960248201527f426f6e64696e674d616e616765723a20706f6f6c2066756c6c0000000000000060448201526064016103f6565b6001600160a01b0385165f908152602081905260409020600b8101805460ff19166001908117909155810184905560028101839055600a810185905560048101829055600381018290555f19600582015561084286610d5e565b60408051858152602081018590526001600160a01b038816917f7346854431dbb3eb8e373c604abf89e90f4865b8447e1e2834d7b3e4677bf544910160405180910390a2856001600160a01b03167f65d72d782835d64c3287844a829608d5abdc7e864cc9affe96d910ab3db665e9836040516108c191815260200190565b60405180910390a2505050505050565b336001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016146109195760405162461bcd60e51b81526004016103f690610fb4565b6001600160a01b0381165f908152602081905260409020600b015460ff166109535760405162461bcd60e51b81526004016103f690610feb565b6001600160a01b0381165f908152602081905260409020600b0154610100900460ff16156109845761098481610bef565b6001600160a01b03165f908152602081905260408120818155600181018290556002810182905560038101829055600481018290556005810182905560068101829055600781018290556008810182905560098101829055600a810191909155600b01805461ffff19169055565b6001600160a01b0381165f908152602081905260408120600b015460ff16610a1a575f610a1d565b60015b92915050565b336001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001614610a6b5760405162461bcd60e51b81526004016103f690610fb4565b600455565b604051631c2d8fb360e31b81527fe8438ea868df48e3fc21f2f087b993c9b1837dc0f6135064161ce7d7a1701fe860048201525f9081906001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000169063e16c7d9890602401602060405180830381865afa158015610af6573d5f5f3e3d5ffd5b505050506040513d601f19601f82011682018060405250810190610b1a9190611049565b90506001600160a01b038116610b895760405162461bcd60e51b815260206004820152602e60248201527f426f6e64696e674d616e616765723a206e6f20526f756e64734d616e6167657260448201526d1034b71021b7b73a3937b63632b960911b60648201526084016103f6565b806001600160a01b0316638a19c8bc6040518163ffffffff1660e01b8152600401602060405180830381865afa158015610bc5573d5f5f3e3d5ffd5b505050506040513d601f19601f82011682018060405250810190610be99190611064565b91505090565b6001600160a01b038082165f81815260016020526040902054600254908316921603610c3557600280546001600160a01b0319166001600160a01b038316179055610d08565b6002546001600160a01b03165b6001600160a01b038181165f90815260016020526040902054811690841614610cda576001600160a01b038116610cbb5760405162461bcd60e51b815260206004820152601b60248201527f426f6e64696e674d616e616765723a206e6f7420696e20706f6f6c000000000060448201526064016103f6565b6001600160a01b039081165f9081526001602052604090205416610c42565b6001600160a01b039081165f90815260016020526040902080546001600160a01b0319169183169190911790555b6001600160a01b0382165f90815260016020818152604080842080546001600160a01b0319169055908390528220600b01805461ff00191690556003805491929091610d5590849061107b565b90915550505050565b6001600160a01b038082165f908152602081905260408120600a01546002549092165b6001600160a01b03811615801590610db357506001600160a01b0381165f908152602081905260409020600a01548311155b15610dda576001600160a01b038082165f9081526001602052604090205491925016610d81565b6001600160a01b038481165f90815260016020526040902080546001600160a01b0319168383161790558216610e2a57600280546001600160a01b0319166001600160a01b038616179055610e58565b6001600160a01b038281165f90815260016020526040902080546001600160a01b0319169186169190911790555b6001600160a01b0384165f908152602081905260408120600b01805461ff0019166101001790556003805460019290610e92908490611036565b909155505050505050565b6001600160a01b0381168114610eb1575f5ffd5b50565b5f60208284031215610ec4575f5ffd5b8135610ecf81610e9d565b9392505050565b5f5f60408385031215610ee7575f5ffd5b8235610ef281610e9d565b946020939093013593505050565b5f5f60408385031215610f11575f5ffd5b8235610f1c81610e9d565b91506020830135610f2c81610e9d565b809150509250929050565b5f5f5f5f5f60a08688031215610f4b575f5ffd5b8535610f5681610e9d565b97602087013597506040870135966060810135965060800135945092505050565b6020810160028310610f9757634e487b7160e01b5f52602160045260245ffd5b91905290565b5f60208284031215610fad575f5ffd5b5035919050565b60208082526019908201527f426f6e64696e674d616e616765723a206e6f74206f776e657200000000000000604082015260600190565b6020808252601e908201527f426f6e64696e674d616e616765723a206e6f7420726567697374657265640000604082015260600190565b634e487b7160e01b5f52601160045260245ffd5b80820180821115610a1d57610a1d611022565b5f60208284031215611059575f5ffd5b8151610ecf81610e9d565b5f60208284031215611074575f5ffd5b5051919050565b81810381811115610a1d57610a1d61102256fea26469706673582212202b9f20c3ae48514d3229b2f4fdb0ac8e6ab2911cbbd88b26915914f4fb84ded864736f6c63430008250033",
}

// BondingManagerABI is the input ABI used to generate the binding from.
// Deprecated: Use BondingManagerMetaData.ABI instead.
var BondingManagerABI = BondingManagerMetaData.ABI

// BondingManagerBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use BondingManagerMetaData.Bin instead.
var BondingManagerBin = BondingManagerMetaData.Bin

// DeployBondingManager deploys a new Ethereum contract, binding an instance of BondingManager to it.
func DeployBondingManager(auth *bind.TransactOpts, backend bind.ContractBackend, controllerAddress common.Address, maxSize *big.Int) (common.Address, *types.Transaction, *BondingManager, error) {
	parsed, err := BondingManagerMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(BondingManagerBin), backend, controllerAddress, maxSize)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &BondingManager{BondingManagerCaller: BondingManagerCaller{contract: contract}, BondingManagerTransactor: BondingManagerTransactor{contract: contract}, BondingManagerFilterer: BondingManagerFilterer{contract: contract}}, nil
}

// BondingManager is an auto generated Go binding around an Ethereum contract.
type BondingManager struct {
	BondingManagerCaller     // Read-only binding to the contract
	BondingManagerTransactor // Write-only binding to the contract
	BondingManagerFilterer   // Log filterer for contract events
}

// BondingManagerCaller is an auto generated read-only Go binding around an Ethereum contract.
type BondingManagerCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// BondingManagerTransactor is an auto generated write-only Go binding around an Ethereum contract.
type BondingManagerTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// BondingManagerFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type BondingManagerFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// BondingManagerSession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type BondingManagerSession struct {
	Contract     *BondingManager   // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// BondingManagerCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type BondingManagerCallerSession struct {
	Contract *BondingManagerCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts         // Call options to use throughout this session
}

// BondingManagerTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type BondingManagerTransactorSession struct {
	Contract     *BondingManagerTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts         // Transaction auth options to use throughout this session
}

// BondingManagerRaw is an auto generated low-level Go binding around an Ethereum contract.
type BondingManagerRaw struct {
	Contract *BondingManager // Generic contract binding to access the raw methods on
}

// BondingManagerCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type BondingManagerCallerRaw struct {
	Contract *BondingManagerCaller // Generic read-only contract binding to access the raw methods on
}

// BondingManagerTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type BondingManagerTransactorRaw struct {
	Contract *BondingManagerTransactor // Generic write-only contract binding to access the raw methods on
}

// NewBondingManager creates a new instance of BondingManager, bound to a specific deployed contract.
func NewBondingManager(address common.Address, backend bind.ContractBackend) (*BondingManager, error) {
	contract, err := bindBondingManager(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &BondingManager{BondingManagerCaller: BondingManagerCaller{contract: contract}, BondingManagerTransactor: BondingManagerTransactor{contract: contract}, BondingManagerFilterer: BondingManagerFilterer{contract: contract}}, nil
}

// NewBondingManagerCaller creates a new read-only instance of BondingManager, bound to a specific deployed contract.
func NewBondingManagerCaller(address common.Address, caller bind.ContractCaller) (*BondingManagerCaller, error) {
	contract, err := bindBondingManager(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &BondingManagerCaller{contract: contract}, nil
}

// NewBondingManagerTransactor creates a new write-only instance of BondingManager, bound to a specific deployed contract.
func NewBondingManagerTransactor(address common.Address, transactor bind.ContractTransactor) (*BondingManagerTransactor, error) {
	contract, err := bindBondingManager(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &BondingManagerTransactor{contract: contract}, nil
}

// NewBondingManagerFilterer creates a new log filterer instance of BondingManager, bound to a specific deployed contract.
func NewBondingManagerFilterer(address common.Address, filterer bind.ContractFilterer) (*BondingManagerFilterer, error) {
	contract, err := bindBondingManager(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &BondingManagerFilterer{contract: contract}, nil
}

// bindBondingManager binds a generic wrapper to an already deployed contract.
func bindBondingManager(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := BondingManagerMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_BondingManager *BondingManagerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _BondingManager.Contract.BondingManagerCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_BondingManager *BondingManagerRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _BondingManager.Contract.BondingManagerTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_BondingManager *BondingManagerRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _BondingManager.Contract.BondingManagerTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_BondingManager *BondingManagerCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _BondingManager.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_BondingManager *BondingManagerTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _BondingManager.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_BondingManager *BondingManagerTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _BondingManager.Contract.contract.Transact(opts, method, params...)
}

// Controller is a free data retrieval call binding the contract method 0xf77c4791.
//
// Solidity: function controller() view returns(address)
func (_BondingManager *BondingManagerCaller) Controller(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _BondingManager.contract.Call(opts, &out, "controller")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// Controller is a free data retrieval call binding the contract method 0xf77c4791.
//
// Solidity: function controller() view returns(address)
func (_BondingManager *BondingManagerSession) Controller() (common.Address, error) {
	return _BondingManager.Contract.Controller(&_BondingManager.CallOpts)
}

// Controller is a free data retrieval call binding the contract method 0xf77c4791.
//
// Solidity: function controller() view returns(address)
func (_BondingManager *BondingManagerCallerSession) Controller() (common.Address, error) {
	return _BondingManager.Contract.Controller(&_BondingManager.CallOpts)
}

// GetFirstTranscoderInPool is a free data retrieval call binding the contract method 0x88a6c749.
//
// Solidity: function getFirstTranscoderInPool() view returns(address)
func (_BondingManager *BondingManagerCaller) GetFirstTranscoderInPool(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _BondingManager.contract.Call(opts, &out, "getFirstTranscoderInPool")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// GetFirstTranscoderInPool is a free data retrieval call binding the contract method 0x88a6c749.
//
// Solidity: function getFirstTranscoderInPool() view returns(address)
func (_BondingManager *BondingManagerSession) GetFirstTranscoderInPool() (common.Address, error) {
	return _BondingManager.Contract.GetFirstTranscoderInPool(&_BondingManager.CallOpts)
}

// GetFirstTranscoderInPool is a free data retrieval call binding the contract method 0x88a6c749.
//
// Solidity: function getFirstTranscoderInPool() view returns(address)
func (_BondingManager *BondingManagerCallerSession) GetFirstTranscoderInPool() (common.Address, error) {
	return _BondingManager.Contract.GetFirstTranscoderInPool(&_BondingManager.CallOpts)
}

// GetNextTranscoderInPool is a free data retrieval call binding the contract method 0x235c9603.
//
// Solidity: function getNextTranscoderInPool(address transcoder) view returns(address)
func (_BondingManager *BondingManagerCaller) GetNextTranscoderInPool(opts *bind.CallOpts, transcoder common.Address) (common.Address, error) {
	var out []interface{}
	err := _BondingManager.contract.Call(opts, &out, "getNextTranscoderInPool", transcoder)

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// GetNextTranscoderInPool is a free data retrieval call binding the contract method 0x235c9603.
//
// Solidity: function getNextTranscoderInPool(address transcoder) view returns(address)
func (_BondingManager *BondingManagerSession) GetNextTranscoderInPool(transcoder common.Address) (common.Address, error) {
	return _BondingManager.Contract.GetNextTranscoderInPool(&_BondingManager.CallOpts, transcoder)
}

// GetNextTranscoderInPool is a free data retrieval call binding the contract method 0x235c9603.
//
// Solidity: function getNextTranscoderInPool(address transcoder) view returns(address)
func (_BondingManager *BondingManagerCallerSession) GetNextTranscoderInPool(transcoder common.Address) (common.Address, error) {
	return _BondingManager.Contract.GetNextTranscoderInPool(&_BondingManager.CallOpts, transcoder)
}

// GetTranscoder is a free data retrieval call binding the contract method 0x5dce9948.
//
// Solidity: function getTranscoder(address transcoder) view returns(uint256 lastRewardRound, uint256 rewardCut, uint256 feeShare, uint256 lastActiveStakeUpdateRound, uint256 activationRound, uint256 deactivationRound, uint256 activeCumulativeRewards, uint256 cumulativeRewards, uint256 cumulativeFees, uint256 lastFeeRound)
func (_BondingManager *BondingManagerCaller) GetTranscoder(opts *bind.CallOpts, transcoder common.Address) (struct {
	LastRewardRound            *big.Int
	RewardCut                  *big.Int
	FeeShare                   *big.Int
	LastActiveStakeUpdateRound *big.Int
	ActivationRound            *big.Int
	DeactivationRound          *big.Int
	ActiveCumulativeRewards    *big.Int
	CumulativeRewards          *big.Int
	CumulativeFees             *big.Int
	LastFeeRound               *big.Int
}, error) {
	var out []interface{}
	err := _BondingManager.contract.Call(opts, &out, "getTranscoder", transcoder)

	outstruct := new(struct {
		LastRewardRound            *big.Int
		RewardCut                  *big.Int
		FeeShare                   *big.Int
		LastActiveStakeUpdateRound *big.Int
		ActivationRound            *big.Int
		DeactivationRound          *big.Int
		ActiveCumulativeRewards    *big.Int
		CumulativeRewards          *big.Int
		CumulativeFees             *big.Int
		LastFeeRound               *big.Int
	})
	if err != nil {
		return *outstruct, err
	}

	outstruct.LastRewardRound = *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)
	outstruct.RewardCut = *abi.ConvertType(out[1], new(*big.Int)).(**big.Int)
	outstruct.FeeShare = *abi.ConvertType(out[2], new(*big.Int)).(**big.Int)
	outstruct.LastActiveStakeUpdateRound = *abi.ConvertType(out[3], new(*big.Int)).(**big.Int)
	outstruct.ActivationRound = *abi.ConvertType(out[4], new(*big.Int)).(**big.Int)
	outstruct.DeactivationRound = *abi.ConvertType(out[5], new(*big.Int)).(**big.Int)
	outstruct.ActiveCumulativeRewards = *abi.ConvertType(out[6], new(*big.Int)).(**big.Int)
	outstruct.CumulativeRewards = *abi.ConvertType(out[7], new(*big.Int)).(**big.Int)
	outstruct.CumulativeFees = *abi.ConvertType(out[8], new(*big.Int)).(**big.Int)
	outstruct.LastFeeRound = *abi.ConvertType(out[9], new(*big.Int)).(**big.Int)

	return *outstruct, err

}

// GetTranscoder is a free data retrieval call binding the contract method 0x5dce9948.
//
// Solidity: function getTranscoder(address transcoder) view returns(uint256 lastRewardRound, uint256 rewardCut, uint256 feeShare, uint256 lastActiveStakeUpdateRound, uint256 activationRound, uint256 deactivationRound, uint256 activeCumulativeRewards, uint256 cumulativeRewards, uint256 cumulativeFees, uint256 lastFeeRound)
func (_BondingManager *BondingManagerSession) GetTranscoder(transcoder common.Address) (struct {
	LastRewardRound            *big.Int
	RewardCut                  *big.Int
	FeeShare                   *big.Int
	LastActiveStakeUpdateRound *big.Int
	ActivationRound            *big.Int
	DeactivationRound          *big.Int
	ActiveCumulativeRewards    *big.Int
	CumulativeRewards          *big.Int
	CumulativeFees             *big.Int
	LastFeeRound               *big.Int
}, error) {
	return _BondingManager.Contract.GetTranscoder(&_BondingManager.CallOpts, transcoder)
}

// GetTranscoder is a free data retrieval call binding the contract method 0x5dce9948.
//
// Solidity: function getTranscoder(address transcoder) view returns(uint256 lastRewardRound, uint256 rewardCut, uint256 feeShare, uint256 lastActiveStakeUpdateRound, uint256 activationRound, uint256 deactivationRound, uint256 activeCumulativeRewards, uint256 cumulativeRewards, uint256 cumulativeFees, uint256 lastFeeRound)
func (_BondingManager *BondingManagerCallerSession) GetTranscoder(transcoder common.Address) (struct {
	LastRewardRound            *big.Int
	RewardCut                  *big.Int
	FeeShare                   *big.Int
	LastActiveStakeUpdateRound *big.Int
	ActivationRound            *big.Int
	DeactivationRound          *big.Int
	ActiveCumulativeRewards    *big.Int
	CumulativeRewards          *big.Int
	CumulativeFees             *big.Int
	LastFeeRound               *big.Int
}, error) {
	return _BondingManager.Contract.GetTranscoder(&_BondingManager.CallOpts, transcoder)
}

// GetTranscoderPoolMaxSize is a free data retrieval call binding the contract method 0x5a2a75a9.
//
// Solidity: function getTranscoderPoolMaxSize() view returns(uint256)
func (_BondingManager *BondingManagerCaller) GetTranscoderPoolMaxSize(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _BondingManager.contract.Call(opts, &out, "getTranscoderPoolMaxSize")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// GetTranscoderPoolMaxSize is a free data retrieval call binding the contract method 0x5a2a75a9.
//
// Solidity: function getTranscoderPoolMaxSize() view returns(uint256)
func (_BondingManager *BondingManagerSession) GetTranscoderPoolMaxSize() (*big.Int, error) {
	return _BondingManager.Contract.GetTranscoderPoolMaxSize(&_BondingManager.CallOpts)
}

// GetTranscoderPoolMaxSize is a free data retrieval call binding the contract method 0x5a2a75a9.
//
// Solidity: function getTranscoderPoolMaxSize() view returns(uint256)
func (_BondingManager *BondingManagerCallerSession) GetTranscoderPoolMaxSize() (*big.Int, error) {
	return _BondingManager.Contract.GetTranscoderPoolMaxSize(&_BondingManager.CallOpts)
}

// GetTranscoderPoolSize is a free data retrieval call binding the contract method 0x2a4e0d55.
//
// Solidity: function getTranscoderPoolSize() view returns(uint256)
func (_BondingManager *BondingManagerCaller) GetTranscoderPoolSize(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _BondingManager.contract.Call(opts, &out, "getTranscoderPoolSize")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// GetTranscoderPoolSize is a free data retrieval call binding the contract method 0x2a4e0d55.
//
// Solidity: function getTranscoderPoolSize() view returns(uint256)
func (_BondingManager *BondingManagerSession) GetTranscoderPoolSize() (*big.Int, error) {
	return _BondingManager.Contract.GetTranscoderPoolSize(&_BondingManager.CallOpts)
}

// GetTranscoderPoolSize is a free data retrieval call binding the contract method 0x2a4e0d55.
//
// Solidity: function getTranscoderPoolSize() view returns(uint256)
func (_BondingManager *BondingManagerCallerSession) GetTranscoderPoolSize() (*big.Int, error) {
	return _BondingManager.Contract.GetTranscoderPoolSize(&_BondingManager.CallOpts)
}

// IsActiveTranscoder is a free data retrieval call binding the contract method 0x08802374.
//
// Solidity: function isActiveTranscoder(address transcoder) view returns(bool)
func (_BondingManager *BondingManagerCaller) IsActiveTranscoder(opts *bind.CallOpts, transcoder common.Address) (bool, error) {
	var out []interface{}
	err := _BondingManager.contract.Call(opts, &out, "isActiveTranscoder", transcoder)

	if err != nil {
		return *new(bool), err
	}

	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)

	return out0, err

}

// IsActiveTranscoder is a free data retrieval call binding the contract method 0x08802374.
//
// Solidity: function isActiveTranscoder(address transcoder) view returns(bool)
func (_BondingManager *BondingManagerSession) IsActiveTranscoder(transcoder common.Address) (bool, error) {
	return _BondingManager.Contract.IsActiveTranscoder(&_BondingManager.CallOpts, transcoder)
}

// IsActiveTranscoder is a free data retrieval call binding the contract method 0x08802374.
//
// Solidity: function isActiveTranscoder(address transcoder) view returns(bool)
func (_BondingManager *BondingManagerCallerSession) IsActiveTranscoder(transcoder common.Address) (bool, error) {
	return _BondingManager.Contract.IsActiveTranscoder(&_BondingManager.CallOpts, transcoder)
}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_BondingManager *BondingManagerCaller) Owner(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _BondingManager.contract.Call(opts, &out, "owner")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_BondingManager *BondingManagerSession) Owner() (common.Address, error) {
	return _BondingManager.Contract.Owner(&_BondingManager.CallOpts)
}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_BondingManager *BondingManagerCallerSession) Owner() (common.Address, error) {
	return _BondingManager.Contract.Owner(&_BondingManager.CallOpts)
}

// TranscoderStatus is a free data retrieval call binding the contract method 0x8b2f1652.
//
// Solidity: function transcoderStatus(address transcoder) view returns(uint8)
func (_BondingManager *BondingManagerCaller) TranscoderStatus(opts *bind.CallOpts, transcoder common.Address) (uint8, error) {
	var out []interface{}
	err := _BondingManager.contract.Call(opts, &out, "transcoderStatus", transcoder)

	if err != nil {
		return *new(uint8), err
	}

	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)

	return out0, err

}

// TranscoderStatus is a free data retrieval call binding the contract method 0x8b2f1652.
//
// Solidity: function transcoderStatus(address transcoder) view returns(uint8)
func (_BondingManager *BondingManagerSession) TranscoderStatus(transcoder common.Address) (uint8, error) {
	return _BondingManager.Contract.TranscoderStatus(&_BondingManager.CallOpts, transcoder)
}

// TranscoderStatus is a free data retrieval call binding the contract method 0x8b2f1652.
//
// Solidity: function transcoderStatus(address transcoder) view returns(uint8)
func (_BondingManager *BondingManagerCallerSession) TranscoderStatus(transcoder common.Address) (uint8, error) {
	return _BondingManager.Contract.TranscoderStatus(&_BondingManager.CallOpts, transcoder)
}

// TranscoderTotalStake is a free data retrieval call binding the contract method 0x9ef9df94.
//
// Solidity: function transcoderTotalStake(address transcoder) view returns(uint256)
func (_BondingManager *BondingManagerCaller) TranscoderTotalStake(opts *bind.CallOpts, transcoder common.Address) (*big.Int, error) {
	var out []interface{}
	err := _BondingManager.contract.Call(opts, &out, "transcoderTotalStake", transcoder)

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// TranscoderTotalStake is a free data retrieval call binding the contract method 0x9ef9df94.
//
// Solidity: function transcoderTotalStake(address transcoder) view returns(uint256)
func (_BondingManager *BondingManagerSession) TranscoderTotalStake(transcoder common.Address) (*big.Int, error) {
	return _BondingManager.Contract.TranscoderTotalStake(&_BondingManager.CallOpts, transcoder)
}

// TranscoderTotalStake is a free data retrieval call binding the contract method 0x9ef9df94.
//
// Solidity: function transcoderTotalStake(address transcoder) view returns(uint256)
func (_BondingManager *BondingManagerCallerSession) TranscoderTotalStake(transcoder common.Address) (*big.Int, error) {
	return _BondingManager.Contract.TranscoderTotalStake(&_BondingManager.CallOpts, transcoder)
}

// DeactivateTranscoder is a paid mutator transaction binding the contract method 0x3a6694b3.
//
// Solidity: function deactivateTranscoder(address transcoder, uint256 deactivationRound) returns()
func (_BondingManager *BondingManagerTransactor) DeactivateTranscoder(opts *bind.TransactOpts, transcoder common.Address, deactivationRound *big.Int) (*types.Transaction, error) {
	return _BondingManager.contract.Transact(opts, "deactivateTranscoder", transcoder, deactivationRound)
}

// DeactivateTranscoder is a paid mutator transaction binding the contract method 0x3a6694b3.
//
// Solidity: function deactivateTranscoder(address transcoder, uint256 deactivationRound) returns()
func (_BondingManager *BondingManagerSession) DeactivateTranscoder(transcoder common.Address, deactivationRound *big.Int) (*types.Transaction, error) {
	return _BondingManager.Contract.DeactivateTranscoder(&_BondingManager.TransactOpts, transcoder, deactivationRound)
}

// DeactivateTranscoder is a paid mutator transaction binding the contract method 0x3a6694b3.
//
// Solidity: function deactivateTranscoder(address transcoder, uint256 deactivationRound) returns()
func (_BondingManager *BondingManagerTransactorSession) DeactivateTranscoder(transcoder common.Address, deactivationRound *big.Int) (*types.Transaction, error) {
	return _BondingManager.Contract.DeactivateTranscoder(&_BondingManager.TransactOpts, transcoder, deactivationRound)
}

// RegisterTranscoder is a paid mutator transaction binding the contract method 0x7682e470.
//
// Solidity: function registerTranscoder(address transcoder, uint256 stake, uint256 rewardCut, uint256 feeShare, uint256 activationRound) returns()
func (_BondingManager *BondingManagerTransactor) RegisterTranscoder(opts *bind.TransactOpts, transcoder common.Address, stake *big.Int, rewardCut *big.Int, feeShare *big.Int, activationRound *big.Int) (*types.Transaction, error) {
	return _BondingManager.contract.Transact(opts, "registerTranscoder", transcoder, stake, rewardCut, feeShare, activationRound)
}

// RegisterTranscoder is a paid mutator transaction binding the contract method 0x7682e470.
//
// Solidity: function registerTranscoder(address transcoder, uint256 stake, uint256 rewardCut, uint256 feeShare, uint256 activationRound) returns()
func (_BondingManager *BondingManagerSession) RegisterTranscoder(transcoder common.Address, stake *big.Int, rewardCut *big.Int, feeShare *big.Int, activationRound *big.Int) (*types.Transaction, error) {
	return _BondingManager.Contract.RegisterTranscoder(&_BondingManager.TransactOpts, transcoder, stake, rewardCut, feeShare, activationRound)
}

// RegisterTranscoder is a paid mutator transaction binding the contract method 0x7682e470.
//
// Solidity: function registerTranscoder(address transcoder, uint256 stake, uint256 rewardCut, uint256 feeShare, uint256 activationRound) returns()
func (_BondingManager *BondingManagerTransactorSession) RegisterTranscoder(transcoder common.Address, stake *big.Int, rewardCut *big.Int, feeShare *big.Int, activationRound *big.Int) (*types.Transaction, error) {
	return _BondingManager.Contract.RegisterTranscoder(&_BondingManager.TransactOpts, transcoder, stake, rewardCut, feeShare, activationRound)
}

// Reward is a paid mutator transaction binding the contract method 0x21670f22.
//
// Solidity: function reward(address transcoder, uint256 amount) returns()
func (_BondingManager *BondingManagerTransactor) Reward(opts *bind.TransactOpts, transcoder common.Address, amount *big.Int) (*types.Transaction, error) {
	return _BondingManager.contract.Transact(opts, "reward", transcoder, amount)
}

// Reward is a paid mutator transaction binding the contract method 0x21670f22.
//
// Solidity: function reward(address transcoder, uint256 amount) returns()
func (_BondingManager *BondingManagerSession) Reward(transcoder common.Address, amount *big.Int) (*types.Transaction, error) {
	return _BondingManager.Contract.Reward(&_BondingManager.TransactOpts, transcoder, amount)
}

// Reward is a paid mutator transaction binding the contract method 0x21670f22.
//
// Solidity: function reward(address transcoder, uint256 amount) returns()
func (_BondingManager *BondingManagerTransactorSession) Reward(transcoder common.Address, amount *big.Int) (*types.Transaction, error) {
	return _BondingManager.Contract.Reward(&_BondingManager.TransactOpts, transcoder, amount)
}

// SetNextTranscoderInPoolForTest is a paid mutator transaction binding the contract method 0x64315b67.
//
// Solidity: function setNextTranscoderInPoolForTest(address transcoder, address next) returns()
func (_BondingManager *BondingManagerTransactor) SetNextTranscoderInPoolForTest(opts *bind.TransactOpts, transcoder common.Address, next common.Address) (*types.Transaction, error) {
	return _BondingManager.contract.Transact(opts, "setNextTranscoderInPoolForTest", transcoder, next)
}

// SetNextTranscoderInPoolForTest is a paid mutator transaction binding the contract method 0x64315b67.
//
// Solidity: function setNextTranscoderInPoolForTest(address transcoder, address next) returns()
func (_BondingManager *BondingManagerSession) SetNextTranscoderInPoolForTest(transcoder common.Address, next common.Address) (*types.Transaction, error) {
	return _BondingManager.Contract.SetNextTranscoderInPoolForTest(&_BondingManager.TransactOpts, transcoder, next)
}

// SetNextTranscoderInPoolForTest is a paid mutator transaction binding the contract method 0x64315b67.
//
// Solidity: function setNextTranscoderInPoolForTest(address transcoder, address next) returns()
func (_BondingManager *BondingManagerTransactorSession) SetNextTranscoderInPoolForTest(transcoder common.Address, next common.Address) (*types.Transaction, error) {
	return _BondingManager.Contract.SetNextTranscoderInPoolForTest(&_BondingManager.TransactOpts, transcoder, next)
}

// SetTranscoderPoolMaxSize is a paid mutator transaction binding the contract method 0xd5102a9f.
//
// Solidity: function setTranscoderPoolMaxSize(uint256 maxSize) returns()
func (_BondingManager *BondingManagerTransactor) SetTranscoderPoolMaxSize(opts *bind.TransactOpts, maxSize *big.Int) (*types.Transaction, error) {
	return _BondingManager.contract.Transact(opts, "setTranscoderPoolMaxSize", maxSize)
}

// SetTranscoderPoolMaxSize is a paid mutator transaction binding the contract method 0xd5102a9f.
//
// Solidity: function setTranscoderPoolMaxSize(uint256 maxSize) returns()
func (_BondingManager *BondingManagerSession) SetTranscoderPoolMaxSize(maxSize *big.Int) (*types.Transaction, error) {
	return _BondingManager.Contract.SetTranscoderPoolMaxSize(&_BondingManager.TransactOpts, maxSize)
}

// SetTranscoderPoolMaxSize is a paid mutator transaction binding the contract method 0xd5102a9f.
//
// Solidity: function setTranscoderPoolMaxSize(uint256 maxSize) returns()
func (_BondingManager *BondingManagerTransactorSession) SetTranscoderPoolMaxSize(maxSize *big.Int) (*types.Transaction, error) {
	return _BondingManager.Contract.SetTranscoderPoolMaxSize(&_BondingManager.TransactOpts, maxSize)
}

// WithdrawTranscoder is a paid mutator transaction binding the contract method 0x7764dc6e.
//
// Solidity: function withdrawTranscoder(address transcoder) returns()
func (_BondingManager *BondingManagerTransactor) WithdrawTranscoder(opts *bind.TransactOpts, transcoder common.Address) (*types.Transaction, error) {
	return _BondingManager.contract.Transact(opts, "withdrawTranscoder", transcoder)
}

// WithdrawTranscoder is a paid mutator transaction binding the contract method 0x7764dc6e.
//
// Solidity: function withdrawTranscoder(address transcoder) returns()
func (_BondingManager *BondingManagerSession) WithdrawTranscoder(transcoder common.Address) (*types.Transaction, error) {
	return _BondingManager.Contract.WithdrawTranscoder(&_BondingManager.TransactOpts, transcoder)
}

// WithdrawTranscoder is a paid mutator transaction binding the contract method 0x7764dc6e.
//
// Solidity: function withdrawTranscoder(address transcoder) returns()
func (_BondingManager *BondingManagerTransactorSession) WithdrawTranscoder(transcoder common.Address) (*types.Transaction, error) {
	return _BondingManager.Contract.WithdrawTranscoder(&_BondingManager.TransactOpts, transcoder)
}

// BondingManagerRewardIterator is returned from FilterReward and is used to iterate over the raw logs and unpacked data for Reward events raised by the BondingManager contract.
type BondingManagerRewardIterator struct {
	Event *BondingManagerReward // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *BondingManagerRewardIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(BondingManagerReward)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(BondingManagerReward)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *BondingManagerRewardIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *BondingManagerRewardIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// BondingManagerReward represents a Reward event raised by the BondingManager contract.
type BondingManagerReward struct {
	Transcoder common.Address
	Amount     *big.Int
	Raw        types.Log // Blockchain specific contextual infos
}

// FilterReward is a free log retrieval operation binding the contract event 0x619caafabdd75649b302ba8419e48cccf64f37f1983ac4727cfb38b57703ffc9.
//
// Solidity: event Reward(address indexed transcoder, uint256 amount)
func (_BondingManager *BondingManagerFilterer) FilterReward(opts *bind.FilterOpts, transcoder []common.Address) (*BondingManagerRewardIterator, error) {

	var transcoderRule []interface{}
	for _, transcoderItem := range transcoder {
		transcoderRule = append(transcoderRule, transcoderItem)
	}

	logs, sub, err := _BondingManager.contract.FilterLogs(opts, "Reward", transcoderRule)
	if err != nil {
		return nil, err
	}
	return &BondingManagerRewardIterator{contract: _BondingManager.contract, event: "Reward", logs: logs, sub: sub}, nil
}

// WatchReward is a free log subscription operation binding the contract event 0x619caafabdd75649b302ba8419e48cccf64f37f1983ac4727cfb38b57703ffc9.
//
// Solidity: event Reward(address indexed transcoder, uint256 amount)
func (_BondingManager *BondingManagerFilterer) WatchReward(opts *bind.WatchOpts, sink chan<- *BondingManagerReward, transcoder []common.Address) (event.Subscription, error) {

	var transcoderRule []interface{}
	for _, transcoderItem := range transcoder {
		transcoderRule = append(transcoderRule, transcoderItem)
	}

	logs, sub, err := _BondingManager.contract.WatchLogs(opts, "Reward", transcoderRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(BondingManagerReward)
				if err := _BondingManager.contract.UnpackLog(event, "Reward", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseReward is a log parse operation binding the contract event 0x619caafabdd75649b302ba8419e48cccf64f37f1983ac4727cfb38b57703ffc9.
//
// Solidity: event Reward(address indexed transcoder, uint256 amount)
func (_BondingManager *BondingManagerFilterer) ParseReward(log types.Log) (*BondingManagerReward, error) {
	event := new(BondingManagerReward)
	if err := _BondingManager.contract.UnpackLog(event, "Reward", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// BondingManagerTranscoderActivatedIterator is returned from FilterTranscoderActivated and is used to iterate over the raw logs and unpacked data for TranscoderActivated events raised by the BondingManager contract.
type BondingManagerTranscoderActivatedIterator struct {
	Event *BondingManagerTranscoderActivated // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *BondingManagerTranscoderActivatedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(BondingManagerTranscoderActivated)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(BondingManagerTranscoderActivated)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *BondingManagerTranscoderActivatedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *BondingManagerTranscoderActivatedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// BondingManagerTranscoderActivated represents a TranscoderActivated event raised by the BondingManager contract.
type BondingManagerTranscoderActivated struct {
	Transcoder      common.Address
	ActivationRound *big.Int
	Raw             types.Log // Blockchain specific contextual infos
}

// FilterTranscoderActivated is a free log retrieval operation binding the contract event 0x65d72d782835d64c3287844a829608d5abdc7e864cc9affe96d910ab3db665e9.
//
// Solidity: event TranscoderActivated(address indexed transcoder, uint256 activationRound)
func (_BondingManager *BondingManagerFilterer) FilterTranscoderActivated(opts *bind.FilterOpts, transcoder []common.Address) (*BondingManagerTranscoderActivatedIterator, error) {

	var transcoderRule []interface{}
	for _, transcoderItem := range transcoder {
		transcoderRule = append(transcoderRule, transcoderItem)
	}

	logs, sub, err := _BondingManager.contract.FilterLogs(opts, "TranscoderActivated", transcoderRule)
	if err != nil {
		return nil, err
	}
	return &BondingManagerTranscoderActivatedIterator{contract: _BondingManager.contract, event: "TranscoderActivated", logs: logs, sub: sub}, nil
}

// WatchTranscoderActivated is a free log subscription operation binding the contract event 0x65d72d782835d64c3287844a829608d5abdc7e864cc9affe96d910ab3db665e9.
//
// Solidity: event TranscoderActivated(address indexed transcoder, uint256 activationRound)
func (_BondingManager *BondingManagerFilterer) WatchTranscoderActivated(opts *bind.WatchOpts, sink chan<- *BondingManagerTranscoderActivated, transcoder []common.Address) (event.Subscription, error) {

	var transcoderRule []interface{}
	for _, transcoderItem := range transcoder {
		transcoderRule = append(transcoderRule, transcoderItem)
	}

	logs, sub, err := _BondingManager.contract.WatchLogs(opts, "TranscoderActivated", transcoderRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(BondingManagerTranscoderActivated)
				if err := _BondingManager.contract.UnpackLog(event, "TranscoderActivated", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseTranscoderActivated is a log parse operation binding the contract event 0x65d72d782835d64c3287844a829608d5abdc7e864cc9affe96d910ab3db665e9.
//
// Solidity: event TranscoderActivated(address indexed transcoder, uint256 activationRound)
func (_BondingManager *BondingManagerFilterer) ParseTranscoderActivated(log types.Log) (*BondingManagerTranscoderActivated, error) {
	event := new(BondingManagerTranscoderActivated)
	if err := _BondingManager.contract.UnpackLog(event, "TranscoderActivated", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// BondingManagerTranscoderDeactivatedIterator is returned from FilterTranscoderDeactivated and is used to iterate over the raw logs and unpacked data for TranscoderDeactivated events raised by the BondingManager contract.
type BondingManagerTranscoderDeactivatedIterator struct {
	Event *BondingManagerTranscoderDeactivated // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *BondingManagerTranscoderDeactivatedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(BondingManagerTranscoderDeactivated)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(BondingManagerTranscoderDeactivated)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *BondingManagerTranscoderDeactivatedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *BondingManagerTranscoderDeactivatedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// BondingManagerTranscoderDeactivated represents a TranscoderDeactivated event raised by the BondingManager contract.
type BondingManagerTranscoderDeactivated struct {
	Transcoder        common.Address
	DeactivationRound *big.Int
	Raw               types.Log // Blockchain specific contextual infos
}

// FilterTranscoderDeactivated is a free log retrieval operation binding the contract event 0xfee3e693fc72d0a0a673805f3e606c551f4c677b9072444b90dd2d0406bc995c.
//
// Solidity: event TranscoderDeactivated(address indexed transcoder, uint256 deactivationRound)
func (_BondingManager *BondingManagerFilterer) FilterTranscoderDeactivated(opts *bind.FilterOpts, transcoder []common.Address) (*BondingManagerTranscoderDeactivatedIterator, error) {

	var transcoderRule []interface{}
	for _, transcoderItem := range transcoder {
		transcoderRule = append(transcoderRule, transcoderItem)
	}

	logs, sub, err := _BondingManager.contract.FilterLogs(opts, "TranscoderDeactivated", transcoderRule)
	if err != nil {
		return nil, err
	}
	return &BondingManagerTranscoderDeactivatedIterator{contract: _BondingManager.contract, event: "TranscoderDeactivated", logs: logs, sub: sub}, nil
}

// WatchTranscoderDeactivated is a free log subscription operation binding the contract event 0xfee3e693fc72d0a0a673805f3e606c551f4c677b9072444b90dd2d0406bc995c.
//
// Solidity: event TranscoderDeactivated(address indexed transcoder, uint256 deactivationRound)
func (_BondingManager *BondingManagerFilterer) WatchTranscoderDeactivated(opts *bind.WatchOpts, sink chan<- *BondingManagerTranscoderDeactivated, transcoder []common.Address) (event.Subscription, error) {

	var transcoderRule []interface{}
	for _, transcoderItem := range transcoder {
		transcoderRule = append(transcoderRule, transcoderItem)
	}

	logs, sub, err := _BondingManager.contract.WatchLogs(opts, "TranscoderDeactivated", transcoderRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(BondingManagerTranscoderDeactivated)
				if err := _BondingManager.contract.UnpackLog(event, "TranscoderDeactivated", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseTranscoderDeactivated is a log parse operation binding the contract event 0xfee3e693fc72d0a0a673805f3e606c551f4c677b9072444b90dd2d0406bc995c.
//
// Solidity: event TranscoderDeactivated(address indexed transcoder, uint256 deactivationRound)
func (_BondingManager *BondingManagerFilterer) ParseTranscoderDeactivated(log types.Log) (*BondingManagerTranscoderDeactivated, error) {
	event := new(BondingManagerTranscoderDeactivated)
	if err := _BondingManager.contract.UnpackLog(event, "TranscoderDeactivated", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// BondingManagerTranscoderUpdateIterator is returned from FilterTranscoderUpdate and is used to iterate over the raw logs and unpacked data for TranscoderUpdate events raised by the BondingManager contract.
type BondingManagerTranscoderUpdateIterator struct {
	Event *BondingManagerTranscoderUpdate // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *BondingManagerTranscoderUpdateIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(BondingManagerTranscoderUpdate)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(BondingManagerTranscoderUpdate)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *BondingManagerTranscoderUpdateIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *BondingManagerTranscoderUpdateIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// BondingManagerTranscoderUpdate represents a TranscoderUpdate event raised by the BondingManager contract.
type BondingManagerTranscoderUpdate struct {
	Transcoder common.Address
	RewardCut  *big.Int
	FeeShare   *big.Int
	Raw        types.Log // Blockchain specific contextual infos
}

// FilterTranscoderUpdate is a free log retrieval operation binding the contract event 0x7346854431dbb3eb8e373c604abf89e90f4865b8447e1e2834d7b3e4677bf544.
//
// Solidity: event TranscoderUpdate(address indexed transcoder, uint256 rewardCut, uint256 feeShare)
func (_BondingManager *BondingManagerFilterer) FilterTranscoderUpdate(opts *bind.FilterOpts, transcoder []common.Address) (*BondingManagerTranscoderUpdateIterator, error) {

	var transcoderRule []interface{}
	for _, transcoderItem := range transcoder {
		transcoderRule = append(transcoderRule, transcoderItem)
	}

	logs, sub, err := _BondingManager.contract.FilterLogs(opts, "TranscoderUpdate", transcoderRule)
	if err != nil {
		return nil, err
	}
	return &BondingManagerTranscoderUpdateIterator{contract: _BondingManager.contract, event: "TranscoderUpdate", logs: logs, sub: sub}, nil
}

// WatchTranscoderUpdate is a free log subscription operation binding the contract event 0x7346854431dbb3eb8e373c604abf89e90f4865b8447e1e2834d7b3e4677bf544.
//
// Solidity: event TranscoderUpdate(address indexed transcoder, uint256 rewardCut, uint256 feeShare)
func (_BondingManager *BondingManagerFilterer) WatchTranscoderUpdate(opts *bind.WatchOpts, sink chan<- *BondingManagerTranscoderUpdate, transcoder []common.Address) (event.Subscription, error) {

	var transcoderRule []interface{}
	for _, transcoderItem := range transcoder {
		transcoderRule = append(transcoderRule, transcoderItem)
	}

	logs, sub, err := _BondingManager.contract.WatchLogs(opts, "TranscoderUpdate", transcoderRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(BondingManagerTranscoderUpdate)
				if err := _BondingManager.contract.UnpackLog(event, "TranscoderUpdate", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseTranscoderUpdate is a log parse operation binding the contract event 0x7346854431dbb3eb8e373c604abf89e90f4865b8447e1e2834d7b3e4677bf544.
//
// Solidity: event TranscoderUpdate(address indexed transcoder, uint256 rewardCut, uint256 feeShare)
func (_BondingManager *BondingManagerFilterer) ParseTranscoderUpdate(log types.Log) (*BondingManagerTranscoderUpdate, error) {
	event := new(BondingManagerTranscoderUpdate)
	if err := _BondingManager.contract.UnpackLog(event, "TranscoderUpdate", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}
