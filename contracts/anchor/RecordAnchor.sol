// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {CommunityRegistry} from "../registry/CommunityRegistry.sol";
import {RegistryAccess} from "../registry/RegistryAccess.sol";

/**
 * @title RecordAnchor
 * @notice An append-only list of Merkle roots over the off-chain record log. Batch `n` covers the leaves
 * `[firstLeaf, firstLeaf + leafCount)` and must start exactly where batch `n - 1` stopped, so the whole log
 * is covered once, without gaps or overlaps. Any contract or client can check a receipt with `verify`.
 * Trees are built the OpenZeppelin way: sorted pairs, keccak256, leaves double-hashed by the writer.
 */
contract RecordAnchor is RegistryAccess {
    struct Batch {
        bytes32 root;
        uint64 firstLeaf;
        uint64 leafCount;
        uint48 anchoredAt; // block timestamp
        uint48 blockNumber;
    }

    Batch[] private _batches;
    uint64 private _nextLeaf;

    /// @notice A batch of records was anchored; batch ids count from 0.
    event BatchAnchored(uint256 indexed batchId, bytes32 indexed root, uint64 firstLeaf, uint64 leafCount);

    error EmptyBatch();
    error ZeroRoot();
    error LeafGap(uint64 expectedFirstLeaf, uint64 firstLeaf);
    error UnknownBatch(uint256 batchId, uint256 batchCount);

    constructor(CommunityRegistry registry_) RegistryAccess(registry_) {}

    /**
     * @notice Appends a batch. Only the anchoring role may call it.
     * @param root the Merkle root of the batch's leaves
     * @param firstLeaf the log index of the batch's first leaf; must equal `nextLeaf()`
     * @param leafCount how many leaves the batch covers (at least one)
     * @return batchId the new batch's id
     */
    function anchor(
        bytes32 root,
        uint64 firstLeaf,
        uint64 leafCount
    ) external onlyRegistryRole(registry.ANCHORER_ROLE()) returns (uint256 batchId) {
        if (leafCount == 0) revert EmptyBatch();
        if (root == bytes32(0)) revert ZeroRoot();
        if (firstLeaf != _nextLeaf) revert LeafGap(_nextLeaf, firstLeaf);
        batchId = _batches.length;
        _nextLeaf = firstLeaf + leafCount;
        _batches.push(
            Batch({
                root: root,
                firstLeaf: firstLeaf,
                leafCount: leafCount,
                anchoredAt: uint48(block.timestamp),
                blockNumber: uint48(block.number)
            })
        );
        emit BatchAnchored(batchId, root, firstLeaf, leafCount);
    }

    /**
     * @notice Whether `leaf` is in batch `batchId`, given its Merkle proof (sorted-pair keccak256).
     * @dev Reverts for an unknown batch so that a missing anchor is never mistaken for a bad proof.
     */
    function verify(uint256 batchId, bytes32 leaf, bytes32[] calldata proof) external view returns (bool) {
        return MerkleProof.verifyCalldata(proof, _batch(batchId).root, leaf);
    }

    /// @notice A batch's root, leaf range, time and block.
    function batch(uint256 batchId) external view returns (Batch memory) {
        return _batch(batchId);
    }

    /// @notice How many batches have been anchored.
    function batchCount() external view returns (uint256) {
        return _batches.length;
    }

    /// @notice The log index the next batch must start at.
    function nextLeaf() external view returns (uint64) {
        return _nextLeaf;
    }

    function _batch(uint256 batchId) private view returns (Batch storage) {
        if (batchId >= _batches.length) revert UnknownBatch(batchId, _batches.length);
        return _batches[batchId];
    }
}
