// What a service declares: its records (kind + payload schema), its state (initial + evolve), its commands
// (input schema, who may, a pure decision), its read models (projections of its records) and its query routes.
// Everything else (authorisation, idempotency, serialisation, the atomic journal write, HTTP) is the engine's.
import type { z } from "zod/v4";
import type { ErrorCode, MessageParams } from "../../api/messages.js";
import type { NotificationRequest } from "../../notifications/types.js";
import type { ActingActor, Actor } from "../../receipts/actor.js";
import type { CommandAnswer, CommandRequest, Engine } from "./engine.js";
import type { ModelReader, ModelTx, QueryContext } from "./storage.js";

/** `<service>.<event>`, e.g. `workorder.dispatched`: the service in lowercase letters and digits, the event in lower camel case. */
const SERVICE = /^[a-z][a-z0-9]{0,39}$/;
const NAME = /^[a-z][a-zA-Z0-9]{0,39}$/;

/**
 * A record as evolve and the projections see it, payload parsed. Not its record id: that is known only once the
 * record is written, while the read models are written in the same atomic write; `version` (the object's
 * number of records once this one counts) is known before, and is the same when the journal is replayed.
 */
export type JournalRecord<P = unknown> = {
  kind: string;
  /** The id of the object it is about. */
  id: string;
  version: number;
  /** Unix seconds. */
  at: number;
  actor: Actor;
  payload: P;
};

/** A record a decision asks for: the framework adds the object's id, the time and the actor. */
export type Emitted = { kind: string; payload: unknown };

export type RecordDef<P = unknown> = {
  kind: string;
  schema: z.ZodType<P>;
  /** A record of this kind with `payload` (checked against the schema when written). */
  (payload: P): Emitted;
  /** Whether `record` is of this kind (narrows its payload). */
  is: (record: JournalRecord) => record is JournalRecord<P>;
};

/**
 * A record kind: `service.event`, with the schema of its payload. The payload is canonical JSON in the journal
 * and anchored on chain: use the field types of ./schemas.ts (person ids, salted commitments, hashes, amounts).
 */
export function defineRecord<S extends z.ZodType>(service: string, event: string, schema: S): RecordDef<z.output<S>> {
  if (!SERVICE.test(service) || !NAME.test(event)) {
    throw new Error(`A record kind is <service>.<event> in lower camel case (e.g. workorder.dispatched); got ${service}.${event}.`);
  }
  const kind = `${service}.${event}`;
  const make = ((payload: z.output<S>) => ({ kind, payload })) as RecordDef<z.output<S>>;
  Object.defineProperty(make, "kind", { value: kind });
  Object.defineProperty(make, "schema", { value: schema });
  Object.defineProperty(make, "is", { value: (record: JournalRecord) => record.kind === kind });
  return make;
}

/**
 * A command refused: an HTTP status, a code of the message catalogue (api/messages.ts, both languages, saying
 * what to do next) and the offending values, which go into the message and into `details`.
 */
export class Refusal extends Error {
  override readonly name = "Refusal";
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly params: MessageParams = {},
  ) {
    super(`${code} (${status}): ${JSON.stringify(params)}`);
  }
}

export function refuse(status: number, code: ErrorCode, params: MessageParams = {}): Refusal {
  return new Refusal(status, code, params);
}

/** What a decision may know besides the state and the input: who acts, and when (Unix seconds). */
export type DecideContext = { actor: ActingActor; now: number; id: string; roles: readonly string[]; facts?: unknown };

/**
 * Who may run a command: role names as the API knows them (on-chain: `registrar`, `staff`, `auditor`,
 * `committee:<estateId>`…; off-chain: `mediator`, `gridWorker`, `propertyCompany`, `utility`, `partner`,
 * `auditor`…), any one of which suffices; a function of the input for roles that depend on it (an estate's
 * committee, or a report's channel); or "signedIn" for anyone signed in.
 */
export type Who<I> = "signedIn" | readonly string[] | ((input: I) => "signedIn" | readonly string[]);

