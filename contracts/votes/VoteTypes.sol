// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @notice The matters of Civil Code art. 278 that owners decide jointly. Three are major matters (重大事项)
 * that need 3/4 approval by default: raising the maintenance fund, rebuilding, and changing the use of
 * common parts. The others need more than 1/2.
 */
enum Matter {
    RulesOfProcedure, // 制定和修改业主大会议事规则
    ManagementStatute, // 制定和修改管理规约
    ElectCommittee, // 选举业主委员会或者更换业主委员会成员
    HirePropertyManager, // 选聘和解聘物业服务企业或者其他管理人
    UseFund, // 使用建筑物及其附属设施的维修资金
    RaiseFund, // 筹集建筑物及其附属设施的维修资金 (major)
    Rebuild, // 改建、重建建筑物及其附属设施 (major)
    ChangeCommonUse, // 改变共有部分的用途或者利用共有部分从事经营活动 (major)
    OtherMajorMatter // 有关共有和共同管理权利的其他重大事项
}

/// @notice Pending until finalized after the closing time.
enum Outcome {
    Pending,
    QuorumNotMet,
    Passed,
    Rejected
}

/// @notice A ballot's choice. `None` is never a valid ballot.
enum Choice {
    None,
    For,
    Against,
    Abstain
}
