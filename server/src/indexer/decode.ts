// Turns raw logs into typed event records with the ABIs of the compiled artifacts. Each event's decoding plan
// is prepared once, so decoding a log is a map lookup plus the ABI decoding of its fields.
import {
  decodeAbiParameters,
  toEventSelector,
  type Abi,
  type AbiEvent,
  type AbiParameter,
  type Address,
  type Hex,
} from "viem";
import type { ArgValue, DecodedEvent, RpcLog } from "../chain/logs.js";
import { isStoredOnchain, ONCHAIN_AT } from "../receipts/log-format.js";

export type { ArgValue, DecodedEvent, RpcLog };

export type IndexedContract = { name: string; address: Address; abi: Abi };

type Plan = {
  contract: string;
  event: string;
  indexed: AbiParameter[];
  data: AbiParameter[];
  indexedNames: string[];
  dataNames: string[];
  /** Every field is a simple static type that fastWord decodes: its kind per field (see wordKind). */
  fast: boolean;
  indexedKinds: WordKind[];
  dataKinds: WordKind[];
};

function intBits(type: string): number | undefined {
  const m = /^u?int(\d*)$/.exec(type);
  return m ? Number(m[1] || 256) : undefined;
}

/** Converts a decoded viem value to its JSON-safe form, guided by its ABI type. */
export function toArgValue(param: AbiParameter, value: unknown): ArgValue {
  const type = param.type;
  if (type.endsWith("]")) {
    const inner = { ...param, type: type.slice(0, type.lastIndexOf("[")) } as AbiParameter;
    return (value as unknown[]).map((v) => toArgValue(inner, v));
  }
  if (type === "tuple" && "components" in param) {
    const out: Record<string, ArgValue> = {};
    param.components.forEach((c, i) => {
      const v = Array.isArray(value) ? value[i] : (value as Record<string, unknown>)[c.name ?? String(i)];
      out[c.name ?? String(i)] = toArgValue(c, v);
    });
    return out;
  }
  const bits = intBits(type);
  if (bits !== undefined) return bits <= 48 ? Number(value as bigint) : (value as bigint).toString();
  if (typeof value === "string") return value.toLowerCase();
  return value as boolean;
}

const enum WordKind {
  Address,
  Bytes32,
  Bool,
  /** uint8 … uint48: a JSON number. */
  SmallUint,
  /** uint56 … uint256: a decimal string. */
  BigUint,
  /** Left to viem (signed integers, fixed bytes other than bytes32, dynamic types). */
  Other,
}

function wordKind(type: string): WordKind {
  if (type === "address") return WordKind.Address;
  if (type === "bytes32") return WordKind.Bytes32;
  if (type === "bool") return WordKind.Bool;
  if (/^uint\d*$/.test(type)) return Number(type.slice(4) || 256) <= 48 ? WordKind.SmallUint : WordKind.BigUint;
  return WordKind.Other;
}

/** Decodes the 32-byte word at `at` (hex digits, after any 0x) of `hex` without viem (the indexer's hot path). */
function fastWord(kind: WordKind, hex: string, at: number): ArgValue {
  switch (kind) {
    case WordKind.Address:
      return `0x${hex.slice(at + 24, at + 64)}`.toLowerCase();
    case WordKind.Bytes32:
      return `0x${hex.slice(at, at + 64)}`.toLowerCase();
    case WordKind.Bool:
      return hex.charCodeAt(at + 63) === 0x31; // "…1"
    case WordKind.SmallUint:
      return parseInt(hex.slice(at + 52, at + 64), 16);
    default:
      return BigInt(`0x${hex.slice(at, at + 64)}`).toString();
  }
}

function isDynamic(type: string): boolean {
  return type === "string" || type === "bytes" || type.endsWith("]") || type === "tuple";
}

/** A decoded log with room for its log sequence number (set by the indexer; -1 until then). */
export type Decoder = (log: RpcLog) => DecodedEvent & { seq: number };

type Plans = { byTopic: Map<string, Plan>; byName: Map<string, Plan & { address: Hex }>; names: Map<string, string> };

/**
 * Each event's decoding plan, by `${address}|${topic0}`, and by "Contract.Event" with its contract's address
 * (contract names are unique in a deployment).
 */
