// Runs commands: authorise, serialise per object, decide on the current state, and write the records, the
// object's new state, the projections and the idempotent answer in one atomic append. Also replays the journal
// to rebuild every read model.
import { createHash, randomBytes } from "node:crypto";
import type { Hex } from "viem";
import { z } from "zod/v4";
import type { ActingActor } from "../../receipts/actor.js";
import { canonicalJson } from "../../receipts/record.js";
import { createLock } from "../../store/lock.js";
import { numKey } from "../../store/store.js";
import { Refusal, type AnyService, type CommandDef, type Emitted, type JournalRecord, type ServiceDef } from "./define.js";
import { createKeyedLock } from "./keyedLock.js";
import type { ModelTx, ModelWrite, ServiceStorage, StoredRecord } from "./storage.js";

/** The framework's own models: each object's state, and the answers of commands sent with an Idempotency-Key. */
export const STATE_MODEL = "framework.state";
export const IDEMPOTENCY_MODEL = "framework.idempotency";

/** Whether staff may act for a resident under `authorisation` (on-chain ProxyAuthorizations, or off-chain ones). */
export type ProxyCheck = (request: {
  staff: Hex;
  onBehalfOf: string;
  authorisation: string;
  service: string;
  command: string;
  /** Unix seconds. */
  now: number;
}) => Promise<boolean>;

/** Who sends a command: the signed-in address (lowercase) and, read on demand, its roles. */
export type Principal = AddressPrincipal | SystemPrincipal;
export type AddressPrincipal = { address: Hex; roles: () => Promise<readonly string[]> };

/**
 * The server itself (a device webhook, a sweep): role "system" only, recorded as actor `{ system: job }`. Never
 * made from a request's session, so no one signed in can act as it.
 */
export type SystemPrincipal = { system: string };

export function systemPrincipal(job: string): SystemPrincipal {
  if (!/^[\x21-\x7e]{1,100}$/.test(job)) throw new Error(`A system job's name is 1–100 printable characters without spaces (it is the records' actor); got ${JSON.stringify(job)}.`);
  return { system: job };
}

const SYSTEM_ROLES: readonly string[] = ["system"];
const rolesOf = (principal: Principal): Promise<readonly string[]> =>
  "system" in principal ? Promise.resolve(SYSTEM_ROLES) : principal.roles();

export type CommandRequest = {
  service: string;
  command: string;
  /** The object's id, for commands on an existing object. */
  id?: string;
  /** The body as sent (JSON): the command's input plus expectedVersion, onBehalfOf, authorisation. */
  body: unknown;
  principal: Principal;
  idempotencyKey?: string;
  /** The body already parsed by the command's own schema (bodySchema), as the HTTP route does; parsed here otherwise. */
  parsedBody?: Record<string, unknown>;
};

export type CommandResult = {
  id: string;
  /** The object's version after the command: its number of records. */
  version: number;
  records: { recordId: number; seq: number; kind: string }[];
  recordIds: number[];
  seqs: number[];
  /** Who acted (the caller: the answer never carries a sealed stand-in, which only the records name). */
  actor: ActingActor;
  /** Set when staff acted for a resident: for whom, under which authorisation. */
  proxy: { onBehalfOf: string; authorisation: string } | null;
};

export type CommandAnswer = { status: 201 | 200; body: CommandResult; replayed: boolean };

type StoredState = { version: number; state: unknown };
type StoredAnswer = {
  fingerprint: string;
  status: 201 | 200;
  id: string;
  service: string;
  fromVersion: number;
  count: number;
  /** No record of this command has an id below this (see ServiceStorage.nextRecordId). */
  hint: number;
  actor: ActingActor;
  proxy: CommandResult["proxy"];
};

