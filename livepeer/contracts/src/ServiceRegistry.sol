// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title ServiceRegistry (jobtester test double)
/// @notice Each address publishes one service URI, as in Livepeer's
/// ServiceRegistry; the same contract is deployed a second time as the
/// AIServiceRegistry.
contract ServiceRegistry {
    mapping(address => string) private uris;

    event ServiceURIUpdate(address indexed addr, string serviceURI);

    function setServiceURI(string calldata serviceURI) external {
        uris[msg.sender] = serviceURI;
        emit ServiceURIUpdate(msg.sender, serviceURI);
    }

    /// @return the URI addr published, or "" if it never did.
    function getServiceURI(address addr) external view returns (string memory) {
        return uris[addr];
    }
}