function eventPlans(contracts: IndexedContract[]): Plans {
  const byTopic = new Map<string, Plan>();
  const byName = new Map<string, Plan & { address: Hex }>();
  const names = new Map<string, string>(); // address → contract name
  for (const c of contracts) {
    const address = c.address.toLowerCase();
    names.set(address, c.name);
    for (const item of c.abi) {
      if (item.type !== "event" || item.anonymous) continue;
      const ev = item as AbiEvent;
      const indexed = ev.inputs.filter((i) => i.indexed);
      const data = ev.inputs.filter((i) => !i.indexed);
      const indexedKinds = indexed.map((i) => wordKind(i.type));
      const dataKinds = data.map((i) => wordKind(i.type));
      const plan: Plan = {
        contract: c.name,
        event: ev.name,
        indexed,
        data,
        indexedNames: indexed.map((i, n) => i.name || `topic${n + 1}`),
        dataNames: data.map((i, n) => i.name || `arg${n}`),
        fast: [...indexedKinds, ...dataKinds].every((k) => k !== WordKind.Other),
        indexedKinds,
        dataKinds,
      };
      byTopic.set(`${address}|${toEventSelector(ev)}`, plan);
      byName.set(`${c.name}.${ev.name}`, { ...plan, address: address as Hex });
    }
  }
  return { byTopic, byName, names };
}

/**
 * Decodes logs. Without `args` only names and positions are decoded: the worker that makes receipt-log entries
 * needs no more, and the indexer decodes the arguments from the stored entries (makeStoredDecoder).
 */
export function makeDecoder(contracts: IndexedContract[], options: { args: boolean } = { args: true }): Decoder {
  const { byTopic: plans, names } = eventPlans(contracts);
  return (log) => {
    const address = log.address.toLowerCase() as Hex;
    const topic0 = log.topics[0];
    const plan = plans.get(`${address}|${topic0?.toLowerCase()}`);
    let contract: string;
    let event: string;
    let args: Record<string, ArgValue> = {};
    if (!plan) {
      contract = names.get(address) ?? address;
      event = `unknown:${topic0 ?? "anonymous"}`;
    } else {
      contract = plan.contract;
      event = plan.event;
      if (options.args) args = plan.fast && log.data.length === 2 + 64 * plan.data.length ? fastArgs(plan, log) : viemArgs(plan, log);
    }
    return {
      contract,
      event,
      args,
      address,
      blockNumber: Number(log.blockNumber),
      blockHash: log.blockHash.toLowerCase() as Hex,
      txHash: log.transactionHash.toLowerCase() as Hex,
      logIndex: Number(log.logIndex),
      seq: -1,
    };
  };
}

/**
 * Whether `length` bytes of `a` at `aAt` equal those of `b` at `bAt`, and, when they run to the end of `b`, `a`
 * has no more; in JS, which beats a native compare call for a few dozen bytes.
 */
function sameBytes(a: Buffer, aAt: number, b: Buffer, bAt: number, length: number): boolean {
  if (bAt + length === b.length && a.length - aAt !== length) return false;
  for (let i = 0; i < length; i++) if (a[aAt + i] !== b[bAt + i]) return false;
  return true;
}

/** Decodes the 32-byte word at byte `at` of `buf` (the stored-entry twin of fastWord). */
function fastWordAt(kind: WordKind, buf: Buffer, at: number): ArgValue {
  switch (kind) {
    case WordKind.Address:
      return `0x${buf.toString("hex", at + 12, at + 32)}`;
    case WordKind.Bytes32:
      return `0x${buf.toString("hex", at, at + 32)}`;
    case WordKind.Bool:
      return (buf[at + 31] & 0x0f) === 1; // as fastWord: the last hex digit is 1
    case WordKind.SmallUint:
      return buf.readUIntBE(at + 26, 6);
    default:
      return BigInt(`0x${buf.toString("hex", at, at + 32)}`).toString();
  }
}

/**
 * Decodes a range's stored on-chain receipt-log entries (receipts/log-format.ts) into the reducers' records, one
 * at a time as they are reduced (so that a range's records are not all alive at once). Each call begins a range:
 * the function it returns decodes that range's entries in order.
 */
export type StoredDecoder = () => (value: Buffer) => DecodedEvent & { seq: number };

/**
 * The indexer's decoder: it takes the events straight from the bytes of the receipt-log entries that the worker
 * made (no second parse of the node's answer, no JSON between threads); the same records as makeDecoder's.
 * The stored "Contract.Event" names the plan. A block's and a
 * transaction's logs are adjacent: the hex strings of their hashes are made once, while the bytes stay the same.
 */
