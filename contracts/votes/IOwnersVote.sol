// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Matter, Outcome} from "./VoteTypes.sol";

/**
 * @notice What other contracts (the maintenance fund) read from an owners' vote.
 */
interface IOwnersVote {
    /// @notice What a decided vote authorises.
    struct Authorization {
        uint32 estateId;
        uint32 buildingId; // 0 for the whole estate
        uint64 scopeKey; // CommunityRegistry.scopeKey(estateId, buildingId)
        uint48 snapshot; // registry block whose areas and heads the vote used
        Matter matter;
        Outcome outcome;
        uint128 budget; // fen; 0 unless the matter is UseFund or RaiseFund
    }

    /// @notice The scope, snapshot, matter, outcome and budget of a vote; reverts for an unknown vote.
    function authorization(uint256 voteId) external view returns (Authorization memory);
}
