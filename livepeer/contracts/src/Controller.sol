// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Controller (jobtester test double)
/// @notice A registry from contract id (keccak256 of its name) to address,
/// with the read ABI of Livepeer's Controller. Written for jobtester's tests
/// and simulated network; it is not Livepeer's contract.
contract Controller {
    address public immutable owner;
    mapping(bytes32 => address) private registry;

    event SetContract(bytes32 indexed id, address contractAddress);

    constructor() {
        owner = msg.sender;
    }

    function setContract(bytes32 id, address contractAddress) external {
        require(msg.sender == owner, "Controller: not owner");
        registry[id] = contractAddress;
        emit SetContract(id, contractAddress);
    }

    /// @return the address registered under id, or the zero address.
    function getContract(bytes32 id) external view returns (address) {
        return registry[id];
    }
}
