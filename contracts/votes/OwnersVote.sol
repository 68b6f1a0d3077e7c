// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {CommunityRegistry} from "../registry/CommunityRegistry.sol";
import {ProxyAuthorizations} from "../registry/ProxyAuthorizations.sol";
import {RegistryAccess} from "../registry/RegistryAccess.sol";
import {IOwnersVote} from "./IOwnersVote.sol";
import {Choice, Matter, Outcome} from "./VoteTypes.sol";

/**
 * @title OwnersVote
 * @notice Owners' joint decisions (Civil Code art. 278): a committee member opens a vote on a matter for a
 * scope (a whole estate or one building); holders cast one final ballot each, weighing their area in the scope
 * and one head, as of the registry block before the opening; after the closing time anyone finalizes it.
 *
 * Ballots come in directly, as EIP-712 signatures by the holder, in relayed batches of compact signatures, or
 * from community staff acting for a resident under a recorded written authorisation (ProxyAuthorizations). A
 * proxy ballot is marked (staff address and authorisation id in its event), counted apart in the tally's proxy
 * area and heads, and replaced by the holder's own ballot if the holder votes before the close. Ballots are
 * stored as 2-bit choices packed 128 holders to a storage word, indexed by the registry's holder index, so that a
 * batch mostly writes words it has already dirtied; the tally is one packed slot written once per batch.
 *
 * Thresholds are exact fractions compared by cross-multiplication. The defaults are the Civil Code's: a quorum of
 * 2/3 of the scope's area and heads, then 3/4 of the participating area and heads for a major matter and more
 * than 1/2 for the others. The registry admin can override the rule of a matter for an estate (a city's local
 * rule); a vote keeps the rule it opened with. A local rule may be stricter than the Civil Code, never looser:
 * each of its thresholds must be at least the default one (see `setRule`).
 */
