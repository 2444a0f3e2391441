// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title TicketBroker (jobtester test double)
/// @notice Emits Livepeer's WinningTicketRedeemed event with its exact ABI,
/// so that a reader of redemptions is tested against real EVM logs. There
/// are no deposits, reserves or signature checks: the owner (a test, or the
/// simulated network paying its orchestrators) records redemptions directly.
contract TicketBroker {
    address public immutable owner;

    event WinningTicketRedeemed(
        address indexed sender,
        address indexed recipient,
        uint256 faceValue,
        uint256 winProb,
        uint256 senderNonce,
        uint256 recipientRand,
        bytes auxData
    );

    constructor() {
        owner = msg.sender;
    }

    /// @notice Records count winning tickets of sender paid to recipient, each
    /// of faceValue, with sender nonces firstNonce, firstNonce+1, … One call
    /// per batch keeps a busy simulated network to few transactions per block.
    function redeemWinningTicketsForTest(
        address sender,
        address recipient,
        uint256 faceValue,
        uint256 winProb,
        uint256 firstNonce,
        uint256 count,
        bytes calldata auxData
    ) external {
        require(msg.sender == owner, "TicketBroker: not owner");
        require(recipient != address(0), "TicketBroker: zero recipient");
        for (uint256 i = 0; i < count; i++) {
            uint256 nonce = firstNonce + i;
            emit WinningTicketRedeemed(
                sender,
                recipient,
                faceValue,
                winProb,
                nonce,
                uint256(keccak256(abi.encode(recipient, nonce))),
                auxData
            );
        }
    }
}
