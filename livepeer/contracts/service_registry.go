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

// ServiceRegistryMetaData contains all meta data concerning the ServiceRegistry contract.
var ServiceRegistryMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"addr\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"serviceURI\",\"type\":\"string\"}],\"name\":\"ServiceURIUpdate\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"addr\",\"type\":\"address\"}],\"name\":\"getServiceURI\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"serviceURI\",\"type\":\"string\"}],\"name\":\"setServiceURI\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"addr\",\"type\":\"address\"},{\"internalType\":\"string\",\"name\":\"serviceURI\",\"type\":\"string\"}],\"name\":\"setServiceURIFor\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	Bin: "0x60a0604052348015600e575f5ffd5b50336080526080516105d46100315f395f8181609101526101f301526105d45ff3fe608060405234801561000f575f5ffd5b506004361061004a575f3560e01c8063214c2a4b1461004e5780635f11301b146100775780638da5cb5b1461008c578063d39f9401146100cb575b5f5ffd5b61006161005c3660046102ea565b6100de565b60405161006e919061030a565b60405180910390f35b61008a610085366004610384565b610187565b005b6100b37f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b03909116815260200161006e565b61008a6100d93660046103c3565b6101e8565b6001600160a01b0381165f90815260208190526040902080546060919061010490610412565b80601f016020809104026020016040519081016040528092919081815260200182805461013090610412565b801561017b5780601f106101525761010080835404028352916020019161017b565b820191905f5260205f20905b81548152906001019060200180831161015e57829003601f168201915b50505050509050919050565b335f9081526020819052604090206101a08284836104b5565b50336001600160a01b03167ffbb63068732c85741c9f8e61caffaabe038d577bfafd2d2dcc0e352a4f653a4c83836040516101dc929190610570565b60405180910390a25050565b336001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016146102645760405162461bcd60e51b815260206004820152601a60248201527f5365727669636552656769737472793a206e6f74206f776e6572000000000000604482015260640160405180910390fd5b6001600160a01b0383165f9081526020819052604090206102868284836104b5565b50826001600160a01b03167ffbb63068732c85741c9f8e61caffaabe038d577bfafd2d2dcc0e352a4f653a4c83836040516102c2929190610570565b60405180910390a2505050565b80356001600160a01b03811681146102e5575f5ffd5b919050565b5f602082840312156102fa575f5ffd5b610303826102cf565b9392505050565b602081525f82518060208401528060208501604085015e5f604082850101526040601f19601f83011684010191505092915050565b5f5f83601f84011261034f575f5ffd5b50813567ffffffffffffffff811115610366575f5ffd5b60208301915083602082850101111561037d575f5ffd5b9250929050565b5f5f60208385031215610395575f5ffd5b823567ffffffffffffffff8111156103ab575f5ffd5b6103b78582860161033f565b90969095509350505050565b5f5f5f604084860312156103d5575f5ffd5b6103de846102cf565b9250602084013567ffffffffffffffff8111156103f9575f5ffd5b6104058682870161033f565b9497909650939450505050565b600181811c9082168061042657607f821691505b60208210810361044457634e487b7160e01b5f52602260045260245ffd5b50919050565b634e487b7160e01b5f52604160045260245ffd5b601f8211156104b057828211156104b057805f5260205f20601f840160051c602085101561048957505f5b90810190601f840160051c035f5b818110156104ac575f83820155600101610497565b5050505b505050565b67ffffffffffffffff8311156104cd576104cd61044a565b6104e1836104db8354610412565b8361045e565b5f601f841160018114610512575f85156104fb5750838201355b5f19600387901b1c1916600186901b178355610569565b5f83815260208120601f198716915b828110156105415786850135825560209485019460019092019101610521565b508682101561055d575f1960f88860031b161c19848701351681555b505060018560011b0183555b5050505050565b60208152816020820152818360408301375f818301604090810191909152601f909201601f1916010191905056fea26469706673582212201416c429e165cc743dd6f1cd4dad91cde7cd750799879d38c8bb3a63b46829e064736f6c63430008250033",
}

// ServiceRegistryABI is the input ABI used to generate the binding from.
// Deprecated: Use ServiceRegistryMetaData.ABI instead.
var ServiceRegistryABI = ServiceRegistryMetaData.ABI

// ServiceRegistryBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use ServiceRegistryMetaData.Bin instead.
var ServiceRegistryBin = ServiceRegistryMetaData.Bin

// DeployServiceRegistry deploys a new Ethereum contract, binding an instance of ServiceRegistry to it.
func DeployServiceRegistry(auth *bind.TransactOpts, backend bind.ContractBackend) (common.Address, *types.Transaction, *ServiceRegistry, error) {
	parsed, err := ServiceRegistryMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(ServiceRegistryBin), backend)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &ServiceRegistry{ServiceRegistryCaller: ServiceRegistryCaller{contract: contract}, ServiceRegistryTransactor: ServiceRegistryTransactor{contract: contract}, ServiceRegistryFilterer: ServiceRegistryFilterer{contract: contract}}, nil
}

// ServiceRegistry is an auto generated Go binding around an Ethereum contract.
type ServiceRegistry struct {
	ServiceRegistryCaller     // Read-only binding to the contract
	ServiceRegistryTransactor // Write-only binding to the contract
	ServiceRegistryFilterer   // Log filterer for contract events
}

// ServiceRegistryCaller is an auto generated read-only Go binding around an Ethereum contract.
type ServiceRegistryCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// ServiceRegistryTransactor is an auto generated write-only Go binding around an Ethereum contract.
type ServiceRegistryTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// ServiceRegistryFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type ServiceRegistryFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// ServiceRegistrySession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type ServiceRegistrySession struct {
	Contract     *ServiceRegistry  // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// ServiceRegistryCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type ServiceRegistryCallerSession struct {
	Contract *ServiceRegistryCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts          // Call options to use throughout this session
}

// ServiceRegistryTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type ServiceRegistryTransactorSession struct {
	Contract     *ServiceRegistryTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts          // Transaction auth options to use throughout this session
}

// ServiceRegistryRaw is an auto generated low-level Go binding around an Ethereum contract.
type ServiceRegistryRaw struct {
	Contract *ServiceRegistry // Generic contract binding to access the raw methods on
}

// ServiceRegistryCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type ServiceRegistryCallerRaw struct {
	Contract *ServiceRegistryCaller // Generic read-only contract binding to access the raw methods on
}

// ServiceRegistryTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type ServiceRegistryTransactorRaw struct {
	Contract *ServiceRegistryTransactor // Generic write-only contract binding to access the raw methods on
}