export type Engine = {
  services: Map<string, ServiceDef>;
  storage: ServiceStorage;
  execute: (request: CommandRequest) => Promise<CommandAnswer>;
  /** The object's state and version (version 0: it does not exist). */
  stateOf: (service: string, id: string) => Promise<StoredState>;
  /** The record ids and current seqs of an object's records `fromVersion`.. (versions count from 1). */
  recordsOf: (service: string, id: string, fromVersion: number, count: number, hint?: number) => Promise<StoredRecord[]>;
  /** Up to `limit` of an object's records from `fromVersion` on, each with its version (an object's history page). */
  historyOf: (service: string, id: string, fromVersion: number, limit: number) => Promise<(StoredRecord & { version: number })[]>;
};

export type EngineOptions = {
  services: AnyService[];
  storage: ServiceStorage;
  proxyCheck: ProxyCheck;
  /** Milliseconds since the epoch (Date.now unless said). */
  clock?: () => number;
};

const PRINTABLE_ID = /^[\x21-\x7e]{1,100}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** A command's body: its input plus the framework's fields (validated once, by the route and the engine alike). */
// Random object ids drawn from a pool refilled 4 KiB at a time: one getrandom call per 455 ids, not one per id
// (a system call per command cost more than the rest of its decision under load).
const ID_BYTES = 9;
let idPool = Buffer.alloc(0);
let idAt = 0;
function newObjectId(): string {
  if (idAt + ID_BYTES > idPool.length) {
    idPool = randomBytes(4096);
    idAt = 0;
  }
  idAt += ID_BYTES;
  return idPool.toString("base64url", idAt - ID_BYTES, idAt);
}

const bodySchemas = new WeakMap<CommandDef, ReturnType<typeof makeBodySchema>>();

/** A command's body schema, made once per command: zod compiles a schema on first use, costly per request. */
export function bodySchema(command: CommandDef) {
  let schema = bodySchemas.get(command);
  if (!schema) bodySchemas.set(command, (schema = makeBodySchema(command)));
  return schema;
}

function makeBodySchema(command: CommandDef) {
  return command.input.extend({
    expectedVersion: z.number().int().min(0).optional().describe("refuse (409) unless the object is at this version"),
    onBehalfOf: z.string().regex(PRINTABLE_ID).optional().describe("staff only: the resident's address or person id"),
    authorisation: z.string().regex(PRINTABLE_ID).optional().describe("staff only: the recorded authorisation to act for them"),
  });
}

export const stateKey = (service: string, id: string) => `${service}:${id}`;
const versionKey = (service: string, id: string, version: number) => `${service}:${id}:${numKey(version)}`;
/** Where an object's record of a version was appended from (a lower bound of its record id). */
export const VERSIONS_MODEL = "framework.versions";

/** Model names of a service as stored. */
export const modelName = (service: string, model: string) => `${service}.${model}`;

export function serviceOfKind(kind: string): string {
  return kind.slice(0, kind.indexOf("."));
}

function allowedRoles<I>(command: CommandDef<unknown, I>, input: I): readonly string[] | "signedIn" {
  return typeof command.who === "function" ? command.who(input) : command.who;
}

function checkPayload(service: ServiceDef, emitted: Emitted): unknown {
  const def = service.records.find((r) => r.kind === emitted.kind);
  if (!def) throw new Error(`Service ${service.name} decided a record of kind ${emitted.kind}, which it does not declare.`);
  const parsed = def.schema.safeParse(emitted.payload);
  if (!parsed.success) {
    throw new Error(`Service ${service.name} decided a ${emitted.kind} whose payload breaks its schema: ${parsed.error.message}`);
  }
  return parsed.data;
}

/** A projection's view of the read models: its own writes first, then `read`; names checked and namespaced. */
function projectionTx(service: ServiceDef, read: (model: string, key: string) => Promise<unknown>, writes: Map<string, ModelWrite>): ModelTx {
  const name = (model: string) => {
    if (!service.models?.includes(model)) throw new Error(`Service ${service.name} writes read model "${model}", which it does not declare in models.`);
    return modelName(service.name, model);
  };
  return {
    async get<T>(model: string, key: string) {
      const full = name(model);
      const own = writes.get(`${full}\u0000${key}`);
      if (own) return (own.value === null ? undefined : own.value) as T | undefined;
      return (await read(full, key)) as T | undefined;
    },
    put(model, key, value) {
      const full = name(model);
      writes.set(`${full}\u0000${key}`, { model: full, key, value });
    },
    del(model, key) {
      const full = name(model);
      writes.set(`${full}\u0000${key}`, { model: full, key, value: null });
    },
  };
}

