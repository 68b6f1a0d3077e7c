// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CommunityRegistry} from "./CommunityRegistry.sol";

/**
 * @title RegistryAccess
 * @notice Base for contracts whose permissions come from the one community registry, so that a role is
 * granted or revoked in one place for the whole system.
 */
abstract contract RegistryAccess {
    /// @notice The registry that holds estates, units and roles.
    CommunityRegistry public immutable registry;

    error ZeroRegistry();
    error MissingRole(address account, bytes32 role);
    error NotCommitteeMember(address account, uint32 estateId);

    constructor(CommunityRegistry registry_) {
        if (address(registry_) == address(0)) revert ZeroRegistry();
        registry = registry_;
    }

    modifier onlyRegistryRole(bytes32 role) {
        _checkRegistryRole(role, msg.sender);
        _;
    }

    function _checkRegistryRole(bytes32 role, address account) internal view {
        if (!registry.hasRole(role, account)) revert MissingRole(account, role);
    }

    function _checkCommittee(uint32 estateId, address account) internal view {
        if (!registry.isCommitteeMember(estateId, account)) revert NotCommitteeMember(account, estateId);
    }
}