contract OwnersVote is IOwnersVote, RegistryAccess, EIP712 {
    /// @notice `numerator/denominator` of a base: `ofTotal` takes the scope's total as base instead of the
    /// participation; `strict` requires more than the fraction instead of at least.
    struct Threshold {
        uint16 numerator;
        uint16 denominator;
        bool strict;
        bool ofTotal;
    }

    /// @notice The participation quorum (always of the scope's totals) and the approval threshold, each applied
    /// to area and heads alike.
    struct Rule {
        Threshold quorum;
        Threshold approval;
    }

    /// @notice A ballot signed by its holder, with an EIP-2098 compact signature.
    struct SignedBallot {
        address holder;
        uint8 choice;
        bytes32 r;
        bytes32 vs;
    }

    /// @notice A vote's tally with its scope's totals at the snapshot. Areas in 0.01 m². `proxyArea` and
    /// `proxyHeads` are the part of the ballots counted above that staff cast for residents (any choice).
    struct Tally {
        uint64 areaFor;
        uint64 areaAgainst;
        uint64 areaAbstain;
        uint64 totalArea;
        uint32 headsFor;
        uint32 headsAgainst;
        uint32 headsAbstain;
        uint32 totalHeads;
        uint64 proxyArea;
        uint32 proxyHeads;
    }

    /// @notice Everything a vote was opened with, and its outcome.
    // Only ever built in memory as a return value, so slot packing does not matter.
    // solhint-disable-next-line gas-struct-packing
    struct VoteInfo {
        uint32 estateId;
        uint32 buildingId;
        uint64 scopeKey;
        Matter matter;
        Outcome outcome;
        uint48 start;
        uint48 end;
        uint48 snapshot;
        uint128 budget;
        bytes32 contentHash;
    }

    /// @notice Why a ballot of a batch was not counted.
    enum SkipReason {
        InvalidChoice,
        InvalidSignature,
        NotEligible,
        AlreadyVoted,
        DuplicateInBatch
    }

    /// @dev Read by every ballot: one slot.
    struct VoteCore {
        uint48 start;
        uint48 end;
        uint48 snapshot;
        uint64 scopeKey;
        uint32 estateId;
        Matter matter;
        Outcome outcome;
    }

    /// @dev Written at opening, read at finalization: one slot.
    struct VoteScope {
        uint64 totalArea;
        uint32 totalHeads;
        uint32 buildingId;
        uint128 budget;
    }

    /// @dev One slot. Areas are 48-bit (2.8·10^12 m² at most; checked against the scope's total at opening) so
    /// that the six counters share a word that a batch writes once.
    struct PackedTally {
        uint48 areaFor;
        uint48 areaAgainst;
        uint48 areaAbstain;
        uint32 headsFor;
        uint32 headsAgainst;
        uint32 headsAbstain;
    }

    /// @dev One slot, written only by proxy ballots and their replacement.
    struct ProxyTally {
        uint48 area;
        uint32 heads;
    }

    struct VoteRecord {
        VoteCore core;
        VoteScope scope;
        Rule rule;
        bytes32 contentHash;
        PackedTally tally;
        ProxyTally proxies;
    }

    struct RuleOverride {
        Rule rule;
        bool active;
    }

    /// @dev What a batch keeps in memory instead of storage until its end.
    struct Batch {
        uint256 voteId;
        bytes32 domainSeparator;
        uint64 scopeKey;
        uint48 snapshot;
        uint256 counted;
        uint32[] countedIndices;
        uint256 areaFor;
        uint256 areaAgainst;
        uint256 areaAbstain;
        uint256 headsFor;
        uint256 headsAgainst;
        uint256 headsAbstain;
    }

    /// @notice EIP-712 type of a ballot. No nonce: a ballot is final, so a replay is rejected as already voted.
    bytes32 public constant BALLOT_TYPEHASH = keccak256("Ballot(uint256 voteId,address holder,uint8 choice)");

    uint256 private constant CHOICE_BITS = 2;
    uint256 private constant CHOICE_MASK = (1 << CHOICE_BITS) - 1;
    uint256 private constant HOLDERS_PER_WORD = 256 / CHOICE_BITS;
    /// @dev Holders per word of the proxy-ballot bitmap (one bit each).
    uint256 private constant HOLDERS_PER_PROXY_WORD = 256;
    uint64 private constant MAX_SCOPE_AREA = type(uint48).max;

    uint16 private constant QUORUM_NUMERATOR = 2;
    uint16 private constant QUORUM_DENOMINATOR = 3;
    uint16 private constant MAJOR_NUMERATOR = 3;
    uint16 private constant MAJOR_DENOMINATOR = 4;
    uint16 private constant ORDINARY_NUMERATOR = 1;
    uint16 private constant ORDINARY_DENOMINATOR = 2;

    bytes32 private immutable _adminRole;
    bytes32 private immutable _relayerRole;
    bytes32 private immutable _staffRole;
    uint8 private immutable _votesScope;

    /// @notice The written authorisations under which staff cast a resident's ballot.
    ProxyAuthorizations public immutable proxies;

    uint256 private _voteCount;
    mapping(uint256 voteId => VoteRecord) private _votes;
    mapping(uint256 voteId => mapping(uint256 word => uint256 choices)) private _ballotWords;
    mapping(uint256 voteId => mapping(uint256 word => uint256 proxyBits)) private _proxyWords;
    mapping(uint32 estateId => mapping(Matter => RuleOverride)) private _ruleOverrides;

    /// @notice A vote was opened; its totals and rule are those of `snapshot` and of the opening.
    event VoteOpened(
        uint256 indexed voteId,
        uint32 indexed estateId,
        uint32 buildingId,
        uint64 scopeKey,
        Matter matter,
        bytes32 contentHash,
        uint48 start,
        uint48 end,
        uint48 snapshot,
        uint128 budget,
        uint64 totalArea,
        uint32 totalHeads,
        Rule rule,
        address indexed openedBy
    );
    /// @notice A ballot was counted; `enteredBy` is the holder, or the staff member who cast it for them under
    /// authorisation `authorizationId` (0 for the holder's own ballot).
    event BallotCast(
        uint256 indexed voteId,
        address indexed holder,
        Choice choice,
        uint64 area,
        address enteredBy,
        uint256 authorizationId
    );
    /// @notice The holder's own ballot replaced the proxy ballot staff had cast for them (its `previous` choice was
    /// taken out of the tally); the `BallotCast` of the holder's ballot follows.
    event ProxyBallotReplaced(uint256 indexed voteId, address indexed holder, Choice previous, uint64 area);
    /// @notice A ballot of a relayed batch was not counted.
    event BallotSkipped(uint256 indexed voteId, address indexed holder, SkipReason reason);
    /// @notice A vote was decided after its closing time.
    event VoteFinalized(uint256 indexed voteId, Outcome outcome, Tally tally);
    /// @notice The admin set an estate's rule for a matter; votes opened later use it.
    event RuleSet(uint32 indexed estateId, Matter indexed matter, Rule rule);
    /// @notice The admin removed an estate's rule for a matter; votes opened later use the default.
    event RuleCleared(uint32 indexed estateId, Matter indexed matter);

    error UnknownVote(uint256 voteId);
    error UnknownEstate(uint32 estateId);
    error EmptyContent();
    error InvalidWindow(uint256 start, uint256 end, uint256 now_);
    error BudgetRequired(Matter matter);
    error BudgetNotAllowed(Matter matter, uint128 budget);
    error EmptyScope(uint64 scopeKey, uint48 snapshot);
    error ScopeTooLarge(uint64 scopeKey, uint64 totalArea, uint64 maxArea);
    error InvalidThreshold(uint16 numerator, uint16 denominator);
    error QuorumNotOfTotal();
    /// @notice A local quorum below the Civil Code's (`floor`: at least 2/3 of the scope's area and heads).
    error QuorumBelowFloor(Threshold quorum, Threshold floor);
    /// @notice A local approval threshold for `matter` below the Civil Code's `floor` (≥ 3/4 of the participants
    /// for a major matter, > 1/2 for the others).
    error ApprovalBelowFloor(Matter matter, Threshold approval, Threshold floor);
    error NoRuleOverride(uint32 estateId, Matter matter);
    error BallotBeforeOpening(uint256 voteId, uint256 now_, uint48 start);
    error BallotAfterClosing(uint256 voteId, uint256 now_, uint48 end);
    error InvalidChoice(uint256 voteId, uint8 choice);
    error InvalidSignature(uint256 voteId, address holder, address signer);
    error NotEligible(uint256 voteId, address holder);
    error AlreadyVoted(uint256 voteId, address holder);
    error ZeroProxies();
    error EmptyBatch(uint256 voteId);
    error FinalizeBeforeClosing(uint256 voteId, uint256 now_, uint48 end);
    error AlreadyFinalized(uint256 voteId, Outcome outcome);

    /// @param registry_ the community registry (estates, holders, roles)
    /// @param proxies_ the staff authorisations on the same registry
    constructor(
        CommunityRegistry registry_,
        ProxyAuthorizations proxies_
    ) RegistryAccess(registry_) EIP712("Gongzhi OwnersVote", "1") {
        if (address(proxies_) == address(0)) revert ZeroProxies();
        _adminRole = registry_.DEFAULT_ADMIN_ROLE();
        _relayerRole = registry_.RELAYER_ROLE();
        _staffRole = registry_.STAFF_ROLE();
        proxies = proxies_;
        _votesScope = proxies_.SCOPE_VOTES();
    }

    // ───────────────────────────── rules ─────────────────────────────

    /**
     * @notice Sets the rule of `matter` for votes opened later in `estateId` (a city's local rule). A local rule
     * may only be stricter than the Civil Code's: its quorum at least 2/3 of the scope's totals, its approval at
     * least the default fraction (≥ 3/4 for a major matter, > 1/2 otherwise).
     * @dev Registry admin only. The quorum must be of the scope's totals; fractions must be at most 1. An approval
     * counted against the scope's total (`ofTotal`) is compared with the floor as the same fraction: the
     * participants are never more than the total, so `part ≥ f·total` implies `part ≥ f·participants`; a smaller
     * fraction of the total is refused, since with every owner taking part it would be a smaller fraction of the
     * participants than the law asks.
     */
    function setRule(uint32 estateId, Matter matter, Rule calldata rule) external onlyRegistryRole(_adminRole) {
        if (registry.developerOf(estateId) == address(0)) revert UnknownEstate(estateId);
        if (!rule.quorum.ofTotal) revert QuorumNotOfTotal();
        _validateThreshold(rule.quorum);
        _validateThreshold(rule.approval);
        Rule memory floor = defaultRule(matter);
        if (!_atLeast(rule.quorum, floor.quorum)) revert QuorumBelowFloor(rule.quorum, floor.quorum);
        if (!_atLeast(rule.approval, floor.approval)) revert ApprovalBelowFloor(matter, rule.approval, floor.approval);
        _ruleOverrides[estateId][matter] = RuleOverride({rule: rule, active: true});
        emit RuleSet(estateId, matter, rule);
    }

    /**
     * @notice Returns `matter` in `estateId` to the default rule for votes opened later.
     * @dev Registry admin only.
     */
    function clearRule(uint32 estateId, Matter matter) external onlyRegistryRole(_adminRole) {
        if (!_ruleOverrides[estateId][matter].active) revert NoRuleOverride(estateId, matter);
        delete _ruleOverrides[estateId][matter];
        emit RuleCleared(estateId, matter);
    }

    /// @notice The rule a vote on `matter` in `estateId` opened now would use.
    function ruleOf(uint32 estateId, Matter matter) public view returns (Rule memory) {
        RuleOverride storage o = _ruleOverrides[estateId][matter];
        return o.active ? o.rule : defaultRule(matter);
    }

    /// @notice The Civil Code's rule for `matter`: quorum 2/3 of the totals, then ≥ 3/4 or > 1/2 of participation.
    function defaultRule(Matter matter) public pure returns (Rule memory rule) {
        rule.quorum = Threshold(QUORUM_NUMERATOR, QUORUM_DENOMINATOR, false, true);
        rule.approval = isMajor(matter)
            ? Threshold(MAJOR_NUMERATOR, MAJOR_DENOMINATOR, false, false)
            : Threshold(ORDINARY_NUMERATOR, ORDINARY_DENOMINATOR, true, false);
    }

    /// @notice Whether `matter` is a major matter (raising the fund, rebuilding, changing the use of common parts).
    function isMajor(Matter matter) public pure returns (bool) {
        return matter == Matter.RaiseFund || matter == Matter.Rebuild || matter == Matter.ChangeCommonUse;
    }

    // ───────────────────────────── opening ─────────────────────────────

    /**
     * @notice Opens a vote of the owners of a scope: `buildingId` 0 for the whole estate. Ballots are accepted
     * from `start` (inclusive) to `end` (exclusive). Eligibility, areas and heads are those of the previous block.
     * @dev Committee members of `estateId` only. `budget` (fen) is required for using or raising the fund and
     * must be 0 otherwise.
     * @return voteId the new vote's id, counting from 1.
     */
    function openVote(
        uint32 estateId,
        uint32 buildingId,
        Matter matter,
        bytes32 contentHash,
        uint48 start,
        uint48 end,
        uint128 budget
    ) external returns (uint256 voteId) {
        _checkCommittee(estateId, msg.sender);
        _checkOpening(matter, contentHash, start, end, budget);
        uint64 key = registry.scopeKey(estateId, buildingId);
        // A settled block: nothing registered later in this block can change the vote.
        uint48 snapshot = uint48(block.number - 1);
        (uint64 totalArea, uint32 totalHeads) = registry.scopeTotalsAt(key, snapshot);
        if (totalHeads == 0) revert EmptyScope(key, snapshot);
        if (totalArea > MAX_SCOPE_AREA) revert ScopeTooLarge(key, totalArea, MAX_SCOPE_AREA);
        Rule memory rule = ruleOf(estateId, matter);

        voteId = ++_voteCount;
        VoteRecord storage v = _votes[voteId];
        v.core = VoteCore({
            start: start,
            end: end,
            snapshot: snapshot,
            scopeKey: key,
            estateId: estateId,
            matter: matter,
            outcome: Outcome.Pending
        });
        v.scope = VoteScope({totalArea: totalArea, totalHeads: totalHeads, buildingId: buildingId, budget: budget});
        v.rule = rule;
        v.contentHash = contentHash;
        emit VoteOpened(
            voteId,
            estateId,
            buildingId,
            key,
            matter,
            contentHash,
            start,
            end,
            snapshot,
            budget,
            totalArea,
            totalHeads,
            rule,
            msg.sender
        );
    }

    // ───────────────────────────── ballots ─────────────────────────────

    /// @notice Casts the caller's final ballot (replacing a proxy ballot staff cast for the caller, if any).
    function castBallot(uint256 voteId, Choice choice) external {
        _castOne(voteId, msg.sender, choice, msg.sender, 0);
    }

    /**
     * @notice Casts a holder's final ballot from an EIP-712 `Ballot(voteId, holder, choice)` signature (65 bytes)
     * by the holder itself (staff act only through `castBallotOnBehalf`). Anyone may submit it. It replaces a
     * proxy ballot staff cast for the holder, if any.
     */
    function castBallotBySig(uint256 voteId, address holder, Choice choice, bytes calldata signature) external {
        bytes32 digest = MessageHashUtils.toTypedDataHash(
            _domainSeparatorV4(),
            _ballotStructHash(voteId, holder, uint8(choice))
        );
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(digest, signature);
        if (!_signedByHolder(err, signer, holder)) revert InvalidSignature(voteId, holder, signer);
        _castOne(voteId, holder, choice, holder, 0);
    }

    /**
     * @notice Staff cast the ballot of a resident who cannot use a phone, under the resident's recorded written
     * authorisation (or paper ballot) `authorizationId`. It is marked as entered by the caller, counted in the
     * tally's proxy area and heads, and replaced by the holder's own ballot if the holder votes before the close.
     * @dev Registry STAFF_ROLE only; the authorisation must name `holder`, cover votes (this one, or any), and be
     * neither expired nor revoked (ProxyAuthorizations.checkProxy reverts with the reason).
     */
    function castBallotOnBehalf(
        uint256 voteId,
        address holder,
        Choice choice,
        uint256 authorizationId
    ) external onlyRegistryRole(_staffRole) {
        proxies.checkProxy(authorizationId, msg.sender, holder, _votesScope, voteId);
        _castOne(voteId, holder, choice, msg.sender, authorizationId);
    }

    /**
     * @notice Counts a batch of signed ballots. A bad ballot (invalid choice or signature, not eligible, already
     * voted, or repeated in the batch) is skipped with `BallotSkipped`; an unknown or closed vote reverts all.
     * @dev Registry RELAYER_ROLE only.
     * @return counted the number of ballots counted.
     */
    function castBallotBatch(
        uint256 voteId,
        SignedBallot[] calldata ballots
    ) external onlyRegistryRole(_relayerRole) returns (uint256 counted) {
        if (ballots.length == 0) revert EmptyBatch(voteId);
        VoteRecord storage v = _votes[voteId];
        VoteCore memory core = v.core;
        _requireOpen(voteId, core);
        Batch memory batch;
        batch.voteId = voteId;
        batch.domainSeparator = _domainSeparatorV4();
        batch.scopeKey = core.scopeKey;
        batch.snapshot = core.snapshot;
        batch.countedIndices = new uint32[](ballots.length);
        mapping(uint256 => uint256) storage words = _ballotWords[voteId];
        for (uint256 i = 0; i < ballots.length; ++i) {
            _countSigned(batch, words, ballots[i]);
        }
        _addToTally(
            v.tally,
            batch.areaFor,
            batch.areaAgainst,
            batch.areaAbstain,
            batch.headsFor,
            batch.headsAgainst,
            batch.headsAbstain
        );
        return batch.counted;
    }

    // ───────────────────────────── finalization ─────────────────────────────

    /**
     * @notice Decides a vote once its closing time has passed: quorum not met, passed or rejected. Anyone may call.
     * @return outcome the decision, also emitted with the tally.
     */
    function finalize(uint256 voteId) external returns (Outcome outcome) {
        VoteRecord storage v = _votes[voteId];
        VoteCore memory core = v.core;
        if (core.start == 0) revert UnknownVote(voteId);
        if (core.outcome != Outcome.Pending) revert AlreadyFinalized(voteId, core.outcome);
        if (block.timestamp < core.end) revert FinalizeBeforeClosing(voteId, block.timestamp, core.end);
        Tally memory tally = _tallyOf(v);
        outcome = _decide(tally, v.rule);
        v.core.outcome = outcome;
        emit VoteFinalized(voteId, outcome, tally);
    }

    // ───────────────────────────── reads ─────────────────────────────

    /// @inheritdoc IOwnersVote
    function authorization(uint256 voteId) external view returns (Authorization memory) {
        VoteRecord storage v = _requireVote(voteId);
        return
            Authorization({
                estateId: v.core.estateId,
                buildingId: v.scope.buildingId,
                scopeKey: v.core.scopeKey,
                snapshot: v.core.snapshot,
                matter: v.core.matter,
                outcome: v.core.outcome,
                budget: v.scope.budget
            });
    }

    /// @notice Everything `voteId` was opened with, and its outcome.
    function voteOf(uint256 voteId) external view returns (VoteInfo memory) {
        VoteRecord storage v = _requireVote(voteId);
        return
            VoteInfo({
                estateId: v.core.estateId,
                buildingId: v.scope.buildingId,
                scopeKey: v.core.scopeKey,
                matter: v.core.matter,
                outcome: v.core.outcome,
                start: v.core.start,
                end: v.core.end,
                snapshot: v.core.snapshot,
                budget: v.scope.budget,
                contentHash: v.contentHash
            });
    }

    /// @notice The current tally of `voteId` with its scope's totals at the snapshot.
    function tallyOf(uint256 voteId) external view returns (Tally memory) {
        return _tallyOf(_requireVote(voteId));
    }

    /// @notice The rule `voteId` copied at its opening.
    function ruleOfVote(uint256 voteId) external view returns (Rule memory) {
        return _requireVote(voteId).rule;
    }

    /// @notice Whether the ballot counted for `holder` in `voteId` is a proxy ballot staff cast for them.
    function isProxyBallot(uint256 voteId, address holder) external view returns (bool) {
        _requireVote(voteId);
        uint32 index = registry.holderIndexOf(holder);
        return index != 0 && _isProxy(_proxyWords[voteId], index);
    }

    /// @notice The ballot of `holder` in `voteId`, `None` if it has not voted.
    function ballotOf(uint256 voteId, address holder) external view returns (Choice) {
        _requireVote(voteId);
        uint32 index = registry.holderIndexOf(holder);
        if (index == 0) return Choice.None;
        uint256 word = _ballotWords[voteId][index / HOLDERS_PER_WORD];
        return Choice(uint8((word >> ((index % HOLDERS_PER_WORD) * CHOICE_BITS)) & CHOICE_MASK));
    }

    /// @notice The EIP-712 digest a holder signs for a ballot.
    function ballotDigest(uint256 voteId, address holder, uint8 choice) external view returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(_domainSeparatorV4(), _ballotStructHash(voteId, holder, choice));
    }

    /// @notice The number of votes ever opened.
    function voteCount() external view returns (uint256) {
        return _voteCount;
    }

    // ───────────────────────────── internals ─────────────────────────────

    /// @dev `authorizationId` 0: the holder's own ballot, which may replace a proxy ballot; otherwise a proxy one.
    function _castOne(uint256 voteId, address holder, Choice choice, address enteredBy, uint256 authorizationId) private {
        VoteRecord storage v = _votes[voteId];
        VoteCore memory core = v.core;
        _requireOpen(voteId, core);
        if (choice == Choice.None) revert InvalidChoice(voteId, uint8(choice));
        (uint32 index, uint64 area) = registry.holderWeightAt(core.scopeKey, holder, core.snapshot);
        if (area == 0) revert NotEligible(voteId, holder);
        mapping(uint256 => uint256) storage words = _ballotWords[voteId];
        if (!_record(words, index, uint8(choice))) {
            if (authorizationId != 0 || !_isProxy(_proxyWords[voteId], index)) revert AlreadyVoted(voteId, holder);
            _replaceProxy(v, voteId, words, holder, index, area, uint8(choice));
        }
        if (choice == Choice.For) _addToTally(v.tally, area, 0, 0, 1, 0, 0);
        else if (choice == Choice.Against) _addToTally(v.tally, 0, area, 0, 0, 1, 0);
        else _addToTally(v.tally, 0, 0, area, 0, 0, 1);
        if (authorizationId != 0) {
            _setProxy(_proxyWords[voteId], index);
            ProxyTally memory p = v.proxies;
            // Within the scope's total area, which fits in 48 bits (checked at opening).
            v.proxies = ProxyTally({area: uint48(p.area + area), heads: p.heads + 1});
        }
        emit BallotCast(voteId, holder, choice, area, enteredBy, authorizationId);
    }

    /**
     * @dev Takes the proxy ballot of `holder` out of the tally and the proxy counts, clears its proxy mark and
     * writes the holder's own `choice` in its place. The proxy ballot was counted straight into storage, so the
     * subtraction cannot underflow.
     */
    function _replaceProxy(
        VoteRecord storage v,
        uint256 voteId,
        mapping(uint256 => uint256) storage words,
        address holder,
        uint32 index,
        uint64 area,
        uint8 choice
    ) private {
        uint8 previous = _overwrite(words, index, choice);
        _clearProxy(_proxyWords[voteId], index);
        PackedTally memory t = v.tally;
        if (previous == uint8(Choice.For)) {
            t.areaFor -= uint48(area);
            --t.headsFor;
        } else if (previous == uint8(Choice.Against)) {
            t.areaAgainst -= uint48(area);
            --t.headsAgainst;
        } else {
            t.areaAbstain -= uint48(area);
            --t.headsAbstain;
        }
        v.tally = t;
        ProxyTally memory p = v.proxies;
        v.proxies = ProxyTally({area: p.area - uint48(area), heads: p.heads - 1});
        emit ProxyBallotReplaced(voteId, holder, Choice(previous), area);
    }

    /// @dev Counts one ballot of a batch into `batch`, or emits why it is skipped.
    function _countSigned(
        Batch memory batch,
        mapping(uint256 => uint256) storage words,
        SignedBallot calldata ballot
    ) private {
        address holder = ballot.holder;
        uint8 choice = ballot.choice;
        if (choice == uint8(Choice.None) || choice > uint8(Choice.Abstain)) {
            emit BallotSkipped(batch.voteId, holder, SkipReason.InvalidChoice);
            return;
        }
        bytes32 digest = MessageHashUtils.toTypedDataHash(
            batch.domainSeparator,
            _ballotStructHash(batch.voteId, holder, choice)
        );
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecover(digest, ballot.r, ballot.vs);
        if (!_signedByHolder(err, signer, holder)) {
            emit BallotSkipped(batch.voteId, holder, SkipReason.InvalidSignature);
            return;
        }
        (uint32 index, uint64 area) = registry.holderWeightAt(batch.scopeKey, holder, batch.snapshot);
        if (area == 0) {
            emit BallotSkipped(batch.voteId, holder, SkipReason.NotEligible);
            return;
        }
        if (!_record(words, index, choice)) {
            if (!_isProxy(_proxyWords[batch.voteId], index)) {
                emit BallotSkipped(batch.voteId, holder, _repeatReason(batch, index));
                return;
            }
            // Rare: written to storage at once, so the batch's own sums only ever grow.
            _replaceProxy(_votes[batch.voteId], batch.voteId, words, holder, index, area, choice);
        }
        batch.countedIndices[batch.counted++] = index;
        if (choice == uint8(Choice.For)) {
            batch.areaFor += area;
            ++batch.headsFor;
        } else if (choice == uint8(Choice.Against)) {
            batch.areaAgainst += area;
            ++batch.headsAgainst;
        } else {
            batch.areaAbstain += area;
            ++batch.headsAbstain;
        }
        emit BallotCast(batch.voteId, holder, Choice(choice), area, holder, 0);
    }

    /// @dev Only scanned when a ballot is refused, so the common path does not pay for it.
    function _repeatReason(Batch memory batch, uint32 index) private pure returns (SkipReason) {
        for (uint256 i = 0; i < batch.counted; ++i) {
            if (batch.countedIndices[i] == index) return SkipReason.DuplicateInBatch;
        }
        return SkipReason.AlreadyVoted;
    }

    /// @dev Only the holder's own signature counts: staff act for a resident only under an authorisation, through
    /// `castBallotOnBehalf`, so that every proxy ballot names its authorisation.
    function _signedByHolder(ECDSA.RecoverError err, address signer, address holder) private pure returns (bool) {
        return err == ECDSA.RecoverError.NoError && signer == holder;
    }

    /// @dev Sets the holder's 2-bit choice; false if it already has one.
    function _record(
        mapping(uint256 => uint256) storage words,
        uint32 index,
        uint8 choice
    ) private returns (bool) {
        uint256 wordIndex = index / HOLDERS_PER_WORD;
        uint256 shift = (index % HOLDERS_PER_WORD) * CHOICE_BITS;
        uint256 word = words[wordIndex];
        if ((word >> shift) & CHOICE_MASK != 0) return false;
        words[wordIndex] = word | (uint256(choice) << shift);
        return true;
    }

    /// @dev Replaces the holder's 2-bit choice; returns the previous one.
    function _overwrite(
        mapping(uint256 => uint256) storage words,
        uint32 index,
        uint8 choice
    ) private returns (uint8 previous) {
        uint256 wordIndex = index / HOLDERS_PER_WORD;
        uint256 shift = (index % HOLDERS_PER_WORD) * CHOICE_BITS;
        uint256 word = words[wordIndex];
        previous = uint8((word >> shift) & CHOICE_MASK);
        words[wordIndex] = (word & ~(CHOICE_MASK << shift)) | (uint256(choice) << shift);
    }

    function _isProxy(mapping(uint256 => uint256) storage bits, uint32 index) private view returns (bool) {
        return (bits[index / HOLDERS_PER_PROXY_WORD] >> (index % HOLDERS_PER_PROXY_WORD)) & 1 != 0;
    }

    function _setProxy(mapping(uint256 => uint256) storage bits, uint32 index) private {
        bits[index / HOLDERS_PER_PROXY_WORD] |= uint256(1) << (index % HOLDERS_PER_PROXY_WORD);
    }

    function _clearProxy(mapping(uint256 => uint256) storage bits, uint32 index) private {
        bits[index / HOLDERS_PER_PROXY_WORD] &= ~(uint256(1) << (index % HOLDERS_PER_PROXY_WORD));
    }

    function _addToTally(
        PackedTally storage tally,
        uint256 areaFor,
        uint256 areaAgainst,
        uint256 areaAbstain,
        uint256 headsFor,
        uint256 headsAgainst,
        uint256 headsAbstain
    ) private {
        PackedTally memory t = tally;
        // Sums never exceed the scope's totals, which fit (checked at opening), so the casts cannot truncate.
        tally.areaFor = uint48(t.areaFor + areaFor);
        tally.areaAgainst = uint48(t.areaAgainst + areaAgainst);
        tally.areaAbstain = uint48(t.areaAbstain + areaAbstain);
        tally.headsFor = uint32(t.headsFor + headsFor);
        tally.headsAgainst = uint32(t.headsAgainst + headsAgainst);
        tally.headsAbstain = uint32(t.headsAbstain + headsAbstain);
    }

    function _tallyOf(VoteRecord storage v) private view returns (Tally memory) {
        PackedTally memory t = v.tally;
        ProxyTally memory p = v.proxies;
        return
            Tally({
                areaFor: t.areaFor,
                areaAgainst: t.areaAgainst,
                areaAbstain: t.areaAbstain,
                totalArea: v.scope.totalArea,
                headsFor: t.headsFor,
                headsAgainst: t.headsAgainst,
                headsAbstain: t.headsAbstain,
                totalHeads: v.scope.totalHeads,
                proxyArea: p.area,
                proxyHeads: p.heads
            });
    }

    /// @dev Nothing passes without a ballot in favour, whatever fractions a local rule sets.
    function _decide(Tally memory t, Rule memory rule) private pure returns (Outcome) {
        uint256 areaIn = uint256(t.areaFor) + t.areaAgainst + t.areaAbstain;
        uint256 headsIn = uint256(t.headsFor) + t.headsAgainst + t.headsAbstain;
        if (!_meets(areaIn, t.totalArea, rule.quorum) || !_meets(headsIn, t.totalHeads, rule.quorum)) {
            return Outcome.QuorumNotMet;
        }
        uint256 areaBase = rule.approval.ofTotal ? t.totalArea : areaIn;
        uint256 headsBase = rule.approval.ofTotal ? t.totalHeads : headsIn;
        bool approved = t.headsFor != 0 &&
            _meets(t.areaFor, areaBase, rule.approval) &&
            _meets(t.headsFor, headsBase, rule.approval);
        return approved ? Outcome.Passed : Outcome.Rejected;
    }

    /// @dev `part/base` against `numerator/denominator`, exactly, by cross-multiplication.
    function _meets(uint256 part, uint256 base, Threshold memory threshold) private pure returns (bool) {
        uint256 lhs = part * threshold.denominator;
        uint256 rhs = base * threshold.numerator;
        return threshold.strict ? lhs > rhs : lhs >= rhs;
    }

    function _checkOpening(Matter matter, bytes32 contentHash, uint48 start, uint48 end, uint128 budget) private view {
        if (contentHash == bytes32(0)) revert EmptyContent();
        if (start < block.timestamp || end <= start) revert InvalidWindow(start, end, block.timestamp);
        bool fundMatter = matter == Matter.UseFund || matter == Matter.RaiseFund;
        if (fundMatter && budget == 0) revert BudgetRequired(matter);
        if (!fundMatter && budget != 0) revert BudgetNotAllowed(matter, budget);
    }

    function _requireOpen(uint256 voteId, VoteCore memory core) private view {
        if (core.start == 0) revert UnknownVote(voteId);
        if (block.timestamp < core.start) revert BallotBeforeOpening(voteId, block.timestamp, core.start);
        if (block.timestamp >= core.end) revert BallotAfterClosing(voteId, block.timestamp, core.end);
    }

    function _requireVote(uint256 voteId) private view returns (VoteRecord storage v) {
        v = _votes[voteId];
        if (v.core.start == 0) revert UnknownVote(voteId);
    }

    /**
     * @dev Whether `threshold` asks at least as much as `floor`: a larger fraction, or the same fraction with a
     * strictness at least the floor's. The base (participants or total) is not compared: a threshold of the total
     * asks at least the same fraction of the participants, and every floor is of the participants or, for the
     * quorum, of the total like the threshold.
     */
    function _atLeast(Threshold calldata threshold, Threshold memory floor) private pure returns (bool) {
        uint256 lhs = uint256(threshold.numerator) * floor.denominator;
        uint256 rhs = uint256(floor.numerator) * threshold.denominator;
        if (lhs != rhs) return lhs > rhs;
        return threshold.strict || !floor.strict;
    }

    function _validateThreshold(Threshold calldata threshold) private pure {
        if (threshold.denominator == 0 || threshold.numerator > threshold.denominator) {
            revert InvalidThreshold(threshold.numerator, threshold.denominator);
        }
    }

    /// @dev keccak256(abi.encode(BALLOT_TYPEHASH, voteId, holder, choice)) without allocating memory per ballot.
    function _ballotStructHash(uint256 voteId, address holder, uint8 choice) private pure returns (bytes32 hash) {
        bytes32 typeHash = BALLOT_TYPEHASH;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, typeHash)
            mstore(add(ptr, 0x20), voteId)
            mstore(add(ptr, 0x40), and(holder, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(ptr, 0x60), and(choice, 0xff))
            hash := keccak256(ptr, 0x80)
        }
    }
}
