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

// TicketBrokerMetaData contains all meta data concerning the TicketBroker contract.
var TicketBrokerMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"recipient\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"faceValue\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"winProb\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"senderNonce\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"recipientRand\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"bytes\",\"name\":\"auxData\",\"type\":\"bytes\"}],\"name\":\"WinningTicketRedeemed\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"recipient\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"faceValue\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"winProb\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"firstNonce\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"count\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"auxData\",\"type\":\"bytes\"}],\"name\":\"redeemWinningTicketsForTest\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	Bin: "0x60a0604052348015600e575f5ffd5b50336080526080516103906100305f395f818160520152609b01526103905ff3fe608060405234801561000f575f5ffd5b5060043610610034575f3560e01c806328c8514d146100385780638da5cb5b1461004d575b5f5ffd5b61004b610046366004610239565b610090565b005b6100747f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b03909116815260200160405180910390f35b336001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000161461010d5760405162461bcd60e51b815260206004820152601760248201527f5469636b657442726f6b65723a206e6f74206f776e657200000000000000000060448201526064015b60405180910390fd5b6001600160a01b0387166101635760405162461bcd60e51b815260206004820152601c60248201527f5469636b657442726f6b65723a207a65726f20726563697069656e74000000006044820152606401610104565b5f5b83811015610213575f61017882876102eb565b9050886001600160a01b03168a6001600160a01b03167fc389eb51ed006dbf2528507f010efdf5225ea596e1e1741d74f550dab1925ee78a8a858e876040516020016101d99291906001600160a01b03929092168252602082015260400190565b60408051601f19818403018152908290528051602090910120610202949392918c908c90610310565b60405180910390a350600101610165565b505050505050505050565b80356001600160a01b0381168114610234575f5ffd5b919050565b5f5f5f5f5f5f5f5f60e0898b031215610250575f5ffd5b6102598961021e565b975061026760208a0161021e565b965060408901359550606089013594506080890135935060a0890135925060c089013567ffffffffffffffff81111561029e575f5ffd5b8901601f81018b136102ae575f5ffd5b803567ffffffffffffffff8111156102c4575f5ffd5b8b60208284010111156102d5575f5ffd5b989b979a50959850939692959194602001935050565b8082018082111561030a57634e487b7160e01b5f52601160045260245ffd5b92915050565b86815285602082015284604082015283606082015260a060808201528160a0820152818360c08301375f81830160c090810191909152601f909201601f191601019594505050505056fea264697066735822122099cea7674d1886046a053a7b331d2bde141b32399ab6455e2d23ec69774339ba64736f6c63430008250033",
}

// TicketBrokerABI is the input ABI used to generate the binding from.
// Deprecated: Use TicketBrokerMetaData.ABI instead.
var TicketBrokerABI = TicketBrokerMetaData.ABI

// TicketBrokerBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use TicketBrokerMetaData.Bin instead.
var TicketBrokerBin = TicketBrokerMetaData.Bin

// DeployTicketBroker deploys a new Ethereum contract, binding an instance of TicketBroker to it.
func DeployTicketBroker(auth *bind.TransactOpts, backend bind.ContractBackend) (common.Address, *types.Transaction, *TicketBroker, error) {
	parsed, err := TicketBrokerMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(TicketBrokerBin), backend)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &TicketBroker{TicketBrokerCaller: TicketBrokerCaller{contract: contract}, TicketBrokerTransactor: TicketBrokerTransactor{contract: contract}, TicketBrokerFilterer: TicketBrokerFilterer{contract: contract}}, nil
}

// TicketBroker is an auto generated Go binding around an Ethereum contract.
type TicketBroker struct {
	TicketBrokerCaller     // Read-only binding to the contract
	TicketBrokerTransactor // Write-only binding to the contract
	TicketBrokerFilterer   // Log filterer for contract events
}

// TicketBrokerCaller is an auto generated read-only Go binding around an Ethereum contract.
type TicketBrokerCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// TicketBrokerTransactor is an auto generated write-only Go binding around an Ethereum contract.
type TicketBrokerTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// TicketBrokerFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type TicketBrokerFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// TicketBrokerSession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type TicketBrokerSession struct {
	Contract     *TicketBroker     // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// TicketBrokerCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type TicketBrokerCallerSession struct {
	Contract *TicketBrokerCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts       // Call options to use throughout this session
}

// TicketBrokerTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type TicketBrokerTransactorSession struct {
	Contract     *TicketBrokerTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts       // Transaction auth options to use throughout this session
}

// TicketBrokerRaw is an auto generated low-level Go binding around an Ethereum contract.
type TicketBrokerRaw struct {
	Contract *TicketBroker // Generic contract binding to access the raw methods on
}

// TicketBrokerCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type TicketBrokerCallerRaw struct {
	Contract *TicketBrokerCaller // Generic read-only contract binding to access the raw methods on
}

// TicketBrokerTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type TicketBrokerTransactorRaw struct {
	Contract *TicketBrokerTransactor // Generic write-only contract binding to access the raw methods on
}

// NewTicketBroker creates a new instance of TicketBroker, bound to a specific deployed contract.
func NewTicketBroker(address common.Address, backend bind.ContractBackend) (*TicketBroker, error) {
	contract, err := bindTicketBroker(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &TicketBroker{TicketBrokerCaller: TicketBrokerCaller{contract: contract}, TicketBrokerTransactor: TicketBrokerTransactor{contract: contract}, TicketBrokerFilterer: TicketBrokerFilterer{contract: contract}}, nil
}

// NewTicketBrokerCaller creates a new read-only instance of TicketBroker, bound to a specific deployed contract.
func NewTicketBrokerCaller(address common.Address, caller bind.ContractCaller) (*TicketBrokerCaller, error) {
	contract, err := bindTicketBroker(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &TicketBrokerCaller{contract: contract}, nil
}

// NewTicketBrokerTransactor creates a new write-only instance of TicketBroker, bound to a specific deployed contract.
func NewTicketBrokerTransactor(address common.Address, transactor bind.ContractTransactor) (*TicketBrokerTransactor, error) {
	contract, err := bindTicketBroker(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &TicketBrokerTransactor{contract: contract}, nil
}

// NewTicketBrokerFilterer creates a new log filterer instance of TicketBroker, bound to a specific deployed contract.
func NewTicketBrokerFilterer(address common.Address, filterer bind.ContractFilterer) (*TicketBrokerFilterer, error) {
	contract, err := bindTicketBroker(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &TicketBrokerFilterer{contract: contract}, nil
}

// bindTicketBroker binds a generic wrapper to an already deployed contract.
func bindTicketBroker(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := TicketBrokerMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_TicketBroker *TicketBrokerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _TicketBroker.Contract.TicketBrokerCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_TicketBroker *TicketBrokerRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _TicketBroker.Contract.TicketBrokerTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_TicketBroker *TicketBrokerRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _TicketBroker.Contract.TicketBrokerTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_TicketBroker *TicketBrokerCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _TicketBroker.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_TicketBroker *TicketBrokerTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _TicketBroker.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_TicketBroker *TicketBrokerTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _TicketBroker.Contract.contract.Transact(opts, method, params...)
}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_TicketBroker *TicketBrokerCaller) Owner(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _TicketBroker.contract.Call(opts, &out, "owner")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_TicketBroker *TicketBrokerSession) Owner() (common.Address, error) {
	return _TicketBroker.Contract.Owner(&_TicketBroker.CallOpts)
}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_TicketBroker *TicketBrokerCallerSession) Owner() (common.Address, error) {
	return _TicketBroker.Contract.Owner(&_TicketBroker.CallOpts)
}

// RedeemWinningTicketsForTest is a paid mutator transaction binding the contract method 0x28c8514d.
//
// Solidity: function redeemWinningTicketsForTest(address sender, address recipient, uint256 faceValue, uint256 winProb, uint256 firstNonce, uint256 count, bytes auxData) returns()
func (_TicketBroker *TicketBrokerTransactor) RedeemWinningTicketsForTest(opts *bind.TransactOpts, sender common.Address, recipient common.Address, faceValue *big.Int, winProb *big.Int, firstNonce *big.Int, count *big.Int, auxData []byte) (*types.Transaction, error) {
	return _TicketBroker.contract.Transact(opts, "redeemWinningTicketsForTest", sender, recipient, faceValue, winProb, firstNonce, count, auxData)
}

// RedeemWinningTicketsForTest is a paid mutator transaction binding the contract method 0x28c8514d.
//
// Solidity: function redeemWinningTicketsForTest(address sender, address recipient, uint256 faceValue, uint256 winProb, uint256 firstNonce, uint256 count, bytes auxData) returns()
func (_TicketBroker *TicketBrokerSession) RedeemWinningTicketsForTest(sender common.Address, recipient common.Address, faceValue *big.Int, winProb *big.Int, firstNonce *big.Int, count *big.Int, auxData []byte) (*types.Transaction, error) {
	return _TicketBroker.Contract.RedeemWinningTicketsForTest(&_TicketBroker.TransactOpts, sender, recipient, faceValue, winProb, firstNonce, count, auxData)
}

// RedeemWinningTicketsForTest is a paid mutator transaction binding the contract method 0x28c8514d.
//
// Solidity: function redeemWinningTicketsForTest(address sender, address recipient, uint256 faceValue, uint256 winProb, uint256 firstNonce, uint256 count, bytes auxData) returns()
func (_TicketBroker *TicketBrokerTransactorSession) RedeemWinningTicketsForTest(sender common.Address, recipient common.Address, faceValue *big.Int, winProb *big.Int, firstNonce *big.Int, count *big.Int, auxData []byte) (*types.Transaction, error) {
	return _TicketBroker.Contract.RedeemWinningTicketsForTest(&_TicketBroker.TransactOpts, sender, recipient, faceValue, winProb, firstNonce, count, auxData)
}

// TicketBrokerWinningTicketRedeemedIterator is returned from FilterWinningTicketRedeemed and is used to iterate over the raw logs and unpacked data for WinningTicketRedeemed events raised by the TicketBroker contract.
type TicketBrokerWinningTicketRedeemedIterator struct {
	Event *TicketBrokerWinningTicketRedeemed // Event containing the contract specifics and raw log

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
func (it *TicketBrokerWinningTicketRedeemedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TicketBrokerWinningTicketRedeemed)
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
		it.Event = new(TicketBrokerWinningTicketRedeemed)
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
func (it *TicketBrokerWinningTicketRedeemedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TicketBrokerWinningTicketRedeemedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TicketBrokerWinningTicketRedeemed represents a WinningTicketRedeemed event raised by the TicketBroker contract.
type TicketBrokerWinningTicketRedeemed struct {
	Sender        common.Address
	Recipient     common.Address
	FaceValue     *big.Int
	WinProb       *big.Int
	SenderNonce   *big.Int
	RecipientRand *big.Int
	AuxData       []byte
	Raw           types.Log // Blockchain specific contextual infos
}

// FilterWinningTicketRedeemed is a free log retrieval operation binding the contract event 0xc389eb51ed006dbf2528507f010efdf5225ea596e1e1741d74f550dab1925ee7.
//
// Solidity: event WinningTicketRedeemed(address indexed sender, address indexed recipient, uint256 faceValue, uint256 winProb, uint256 senderNonce, uint256 recipientRand, bytes auxData)
func (_TicketBroker *TicketBrokerFilterer) FilterWinningTicketRedeemed(opts *bind.FilterOpts, sender []common.Address, recipient []common.Address) (*TicketBrokerWinningTicketRedeemedIterator, error) {

	var senderRule []interface{}
	for _, senderItem := range sender {
		senderRule = append(senderRule, senderItem)
	}
	var recipientRule []interface{}
	for _, recipientItem := range recipient {
		recipientRule = append(recipientRule, recipientItem)
	}

	logs, sub, err := _TicketBroker.contract.FilterLogs(opts, "WinningTicketRedeemed", senderRule, recipientRule)
	if err != nil {
		return nil, err
	}
	return &TicketBrokerWinningTicketRedeemedIterator{contract: _TicketBroker.contract, event: "WinningTicketRedeemed", logs: logs, sub: sub}, nil
}

// WatchWinningTicketRedeemed is a free log subscription operation binding the contract event 0xc389eb51ed006dbf2528507f010efdf5225ea596e1e1741d74f550dab1925ee7.
//
// Solidity: event WinningTicketRedeemed(address indexed sender, address indexed recipient, uint256 faceValue, uint256 winProb, uint256 senderNonce, uint256 recipientRand, bytes auxData)
func (_TicketBroker *TicketBrokerFilterer) WatchWinningTicketRedeemed(opts *bind.WatchOpts, sink chan<- *TicketBrokerWinningTicketRedeemed, sender []common.Address, recipient []common.Address) (event.Subscription, error) {

	var senderRule []interface{}
	for _, senderItem := range sender {
		senderRule = append(senderRule, senderItem)
	}
	var recipientRule []interface{}
	for _, recipientItem := range recipient {
		recipientRule = append(recipientRule, recipientItem)
	}

	logs, sub, err := _TicketBroker.contract.WatchLogs(opts, "WinningTicketRedeemed", senderRule, recipientRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TicketBrokerWinningTicketRedeemed)
				if err := _TicketBroker.contract.UnpackLog(event, "WinningTicketRedeemed", log); err != nil {
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

// ParseWinningTicketRedeemed is a log parse operation binding the contract event 0xc389eb51ed006dbf2528507f010efdf5225ea596e1e1741d74f550dab1925ee7.
//
// Solidity: event WinningTicketRedeemed(address indexed sender, address indexed recipient, uint256 faceValue, uint256 winProb, uint256 senderNonce, uint256 recipientRand, bytes auxData)
func (_TicketBroker *TicketBrokerFilterer) ParseWinningTicketRedeemed(log types.Log) (*TicketBrokerWinningTicketRedeemed, error) {
	event := new(TicketBrokerWinningTicketRedeemed)
	if err := _TicketBroker.contract.UnpackLog(event, "WinningTicketRedeemed", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}