export function createEngine(options: EngineOptions): Engine {
  const { storage, proxyCheck } = options;
  const clock = options.clock ?? Date.now;
  const services = new Map(options.services.map((s) => [s.name, s as ServiceDef]));
  if (services.size !== options.services.length) throw new Error("Two services have the same name.");
  const objects = createKeyedLock();
  const keys = createKeyedLock();
  // Projections of concurrent commands (on different objects) may touch the same keys (a list, a count): each
  // computes its writes and starts its append before the next computes, so the next sees them (storage.get
  // includes appends under way). Only this short step is serialised; the appends are group-committed.
  const projecting = createLock();

  async function stateOf(service: string, id: string): Promise<StoredState> {
    return (await storage.get<StoredState>(STATE_MODEL, stateKey(service, id))) ?? { version: 0, state: services.get(service)!.initial };
  }

  async function recordsOf(service: string, id: string, fromVersion: number, count: number, hint?: number): Promise<StoredRecord[]> {
    const from = hint ?? (await storage.get<number>(VERSIONS_MODEL, versionKey(service, id, fromVersion)));
    if (from === undefined) return [];
    // The object's earlier records were all appended before `from` was read (the object was locked), so its
    // first records at or after `from` are the versions asked for.
    const out: StoredRecord[] = [];
    for await (const record of storage.records(from)) {
      if (record.id === id && serviceOfKind(record.kind) === service) out.push(record);
      if (out.length === count) break;
    }
    return out;
  }

  // Each command's first record has a hint (where the journal stood before its append); the records a command
  // appended together follow it. So a page of history reads the journal from each command's hint only as far as
  // its own records, never the whole journal between an order's first and last step.
  async function historyOf(service: string, id: string, fromVersion: number, limit: number): Promise<(StoredRecord & { version: number })[]> {
    const { version } = await stateOf(service, id);
    const last = Math.min(version, fromVersion + limit - 1);
    const hintOf = (v: number) => storage.get<number>(VERSIONS_MODEL, versionKey(service, id, v));
    let start = fromVersion;
    let hint = start <= last ? await hintOf(start) : undefined;
    while (hint === undefined && start > 1 && start <= last) hint = await hintOf(--start);
    const out: (StoredRecord & { version: number })[] = [];
    while (hint !== undefined && start <= last) {
      let next = start + 1;
      let nextHint: number | undefined;
      while (next <= last && (nextHint = await hintOf(next)) === undefined) next++;
      const records = await recordsOf(service, id, start, next - start, hint);
      records.forEach((record, i) => {
        if (start + i >= fromVersion) out.push({ ...record, version: start + i });
      });
      if (records.length !== next - start) break;
      [start, hint] = [next, nextHint];
    }
    return out;
  }

  function fingerprint(request: CommandRequest, body: Record<string, unknown>): string {
    const text = canonicalJson({ service: request.service, command: request.command, id: request.id ?? null, body });
    return createHash("sha256").update(text).digest("hex");
  }

  async function replay(stored: StoredAnswer): Promise<CommandAnswer> {
    const records = await recordsOf(stored.service, stored.id, stored.fromVersion, stored.count, stored.hint);
    if (records.length !== stored.count) throw new Error(`The journal lacks records of an acknowledged command on ${stored.service} ${stored.id}.`);
    return { status: stored.status, replayed: true, body: answerBody(stored.id, stored.fromVersion + stored.count - 1, records, stored.actor, stored.proxy) };
  }

  async function actorOf(request: CommandRequest, body: Record<string, unknown>, service: ServiceDef, command: CommandDef, now: number): Promise<ActingActor> {
    const { onBehalfOf: named, authorisation } = body as { onBehalfOf?: string; authorisation?: string };
    if ("system" in request.principal) {
      if (named !== undefined || authorisation !== undefined) throw new Refusal(403, "proxy_not_allowed", { command: `${service.name}.${command.name}` });
      return { system: request.principal.system };
    }
    // One spelling per resident in the journal: addresses in lowercase, as actors carry them.
    const onBehalfOf = named !== undefined && ADDRESS.test(named) ? named.toLowerCase() : named;
    const address = request.principal.address;
    if (onBehalfOf === undefined && authorisation === undefined) return { address };
    if (onBehalfOf === undefined || authorisation === undefined) {
      throw new Refusal(400, "proxy_incomplete", { missing: onBehalfOf === undefined ? "onBehalfOf" : "authorisation" });
    }
    if (!command.proxy) throw new Refusal(403, "proxy_not_allowed", { command: `${service.name}.${command.name}` });
    if (!(await request.principal.roles()).includes("staff")) throw new Refusal(403, "proxy_staff_only", { address });
    const ok = await proxyCheck({ staff: address, onBehalfOf, authorisation, service: service.name, command: command.name, now });
    if (!ok) throw new Refusal(403, "proxy_not_authorised", { onBehalfOf, authorisation });
    return { address, onBehalfOf, authorisation };
  }

  async function run(
    request: CommandRequest,
    body: Record<string, unknown>,
    service: ServiceDef,
    command: CommandDef,
    print: string | undefined,
  ): Promise<CommandAnswer> {
    const now = Math.floor(clock() / 1000);
    const input = stripFramework(body);
    const allowed = allowedRoles(command, input);
    // The decision gets the roles even of a command anyone signed in may run: some let staff do more (the office
    // acting for a partner, staff registering a named attendee).
    const roles = await rolesOf(request.principal);
    if (allowed !== "signedIn" && !allowed.some((role) => roles.includes(role))) throw new Refusal(403, "forbidden", { role: allowed.join(" / ") });
    const actor = await actorOf(request, body, service, command, now);
    const id = command.target === "new" ? (command.idOf?.(input) ?? newObjectId()) : request.id!;
    return objects(stateKey(service.name, id), async () => {
      const current = await stateOf(service.name, id);
      if (command.target === "existing" && current.version === 0) throw new Refusal(404, "unknown_record", { kind: service.noun, id });
      const expected = body.expectedVersion as number | undefined;
      if (expected !== undefined && expected !== current.version) {
        throw new Refusal(409, "version_conflict", { id, expected, actual: current.version });
      }
      const checked = await command.check?.(input, { actor, id });
      if (checked instanceof Refusal) throw checked;
      const decided = command.decide(current.state, input, { actor, now, id, roles, facts: checked?.facts });
      const recordedActor = checked?.recordAs ?? actor;
      if (decided instanceof Refusal) throw decided;
      if (decided.length === 0) throw new Error(`Command ${service.name}.${command.name} decided no record; refuse instead.`);
      const records: JournalRecord[] = decided.map((emitted, i) => ({
        kind: emitted.kind,
        id,
        version: current.version + 1 + i,
        at: now,
        actor: recordedActor,
        payload: checkPayload(service, emitted),
      }));
      // The state after each record, for the notifications it causes (the last is the object's new state).
      const states: unknown[] = [];
      let state = current.state;
      for (const record of records) states.push((state = service.evolve(state, record)));
      const version = current.version + records.length;
      const proxy = "onBehalfOf" in actor ? { onBehalfOf: actor.onBehalfOf, authorisation: actor.authorisation } : null;
      let appending: Promise<Awaited<ReturnType<ServiceStorage["append"]>>> | undefined;
      await projecting(async () => {
        const hint = storage.nextRecordId();
        const writes = new Map<string, ModelWrite>();
        const tx = projectionTx(service, (model, key) => storage.get(model, key), writes);
        for (const record of records) await service.project?.(record, tx);
        const framework: ModelWrite[] = [
          { model: STATE_MODEL, key: stateKey(service.name, id), value: { version, state } },
          { model: VERSIONS_MODEL, key: versionKey(service.name, id, current.version + 1), value: hint },
        ];
        if (print !== undefined) {
          const answer: StoredAnswer = { fingerprint: print, status: 201, id, service: service.name, fromVersion: current.version + 1, count: records.length, hint, actor, proxy };
          framework.push({ model: IDEMPOTENCY_MODEL, key: idempotencySlot(request), value: answer });
        }
        const notifications = records.flatMap((record, recordIndex) =>
          (service.notify?.(record, states[recordIndex]) ?? []).map((n) => ({ ...n, cause: { kind: record.kind, id }, recordIndex })),
        );
        appending = storage.append(
          records.map((r) => ({ kind: r.kind, id, at: r.at, actor: recordedActor, payload: r.payload })),
          [...framework, ...writes.values()],
          notifications,
        );
      });
      const appended = await appending!;
      const stored = appended.map((a, i) => ({ recordId: a.recordId, seq: a.seq, kind: records[i]!.kind }));
      return { status: 201, replayed: false, body: answerBody(id, version, stored, actor, proxy) } as CommandAnswer;
    });
  }

  return {
    services,
    storage,
    stateOf,
    recordsOf,
    historyOf,
    async execute(request) {
      const service = services.get(request.service);
      const command = service?.commands.find((c) => c.name === request.command);
      if (!service || !command) throw new Error(`No command ${request.service}.${request.command} is registered.`);
      let body = request.parsedBody;
      if (body === undefined) {
        const parsed = bodySchema(command).safeParse(request.body);
        if (!parsed.success) {
          throw new Refusal(400, "invalid_request", { issues: parsed.error.issues.map((i) => ["body", ...i.path.map(String)].join(".")).join(", ") });
        }
        body = parsed.data as Record<string, unknown>;
      }
      if (request.idempotencyKey === undefined) return run(request, body, service, command, undefined);
      const print = fingerprint(request, body);
      // One Idempotency-Key at a time: a repeat sent while the first is still running waits for its answer.
      return keys(idempotencySlot(request), async () => {
        const stored = await storage.get<StoredAnswer>(IDEMPOTENCY_MODEL, idempotencySlot(request));
        if (stored) {
          if (stored.fingerprint !== print) throw new Refusal(422, "idempotency_key_reused", { key: request.idempotencyKey! });
          return replay(stored);
        }
        return run(request, body, service, command, print);
      });
    },
  };
}

