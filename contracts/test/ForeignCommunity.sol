// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TimeBank} from "../timebank/TimeBank.sol";

/**
 * @title ForeignCommunity
 * @notice Used only by the contract tests: another community's contract that a time bank has recognised but that
 * is not a TimeBank of ours, so it can push what a TimeBank would refuse before calling (zero minutes, the zero
 * account). The receiving bank must refuse these itself. Not part of the system.
 */
contract ForeignCommunity {
    /// @notice Pushes a visitor's redemption to `bank` as a recognised community would.
    function pushRedemption(TimeBank bank, address member, address partner, uint48 minutes_, bytes32 noteHash) external {
        bank.acceptVisitorRedemption(member, partner, minutes_, TimeBank.RedemptionKind.Goods, noteHash);
    }

    /// @notice Pushes a member moving in to `bank` as a recognised community would.
    function pushMember(TimeBank bank, address member, uint48 minutes_) external {
        bank.acceptMember(member, minutes_);
    }
}
