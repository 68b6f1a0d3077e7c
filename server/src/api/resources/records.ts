// The receipt log as a resource: every record (an event of our contracts, or an off-chain service record)
// with whether its batch is anchored yet, and the receipt of one record (docs/receipts.md), asked for by its
// place in the log or, for an off-chain record, by its stable record id (its place may move in a reorg).
import type { Hex } from "viem";
import { z } from "zod/v4";
import { modelSublevel, numKey, readModel, type Store } from "../../store/store.js";
import { isAnchoringRecord } from "../../receipts/anchorer.js";
import { readEntry, readOffchain, type LogEntry } from "../../receipts/log.js";
import { buildReceipt, type BatchView } from "../../receipts/receipt.js";
import { ONCHAIN_SCHEMA } from "../../receipts/record.js";
import { ApiError } from "../errors.js";
import { defineRoute, type RouteSpec } from "../routes.js";
import type { ResourceDeps } from "./context.js";
import { readPage } from "./paging.js";
import { bigId, hash, pageOf, pageQuery } from "./schemas.js";

const RECORD = { "zh-CN": "记录", en: "record" };
const OFFCHAIN_RECORD = { "zh-CN": "链下记录", en: "off-chain record" };

/** The anchored batch holding log entry `seq`, from the indexed BatchAnchored events (what the chain says). */
export async function batchOfRecord(store: Store, seq: number): Promise<BatchView | undefined> {
  for await (const batchId of modelSublevel(store, "batchByLeaf").values({ lte: numKey(seq), reverse: true, limit: 1 })) {
    const batch = await readModel<BatchView>(store, "batches", numKey(batchId as number));
    if (batch && seq < batch.firstLeaf + batch.leafCount) return batch;
  }
  return undefined;
}

const recordSchema = z.object({
  recordId: z.string().describe("GET /api/receipts/{recordId}"),
  seq: z.number().describe("position in the receipt log"),
  kind: z.enum(["onchain", "offchain"]),
  offchainRecordId: z.number().optional().describe("off-chain records: the stable record id, GET /api/receipts/offchain/{offchainRecordId}"),
  contract: z.string().optional().describe("on-chain records: the emitting contract"),
  event: z.string().describe("on-chain: the event name; off-chain: the record's kind, e.g. workorder.created"),
  txHash: hash.optional(),
  blockNumber: z.number().optional(),
  logIndex: z.number().optional(),
  anchored: z.boolean(),
  batchId: z.number().optional(),
});

const hex = z.string().describe("lowercase 0x-hex");
const receiptSchema = z.object({
  format: z.literal("gongzhi-receipt/1"),
  chainId: z.number(),
  anchor: hex.describe("RecordAnchor's address"),
  batchId: z.number(),
  firstLeaf: z.number(),
  leafCount: z.number(),
  root: hex,
  record: z.union([
    z.object({
      schema: z.literal("gongzhi/onchain-log/v1"),
      seq: z.number(),
      chainId: z.number(),
      emitter: hex,
      blockNumber: z.number(),
      blockHash: hex,
      txHash: hex,
      logIndex: z.number(),
      event: z.string(),
      topics: z.array(hex),
      data: hex,
    }),
    z.object({
      schema: z.literal("gongzhi/offchain-record/v1"),
      seq: z.number().describe("its place in the receipt log (moves if a reorg cuts the log before it is anchored)"),
      chainId: z.number(),
      recordId: z.number().describe("its number in the off-chain journal; never changes"),
      kind: z.string().describe("<service>.<event>, e.g. workorder.dispatched"),
      id: z.string().describe("the service's id of the thing the record is about"),
      at: z.number().describe("Unix seconds"),
      actor: z.string().describe('canonical JSON: {"address"}, {"address","authorisation","onBehalfOf"} (staff acting for a resident) or {"system"}'),
      payload: z.string().describe("canonical JSON (docs/receipts.md)"),
    }),
  ]),
  encoded: hex,
  leaf: hex,
  leafIndex: z.number(),
  proof: z.array(hex),
  anchoring: z.object({ txHash: hex, blockNumber: z.number() }),
});

/**
 * Why a logged record has no receipt yet, as the anchorer (receipts/anchorer.ts) decides it: a batch is anchored
 * when `batchLeaves` records wait or `batchSeconds` after the first of them; but the anchor's own BatchAnchored
 * records never start that timer, so the latest one waits for the next other record, however long that takes.
 */