/**
 * Runs a command the way its route does: through the command's runner when it has one (an intake that may join
 * a duplicate to an open order instead), else executes it. For callers inside the server (a device webhook).
 */
export async function submit(engine: Engine, request: CommandRequest): Promise<CommandAnswer> {
  const command = engine.services.get(request.service)?.commands.find((c) => c.name === request.command);
  if (!command) throw new Error(`No command ${request.service}.${request.command} is registered.`);
  if (typeof command.http !== "function") return engine.execute(request);
  let parsedBody = request.parsedBody;
  if (parsedBody === undefined) {
    const parsed = bodySchema(command).safeParse(request.body);
    if (!parsed.success) throw new Refusal(400, "invalid_request", { issues: parsed.error.issues.map((i) => ["body", ...i.path.map(String)].join(".")).join(", ") });
    parsedBody = parsed.data as Record<string, unknown>;
  }
  return command.http({ ...request, parsedBody }, engine);
}

/**
 * What an Idempotency-Key already answered, if anything: the object and the version its first record made (1:
 * the command made the object). A route that picks between commands (an intake) sends a repeat to the same one.
 */
export async function answeredBefore(storage: ServiceStorage, request: CommandRequest): Promise<{ id: string; fromVersion: number } | undefined> {
  if (request.idempotencyKey === undefined) return undefined;
  const stored = await storage.get<StoredAnswer>(IDEMPOTENCY_MODEL, idempotencySlot(request));
  return stored && { id: stored.id, fromVersion: stored.fromVersion };
}