export type CommandDef<S = unknown, I = unknown> = {
  name: string;
  summary: string;
  /** "new" makes an object (the framework gives it an id); "existing" acts on the object at `:id`. */
  target: "new" | "existing";
  /**
   * For "new": the object's id from the input instead of a random one, when the object stands for something
   * that exists once (a voucher): a second command for it then meets the first one's state, under its lock.
   */
  idOf?: (input: I) => string;
  /**
   * Looks up what the service does not hold itself (e.g. the indexer's read models), under the object's lock
   * before `decide`: a refusal, or the facts `decide` then gets as `context.facts`. `id` is the object's (for
   * "new", the id it will have), for lookups that depend on the object (e.g. its parties' households).
   * `recordAs`: the actor the records name instead of the real one, where the public must not learn who acted
   * (a sealed actor, receipts/actor.ts); `decide` still gets the real one.
   */
  check?: (input: I, context: { actor: ActingActor; id: string }) => Promise<Refusal | { facts: unknown; recordAs?: Actor }>;
  /** The body's schema: an object (the framework adds `expectedVersion`, `onBehalfOf` and `authorisation`). */
  input: z.ZodObject;
  who: Who<I>;
  /** Whether staff may run it for a resident under a recorded authorisation (default false). */
  proxy?: boolean;
  /** Pure: the records that follow, or a refusal. Never reads the store or the clock. */
  decide: (state: S, input: I, context: DecideContext) => Emitted[] | Refusal;
  /**
   * How the command is reached from outside. Omitted: a generic POST route executes it. A runner: the generic
   * route, and `submit` (engine.ts) for callers inside the server such as a device webhook, run it instead of
   * executing the command directly; e.g. an intake that joins a duplicate report to the open order (it executes
   * this command or another through the engine). false: no generic route; the service mounts one of its own
   * (e.g. one whose answer carries a secret the server makes first, which the generic answer cannot).
   */
  http?: false | CommandRunner;
};

/** Runs a command on behalf of its route: executes it, or another command, through the engine. */
export type CommandRunner = (request: CommandRequest, engine: Engine) => Promise<CommandAnswer>;

const RESERVED = ["expectedVersion", "onBehalfOf", "authorisation"];

export function defineCommand<S, T extends z.ZodObject>(
  command: Omit<CommandDef<S, z.output<T>>, "input"> & { input: T },
): CommandDef<S, z.output<T>> {
  if (!NAME.test(command.name)) throw new Error(`A command name is lower camel case; got ${command.name}.`);
  const clash = RESERVED.filter((key) => key in command.input.shape);
  if (clash.length > 0) throw new Error(`Command ${command.name}: ${clash.join(", ")} are the framework's body fields; rename them.`);
  return command;
}

/** A read route of a service: validated like every route, answered from its read models. */
export type QueryDef = {
  path: string;
  summary: string;
  params?: z.ZodType;
  query?: z.ZodType;
  response: z.ZodType;
  /** Who may read: "public" (no sign-in), "signedIn", or roles as for commands. */
  who: "public" | "signedIn" | readonly string[];
  handler: (input: { params: never; query: never }, read: ModelReader, context: QueryContext) => Promise<unknown> | unknown;
};

export function defineQuery<P, Q>(query: {
  path: string;
  summary: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  response: z.ZodType;
  who: QueryDef["who"];
  handler: (input: { params: P; query: Q }, read: ModelReader, context: QueryContext) => Promise<unknown> | unknown;
}): QueryDef {
  return query as unknown as QueryDef;
}

/** A notification a record causes (its cause, the record, is the framework's to fill in). */
export type Notification = Omit<NotificationRequest, "cause">;

export type ServiceDef<S = unknown> = {
  /** Lowercase letters and digits; the first part of its record kinds. */
  name: string;
  /** Where its routes live, e.g. `/api/workorders`. */
  basePath: string;
  /** What its objects are called, for messages (e.g. { "zh-CN": "工单", en: "work order" }). */
  noun: { "zh-CN": string; en: string };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each record has its own payload type
  records: RecordDef<any>[];
  initial: S;
  /** Pure: the state after a record. */
  evolve: (state: S, record: JournalRecord) => S;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command has its own input type
  commands: CommandDef<S, any>[];
  /** The service's read models, by name (stored as `<service>.<model>`). */
  models?: string[];
  /** Writes a record's effect on the read models (in the same atomic write as the record). */
  project?: (record: JournalRecord, tx: ModelTx) => Promise<void> | void;
  /**
   * Pure: who must be told of a record, and what (server/src/notifications), given the object's state after it
   * (e.g. everyone who reported a work order). The notifications are enqueued in the record's own atomic write,
   * naming it as their cause; never on a replay of the journal.
   */
  notify?: (record: JournalRecord, state: S) => Notification[];
  queries?: QueryDef[];
};

/** A service of any state type, as lists of services hold them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each service has its own state type
export type AnyService = ServiceDef<any>;

export function defineService<S>(service: ServiceDef<S>): ServiceDef<S> {
  if (!SERVICE.test(service.name)) throw new Error(`A service name is lowercase letters and digits (it starts its record kinds); got ${service.name}.`);
  for (const record of service.records) {
    if (!record.kind.startsWith(`${service.name}.`)) {
      throw new Error(`Service ${service.name} declares record ${record.kind}, which is another service's kind.`);
    }
  }
  const names = service.commands.map((c) => c.name);
  if (new Set(names).size !== names.length) throw new Error(`Service ${service.name} declares a command twice.`);
  if (!/^\/api\/[a-z0-9/-]+$/.test(service.basePath)) throw new Error(`Service ${service.name}: basePath must look like /api/<name>.`);
  return service;
}
