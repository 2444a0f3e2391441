// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

interface IControllerLookup {
    function getContract(bytes32 id) external view returns (address);
}

interface ICurrentRound {
    function currentRound() external view returns (uint256);
}

/// @title BondingManager (jobtester test double)
/// @notice The read ABI of Livepeer's BondingManager (transcoder pool walk,
/// transcoder records, status, stake, activity) over state the owner sets
/// directly. There is no bonding, token or reward logic: the owner registers
/// transcoders with a stake and moves them through activation and
/// deactivation, which is what jobtester's discovery needs to see.
///
/// The pool is a singly linked list kept in descending stake order. Unlike
/// Livepeer, a deactivated transcoder stays in the pool until withdrawn, so
/// that discovery can be tested on a pool member that is no longer active.
contract BondingManager {
    enum TranscoderStatus {
        NotRegistered,
        Registered
    }

    struct Transcoder {
        uint256 lastRewardRound;
        uint256 rewardCut;
        uint256 feeShare;
        uint256 lastActiveStakeUpdateRound;
        uint256 activationRound;
        uint256 deactivationRound;
        uint256 activeCumulativeRewards;
        uint256 cumulativeRewards;
        uint256 cumulativeFees;
        uint256 lastFeeRound;
        uint256 totalStake;
        bool registered;
        bool inPool;
    }

    address public immutable owner;
    IControllerLookup public immutable controller;

    mapping(address => Transcoder) private transcoders;
    mapping(address => address) private nextInPool;
    address private firstInPool;
    uint256 private poolSize;
    uint256 private poolMaxSize;

    event TranscoderUpdate(address indexed transcoder, uint256 rewardCut, uint256 feeShare);
    event TranscoderActivated(address indexed transcoder, uint256 activationRound);
    event TranscoderDeactivated(address indexed transcoder, uint256 deactivationRound);
    event Reward(address indexed transcoder, uint256 amount);

    constructor(address controllerAddress, uint256 maxSize) {
        owner = msg.sender;
        controller = IControllerLookup(controllerAddress);
        poolMaxSize = maxSize;
    }

    modifier onlyOwner() {
        require(msg.sender == owner, "BondingManager: not owner");
        _;
    }

    // ---- administration (tests and the simulated network) ----

    /// @notice Registers transcoder with stake and puts it in the pool, to
    /// become active at activationRound. rewardCut and feeShare are in
    /// parts per million.
    function registerTranscoder(
        address transcoder,
        uint256 stake,
        uint256 rewardCut,
        uint256 feeShare,
        uint256 activationRound
    ) external onlyOwner {
        require(transcoder != address(0), "BondingManager: zero address");
        require(!transcoders[transcoder].registered, "BondingManager: already registered");
        require(poolSize < poolMaxSize, "BondingManager: pool full");
        Transcoder storage t = transcoders[transcoder];
        t.registered = true;
        t.rewardCut = rewardCut;
        t.feeShare = feeShare;
        t.totalStake = stake;
        t.activationRound = activationRound;
        t.lastActiveStakeUpdateRound = activationRound;
        t.deactivationRound = type(uint256).max;
        insertSorted(transcoder);
        emit TranscoderUpdate(transcoder, rewardCut, feeShare);
        emit TranscoderActivated(transcoder, activationRound);
    }

    /// @notice Ends transcoder's activity at deactivationRound (it is
    /// inactive from that round on). It stays in the pool.
    function deactivateTranscoder(address transcoder, uint256 deactivationRound) external onlyOwner {
        require(transcoders[transcoder].registered, "BondingManager: not registered");
        transcoders[transcoder].deactivationRound = deactivationRound;
        emit TranscoderDeactivated(transcoder, deactivationRound);
    }

    /// @notice Removes transcoder from the pool and unregisters it.
    function withdrawTranscoder(address transcoder) external onlyOwner {
        require(transcoders[transcoder].registered, "BondingManager: not registered");
        if (transcoders[transcoder].inPool) {
            unlink(transcoder);
        }
        delete transcoders[transcoder];
    }

    /// @notice Adds amount to transcoder's stake as a reward for the
    /// current round, moving it in the pool's stake order.
    function reward(address transcoder, uint256 amount) external onlyOwner {
        Transcoder storage t = transcoders[transcoder];
        require(t.registered, "BondingManager: not registered");
        uint256 round = currentRound();
        t.totalStake += amount;
        t.cumulativeRewards += amount;
        t.activeCumulativeRewards += amount;
        t.lastRewardRound = round;
        t.lastActiveStakeUpdateRound = round;
        if (t.inPool) {
            unlink(transcoder);
            insertSorted(transcoder);
        }
        emit Reward(transcoder, amount);
    }

    /// @notice Sets the pool's capacity. Deliberately unchecked against the
    /// current size, so that tests can build a pool longer than its maximum.
    function setTranscoderPoolMaxSize(uint256 maxSize) external onlyOwner {
        poolMaxSize = maxSize;
    }

    /// @notice Overwrites a pool link with no checks. For tests of clients
    /// that must survive a corrupt list (a cycle, a dangling link).
    function setNextTranscoderInPoolForTest(address transcoder, address next) external onlyOwner {
        if (transcoder == address(0)) {
            firstInPool = next;
        } else {
            nextInPool[transcoder] = next;
        }
    }

    // ---- the read ABI discovery uses ----

    function getFirstTranscoderInPool() external view returns (address) {
        return firstInPool;
    }

    function getNextTranscoderInPool(address transcoder) external view returns (address) {
        return nextInPool[transcoder];
    }

    function getTranscoderPoolSize() external view returns (uint256) {
        return poolSize;
    }

    function getTranscoderPoolMaxSize() external view returns (uint256) {
        return poolMaxSize;
    }

    function getTranscoder(address transcoder)
        external
        view
        returns (
            uint256 lastRewardRound,
            uint256 rewardCut,
            uint256 feeShare,
            uint256 lastActiveStakeUpdateRound,
            uint256 activationRound,
            uint256 deactivationRound,
            uint256 activeCumulativeRewards,
            uint256 cumulativeRewards,
            uint256 cumulativeFees,
            uint256 lastFeeRound
        )
    {
        Transcoder storage t = transcoders[transcoder];
        return (
            t.lastRewardRound,
            t.rewardCut,
            t.feeShare,
            t.lastActiveStakeUpdateRound,
            t.activationRound,
            t.deactivationRound,
            t.activeCumulativeRewards,
            t.cumulativeRewards,
            t.cumulativeFees,
            t.lastFeeRound
        );
    }

    function transcoderStatus(address transcoder) external view returns (TranscoderStatus) {
        return transcoders[transcoder].registered ? TranscoderStatus.Registered : TranscoderStatus.NotRegistered;
    }

    function transcoderTotalStake(address transcoder) external view returns (uint256) {
        return transcoders[transcoder].totalStake;
    }

    /// @notice Active means in the pool and activationRound <= current round
    /// < deactivationRound.
    function isActiveTranscoder(address transcoder) external view returns (bool) {
        Transcoder storage t = transcoders[transcoder];
        if (!t.inPool) {
            return false;
        }
        uint256 round = currentRound();
        return t.activationRound <= round && round < t.deactivationRound;
    }

    // ---- internals ----

    function currentRound() private view returns (uint256) {
        address rounds = controller.getContract(keccak256("RoundsManager"));
        require(rounds != address(0), "BondingManager: no RoundsManager in Controller");
        return ICurrentRound(rounds).currentRound();
    }

    /// Inserts after every member with at least the same stake, so equal
    /// stakes keep their registration order.
    function insertSorted(address transcoder) private {
        uint256 stake = transcoders[transcoder].totalStake;
        address prev = address(0);
        address cur = firstInPool;
        while (cur != address(0) && transcoders[cur].totalStake >= stake) {
            prev = cur;
            cur = nextInPool[cur];
        }
        nextInPool[transcoder] = cur;
        if (prev == address(0)) {
            firstInPool = transcoder;
        } else {
            nextInPool[prev] = transcoder;
        }
        transcoders[transcoder].inPool = true;
        poolSize += 1;
    }

    function unlink(address transcoder) private {
        address next = nextInPool[transcoder];
        if (firstInPool == transcoder) {
            firstInPool = next;
        } else {
            address cur = firstInPool;
            while (nextInPool[cur] != transcoder) {
                require(cur != address(0), "BondingManager: not in pool");
                cur = nextInPool[cur];
            }
            nextInPool[cur] = next;
        }
        delete nextInPool[transcoder];
        transcoders[transcoder].inPool = false;
        poolSize -= 1;
    }
}
