// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title RoundsManager (jobtester test double)
/// @notice The read ABI of Livepeer's RoundsManager. Rounds do not follow
/// block numbers here: the owner sets the current round, so that tests and
/// the simulated network decide when a round starts.
contract RoundsManager {
    address public immutable owner;
    uint256 private round;
    uint256 private lastInitializedRound;
    uint256 private blocksPerRound;

    event NewRound(uint256 indexed round, bytes32 blockHash);

    constructor(uint256 initialRound, uint256 initialRoundLength) {
        owner = msg.sender;
        round = initialRound;
        lastInitializedRound = initialRound;
        blocksPerRound = initialRoundLength;
    }

    modifier onlyOwner() {
        require(msg.sender == owner, "RoundsManager: not owner");
        _;
    }

    /// @notice Starts round newRound and marks it initialized.
    function initializeRound(uint256 newRound) external onlyOwner {
        round = newRound;
        lastInitializedRound = newRound;
        emit NewRound(newRound, blockhash(block.number - 1));
    }

    /// @notice Moves to newRound without initializing it, as on a chain
    /// where nobody has called initializeRound yet.
    function setCurrentRound(uint256 newRound) external onlyOwner {
        round = newRound;
    }

    function setRoundLength(uint256 newRoundLength) external onlyOwner {
        blocksPerRound = newRoundLength;
    }

    function currentRound() external view returns (uint256) {
        return round;
    }

    function currentRoundInitialized() external view returns (bool) {
        return lastInitializedRound == round;
    }

    function roundLength() external view returns (uint256) {
        return blocksPerRound;
    }
}
