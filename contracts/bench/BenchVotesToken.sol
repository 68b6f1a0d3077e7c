// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/**
 * @title BenchVotesToken
 * @notice Benchmark baseline only: an ERC20Votes token whose balances are the voters' areas, for an
 * OpenZeppelin Governor to compare ballot gas against. Never deployed outside benchmarks.
 */
contract BenchVotesToken is ERC20, ERC20Permit, ERC20Votes {
    error LengthMismatch(uint256 accounts, uint256 amounts);

    constructor() ERC20("Bench Votes", "BVOTE") ERC20Permit("Bench Votes") {}

    /// @notice Mints `amounts` to `accounts` and delegates each account's votes to itself.
    /// @dev Unrestricted on purpose: a benchmark fixture, not a token of the system.
    function mintAndSelfDelegate(address[] calldata accounts, uint256[] calldata amounts) external {
        if (accounts.length != amounts.length) revert LengthMismatch(accounts.length, amounts.length);
        for (uint256 i = 0; i < accounts.length; ++i) {
            _mint(accounts[i], amounts[i]);
            _delegate(accounts[i], accounts[i]);
        }
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }

    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }
}
