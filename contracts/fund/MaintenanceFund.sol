// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {CommunityRegistry} from "../registry/CommunityRegistry.sol";
import {RegistryAccess} from "../registry/RegistryAccess.sol";
import {IOwnersVote} from "../votes/IOwnersVote.sol";
import {Matter, Outcome} from "../votes/VoteTypes.sol";

/**
 * @title MaintenanceFund
 * @notice The ledger of the residential maintenance fund (住宅专项维修资金): one sub-account per unit, in fen.
 * Money itself moves in the bank; this contract is the authoritative record of who deposited, who approved a
 * spend, how its cost was apportioned to the units, and where each payment went.
 *
 * Money flow. An estate's fund balance always equals the sum of its units' balances.
 *  - `deposit`: the custodian credits one unit's sub-account (and the estate's fund balance).
 *  - Opening a spend plan (after a passed `UseFund` vote, or through the emergency path) debits every unit of the
 *    plan's scope its share of the budget, apportioned by registered area as of the plan's snapshot block. The
 *    budget leaves the fund balance and becomes the plan's commitment. A unit that cannot cover its share blocks
 *    the opening.
 *  - `disburse`: the custodian pays a stage out of the commitment; the sum of payments never exceeds the budget.
 *  - `closePlan`: the unused commitment (budget − disbursed) goes back to the same units, apportioned by the same
 *    rule. Per estate: deposited = balance + committed + disbursed.
 *
 * Apportionment rule (exact, deterministic). The units of the scope are taken in id order with their areas
 * `a_1..a_n`, `T = Σ a_i` and cumulative areas `A_i = a_1 + … + a_i`. Unit `i` bears
 * `floor(amount·A_i/T) − floor(amount·A_{i−1}/T)`. The shares telescope to exactly `amount` and each is within
 * one fen of the exact proportion `amount·a_i/T`. A unit's net cost of a closed plan is its share of the budget
 * minus its share of the unused part, so it is within two fen of its exact share of what was disbursed.
 *
 * Emergency path (art. 281). Without a vote, a committee member proposes a spend of at most the estate's cap;
 * it opens when at least `MIN_EMERGENCY_APPROVALS` members approve and they hold more than half of the
 * committee's current seats, and the custodian confirms. The emergency spends confirmed in an estate within any
 * rolling period of `periodDays` days never exceed the estate's `periodLimit`: a budget counts in full from its
 * confirmation, even if part of it is later released, so splitting one spend into many proposals gains nothing.
 *
 * Documents. Each supporting document (its hash) justifies at most one disbursement, across all plans.
 *
 * Separation of duties. A plan is opened by the owners' side (a committee member after a vote, or the committee
 * plus the custodian on the emergency path) and paid by the custodian. No address that opened, proposed or
 * approved a plan may confirm it or pay from it (the registry also forbids a custodian from holding a seat).
 * A plan is closed by the custodian (after the last payment) or by a committee member of its estate (to abandon
 * it): closing can only return money to the units, never send it anywhere else.
 */
