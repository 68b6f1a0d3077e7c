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

/** A log as eth_getLogs returns it (hex quantities). */
export type RpcLog = {
  address: Hex;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex;
  blockHash: Hex;
  transactionHash: Hex;
  logIndex: Hex;
  removed?: boolean;
};

/** JSON-safe argument values: integers up to 48 bits are numbers, wider ones decimal strings; hex lowercase. */
export type ArgValue = number | string | boolean | ArgValue[] | { [k: string]: ArgValue };

export type DecodedEvent = {
  contract: string;
  /** The event's name, or `unknown:<topic0>` for a log no ABI describes. */
  event: string;
  args: Record<string, ArgValue>;
  address: Hex;
  blockNumber: number;
  blockHash: Hex;
  txHash: Hex;
  logIndex: number;
};

export type IndexedContract = { name: string; address: Address; abi: Abi };

type Plan = {
  contract: string;
  event: string;
  indexed: AbiParameter[];
  data: AbiParameter[];
  dataNames: string[];
  /** Every field is a simple static type that fastWord decodes. */
  fast: boolean;
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

/**
 * Decodes one 32-byte word of a simple static type without viem's generic decoder (the indexer's hot path);
 * returns undefined for types it leaves to viem (signed integers, fixed bytes other than bytes32).
 */
function fastWord(type: string, word: string): ArgValue | undefined {
  if (type === "address") return `0x${word.slice(24)}`.toLowerCase();
  if (type === "bytes32") return `0x${word}`.toLowerCase();
  if (type === "bool") return word.endsWith("1");
  if (type.startsWith("uint")) {
    const bits = Number(type.slice(4) || 256);
    return bits <= 48 ? parseInt(word.slice(52), 16) : BigInt(`0x${word}`).toString();
  }
  return undefined;
}

const FAST_TYPES = /^(address|bytes32|bool|uint\d*)$/;

function isDynamic(type: string): boolean {
  return type === "string" || type === "bytes" || type.endsWith("]") || type === "tuple";
}

export type Decoder = (log: RpcLog) => DecodedEvent;

export function makeDecoder(contracts: IndexedContract[]): Decoder {
  const plans = new Map<string, Plan>(); // `${address}|${topic0}`
  const names = new Map<string, string>(); // address → contract name
  for (const c of contracts) {
    const address = c.address.toLowerCase();
    names.set(address, c.name);
    for (const item of c.abi) {
      if (item.type !== "event" || item.anonymous) continue;
      const ev = item as AbiEvent;
      plans.set(`${address}|${toEventSelector(ev)}`, {
        contract: c.name,
        event: ev.name,
        indexed: ev.inputs.filter((i) => i.indexed),
        data: ev.inputs.filter((i) => !i.indexed),
        dataNames: ev.inputs.filter((i) => !i.indexed).map((i, n) => i.name || `arg${n}`),
        fast: ev.inputs.every((i) => FAST_TYPES.test(i.type)),
      });
    }
  }
  return (log) => {
    const address = log.address.toLowerCase() as Hex;
    const base = {
      address,
      blockNumber: Number(log.blockNumber),
      blockHash: log.blockHash.toLowerCase() as Hex,
      txHash: log.transactionHash.toLowerCase() as Hex,
      logIndex: Number(log.logIndex),
    };
    const plan = plans.get(`${address}|${log.topics[0]?.toLowerCase()}`);
    if (!plan) {
      return { ...base, contract: names.get(address) ?? address, event: `unknown:${log.topics[0] ?? "anonymous"}`, args: {} };
    }
    const args: Record<string, ArgValue> = {};
    if (plan.fast && log.data.length === 2 + 64 * plan.data.length) {
      plan.indexed.forEach((p, i) => (args[p.name || `topic${i + 1}`] = fastWord(p.type, log.topics[i + 1].slice(2))!));
      plan.data.forEach((p, i) => (args[plan.dataNames[i]] = fastWord(p.type, log.data.slice(2 + 64 * i, 66 + 64 * i))!));
      return { ...base, contract: plan.contract, event: plan.event, args };
    }
    plan.indexed.forEach((p, i) => {
      const topic = log.topics[i + 1];
      // An indexed dynamic value is stored as its hash only.
      args[p.name || `topic${i + 1}`] = isDynamic(p.type)
        ? topic.toLowerCase()
        : toArgValue(p, decodeAbiParameters([p], topic)[0]);
    });
    if (plan.data.length > 0) {
      const values = decodeAbiParameters(plan.data, log.data);
      plan.data.forEach((p, i) => {
        args[plan.dataNames[i]] = toArgValue(p, values[i]);
      });
    }
    return { ...base, contract: plan.contract, event: plan.event, args };
  };
}
