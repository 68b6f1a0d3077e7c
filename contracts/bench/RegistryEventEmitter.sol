// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title RegistryEventEmitter — BENCHMARK FIXTURE ONLY, never part of a deployment
 * @notice Emits CommunityRegistry's events, with the same signatures, without the registry's storage, so that
 * scripts/bench/indexer.bench.ts can put 100,000+ realistic registry events on a chain for little gas and
 * measure the indexer (which decodes them with this artifact's ABI and feeds the registry read models).
 */
contract RegistryEventEmitter {
    event EstateCreated(uint32 indexed estateId, address indexed developer);
    event BuildingAdded(uint32 indexed buildingId, uint32 indexed estateId);
    event UnitRegistered(uint32 indexed unitId, uint32 indexed buildingId, address indexed holder, uint64 area);
    event HolderIndexed(address indexed holder, uint32 indexed holderIndex);

    /// @notice An estate and its buildings `firstBuildingId .. firstBuildingId + buildings - 1`.
    function emitEstate(uint32 estateId, address developer, uint32 firstBuildingId, uint32 buildings) external {
        emit EstateCreated(estateId, developer);
        for (uint32 b = 0; b < buildings; ++b) emit BuildingAdded(firstBuildingId + b, estateId);
    }

    /**
     * @notice Registrations of units `firstUnitId ..` spread over the buildings, their holders cycling through
     * `holders` addresses; a holder's first unit (ids 1 .. holders) also emits HolderIndexed, as the registry does.
     */
    function emitUnits(uint32 firstUnitId, uint32 count, uint32 firstBuildingId, uint32 buildings, uint32 holders) external {
        for (uint32 i = 0; i < count; ++i) {
            uint32 unitId = firstUnitId + i;
            address holder = address(uint160(0x100000 + (unitId % holders)));
            if (unitId <= holders) emit HolderIndexed(holder, unitId);
            emit UnitRegistered(unitId, firstBuildingId + (unitId % buildings), holder, 5000 + uint64(unitId % 9000));
        }
    }
}