/** Idempotency keys are the sender's own: the same key from two addresses names two commands. */
function idempotencySlot(request: CommandRequest): string {
  const who = "system" in request.principal ? `system:${request.principal.system}` : request.principal.address;
  return `${who}:${request.idempotencyKey}`;
}

function stripFramework(body: Record<string, unknown>): Record<string, unknown> {
  const { expectedVersion: _v, onBehalfOf: _o, authorisation: _a, ...input } = body;
  return input;
}

function answerBody(
  id: string,
  version: number,
  records: { recordId: number; seq: number; kind: string }[],
  actor: ActingActor,
  proxy: CommandResult["proxy"],
): CommandResult {
  const list = records.map((r) => ({ recordId: r.recordId, seq: r.seq, kind: r.kind }));
  return { id, version, records: list, recordIds: list.map((r) => r.recordId), seqs: list.map((r) => r.seq), actor, proxy };
}

/** Every read model of the services and the framework's object states, as {model: {key: value}} (for tests). */
export async function snapshotModels(storage: ServiceStorage, services: AnyService[]): Promise<Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const model of rebuildableModels(services)) {
    const entries: Record<string, unknown> = {};
    for await (const [key, value] of storage.list(model)) entries[key] = value;
    out[model] = entries;
  }
  return out;
}

