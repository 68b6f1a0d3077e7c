// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CommunityRegistry} from "./CommunityRegistry.sol";
import {RegistryAccess} from "./RegistryAccess.sol";

/**
 * @title ProxyAuthorizations
 * @notice The written authorisations under which community staff (社区工作者, registry STAFF_ROLE) act for a
 * resident who cannot use a phone: cast their ballot, confirm or reject a service they received in the time
 * bank, redeem their time-bank credits. Without one, staff can act for nobody.
 *
 * Each authorisation names the resident, what it covers (a set of scopes; for votes, optionally one vote only),
 * an expiry, and the keccak256 of the scanned signed paper (the resident's authorisation or their paper
 * ballot), so that any proxy action can be traced to a paper that an auditor can ask to see. A scan's bytes
 * are not guessable, so its plain hash reveals nothing about the resident; the paper itself stays off chain.
 *
 * Staff record an authorisation in one transaction; then each proxy action passes its id. Any staff member may
 * act under it (staff rotate; the acting staff address is in every proxy event). It ends at its expiry, or when
 * staff or the resident revoke it.
 */
contract ProxyAuthorizations is RegistryAccess {
    /// @notice Scope bit: cast the resident's ballots (in one vote if `voteId` is set, otherwise in any vote).
    uint8 public constant SCOPE_VOTES = 1;
    /// @notice Scope bit: confirm or reject time-bank services the resident received.
    uint8 public constant SCOPE_SERVICES = 2;
    /// @notice Scope bit: redeem the resident's time-bank credits at a partner.
    uint8 public constant SCOPE_REDEMPTIONS = 4;
    /// @notice Every scope bit there is.
    uint8 public constant ALL_SCOPES = SCOPE_VOTES | SCOPE_SERVICES | SCOPE_REDEMPTIONS;
    /// @notice The longest an authorisation may run from its recording: a paper is renewed every year.
    uint48 public constant MAX_DURATION = 366 days;

    /// @notice A recorded authorisation. `voteId` 0 means any vote (only meaningful with SCOPE_VOTES).
    struct Authorization {
        address resident;
        uint8 scopes;
        uint48 expiresAt;
        bool revoked;
        address recordedBy;
        uint48 recordedAt;
        uint256 voteId;
        bytes32 documentHash;
    }

    bytes32 private immutable _staffRole;

    uint256 private _count;
    mapping(uint256 authorizationId => Authorization) private _authorizations;
    mapping(bytes32 documentHash => uint256 authorizationId) private _byDocument;

    /// @notice Staff recorded an authorisation from the signed paper whose scan hashes to `documentHash`.
    event AuthorizationRecorded(
        uint256 indexed authorizationId,
        address indexed resident,
        uint8 scopes,
        uint256 voteId,
        uint48 expiresAt,
        bytes32 documentHash,
        address indexed recordedBy
    );
    /// @notice An authorisation was revoked, by staff or by the resident (`revokedBy`).
    event AuthorizationRevoked(uint256 indexed authorizationId, address indexed resident, address indexed revokedBy);

    /// @notice No authorisation has this id.
    error UnknownAuthorization(uint256 authorizationId);
    /// @notice A resident address of zero.
    error ZeroResident();
    /// @notice Staff cannot authorise themselves: they act for themselves directly.
    error SelfAuthorization(address staff);
    /// @notice The scope set is empty or has bits beyond `ALL_SCOPES`.
    error InvalidScopes(uint8 scopes, uint8 allScopes);
    /// @notice A vote was named but the votes scope was not given.
    error VoteWithoutVoteScope(uint256 voteId, uint8 scopes);
    /// @notice The expiry must be after now and at most `MAX_DURATION` from now.
    error InvalidExpiry(uint48 expiresAt, uint256 now_, uint256 latest);
    /// @notice The document hash is zero.
    error ZeroDocument();
    /// @notice This paper already backs authorisation `authorizationId`: one paper, one authorisation.
    error DocumentAlreadyRecorded(bytes32 documentHash, uint256 authorizationId);
    /// @notice Only the resident or staff may revoke.
    error NotRevoker(address account, uint256 authorizationId);
    /// @notice The authorisation was revoked.
    error RevokedAuthorization(uint256 authorizationId);
    /// @notice The authorisation is for another resident.
    error WrongResident(uint256 authorizationId, address authorized, address resident);
    /// @notice The authorisation does not cover this scope.
    error ScopeNotAuthorized(uint256 authorizationId, uint8 scope, uint8 scopes);
    /// @notice The authorisation covers another vote only.
    error WrongVote(uint256 authorizationId, uint256 authorizedVoteId, uint256 voteId);
    /// @notice The authorisation expired at `expiresAt`.
    error AuthorizationExpired(uint256 authorizationId, uint48 expiresAt, uint256 now_);

    /// @param registry_ the community registry whose STAFF_ROLE records and uses authorisations
    constructor(CommunityRegistry registry_) RegistryAccess(registry_) {
        _staffRole = registry_.STAFF_ROLE();
    }

    /**
     * @notice Records a resident's signed authorisation (or paper ballot). Only staff.
     * @param resident the resident's address (a holder for votes, a member for the time bank)
     * @param scopes a set of `SCOPE_*` bits
     * @param voteId one vote only (with `SCOPE_VOTES`), or 0 for any vote
     * @param expiresAt unix time from which it no longer holds: after now, at most `MAX_DURATION` ahead
     * @param documentHash keccak256 of the scanned signed paper's bytes
     * @return authorizationId the new authorisation's id, counting from 1
     */
    function record(
        address resident,
        uint8 scopes,
        uint256 voteId,
        uint48 expiresAt,
        bytes32 documentHash
    ) external onlyRegistryRole(_staffRole) returns (uint256 authorizationId) {
        if (resident == address(0)) revert ZeroResident();
        if (resident == msg.sender) revert SelfAuthorization(msg.sender);
        if (scopes == 0 || scopes & ~ALL_SCOPES != 0) revert InvalidScopes(scopes, ALL_SCOPES);
        if (voteId != 0 && scopes & SCOPE_VOTES == 0) revert VoteWithoutVoteScope(voteId, scopes);
        uint256 latest = block.timestamp + MAX_DURATION;
        if (expiresAt <= block.timestamp || expiresAt > latest) revert InvalidExpiry(expiresAt, block.timestamp, latest);
        if (documentHash == bytes32(0)) revert ZeroDocument();
        uint256 previous = _byDocument[documentHash];
        if (previous != 0) revert DocumentAlreadyRecorded(documentHash, previous);

        authorizationId = ++_count;
        _authorizations[authorizationId] = Authorization({
            resident: resident,
            scopes: scopes,
            expiresAt: expiresAt,
            revoked: false,
            recordedBy: msg.sender,
            recordedAt: uint48(block.timestamp),
            voteId: voteId,
            documentHash: documentHash
        });
        _byDocument[documentHash] = authorizationId;
        emit AuthorizationRecorded(authorizationId, resident, scopes, voteId, expiresAt, documentHash, msg.sender);
    }

    /**
     * @notice Ends an authorisation now. The resident it names, or staff.
     * @dev Actions already taken under it stay; a proxy ballot is replaced only by the resident's own ballot.
     * @param authorizationId the authorisation
     */
    function revoke(uint256 authorizationId) external {
        Authorization storage a = _authorization(authorizationId);
        if (msg.sender != a.resident && !registry.hasRole(_staffRole, msg.sender)) {
            revert NotRevoker(msg.sender, authorizationId);
        }
        if (a.revoked) revert RevokedAuthorization(authorizationId);
        a.revoked = true;
        emit AuthorizationRevoked(authorizationId, a.resident, msg.sender);
    }

    /**
     * @notice Reverts unless `staff` may act now for `resident` in `scope` (and, for votes, in `voteId`) under
     * `authorizationId`. Read by OwnersVote and TimeBank before every proxy action.
     * @param authorizationId the authorisation the staff member invokes
     * @param staff the acting account, which must hold STAFF_ROLE now
     * @param resident the resident acted for
     * @param scope one `SCOPE_*` bit
     * @param voteId the vote (for `SCOPE_VOTES`), otherwise 0
     */
    function checkProxy(
        uint256 authorizationId,
        address staff,
        address resident,
        uint8 scope,
        uint256 voteId
    ) external view {
        _checkRegistryRole(_staffRole, staff);
        Authorization storage a = _authorization(authorizationId);
        if (a.resident != resident) revert WrongResident(authorizationId, a.resident, resident);
        if (a.scopes & scope == 0) revert ScopeNotAuthorized(authorizationId, scope, a.scopes);
        if (scope == SCOPE_VOTES && a.voteId != 0 && a.voteId != voteId) revert WrongVote(authorizationId, a.voteId, voteId);
        if (a.revoked) revert RevokedAuthorization(authorizationId);
        if (block.timestamp >= a.expiresAt) revert AuthorizationExpired(authorizationId, a.expiresAt, block.timestamp);
    }

    /// @notice An authorisation as recorded; reverts for an unknown id.
    function authorizationOf(uint256 authorizationId) external view returns (Authorization memory) {
        return _authorization(authorizationId);
    }

    /// @notice The authorisation backed by a paper with this hash, 0 if none.
    function authorizationByDocument(bytes32 documentHash) external view returns (uint256) {
        return _byDocument[documentHash];
    }

    /// @notice How many authorisations were recorded; ids run from 1 to this number.
    function authorizationCount() external view returns (uint256) {
        return _count;
    }

    function _authorization(uint256 authorizationId) private view returns (Authorization storage a) {
        a = _authorizations[authorizationId];
        if (a.resident == address(0)) revert UnknownAuthorization(authorizationId);
    }
}