contract MaintenanceFund is RegistryAccess {
    using Checkpoints for Checkpoints.Trace208;

    /// @notice Fewest committee approvals an emergency spend needs, however small the committee (art. 281); it
    /// also needs approvals from more than half of the committee's current seats.
    uint256 public constant MIN_EMERGENCY_APPROVALS = 2;
    /// @notice Longest rolling period over which an estate's emergency spends are limited.
    uint16 public constant MAX_EMERGENCY_PERIOD_DAYS = 366;
    /// @notice How long an emergency proposal may wait for approvals and the custodian's confirmation.
    uint256 public constant EMERGENCY_PROPOSAL_TTL = 3 days;
    /// @notice Disclosure window of an emergency spend when the estate has no policy of its own.
    uint16 public constant DEFAULT_DISCLOSURE_DAYS = 30;
    /// @notice Longest disclosure window an estate may set.
    uint16 public constant MAX_DISCLOSURE_DAYS = 365;

    /// @notice How a plan was authorised.
    enum PlanKind {
        Vote,
        Emergency
    }

    /// @notice `Proposed` exists only on the emergency path, before the custodian's confirmation.
    enum PlanStatus {
        None,
        Proposed,
        Open,
        Closed
    }

    /// @notice The stage a disbursement pays for.
    enum Stage {
        Start, // 开工款 / advance on signing
        Progress, // 进度款
        Acceptance, // 验收款
        Warranty // 质保金 released after the warranty
    }

    /// @notice Where an emergency spend stands with its disclosure to the owners.
    enum Disclosure {
        NotRequired, // a vote-backed plan, or an emergency proposal not yet opened
        Pending, // opened, not disclosed, still within the window
        Overdue, // opened, not disclosed, window passed
        Disclosed, // disclosed within the window
        DisclosedLate // disclosed after the window
    }

    /// @notice One slot per unit: balance and lifetime totals, in fen. balance = deposited − charged + refunded.
    struct Account {
        uint64 balance;
        uint64 deposited;
        uint64 charged;
        uint64 refunded;
    }

    /// @notice One slot per estate, in fen. deposited = balance + committed + disbursed.
    struct EstateLedger {
        uint64 balance; // = Σ balances of the estate's units
        uint64 committed; // Σ (budget − disbursed) over open plans
        uint64 deposited;
        uint64 disbursed;
    }

    /// @notice A spend plan. `voteId` is meaningful only for `PlanKind.Vote`.
    struct Plan {
        uint32 estateId;
        uint32 buildingId; // 0 for the whole estate
        uint64 scopeKey;
        uint48 snapshot; // registry block whose units and areas the apportionment uses
        uint48 openedAt; // timestamp of the opening (for an emergency: of the custodian's confirmation)
        PlanKind kind;
        PlanStatus status;
        uint64 budget;
        uint64 disbursed;
        uint48 proposedAt; // emergency proposals only
        uint48 disclosureDue; // emergency plans only
        uint48 disclosedAt;
        address openedBy; // the committee member who opened (vote) or proposed (emergency) the plan
        uint256 voteId;
        bytes32 planHash; // hash of the repair plan / the emergency's reason
        bytes32 disclosureHash;
        bytes32 closingHash; // hash of the acceptance report or the reason to abandon
    }

    /// @notice One payment out of a plan.
    struct Disbursement {
        address payee;
        uint64 amount;
        Stage stage;
        uint48 paidAt;
        bytes32 documentHash; // contract, invoice or acceptance report
    }

    /// @notice An estate's emergency-spend parameters, set by the registry admin.
    struct EmergencyPolicy {
        uint64 cap; // largest emergency spend in fen; 0 disables the emergency path
        uint64 periodLimit; // most fen spent on the emergency path within any `periodDays` days (≥ cap)
        uint16 periodDays; // length of the rolling period, 1 to MAX_EMERGENCY_PERIOD_DAYS
        uint16 disclosureDays; // 0 means DEFAULT_DISCLOSURE_DAYS
    }

    /// @notice The owners' vote contract whose `UseFund` decisions authorise spends.
    IOwnersVote public immutable ownersVote;

    mapping(uint32 unitId => Account) private _accounts;
    mapping(uint32 estateId => EstateLedger) private _estates;
    mapping(uint32 estateId => EmergencyPolicy) private _policies;
    mapping(bytes32 receiptHash => bool) private _receiptUsed;
    mapping(uint256 planId => Plan) private _plans;
    mapping(uint256 planId => Disbursement[]) private _disbursements;
    mapping(uint256 voteId => uint256 planId) private _planOfVote;
    mapping(uint256 planId => address[]) private _approvers;
    mapping(uint256 planId => mapping(address account => bool)) private _approved;
    /// @dev Per estate, the cumulative emergency budgets confirmed, checkpointed by confirmation timestamp.
    mapping(uint32 estateId => Checkpoints.Trace208) private _emergencySpent;
    mapping(bytes32 documentHash => uint256 planId) private _documentPlan;
    uint256 private _planCount;

    /// @notice The custodian recorded a deposit into a unit's sub-account.
    event Deposited(
        uint32 indexed unitId,
        uint32 indexed estateId,
        uint64 amount,
        uint64 balance,
        bytes32 indexed receiptHash
    );
    /// @notice A plan opened and its budget was debited from the units of its scope.
    event PlanOpened(
        uint256 indexed planId,
        uint32 indexed estateId,
        PlanKind kind,
        uint256 voteId,
        uint32 buildingId,
        uint48 snapshot,
        uint64 budget,
        bytes32 planHash,
        address indexed openedBy
    );
    /// @notice A unit's share of a plan's budget was debited from its sub-account.
    event UnitCharged(uint256 indexed planId, uint32 indexed unitId, uint64 amount);
    /// @notice A unit's share of a closed plan's unused budget was credited back to its sub-account.
    event UnitRefunded(uint256 indexed planId, uint32 indexed unitId, uint64 amount);
    /// @notice The custodian paid a stage of a plan.
    event Disbursed(
        uint256 indexed planId,
        uint256 indexed index,
        address indexed payee,
        uint64 amount,
        Stage stage,
        bytes32 documentHash
    );
    /// @notice A plan closed; `released` went back to its units.
    event PlanClosed(
        uint256 indexed planId,
        address indexed closedBy,
        uint64 disbursed,
        uint64 released,
        bytes32 closingHash
    );
    /// @notice A committee member proposed an emergency spend (and counts as its first approval).
    event EmergencyProposed(
        uint256 indexed planId,
        uint32 indexed estateId,
        uint32 buildingId,
        uint64 amount,
        bytes32 reasonHash,
        address indexed proposer
    );
    /// @notice A committee member approved an emergency spend.
    event EmergencyApproved(uint256 indexed planId, address indexed member, uint256 approvals);
    /// @notice The custodian confirmed an emergency spend, which opened; it must be disclosed by `disclosureDue`.
    event EmergencyConfirmed(uint256 indexed planId, address indexed custodian, uint256 approvals, uint48 disclosureDue);
    /// @notice The disclosure document of an emergency spend was recorded.
    event EmergencyDisclosed(uint256 indexed planId, address indexed member, bytes32 documentHash, bool late);
    /// @notice The registry admin set an estate's emergency cap, rolling limit and disclosure window.
    event EmergencyPolicySet(
        uint32 indexed estateId,
        uint64 cap,
        uint64 periodLimit,
        uint16 periodDays,
        uint16 disclosureDays
    );

    /// @notice The constructor was given no vote contract.
    error ZeroVoteContract();
    /// @notice An amount or budget of zero fen.
    error ZeroAmount();
    /// @notice A document, receipt or reason hash was missing.
    error ZeroHash();
    /// @notice A disbursement without a payee.
    error ZeroPayee();
    /// @notice The registry has no such estate.
    error UnknownEstate(uint32 estateId);
    /// @notice This bank receipt was already recorded.
    error DuplicateReceipt(bytes32 receiptHash);
    /// @notice No plan has this id.
    error UnknownPlan(uint256 planId);
    /// @notice The plan is in `status`; the call needs `expected`.
    error WrongPlanStatus(uint256 planId, PlanStatus status, PlanStatus expected);
    /// @notice The vote did not pass (or is not decided yet).
    error VoteNotPassed(uint256 voteId, Outcome outcome);
    /// @notice The vote decided another matter than using the fund.
    error WrongMatter(uint256 voteId, Matter matter);
    /// @notice The plan's budget is larger than the budget the owners approved.
    error BudgetExceedsVote(uint256 voteId, uint64 budget, uint128 voteBudget);
    /// @notice The vote already has its plan.
    error PlanExistsForVote(uint256 voteId, uint256 planId);
    /// @notice The scope had no units at the snapshot.
    error EmptyScope(uint64 scopeKey, uint48 snapshot);
    /// @notice A unit's sub-account cannot cover its share of a plan.
    error InsufficientUnitBalance(uint32 unitId, uint64 balance, uint64 share);
    /// @notice Paying `amount` would take the plan's payments beyond its budget.
    error DisbursementExceedsBudget(uint256 planId, uint64 budget, uint64 disbursed, uint64 amount);
    /// @notice The emergency spend is above the estate's cap (0: the emergency path is off).
    error EmergencyCapExceeded(uint32 estateId, uint64 amount, uint64 cap);
    /// @notice This member already approved the emergency proposal.
    error AlreadyApproved(uint256 planId, address member);
    /// @notice The emergency proposal has `approvals` from current seats; it needs `required` (at least
    /// `MIN_EMERGENCY_APPROVALS` and more than half of `committeeSize`).
    error InsufficientApprovals(uint256 planId, uint256 approvals, uint256 required, uint256 committeeSize);
    /// @notice Spending `amount` would take the estate's emergency spends within the rolling period beyond its limit.
    error EmergencyLimitExceeded(uint32 estateId, uint256 spentInPeriod, uint64 amount, uint64 periodLimit);
    /// @notice The rolling limit must be at least the cap, over 1 to `maxDays` days.
    error InvalidEmergencyLimit(uint64 cap, uint64 periodLimit, uint16 periodDays, uint16 maxDays);
    /// @notice This document already justified a disbursement of plan `planId`.
    error DocumentAlreadyUsed(bytes32 documentHash, uint256 planId);
    /// @notice The emergency proposal was not confirmed in time.
    error ProposalExpired(uint256 planId, uint256 expiredAt);
    /// @notice `account` opened, proposed or approved the plan, so it may not confirm or pay it.
    error SeparationOfDuties(address account, uint256 planId);
    /// @notice The plan was authorised by a vote, not on the emergency path.
    error NotEmergency(uint256 planId);
    /// @notice The emergency spend was already disclosed with `documentHash`.
    error AlreadyDisclosed(uint256 planId, bytes32 documentHash);
    /// @notice Only the custodian or a committee member of the plan's estate may close it.
    error NotPlanCloser(address account, uint256 planId);
    /// @notice The disclosure window must be between 1 and `maxDays` days.
    error InvalidDisclosureWindow(uint16 disclosureDays, uint16 maxDays);

    /**
     * @param registry_ the community registry (units, areas, roles)
     * @param ownersVote_ the owners' vote contract, read only through `IOwnersVote`
     */
    constructor(CommunityRegistry registry_, IOwnersVote ownersVote_) RegistryAccess(registry_) {
        if (address(ownersVote_) == address(0)) revert ZeroVoteContract();
        ownersVote = ownersVote_;
    }

    // ───────────────────────────── deposits ─────────────────────────────

    /**
     * @notice Records a deposit into a unit's sub-account. Only the custodian may call it.
     * @param unitId the unit whose owner paid
     * @param amount the amount in fen
     * @param receiptHash hash of the bank receipt; each receipt can be recorded once
     */
    function deposit(
        uint32 unitId,
        uint64 amount,
        bytes32 receiptHash
    ) external onlyRegistryRole(registry.CUSTODIAN_ROLE()) {
        if (amount == 0) revert ZeroAmount();
        if (receiptHash == bytes32(0)) revert ZeroHash();
        if (_receiptUsed[receiptHash]) revert DuplicateReceipt(receiptHash);
        (uint32 buildingId, , , ) = registry.unit(unitId); // reverts for an unknown unit
        uint32 estateId = registry.estateOf(buildingId);

        _receiptUsed[receiptHash] = true;
        Account memory account_ = _accounts[unitId];
        account_.balance += amount;
        account_.deposited += amount;
        _accounts[unitId] = account_;
        EstateLedger memory ledger = _estates[estateId];
        ledger.balance += amount;
        ledger.deposited += amount;
        _estates[estateId] = ledger;
        emit Deposited(unitId, estateId, amount, account_.balance, receiptHash);
    }

    // ───────────────────────────── vote-backed plans ─────────────────────────────

    /**
     * @notice Opens a spend plan against a passed `UseFund` vote and debits each unit of the vote's scope its
     * share of `budget`, by area as of the vote's snapshot. Only a committee member of the vote's estate.
     * @param voteId the owners' vote that authorised the spend; one plan per vote
     * @param budget the plan's budget in fen, at most the vote's budget
     * @param planHash hash of the repair plan (scope of works, budget breakdown)
     * @return planId the new plan's id, counting from 1
     */
    function openPlan(uint256 voteId, uint64 budget, bytes32 planHash) external returns (uint256 planId) {
        IOwnersVote.Authorization memory auth = ownersVote.authorization(voteId);
        _checkCommittee(auth.estateId, msg.sender);
        if (auth.matter != Matter.UseFund) revert WrongMatter(voteId, auth.matter);
        if (auth.outcome != Outcome.Passed) revert VoteNotPassed(voteId, auth.outcome);
        if (budget == 0) revert ZeroAmount();
        if (budget > auth.budget) revert BudgetExceedsVote(voteId, budget, auth.budget);
        if (planHash == bytes32(0)) revert ZeroHash();
        uint256 existing = _planOfVote[voteId];
        if (existing != 0) revert PlanExistsForVote(voteId, existing);

        planId = ++_planCount;
        _planOfVote[voteId] = planId;
        Plan storage p = _plans[planId];
        p.estateId = auth.estateId;
        p.buildingId = auth.buildingId;
        p.scopeKey = auth.scopeKey;
        p.snapshot = auth.snapshot;
        p.kind = PlanKind.Vote;
        p.budget = budget;
        p.openedBy = msg.sender;
        p.voteId = voteId;
        p.planHash = planHash;
        _open(planId, p);
    }

    // ───────────────────────────── emergency path (art. 281) ─────────────────────────────

    /**
     * @notice A committee member proposes an emergency spend without a vote; the proposal counts as the
     * proposer's approval. The units and areas are those of the block before the proposal.
     * @param estateId the estate whose committee the proposer sits on
     * @param buildingId the building concerned, or 0 for the whole estate
     * @param amount the budget in fen, at most the estate's emergency cap and what its rolling limit has left
     * @param reasonHash hash of the emergency report (what broke, the quote)
     * @return planId the plan's id, in status `Proposed`
     */
    function proposeEmergency(
        uint32 estateId,
        uint32 buildingId,
        uint64 amount,
        bytes32 reasonHash
    ) external returns (uint256 planId) {
        _checkCommittee(estateId, msg.sender);
        uint64 key = registry.scopeKey(estateId, buildingId); // reverts for a building outside the estate
        if (amount == 0) revert ZeroAmount();
        if (reasonHash == bytes32(0)) revert ZeroHash();
        _checkEmergencyCap(estateId, amount);
        _checkEmergencyLimit(estateId, amount);

        planId = ++_planCount;
        Plan storage p = _plans[planId];
        p.estateId = estateId;
        p.buildingId = buildingId;
        p.scopeKey = key;
        p.snapshot = uint48(block.number - 1);
        p.kind = PlanKind.Emergency;
        p.status = PlanStatus.Proposed;
        p.budget = amount;
        p.proposedAt = uint48(block.timestamp);
        p.openedBy = msg.sender;
        p.planHash = reasonHash;
        _approved[planId][msg.sender] = true;
        _approvers[planId].push(msg.sender);
        emit EmergencyProposed(planId, estateId, buildingId, amount, reasonHash, msg.sender);
        emit EmergencyApproved(planId, msg.sender, _approvers[planId].length);
    }

    /**
     * @notice Another committee member of the estate approves an emergency proposal.
     * @param planId the proposed plan
     */
    function approveEmergency(uint256 planId) external {
        Plan storage p = _emergencyProposal(planId);
        _checkCommittee(p.estateId, msg.sender);
        if (_approved[planId][msg.sender]) revert AlreadyApproved(planId, msg.sender);
        _approved[planId][msg.sender] = true;
        _approvers[planId].push(msg.sender);
        emit EmergencyApproved(planId, msg.sender, _approvers[planId].length);
    }

    /**
     * @notice The custodian agrees to an emergency proposal approved by at least `MIN_EMERGENCY_APPROVALS`
     * members holding more than half of the committee's current seats (approvals of members who have since lost
     * their seat do not count), within the estate's cap and what its rolling limit has left. The plan opens, its
     * amount counts against the rolling limit from now on, and it is apportioned like a vote-backed plan. The
     * custodian can be neither the proposer nor an approver.
     * @param planId the proposed plan
     */
    function confirmEmergency(uint256 planId) external onlyRegistryRole(registry.CUSTODIAN_ROLE()) {
        Plan storage p = _emergencyProposal(planId);
        _checkNotInvolved(planId, p, msg.sender);
        uint32 estateId = p.estateId;
        uint64 amount = p.budget;
        _checkEmergencyCap(estateId, amount);
        uint256 approvals = _seatedApprovals(planId, estateId);
        uint256 seats = registry.committeeSize(estateId);
        uint256 required = requiredApprovals(seats);
        if (approvals < required) revert InsufficientApprovals(planId, approvals, required, seats);
        _checkEmergencyLimit(estateId, amount);

        Checkpoints.Trace208 storage spent = _emergencySpent[estateId];
        spent.push(uint48(block.timestamp), spent.latest() + amount);
        uint48 due = uint48(block.timestamp + uint256(_disclosureDays(p.estateId)) * 1 days);
        p.disclosureDue = due;
        emit EmergencyConfirmed(planId, msg.sender, approvals, due);
        _open(planId, p);
    }

    /**
     * @notice Records the document disclosing an emergency spend to the owners. A committee member of the
     * plan's estate; once per plan. Late disclosures are recorded and flagged.
     * @param planId an opened (or closed) emergency plan
     * @param documentHash hash of the published disclosure
     */
    function discloseEmergency(uint256 planId, bytes32 documentHash) external {
        Plan storage p = _plan(planId);
        if (p.kind != PlanKind.Emergency) revert NotEmergency(planId);
        _checkCommittee(p.estateId, msg.sender);
        if (p.status == PlanStatus.Proposed) revert WrongPlanStatus(planId, p.status, PlanStatus.Open);
        if (p.disclosedAt != 0) revert AlreadyDisclosed(planId, p.disclosureHash);
        if (documentHash == bytes32(0)) revert ZeroHash();
        p.disclosureHash = documentHash;
        p.disclosedAt = uint48(block.timestamp);
        emit EmergencyDisclosed(planId, msg.sender, documentHash, block.timestamp > p.disclosureDue);
    }

    /**
     * @notice Sets an estate's emergency cap, rolling limit and disclosure window. Only the registry admin.
     * Spends already confirmed keep counting against the new limit over the new period.
     * @param estateId the estate
     * @param cap the largest emergency spend in fen (0 disables the emergency path)
     * @param periodLimit the most fen the emergency path may spend within any `periodDays` days; at least `cap`
     * @param periodDays length of the rolling period, from 1 to `MAX_EMERGENCY_PERIOD_DAYS`
     * @param disclosureDays days after opening within which an emergency spend must be disclosed
     */
    function setEmergencyPolicy(
        uint32 estateId,
        uint64 cap,
        uint64 periodLimit,
        uint16 periodDays,
        uint16 disclosureDays
    ) external onlyRegistryRole(registry.DEFAULT_ADMIN_ROLE()) {
        if (registry.developerOf(estateId) == address(0)) revert UnknownEstate(estateId);
        if (periodLimit < cap || periodDays == 0 || periodDays > MAX_EMERGENCY_PERIOD_DAYS) {
            revert InvalidEmergencyLimit(cap, periodLimit, periodDays, MAX_EMERGENCY_PERIOD_DAYS);
        }
        if (disclosureDays == 0 || disclosureDays > MAX_DISCLOSURE_DAYS) {
            revert InvalidDisclosureWindow(disclosureDays, MAX_DISCLOSURE_DAYS);
        }
        _policies[estateId] = EmergencyPolicy({
            cap: cap,
            periodLimit: periodLimit,
            periodDays: periodDays,
            disclosureDays: disclosureDays
        });
        emit EmergencyPolicySet(estateId, cap, periodLimit, periodDays, disclosureDays);
    }

    // ───────────────────────────── disbursements and closing ─────────────────────────────

    /**
     * @notice The custodian pays one stage of an open plan. The custodian cannot be whoever opened, proposed or
     * approved the plan.
     * @param planId the plan
     * @param payee the contractor's address (a bank-account alias; no personal data)
     * @param amount the amount in fen; the plan's payments never exceed its budget
     * @param stage the stage paid for
     * @param documentHash hash of the contract, invoice or acceptance report justifying the payment; a document
     * justifies one payment only, across all plans
     * @return index the payment's index in the plan's disbursement list
     */
    function disburse(
        uint256 planId,
        address payee,
        uint64 amount,
        Stage stage,
        bytes32 documentHash
    ) external onlyRegistryRole(registry.CUSTODIAN_ROLE()) returns (uint256 index) {
        Plan storage p = _openPlan(planId);
        _checkNotInvolved(planId, p, msg.sender);
        if (payee == address(0)) revert ZeroPayee();
        if (amount == 0) revert ZeroAmount();
        if (documentHash == bytes32(0)) revert ZeroHash();
        uint256 usedBy = _documentPlan[documentHash];
        if (usedBy != 0) revert DocumentAlreadyUsed(documentHash, usedBy);
        uint64 disbursed = p.disbursed;
        if (amount > p.budget - disbursed) {
            revert DisbursementExceedsBudget(planId, p.budget, disbursed, amount);
        }

        _documentPlan[documentHash] = planId;
        p.disbursed = disbursed + amount;
        EstateLedger storage ledger = _estates[p.estateId];
        ledger.committed -= amount;
        ledger.disbursed += amount;
        index = _disbursements[planId].length;
        _disbursements[planId].push(
            Disbursement({
                payee: payee,
                amount: amount,
                stage: stage,
                paidAt: uint48(block.timestamp),
                documentHash: documentHash
            })
        );
        emit Disbursed(planId, index, payee, amount, stage, documentHash);
    }

    /**
     * @notice Closes an open plan and returns its unused budget to the units of its scope by the apportionment
     * rule. The custodian (after the last payment) or a committee member of the plan's estate (to abandon it).
     * @param planId the plan
     * @param closingHash hash of the acceptance report, or of the reason for abandoning the plan
     */
    function closePlan(uint256 planId, bytes32 closingHash) external {
        Plan storage p = _openPlan(planId);
        if (
            !registry.hasRole(registry.CUSTODIAN_ROLE(), msg.sender) &&
            !registry.isCommitteeMember(p.estateId, msg.sender)
        ) revert NotPlanCloser(msg.sender, planId);
        if (closingHash == bytes32(0)) revert ZeroHash();

        uint64 released = p.budget - p.disbursed;
        p.status = PlanStatus.Closed;
        p.closingHash = closingHash;
        if (released != 0) {
            EstateLedger storage ledger = _estates[p.estateId];
            ledger.committed -= released;
            ledger.balance += released;
            _apportion(planId, p.scopeKey, p.snapshot, released, false);
        }
        emit PlanClosed(planId, msg.sender, p.disbursed, released, closingHash);
    }

    // ───────────────────────────── views ─────────────────────────────

    /// @notice A unit's balance and lifetime totals (fen); its full statement comes from the events.
    function account(uint32 unitId) external view returns (Account memory) {
        return _accounts[unitId];
    }

    /// @notice An estate's fund balance (fen), which equals the sum of its units' balances.
    function fundBalance(uint32 estateId) external view returns (uint64) {
        return _estates[estateId].balance;
    }

    /// @notice An estate's balance, open commitments and lifetime deposits and disbursements (fen).
    function estateLedger(uint32 estateId) external view returns (EstateLedger memory) {
        return _estates[estateId];
    }

    /// @notice A plan's record.
    function plan(uint256 planId) external view returns (Plan memory) {
        return _plan(planId);
    }

    /// @notice A plan's payments, in order.
    function disbursements(uint256 planId) external view returns (Disbursement[] memory) {
        _plan(planId);
        return _disbursements[planId];
    }

    /**
     * @notice What an auditor needs about a plan: the plan (budget, disbursed, documents' hashes), the vote that
     * authorised it as the vote contract reports it now (all zero for an emergency plan), and its payments.
     */
    function planAudit(
        uint256 planId
    )
        external
        view
        returns (Plan memory plan_, IOwnersVote.Authorization memory vote, Disbursement[] memory payments)
    {
        plan_ = _plan(planId);
        if (plan_.kind == PlanKind.Vote) vote = ownersVote.authorization(plan_.voteId);
        payments = _disbursements[planId];
    }

    /// @notice The plan opened against a vote (0 if none).
    function planOfVote(uint256 voteId) external view returns (uint256) {
        return _planOfVote[voteId];
    }

    /// @notice How many plans (including emergency proposals) exist; ids run from 1 to this number.
    function planCount() external view returns (uint256) {
        return _planCount;
    }

    /// @notice The committee members who approved an emergency plan, proposer first.
    function approvers(uint256 planId) external view returns (address[] memory) {
        return _approvers[planId];
    }

    /// @notice An estate's emergency cap and rolling limit (fen), its period and disclosure window (days, the
    /// disclosure default applied).
    function emergencyPolicy(
        uint32 estateId
    ) external view returns (uint64 cap, uint64 periodLimit, uint16 periodDays, uint16 disclosureDays) {
        EmergencyPolicy memory policy = _policies[estateId];
        return (policy.cap, policy.periodLimit, policy.periodDays, _disclosureDays(estateId));
    }

    /**
     * @notice What an estate's emergency path has spent within the current rolling period (budgets confirmed
     * after `now − periodDays`), and what its limit has left (fen).
     */
    function emergencySpending(uint32 estateId) external view returns (uint256 spentInPeriod, uint64 remaining) {
        spentInPeriod = _emergencySpentInPeriod(estateId);
        uint64 limit = _policies[estateId].periodLimit;
        remaining = spentInPeriod >= limit ? 0 : limit - uint64(spentInPeriod);
    }

    /// @notice Approvals from current seats an emergency spend needs in a committee of `committeeSize` seats:
    /// more than half of the seats, and never fewer than `MIN_EMERGENCY_APPROVALS`.
    function requiredApprovals(uint256 committeeSize) public pure returns (uint256) {
        uint256 majority = committeeSize / 2 + 1;
        return majority < MIN_EMERGENCY_APPROVALS ? MIN_EMERGENCY_APPROVALS : majority;
    }

    /// @notice The plan whose disbursement a document justified (0 if none).
    function documentUsedBy(bytes32 documentHash) external view returns (uint256 planId) {
        return _documentPlan[documentHash];
    }

    /// @notice Where an emergency plan stands with its disclosure.
    function disclosureStatus(uint256 planId) public view returns (Disclosure) {
        Plan storage plan_ = _plan(planId);
        if (plan_.kind != PlanKind.Emergency || plan_.status == PlanStatus.Proposed) return Disclosure.NotRequired;
        if (plan_.disclosedAt != 0) {
            return plan_.disclosedAt > plan_.disclosureDue ? Disclosure.DisclosedLate : Disclosure.Disclosed;
        }
        return block.timestamp > plan_.disclosureDue ? Disclosure.Overdue : Disclosure.Pending;
    }

    /// @notice Whether an emergency plan is past its disclosure deadline without a disclosure.
    function isDisclosureOverdue(uint256 planId) external view returns (bool) {
        return disclosureStatus(planId) == Disclosure.Overdue;
    }

    /// @notice Whether a bank receipt hash has already been recorded.
    function receiptUsed(bytes32 receiptHash) external view returns (bool) {
        return _receiptUsed[receiptHash];
    }

    // ───────────────────────────── internals ─────────────────────────────

    /// @dev Moves the plan's budget from its units into the commitment and emits `PlanOpened`.
    function _open(uint256 planId, Plan storage plan_) private {
        uint64 budget = plan_.budget;
        plan_.status = PlanStatus.Open;
        plan_.openedAt = uint48(block.timestamp);
        // Debits the units first, so that a unit that cannot cover its share reverts with its own error.
        _apportion(planId, plan_.scopeKey, plan_.snapshot, budget, true);
        EstateLedger storage ledger = _estates[plan_.estateId];
        ledger.balance -= budget; // the units' debits just summed to `budget`
        ledger.committed += budget;
        emit PlanOpened(
            planId,
            plan_.estateId,
            plan_.kind,
            plan_.voteId,
            plan_.buildingId,
            plan_.snapshot,
            budget,
            plan_.planHash,
            plan_.openedBy
        );
    }

    /**
     * @dev Splits `amount` over the units of `key` as of `snapshot` by cumulative rounding (see the contract's
     * documentation) and debits (`charge`) or credits each unit's share. Units with a zero share are untouched.
     */
    function _apportion(uint256 planId, uint64 key, uint48 snapshot, uint64 amount, bool charge) private {
        (uint32[] memory unitIds, uint64[] memory areas) = registry.unitsInScopeAt(key, snapshot);
        uint256 n = unitIds.length;
        if (n == 0) revert EmptyScope(key, snapshot);
        uint256 total = 0;
        for (uint256 i = 0; i < n; ++i) total += areas[i];

        uint256 cumulativeArea = 0;
        uint256 allocated = 0; // floor(amount · A_{i−1} / T)
        for (uint256 i = 0; i < n; ++i) {
            cumulativeArea += areas[i];
            uint256 upTo = (uint256(amount) * cumulativeArea) / total; // floor(amount · A_i / T)
            uint64 share = uint64(upTo - allocated);
            allocated = upTo;
            if (share == 0) continue;
            uint32 unitId = unitIds[i];
            Account storage a = _accounts[unitId];
            if (charge) {
                uint64 balance = a.balance;
                if (balance < share) revert InsufficientUnitBalance(unitId, balance, share);
                (a.balance, a.charged) = (balance - share, a.charged + share);
                emit UnitCharged(planId, unitId, share);
            } else {
                (a.balance, a.refunded) = (a.balance + share, a.refunded + share);
                emit UnitRefunded(planId, unitId, share);
            }
        }
    }

    /// @dev Counts the approvers of a plan who still hold a seat on its estate's committee.
    function _seatedApprovals(uint256 planId, uint32 estateId) private view returns (uint256 count) {
        address[] storage list = _approvers[planId];
        for (uint256 i = 0; i < list.length; ++i) {
            if (registry.isCommitteeMember(estateId, list[i])) ++count;
        }
    }

    /// @dev Reverts if `account_` opened, proposed or approved the plan: it may not also confirm or pay it.
    function _checkNotInvolved(uint256 planId, Plan storage plan_, address account_) private view {
        if (plan_.openedBy == account_ || _approved[planId][account_]) revert SeparationOfDuties(account_, planId);
    }

    function _checkEmergencyCap(uint32 estateId, uint64 amount) private view {
        uint64 cap = _policies[estateId].cap;
        if (amount > cap) revert EmergencyCapExceeded(estateId, amount, cap);
    }

    /// @dev Reverts if `amount` more would take the estate's emergency spends in the rolling period past its limit.
    function _checkEmergencyLimit(uint32 estateId, uint64 amount) private view {
        uint256 spent = _emergencySpentInPeriod(estateId);
        uint64 limit = _policies[estateId].periodLimit;
        if (spent + amount > limit) revert EmergencyLimitExceeded(estateId, spent, amount, limit);
    }

    /// @dev Σ budgets confirmed after `now − periodDays` (the cumulative total now minus the total at that time).
    function _emergencySpentInPeriod(uint32 estateId) private view returns (uint256) {
        Checkpoints.Trace208 storage spent = _emergencySpent[estateId];
        uint256 period = uint256(_policies[estateId].periodDays) * 1 days;
        uint208 before = block.timestamp > period ? spent.upperLookupRecent(uint48(block.timestamp - period)) : 0;
        return spent.latest() - before;
    }

    function _disclosureDays(uint32 estateId) private view returns (uint16) {
        uint16 days_ = _policies[estateId].disclosureDays;
        return days_ == 0 ? DEFAULT_DISCLOSURE_DAYS : days_;
    }

    function _plan(uint256 planId) private view returns (Plan storage plan_) {
        plan_ = _plans[planId];
        if (plan_.status == PlanStatus.None) revert UnknownPlan(planId);
    }

    function _openPlan(uint256 planId) private view returns (Plan storage plan_) {
        plan_ = _plan(planId);
        if (plan_.status != PlanStatus.Open) revert WrongPlanStatus(planId, plan_.status, PlanStatus.Open);
    }

    /// @dev A live emergency proposal: status `Proposed` and not older than `EMERGENCY_PROPOSAL_TTL`.
    function _emergencyProposal(uint256 planId) private view returns (Plan storage plan_) {
        plan_ = _plan(planId);
        if (plan_.status != PlanStatus.Proposed) revert WrongPlanStatus(planId, plan_.status, PlanStatus.Proposed);
        uint256 expiresAt = uint256(plan_.proposedAt) + EMERGENCY_PROPOSAL_TTL;
        if (block.timestamp > expiresAt) revert ProposalExpired(planId, expiresAt);
    }
}
