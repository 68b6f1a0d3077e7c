// Payload field types for service records. A record is anchored on chain and kept for ever, so its payload
// holds ids, hashes, enums and amounts only: a personal value (a name, a phone, free text about someone)
// appears only as a reference into the vault (a person id) or as a salted commitment (vault/commitment.ts),
// never as itself and never as a plain hash, which could be guessed back.
import { z } from "zod/v4";

/** A vault person id (opaque, made by the directory): the only way a record names a person. */
export const personRef = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "a vault person id (1–64 letters, digits, _ or -)")
  .describe("a person id in the personal-data vault, never the person's name or number");

/**
 * A salted commitment keccak256(abi.encode(bytes32 salt, string value)) to a personal value, made by
 * `commit` of vault/commitment.ts; the salt stays in the vault with the value, so that after erasure the
 * commitment leads to no one.
 */
export const commitmentRef = z
  .string()
  .regex(/^0x[0-9a-f]{64}$/, "a salted commitment (0x + 64 lowercase hex digits)")
  .describe("salted commitment keccak256(abi.encode(salt, value)) to a personal value held in the vault");

/** A keccak256 hash of a document or of public data (never of a guessable personal value: use commitmentRef). */
export const hashRef = z.string().regex(/^0x[0-9a-f]{64}$/, "a hash (0x + 64 lowercase hex digits)");

/** An address in lowercase, as records and actors carry it. */
export const addressRef = z.string().regex(/^0x[0-9a-f]{40}$/, "an address (0x + 40 lowercase hex digits)");

/** An amount in fen (0.01 yuan), an integer (canonical JSON allows safe integers only). */
export const amountFen = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A count or an id number (canonical JSON allows safe integers only). */
export const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Unix time in seconds. */
export const unixSeconds = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** An id of an object of a service (what a record is about; in paths as `:id`). */
export const objectId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "an id of 1–64 letters, digits, _ or -");
