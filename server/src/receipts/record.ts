// The canonical form of a record, shared by the server and the verifier (browser-safe: viem only).
// A record's leaf is keccak256(keccak256(abi.encode(fields in the order below))), see docs/receipts.md.
// The record's own log index (`seq`) is inside the encoding, so a receipt cannot be re-labelled.
import { encodeAbiParameters, stringToBytes, toHex, type Hex } from "viem";

export const ONCHAIN_SCHEMA = "gongzhi/onchain-log/v1";
export const OFFCHAIN_SCHEMA = "gongzhi/offchain-record/v1";

/** An event log of an indexed contract. Hex strings are lowercase; integers are JSON numbers. */
export type OnchainRecord = {
  schema: typeof ONCHAIN_SCHEMA;
  seq: number;
  chainId: number;
  emitter: Hex;
  blockNumber: number;
  blockHash: Hex;
  txHash: Hex;
  logIndex: number;
  /** `<ContractName>.<EventName>`, e.g. `CommunityRegistry.UnitRegistered`. */
  event: string;
  topics: Hex[];
  data: Hex;
};

/**
 * A record of an off-chain service (a work order, a mediation step…). `actor` and `payload` are canonical JSON
 * text. `recordId` is the record's number in the off-chain journal: it never changes, while `seq` (its place in
 * the receipt log) moves if a chain reorganisation cuts the log before the record is anchored.
 */
export type OffchainRecord = {
  schema: typeof OFFCHAIN_SCHEMA;
  seq: number;
  chainId: number;
  recordId: number;
  /** e.g. `workorder.created`. */
  kind: string;
  /** The service's id of the object the record is about. */
  id: string;
  /** Unix time in seconds at which the service recorded it. */
  at: number;
  /** Who made it (receipts/actor.ts): `{"address":…}`, `{"address":…,"authorisation":…,"onBehalfOf":…}` or `{"system":…}`. */
  actor: string;
  payload: string;
};

export type Record_ = OnchainRecord | OffchainRecord;

const ONCHAIN_TYPES = [
  { type: "string" }, // schema
  { type: "uint64" }, // seq
  { type: "uint64" }, // chainId
  { type: "address" }, // emitter
  { type: "uint64" }, // blockNumber
  { type: "bytes32" }, // blockHash
  { type: "bytes32" }, // txHash
  { type: "uint64" }, // logIndex
  { type: "string" }, // event
  { type: "bytes32[]" }, // topics
  { type: "bytes" }, // data
] as const;

const OFFCHAIN_TYPES = [
  { type: "string" }, // schema
  { type: "uint64" }, // seq
  { type: "uint64" }, // chainId
  { type: "uint64" }, // recordId
  { type: "string" }, // kind
  { type: "string" }, // id
  { type: "uint64" }, // at
  { type: "string" }, // actor, canonical JSON
  { type: "bytes" }, // payload, UTF-8 of canonical JSON
] as const;

/** The canonical ABI encoding of a record. */
export function encodeRecord(record: Record_): Hex {
  if (record.schema === ONCHAIN_SCHEMA) {
    return encodeAbiParameters(ONCHAIN_TYPES, [
      record.schema,
      BigInt(record.seq),
      BigInt(record.chainId),
      record.emitter,
      BigInt(record.blockNumber),
      record.blockHash,
      record.txHash,
      BigInt(record.logIndex),
      record.event,
      record.topics,
      record.data,
    ]);
  }
  if (record.schema === OFFCHAIN_SCHEMA) {
    return encodeAbiParameters(OFFCHAIN_TYPES, [
      record.schema,
      BigInt(record.seq),
      BigInt(record.chainId),
      BigInt(record.recordId),
      record.kind,
      record.id,
      BigInt(record.at),
      record.actor,
      toHex(stringToBytes(record.payload)),
    ]);
  }
  throw new Error(`Unknown record schema ${(record as { schema: unknown }).schema}.`);
}

/**
 * Canonical JSON of a payload: object keys sorted by UTF-16 code units, no whitespace, numbers as
 * JSON.stringify writes them (integers only are allowed, so the form is unambiguous), no undefined.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new Error(`Canonical JSON allows only safe integers; got ${value}. Use a string.`);
    return JSON.stringify(value);
  }
  if (typeof value === "bigint") return JSON.stringify(value.toString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  throw new Error(`Canonical JSON cannot encode a ${typeof value}.`);
}