function rebuildableModels(services: AnyService[]): string[] {
  return [STATE_MODEL, ...services.flatMap((s) => (s.models ?? []).map((m) => modelName(s.name, m)))];
}

/**
 * Rebuilds the object states and every read model of `services` by replaying the journal from its start (run
 * it with commands stopped: e.g. after changing a projection). Records of other services are skipped; a record
 * of a service whose kind it does not declare stops the rebuild (it was written by a newer version).
 */
export async function rebuildReadModels(storage: ServiceStorage, services: AnyService[], flushEvery = 5_000): Promise<{ records: number }> {
  const byName = new Map(services.map((s) => [s.name, s]));
  await storage.clear(rebuildableModels(services));
  let writes = new Map<string, ModelWrite>();
  const read = async (model: string, key: string) => {
    const own = writes.get(`${model}\u0000${key}`);
    if (own) return own.value === null ? undefined : own.value;
    return storage.get(model, key);
  };
  let count = 0;
  for await (const stored of storage.records(0)) {
    const service = byName.get(serviceOfKind(stored.kind));
    if (!service) continue;
    const def = service.records.find((r) => r.kind === stored.kind);
    if (!def) throw new Error(`Record ${stored.recordId} is of kind ${stored.kind}, which service ${service.name} does not declare; run the version that wrote it.`);
    const key = stateKey(service.name, stored.id);
    const current = ((await read(STATE_MODEL, key)) as StoredState | undefined) ?? { version: 0, state: service.initial };
    const record: JournalRecord = {
      kind: stored.kind,
      id: stored.id,
      version: current.version + 1,
      at: stored.at,
      actor: stored.actor,
      payload: def.schema.parse(stored.payload),
    };
    writes.set(`${STATE_MODEL}\u0000${key}`, { model: STATE_MODEL, key, value: { version: record.version, state: service.evolve(current.state, record) } });
    // The exact record id is the best lower bound there is (versions are not a read model: never cleared).
    const version = versionKey(service.name, stored.id, record.version);
    writes.set(`${VERSIONS_MODEL}\u0000${version}`, { model: VERSIONS_MODEL, key: version, value: stored.recordId });
    if (service.project) await service.project(record, projectionTx(service, read, writes));
    count++;
    if (writes.size >= flushEvery) {
      await storage.write([...writes.values()]);
      writes = new Map();
    }
  }
  await storage.write([...writes.values()]);
  return { records: count };
}
