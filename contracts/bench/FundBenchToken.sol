// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title FundBenchToken
 * @notice A plain OpenZeppelin ERC-20, used only by `scripts/bench/fund.bench.ts` as the gas baseline that the
 * fund, time bank and anchor figures are compared with. Not part of the system.
 */
contract FundBenchToken is ERC20 {
    /// @param holder receives the whole supply
    /// @param supply the supply, in the token's smallest unit
    constructor(address holder, uint256 supply) ERC20("Gongzhi fund bench baseline", "GZFB") {
        _mint(holder, supply);
    }
}
