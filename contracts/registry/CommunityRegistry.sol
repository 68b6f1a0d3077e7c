// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControlEnumerable} from "@openzeppelin/contracts/access/extensions/AccessControlEnumerable.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/**
 * @title CommunityRegistry
 * @notice Estates (小区) → buildings (楼栋) → units (专有部分) with their registered exclusive area, the
 * holder of each unit, and the roles of the people who run the community.
 *
 * A holder is one address = one person for the headcount of the Civil Code's double majority. Co-owners of
 * a unit share its holder address; the developer's unsold units are held by the developer's address, so they
 * count as one head together. For every scope (a whole estate or one building) the registry checkpoints by
 * block number the total area, the headcount and each holder's area, so that a vote reads them as they were
 * when it opened.
 *
 * Owners' committee (业委会) seats are estate-scoped roles: `estateRole(COMMITTEE_ROLE, estateId)`. The other
 * roles are global. A custodian of the maintenance fund can never hold a committee seat (separation of duties).
 * Only the roles above and the committee seats of existing estates can be granted: a seat of an estate that does
 * not exist yet is refused, since it would escape the separation of duties when the estate is created.
 *
 * Areas. A unit's area is a uint64 (0.01 m²); no scope's total area may exceed `MAX_SCOPE_AREA` (the uint64 range),
 * so that every total and every holder's area is exact where it is read as a uint64. Registrations that would
 * pass it are refused; reads are checked casts all the same.
 */