// NewServiceRegistry creates a new instance of ServiceRegistry, bound to a specific deployed contract.
func NewServiceRegistry(address common.Address, backend bind.ContractBackend) (*ServiceRegistry, error) {
	contract, err := bindServiceRegistry(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &ServiceRegistry{ServiceRegistryCaller: ServiceRegistryCaller{contract: contract}, ServiceRegistryTransactor: ServiceRegistryTransactor{contract: contract}, ServiceRegistryFilterer: ServiceRegistryFilterer{contract: contract}}, nil
}

// NewServiceRegistryCaller creates a new read-only instance of ServiceRegistry, bound to a specific deployed contract.
func NewServiceRegistryCaller(address common.Address, caller bind.ContractCaller) (*ServiceRegistryCaller, error) {
	contract, err := bindServiceRegistry(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &ServiceRegistryCaller{contract: contract}, nil
}

// NewServiceRegistryTransactor creates a new write-only instance of ServiceRegistry, bound to a specific deployed contract.
func NewServiceRegistryTransactor(address common.Address, transactor bind.ContractTransactor) (*ServiceRegistryTransactor, error) {
	contract, err := bindServiceRegistry(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &ServiceRegistryTransactor{contract: contract}, nil
}

// NewServiceRegistryFilterer creates a new log filterer instance of ServiceRegistry, bound to a specific deployed contract.
func NewServiceRegistryFilterer(address common.Address, filterer bind.ContractFilterer) (*ServiceRegistryFilterer, error) {
	contract, err := bindServiceRegistry(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &ServiceRegistryFilterer{contract: contract}, nil
}

// bindServiceRegistry binds a generic wrapper to an already deployed contract.
func bindServiceRegistry(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := ServiceRegistryMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_ServiceRegistry *ServiceRegistryRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _ServiceRegistry.Contract.ServiceRegistryCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_ServiceRegistry *ServiceRegistryRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _ServiceRegistry.Contract.ServiceRegistryTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_ServiceRegistry *ServiceRegistryRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _ServiceRegistry.Contract.ServiceRegistryTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_ServiceRegistry *ServiceRegistryCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _ServiceRegistry.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_ServiceRegistry *ServiceRegistryTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _ServiceRegistry.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_ServiceRegistry *ServiceRegistryTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _ServiceRegistry.Contract.contract.Transact(opts, method, params...)
}

// GetServiceURI is a free data retrieval call binding the contract method 0x214c2a4b.
//
// Solidity: function getServiceURI(address addr) view returns(string)
func (_ServiceRegistry *ServiceRegistryCaller) GetServiceURI(opts *bind.CallOpts, addr common.Address) (string, error) {
	var out []interface{}
	err := _ServiceRegistry.contract.Call(opts, &out, "getServiceURI", addr)

	if err != nil {
		return *new(string), err
	}

	out0 := *abi.ConvertType(out[0], new(string)).(*string)

	return out0, err

}

// GetServiceURI is a free data retrieval call binding the contract method 0x214c2a4b.
//
// Solidity: function getServiceURI(address addr) view returns(string)
func (_ServiceRegistry *ServiceRegistrySession) GetServiceURI(addr common.Address) (string, error) {
	return _ServiceRegistry.Contract.GetServiceURI(&_ServiceRegistry.CallOpts, addr)
}

// GetServiceURI is a free data retrieval call binding the contract method 0x214c2a4b.
//
// Solidity: function getServiceURI(address addr) view returns(string)
func (_ServiceRegistry *ServiceRegistryCallerSession) GetServiceURI(addr common.Address) (string, error) {
	return _ServiceRegistry.Contract.GetServiceURI(&_ServiceRegistry.CallOpts, addr)
}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_ServiceRegistry *ServiceRegistryCaller) Owner(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _ServiceRegistry.contract.Call(opts, &out, "owner")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_ServiceRegistry *ServiceRegistrySession) Owner() (common.Address, error) {
	return _ServiceRegistry.Contract.Owner(&_ServiceRegistry.CallOpts)
}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_ServiceRegistry *ServiceRegistryCallerSession) Owner() (common.Address, error) {
	return _ServiceRegistry.Contract.Owner(&_ServiceRegistry.CallOpts)
}

// SetServiceURI is a paid mutator transaction binding the contract method 0x5f11301b.
//
// Solidity: function setServiceURI(string serviceURI) returns()
func (_ServiceRegistry *ServiceRegistryTransactor) SetServiceURI(opts *bind.TransactOpts, serviceURI string) (*types.Transaction, error) {
	return _ServiceRegistry.contract.Transact(opts, "setServiceURI", serviceURI)
}

// SetServiceURI is a paid mutator transaction binding the contract method 0x5f11301b.
//
// Solidity: function setServiceURI(string serviceURI) returns()
func (_ServiceRegistry *ServiceRegistrySession) SetServiceURI(serviceURI string) (*types.Transaction, error) {
	return _ServiceRegistry.Contract.SetServiceURI(&_ServiceRegistry.TransactOpts, serviceURI)
}

// SetServiceURI is a paid mutator transaction binding the contract method 0x5f11301b.
//
// Solidity: function setServiceURI(string serviceURI) returns()
func (_ServiceRegistry *ServiceRegistryTransactorSession) SetServiceURI(serviceURI string) (*types.Transaction, error) {
	return _ServiceRegistry.Contract.SetServiceURI(&_ServiceRegistry.TransactOpts, serviceURI)
}

// SetServiceURIFor is a paid mutator transaction binding the contract method 0xd39f9401.
//
// Solidity: function setServiceURIFor(address addr, string serviceURI) returns()
func (_ServiceRegistry *ServiceRegistryTransactor) SetServiceURIFor(opts *bind.TransactOpts, addr common.Address, serviceURI string) (*types.Transaction, error) {
	return _ServiceRegistry.contract.Transact(opts, "setServiceURIFor", addr, serviceURI)
}

// SetServiceURIFor is a paid mutator transaction binding the contract method 0xd39f9401.
//
// Solidity: function setServiceURIFor(address addr, string serviceURI) returns()
func (_ServiceRegistry *ServiceRegistrySession) SetServiceURIFor(addr common.Address, serviceURI string) (*types.Transaction, error) {
	return _ServiceRegistry.Contract.SetServiceURIFor(&_ServiceRegistry.TransactOpts, addr, serviceURI)
}

// SetServiceURIFor is a paid mutator transaction binding the contract method 0xd39f9401.
//
// Solidity: function setServiceURIFor(address addr, string serviceURI) returns()
func (_ServiceRegistry *ServiceRegistryTransactorSession) SetServiceURIFor(addr common.Address, serviceURI string) (*types.Transaction, error) {
	return _ServiceRegistry.Contract.SetServiceURIFor(&_ServiceRegistry.TransactOpts, addr, serviceURI)
}

// ServiceRegistryServiceURIUpdateIterator is returned from FilterServiceURIUpdate and is used to iterate over the raw logs and unpacked data for ServiceURIUpdate events raised by the ServiceRegistry contract.
type ServiceRegistryServiceURIUpdateIterator struct {
	Event *ServiceRegistryServiceURIUpdate // Event containing the contract specifics and raw log

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
func (it *ServiceRegistryServiceURIUpdateIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(ServiceRegistryServiceURIUpdate)
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
		it.Event = new(ServiceRegistryServiceURIUpdate)
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
func (it *ServiceRegistryServiceURIUpdateIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *ServiceRegistryServiceURIUpdateIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// ServiceRegistryServiceURIUpdate represents a ServiceURIUpdate event raised by the ServiceRegistry contract.
type ServiceRegistryServiceURIUpdate struct {
	Addr       common.Address
	ServiceURI string
	Raw        types.Log // Blockchain specific contextual infos
}

// FilterServiceURIUpdate is a free log retrieval operation binding the contract event 0xfbb63068732c85741c9f8e61caffaabe038d577bfafd2d2dcc0e352a4f653a4c.
//
// Solidity: event ServiceURIUpdate(address indexed addr, string serviceURI)
func (_ServiceRegistry *ServiceRegistryFilterer) FilterServiceURIUpdate(opts *bind.FilterOpts, addr []common.Address) (*ServiceRegistryServiceURIUpdateIterator, error) {

	var addrRule []interface{}
	for _, addrItem := range addr {
		addrRule = append(addrRule, addrItem)
	}

	logs, sub, err := _ServiceRegistry.contract.FilterLogs(opts, "ServiceURIUpdate", addrRule)
	if err != nil {
		return nil, err
	}
	return &ServiceRegistryServiceURIUpdateIterator{contract: _ServiceRegistry.contract, event: "ServiceURIUpdate", logs: logs, sub: sub}, nil
}

// WatchServiceURIUpdate is a free log subscription operation binding the contract event 0xfbb63068732c85741c9f8e61caffaabe038d577bfafd2d2dcc0e352a4f653a4c.
//
// Solidity: event ServiceURIUpdate(address indexed addr, string serviceURI)
func (_ServiceRegistry *ServiceRegistryFilterer) WatchServiceURIUpdate(opts *bind.WatchOpts, sink chan<- *ServiceRegistryServiceURIUpdate, addr []common.Address) (event.Subscription, error) {

	var addrRule []interface{}
	for _, addrItem := range addr {
		addrRule = append(addrRule, addrItem)
	}

	logs, sub, err := _ServiceRegistry.contract.WatchLogs(opts, "ServiceURIUpdate", addrRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(ServiceRegistryServiceURIUpdate)
				if err := _ServiceRegistry.contract.UnpackLog(event, "ServiceURIUpdate", log); err != nil {
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

// ParseServiceURIUpdate is a log parse operation binding the contract event 0xfbb63068732c85741c9f8e61caffaabe038d577bfafd2d2dcc0e352a4f653a4c.
//
// Solidity: event ServiceURIUpdate(address indexed addr, string serviceURI)
func (_ServiceRegistry *ServiceRegistryFilterer) ParseServiceURIUpdate(log types.Log) (*ServiceRegistryServiceURIUpdate, error) {
	event := new(ServiceRegistryServiceURIUpdate)
	if err := _ServiceRegistry.contract.UnpackLog(event, "ServiceURIUpdate", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}
