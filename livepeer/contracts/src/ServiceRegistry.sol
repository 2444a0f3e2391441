// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title ServiceRegistry (jobtester test double)
/// @notice Each address publishes one service URI, as in Livepeer's
/// ServiceRegistry; the same contract is deployed a second time as the
/// AIServiceRegistry. The owner may also publish for an address, for the
/// simulated network, whose orchestrators have addresses but no keys.
contract ServiceRegistry {
    address public immutable owner;
    mapping(address => string) private uris;

    event ServiceURIUpdate(address indexed addr, string serviceURI);

    constructor() {
        owner = msg.sender;
    }

    function setServiceURI(string calldata serviceURI) external {
        uris[msg.sender] = serviceURI;
        emit ServiceURIUpdate(msg.sender, serviceURI);
    }

    /// @notice What setServiceURI does, on behalf of addr (owner only).
    function setServiceURIFor(address addr, string calldata serviceURI) external {
        require(msg.sender == owner, "ServiceRegistry: not owner");
        uris[addr] = serviceURI;
        emit ServiceURIUpdate(addr, serviceURI);
    }

    /// @return the URI addr published, or "" if it never did.
    function getServiceURI(address addr) external view returns (string memory) {
        return uris[addr];
    }
}