export function makeStoredDecoder(contracts: IndexedContract[]): StoredDecoder {
  const plans = eventPlans(contracts).byName;
  const hex = (value: Buffer, at: number, length: number) => `0x${value.toString("hex", at, at + length)}` as Hex;
  return () => {
    let blockHash = "0x" as Hex;
    let lastValue: Buffer | undefined;
    let txHash = "0x" as Hex;
    let lastName = "";
    let lastNameBytes: Buffer | undefined;
    let plan: (Plan & { address: Hex }) | undefined;
    return (value) => {
      if (!isStoredOnchain(value)) throw new Error("An off-chain receipt-log entry was given to the event decoder; only on-chain entries have events.");
      const topicCount = value[ONCHAIN_AT.topicCount];
      const dataLengthAt = ONCHAIN_AT.topics + 32 * topicCount;
      const dataLength = value.readUInt32BE(dataLengthAt);
      const dataAt = dataLengthAt + 4;
      const nameAt = dataAt + dataLength;
      if (!lastNameBytes || !sameBytes(lastNameBytes, 0, value, nameAt, value.length - nameAt)) {
        lastNameBytes = value.subarray(nameAt);
        lastName = lastNameBytes.toString("utf8");
        plan = plans.get(lastName);
      }
      const blockNumber = value.readDoubleBE(ONCHAIN_AT.blockNumber);
      if (!lastValue || !sameBytes(lastValue, ONCHAIN_AT.blockHash, value, ONCHAIN_AT.blockHash, 32)) {
        blockHash = hex(value, ONCHAIN_AT.blockHash, 32);
      }
      if (!lastValue || !sameBytes(lastValue, ONCHAIN_AT.txHash, value, ONCHAIN_AT.txHash, 32)) {
        txHash = hex(value, ONCHAIN_AT.txHash, 32);
      }
      lastValue = value;
      let contract: string;
      let event: string;
      let address: Hex;
      let args: Record<string, ArgValue> = {};
      if (!plan) {
        const dot = lastName.indexOf(".");
        contract = lastName.slice(0, dot);
        event = lastName.slice(dot + 1);
        address = hex(value, ONCHAIN_AT.emitter, 20);
      } else {
        contract = plan.contract;
        event = plan.event;
        address = plan.address;
        if (plan.fast && dataLength === 32 * plan.data.length) {
          for (let i = 0; i < plan.indexedKinds.length; i++) args[plan.indexedNames[i]] = fastWordAt(plan.indexedKinds[i], value, ONCHAIN_AT.topics + 32 * (i + 1));
          for (let i = 0; i < plan.dataKinds.length; i++) args[plan.dataNames[i]] = fastWordAt(plan.dataKinds[i], value, dataAt + 32 * i);
        } else {
          const topics: Hex[] = [];
          for (let i = 0; i < topicCount; i++) topics.push(hex(value, ONCHAIN_AT.topics + 32 * i, 32));
          args = viemArgs(plan, { topics, data: hex(value, dataAt, dataLength) });
        }
      }
      return {
        contract,
        event,
        args,
        address,
        blockNumber,
        blockHash,
        txHash,
        logIndex: value.readUInt32BE(ONCHAIN_AT.logIndex),
        seq: value.readDoubleBE(ONCHAIN_AT.seq),
      };
    };
  };
}

function fastArgs(plan: Plan, log: RpcLog): Record<string, ArgValue> {
  const args: Record<string, ArgValue> = {};
  for (let i = 0; i < plan.indexedKinds.length; i++) args[plan.indexedNames[i]] = fastWord(plan.indexedKinds[i], log.topics[i + 1], 2);
  for (let i = 0; i < plan.dataKinds.length; i++) args[plan.dataNames[i]] = fastWord(plan.dataKinds[i], log.data, 2 + 64 * i);
  return args;
}

function viemArgs(plan: Plan, log: Pick<RpcLog, "topics" | "data">): Record<string, ArgValue> {
  const args: Record<string, ArgValue> = {};
  plan.indexed.forEach((p, i) => {
    const topic = log.topics[i + 1];
    // An indexed dynamic value is stored as its hash only.
    args[plan.indexedNames[i]] = isDynamic(p.type) ? topic.toLowerCase() : toArgValue(p, decodeAbiParameters([p], topic)[0]);
  });
  if (plan.data.length > 0) {
    const values = decodeAbiParameters(plan.data, log.data);
    plan.data.forEach((p, i) => {
      args[plan.dataNames[i]] = toArgValue(p, values[i]);
    });
  }
  return args;
}