contract CommunityRegistry is AccessControlEnumerable {
    using Checkpoints for Checkpoints.Trace208;

    /// @notice Housing registry clerks: register units and record sales.
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");
    /// @notice Owners' committee members (业委会委员); granted per estate through `estateRole`.
    bytes32 public constant COMMITTEE_ROLE = keccak256("COMMITTEE_ROLE");
    /// @notice The housing authority or bank that holds the maintenance fund.
    bytes32 public constant CUSTODIAN_ROLE = keccak256("CUSTODIAN_ROLE");
    /// @notice Auditors (审计/监督): read-only on chain, listed so that tools can recognise them.
    bytes32 public constant AUDITOR_ROLE = keccak256("AUDITOR_ROLE");
    /// @notice Submits batches of signed ballots.
    bytes32 public constant RELAYER_ROLE = keccak256("RELAYER_ROLE");
    /// @notice Community staff (社区工作者) acting as a proxy for residents without a phone.
    bytes32 public constant STAFF_ROLE = keccak256("STAFF_ROLE");
    /// @notice Anchors Merkle roots of off-chain records.
    bytes32 public constant ANCHORER_ROLE = keccak256("ANCHORER_ROLE");

    /// @notice Largest total registered area (0.01 m²) of any scope, so that totals and holders' areas fit a uint64.
    uint64 public constant MAX_SCOPE_AREA = type(uint64).max;

    /// @dev Scope keys: an estate's key is its id; a building's key has this bit set above its id.
    uint64 private constant BUILDING_SCOPE_FLAG = uint64(1) << 32;

    struct Estate {
        address developer;
        bytes32 committeeRole;
    }

    /// @dev Packed into one slot, so that reading a whole scope's units costs one SLOAD per unit.
    struct Unit {
        uint32 buildingId;
        uint48 registeredAt;
        uint64 area;
    }

    uint32 private _estateCount;
    uint32 private _buildingCount;
    uint32 private _unitCount;
    uint32 private _holderCount;

    mapping(uint32 estateId => Estate) private _estates;
    mapping(uint32 estateId => uint32[]) private _estateBuildings;
    mapping(uint32 buildingId => uint32 estateId) private _buildingEstate;
    mapping(uint32 buildingId => uint32[]) private _buildingUnits;
    mapping(uint32 unitId => Unit) private _units;
    mapping(uint32 unitId => address) private _unitHolder;

    mapping(address holder => uint32) private _holderIndex;
    mapping(bytes32 role => uint32 estateId) private _committeeRoleEstate;
    mapping(address account => uint256) private _committeeSeats;

    mapping(uint64 scopeKey => mapping(address holder => Checkpoints.Trace208)) private _holderArea;
    mapping(uint64 scopeKey => Checkpoints.Trace208) private _totalArea;
    mapping(uint64 scopeKey => Checkpoints.Trace208) private _totalHeads;

    /// @notice An estate was created; `developer` holds its unsold units.
    event EstateCreated(uint32 indexed estateId, address indexed developer);
    /// @notice A building was added to an estate.
    event BuildingAdded(uint32 indexed buildingId, uint32 indexed estateId);
    /// @notice A unit was registered with its exclusive area in 0.01 m².
    event UnitRegistered(uint32 indexed unitId, uint32 indexed buildingId, address indexed holder, uint64 area);
    /// @notice A unit changed holder (a sale, an inheritance, a delivery by the developer).
    event UnitTransferred(uint32 indexed unitId, address indexed from, address indexed to);
    /// @notice An address held a unit for the first time and received its holder index.
    event HolderIndexed(address indexed holder, uint32 indexed holderIndex);

    error UnknownEstate(uint32 estateId);
    error UnknownBuilding(uint32 buildingId);
    error UnknownUnit(uint32 unitId);
    error BuildingNotInEstate(uint32 buildingId, uint32 estateId);
    error ZeroAddress();
    error ZeroArea(uint256 position);
    error LengthMismatch(uint256 areas, uint256 holders);
    error SameHolder(uint32 unitId, address holder);
    error DutyConflict(address account, bytes32 role);
    error FutureLookup(uint256 timepoint, uint48 currentBlock);
    /// @notice Registering the unit at `position` would take the scope's total area to `total`, beyond `maxArea`.
    error ScopeAreaTooLarge(uint64 scopeKey, uint256 position, uint256 total, uint64 maxArea);
    /// @notice The role is neither one of the registry's roles nor the committee seat of an existing estate.
    error UnknownRole(bytes32 role);

    constructor(address admin) {
        if (admin == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(REGISTRAR_ROLE, admin);
    }

    // ───────────────────────────── registration ─────────────────────────────

    /**
     * @notice Creates an estate whose unsold units are held by `developer`.
     * @return estateId the new estate's id, counting from 1.
     */
    function createEstate(address developer) external onlyRole(REGISTRAR_ROLE) returns (uint32 estateId) {
        if (developer == address(0)) revert ZeroAddress();
        estateId = ++_estateCount;
        bytes32 committeeRole = estateRole(COMMITTEE_ROLE, estateId);
        _estates[estateId] = Estate({developer: developer, committeeRole: committeeRole});
        _committeeRoleEstate[committeeRole] = estateId;
        emit EstateCreated(estateId, developer);
    }

    /**
     * @notice Adds a building to an estate.
     * @return buildingId the new building's id, counting from 1 across all estates.
     */
    function addBuilding(uint32 estateId) external onlyRole(REGISTRAR_ROLE) returns (uint32 buildingId) {
        _requireEstate(estateId);
        buildingId = ++_buildingCount;
        _buildingEstate[buildingId] = estateId;
        _estateBuildings[estateId].push(buildingId);
        emit BuildingAdded(buildingId, estateId);
    }

    /**
     * @notice Registers units in a building with their exclusive areas (0.01 m²) and holders.
     * @dev A zero holder means the estate's developer (an unsold or undelivered unit).
     * @return firstUnitId the id of the first unit registered; the others follow consecutively.
     */
    function registerUnits(
        uint32 buildingId,
        uint64[] calldata areas,
        address[] calldata holders
    ) external onlyRole(REGISTRAR_ROLE) returns (uint32 firstUnitId) {
        uint32 estateId = _requireBuilding(buildingId);
        if (areas.length != holders.length) revert LengthMismatch(areas.length, holders.length);
        address developer = _estates[estateId].developer;
        uint64 buildingKey = _buildingKey(buildingId);
        uint64 estateKey = _estateKey(estateId);
        uint48 now_ = clock();
        firstUnitId = _unitCount + 1;
        for (uint256 i = 0; i < areas.length; ++i) {
            if (areas[i] == 0) revert ZeroArea(i);
            address holder = holders[i] == address(0) ? developer : holders[i];
            uint32 unitId = ++_unitCount;
            _units[unitId] = Unit({buildingId: buildingId, registeredAt: now_, area: areas[i]});
            _unitHolder[unitId] = holder;
            _buildingUnits[buildingId].push(unitId);
            _indexHolder(holder);
            _addArea(buildingKey, holder, areas[i], now_, i);
            _addArea(estateKey, holder, areas[i], now_, i);
            emit UnitRegistered(unitId, buildingId, holder, areas[i]);
        }
    }

    /**
     * @notice Records that a unit changed holder. The headcount and area totals of its building and estate
     * follow from the next block on; votes that opened earlier are not affected.
     */
    function transferUnit(uint32 unitId, address newHolder) external onlyRole(REGISTRAR_ROLE) {
        Unit memory u = _units[unitId];
        if (u.buildingId == 0) revert UnknownUnit(unitId);
        if (newHolder == address(0)) revert ZeroAddress();
        address previous = _unitHolder[unitId];
        if (previous == newHolder) revert SameHolder(unitId, newHolder);
        _unitHolder[unitId] = newHolder;
        _indexHolder(newHolder);
        uint48 now_ = clock();
        uint64 buildingKey = _buildingKey(u.buildingId);
        uint64 estateKey = _estateKey(_buildingEstate[u.buildingId]);
        _removeArea(buildingKey, previous, u.area, now_);
        _removeArea(estateKey, previous, u.area, now_);
        // The totals are unchanged by a transfer, so these cannot pass MAX_SCOPE_AREA.
        _addArea(buildingKey, newHolder, u.area, now_, 0);
        _addArea(estateKey, newHolder, u.area, now_, 0);
        emit UnitTransferred(unitId, previous, newHolder);
    }

    // ───────────────────────────── roles ─────────────────────────────

    /// @notice The role id of an estate-scoped role (used for committee seats).
    function estateRole(bytes32 role, uint32 estateId) public pure returns (bytes32) {
        return keccak256(abi.encode(role, estateId));
    }

    /// @notice Whether `account` holds a committee seat of `estateId`.
    function isCommitteeMember(uint32 estateId, address account) external view returns (bool) {
        return hasRole(_estates[estateId].committeeRole, account);
    }

    /// @notice The number of committee seats of `estateId`.
    function committeeSize(uint32 estateId) external view returns (uint256) {
        return getRoleMemberCount(_estates[estateId].committeeRole);
    }

    /**
     * @dev Grants only known roles: the registry's roles and the committee seats of existing estates (a seat of a
     * future estate would escape the exclusion below). Enforces the separation of duties: custodian and committee
     * seats exclude each other.
     */
    function _grantRole(bytes32 role, address account) internal override returns (bool granted) {
        bool committeeSeat = _committeeRoleEstate[role] != 0;
        if (!committeeSeat && !_isGlobalRole(role)) revert UnknownRole(role);
        if (committeeSeat && hasRole(CUSTODIAN_ROLE, account)) revert DutyConflict(account, role);
        if (role == CUSTODIAN_ROLE && _committeeSeats[account] != 0) revert DutyConflict(account, role);
        granted = super._grantRole(role, account);
        if (granted && committeeSeat) ++_committeeSeats[account];
    }

    function _isGlobalRole(bytes32 role) private pure returns (bool) {
        return
            role == DEFAULT_ADMIN_ROLE ||
            role == REGISTRAR_ROLE ||
            role == CUSTODIAN_ROLE ||
            role == AUDITOR_ROLE ||
            role == RELAYER_ROLE ||
            role == STAFF_ROLE ||
            role == ANCHORER_ROLE;
    }

    function _revokeRole(bytes32 role, address account) internal override returns (bool revoked) {
        revoked = super._revokeRole(role, account);
        if (revoked && _committeeRoleEstate[role] != 0) --_committeeSeats[account];
    }

    // ───────────────────────────── reads ─────────────────────────────

    /// @notice The registry's clock: block numbers, as in ERC-6372.
    function clock() public view returns (uint48) {
        return SafeCast.toUint48(block.number);
    }

    /// @notice The scope key of a whole estate (`buildingId == 0`) or of one of its buildings.
    function scopeKey(uint32 estateId, uint32 buildingId) external view returns (uint64) {
        _requireEstate(estateId);
        if (buildingId == 0) return _estateKey(estateId);
        if (_buildingEstate[buildingId] != estateId) revert BuildingNotInEstate(buildingId, estateId);
        return _buildingKey(buildingId);
    }

    /// @notice Total registered area (0.01 m²) and headcount of a scope at the end of block `timepoint`.
    function scopeTotalsAt(uint64 key, uint48 timepoint) external view returns (uint64 area, uint32 heads) {
        _requirePast(timepoint);
        area = SafeCast.toUint64(_totalArea[key].upperLookupRecent(timepoint));
        heads = SafeCast.toUint32(_totalHeads[key].upperLookupRecent(timepoint));
    }

    /**
     * @notice A holder's voting weight in a scope at the end of block `timepoint`: its holder index (for
     * ballot bitmaps; 0 if it never held a unit) and its total area there (0 if not eligible).
     */
    function holderWeightAt(
        uint64 key,
        address holder,
        uint48 timepoint
    ) external view returns (uint32 holderIndex, uint64 area) {
        _requirePast(timepoint);
        holderIndex = _holderIndex[holder];
        if (holderIndex != 0) area = SafeCast.toUint64(_holderArea[key][holder].upperLookupRecent(timepoint));
    }

    /// @notice A holder's current area in a scope.
    function holderArea(uint64 key, address holder) external view returns (uint64) {
        return SafeCast.toUint64(_holderArea[key][holder].latest());
    }

    /// @notice Current total area and headcount of a scope.
    function scopeTotals(uint64 key) external view returns (uint64 area, uint32 heads) {
        return (SafeCast.toUint64(_totalArea[key].latest()), SafeCast.toUint32(_totalHeads[key].latest()));
    }

    /**
     * @notice The units of a scope registered at or before block `timepoint`, with their areas, in id order.
     * @dev Areas never change after registration, so these are the areas as of `timepoint`.
     */
    function unitsInScopeAt(
        uint64 key,
        uint48 timepoint
    ) external view returns (uint32[] memory unitIds, uint64[] memory areas) {
        uint32[] memory buildings;
        if (key & BUILDING_SCOPE_FLAG != 0) {
            buildings = new uint32[](1);
            buildings[0] = uint32(key);
        } else {
            buildings = _estateBuildings[uint32(key)];
        }
        uint256 count = 0;
        for (uint256 b = 0; b < buildings.length; ++b) count += _buildingUnits[buildings[b]].length;
        unitIds = new uint32[](count);
        areas = new uint64[](count);
        uint256 n = 0;
        for (uint256 b = 0; b < buildings.length; ++b) {
            uint32[] storage ids = _buildingUnits[buildings[b]];
            for (uint256 i = 0; i < ids.length; ++i) {
                Unit memory u = _units[ids[i]];
                if (u.registeredAt > timepoint) continue;
                unitIds[n] = ids[i];
                areas[n] = u.area;
                ++n;
            }
        }
        assembly ("memory-safe") {
            mstore(unitIds, n)
            mstore(areas, n)
        }
    }

    /// @notice A unit's building, area (0.01 m²), registration block and current holder.
    function unit(
        uint32 unitId
    ) external view returns (uint32 buildingId, uint64 area, uint48 registeredAt, address holder) {
        Unit memory u = _units[unitId];
        if (u.buildingId == 0) revert UnknownUnit(unitId);
        return (u.buildingId, u.area, u.registeredAt, _unitHolder[unitId]);
    }

    /// @notice The estate a building belongs to (0 if unknown).
    function estateOf(uint32 buildingId) external view returns (uint32) {
        return _buildingEstate[buildingId];
    }

    /// @notice An estate's developer address (zero if the estate does not exist).
    function developerOf(uint32 estateId) external view returns (address) {
        return _estates[estateId].developer;
    }

    /// @notice The buildings of an estate.
    function buildingsOf(uint32 estateId) external view returns (uint32[] memory) {
        return _estateBuildings[estateId];
    }

    /// @notice The units of a building.
    function unitsOf(uint32 buildingId) external view returns (uint32[] memory) {
        return _buildingUnits[buildingId];
    }

    /// @notice A holder's index (1-based, 0 if the address never held a unit).
    function holderIndexOf(address holder) external view returns (uint32) {
        return _holderIndex[holder];
    }

    /// @notice Counts of estates, buildings, units and holders ever registered.
    function counts() external view returns (uint32 estates, uint32 buildings, uint32 units, uint32 holders) {
        return (_estateCount, _buildingCount, _unitCount, _holderCount);
    }

    // ───────────────────────────── internals ─────────────────────────────

    /// @dev Adds `area` to `holder` and to the scope's total; `position` names the unit in a registration batch.
    function _addArea(uint64 key, address holder, uint64 area, uint48 now_, uint256 position) private {
        uint208 total = _totalArea[key].latest() + area;
        if (total > MAX_SCOPE_AREA) revert ScopeAreaTooLarge(key, position, total, MAX_SCOPE_AREA);
        uint208 before = _holderArea[key][holder].latest();
        _holderArea[key][holder].push(now_, before + area);
        _totalArea[key].push(now_, total);
        if (before == 0) _totalHeads[key].push(now_, _totalHeads[key].latest() + 1);
    }

    function _removeArea(uint64 key, address holder, uint64 area, uint48 now_) private {
        uint208 remaining = _holderArea[key][holder].latest() - area;
        _holderArea[key][holder].push(now_, remaining);
        _totalArea[key].push(now_, _totalArea[key].latest() - area);
        if (remaining == 0) _totalHeads[key].push(now_, _totalHeads[key].latest() - 1);
    }

    function _indexHolder(address holder) private {
        if (_holderIndex[holder] != 0) return;
        uint32 index = ++_holderCount;
        _holderIndex[holder] = index;
        emit HolderIndexed(holder, index);
    }

    function _requireEstate(uint32 estateId) private view {
        if (_estates[estateId].developer == address(0)) revert UnknownEstate(estateId);
    }

    function _requireBuilding(uint32 buildingId) private view returns (uint32 estateId) {
        estateId = _buildingEstate[buildingId];
        if (estateId == 0) revert UnknownBuilding(buildingId);
    }

    function _requirePast(uint256 timepoint) private view {
        uint48 now_ = clock();
        if (timepoint >= now_) revert FutureLookup(timepoint, now_);
    }

    function _estateKey(uint32 estateId) private pure returns (uint64) {
        return uint64(estateId);
    }

    function _buildingKey(uint32 buildingId) private pure returns (uint64) {
        return BUILDING_SCOPE_FLAG | uint64(buildingId);
    }
}