function notAnchored(deps: ResourceDeps, entry: LogEntry, id: string, details?: Record<string, number>): ApiError {
  if (isAnchoringRecord(entry)) return new ApiError(409, "anchoring_record_waits", { id }, details);
  if (!deps.anchoring) return new ApiError(409, "not_anchored_elsewhere", { id }, details);
  const { batchLeaves, batchSeconds } = deps.anchoring;
  return new ApiError(409, "not_anchored_yet", { id, leaves: batchLeaves, seconds: batchSeconds }, { ...details, retryAfterSeconds: Math.max(1, batchSeconds) });
}

/** The receipt of log entry `entry` once its batch is anchored and indexed; else the 409 that says when to ask again. */
async function receiptOf(deps: ResourceDeps, entry: LogEntry, id: string, details?: Record<string, number>) {
  const anchor = deps.deployment.contracts.RecordAnchor?.address;
  if (!anchor || !(await batchOfRecord(deps.store, entry.seq))) throw notAnchored(deps, entry, id, details);
  return buildReceipt(deps.store, entry.seq, { chainId: deps.deployment.chainId, anchor: anchor as Hex, cache: deps.treeCache });
}

export function recordRoutes(deps: ResourceDeps): RouteSpec[] {
  const contracts = Object.keys(deps.deployment.contracts) as [string, ...string[]];
  return [
    defineRoute({
      method: "get",
      path: "/api/records",
      summary: "The receipt log's records in order, filtered by contract and event (or off-chain kind)",
      tags: ["receipts"],
      query: z.object({
        contract: z.enum(contracts).optional(),
        event: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,99}$/, "an event name such as BallotCast, or an off-chain kind").optional(),
        ...pageQuery,
      }),
      response: pageOf(recordSchema),
      handler: async ({ query }) => {
        let batch: BatchView | undefined; // batches are consecutive: most records fall in the previous one
        return readPage(deps.store, deps.store.log, {
          limit: query.limit,
          cursor: query.cursor,
          map: async (value) => {
            const entry = value as LogEntry;
            const r = entry.record;
            const onchain = r.schema === ONCHAIN_SCHEMA;
            const contract = onchain ? entry.decoded?.contract : undefined;
            const event = onchain ? (entry.decoded?.event ?? r.event) : r.kind;
            if (query.contract && contract !== query.contract) return undefined;
            if (query.event && event !== query.event) return undefined;
            if (!batch || entry.seq < batch.firstLeaf || entry.seq >= batch.firstLeaf + batch.leafCount) batch = await batchOfRecord(deps.store, entry.seq);
            return {
              recordId: String(entry.seq),
              seq: entry.seq,
              kind: onchain ? ("onchain" as const) : ("offchain" as const),
              ...(onchain ? {} : { offchainRecordId: r.recordId }),
              ...(contract ? { contract } : {}),
              event,
              ...(onchain ? { txHash: r.txHash, blockNumber: r.blockNumber, logIndex: r.logIndex } : {}),
              anchored: batch !== undefined,
              ...(batch ? { batchId: batch.batchId } : {}),
            };
          },
        });
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/receipts/:recordId",
      summary: "The receipt of one record (docs/receipts.md): check it against the chain with verify-receipt",
      tags: ["receipts"],
      params: z.object({ recordId: bigId }),
      response: receiptSchema,
      handler: async ({ params }) => {
        const seq = Number(params.recordId);
        const entry = Number.isSafeInteger(seq) ? await readEntry(deps.store, seq) : undefined;
        if (!entry) throw new ApiError(404, "unknown_record", { kind: RECORD, id: params.recordId });
        return receiptOf(deps, entry, params.recordId);
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/receipts/offchain/:recordId",
      summary:
        "The receipt of an off-chain record by its record id (stable, while its place in the log may move in a reorg " +
        "until it is anchored); 409 with when to ask again until its batch is anchored",
      tags: ["receipts"],
      params: z.object({ recordId: bigId }),
      response: receiptSchema,
      handler: async ({ params }) => {
        const recordId = Number(params.recordId);
        const entry = Number.isSafeInteger(recordId) ? await readOffchain(deps.store, recordId) : undefined;
        if (!entry) throw new ApiError(404, "unknown_record", { kind: OFFCHAIN_RECORD, id: params.recordId });
        return receiptOf(deps, entry, params.recordId, { recordId, seq: entry.seq });
      },
    }),
  ];
}
