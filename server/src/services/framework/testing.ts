// Given/when/then for a service's rules, on plain data: "given these records, when this command, then these
// records or this refusal". It runs what the engine runs before writing (input schema, who may, decide, payload
// schemas), without a store, so a service's decisions are tested in microseconds.
import { deepStrictEqual, fail } from "node:assert/strict";
import type { ActingActor, Actor } from "../../receipts/actor.js";
import { Refusal, type Emitted, type JournalRecord, type ServiceDef } from "./define.js";

/** Facts stand for what the command's `check` would have looked up (e.g. a routing table). */
export type WhenOptions = { actor?: ActingActor; roles?: readonly string[]; now?: number; id?: string; facts?: unknown };

export type Scenario<S> = {
  /** The state the given records fold into. */
  state: S;
  version: number;
  when: (command: string, input: unknown, options?: WhenOptions) => Outcome;
};

export type Outcome = {
  records?: Emitted[];
  refusal?: Refusal;
  /** Asserts that the command decided exactly these records (kinds and payloads, in order). */
  then: (expected: Emitted[]) => void;
  /** Asserts a refusal with this code (and, if given, these offending values and this HTTP status). */
  thenRefused: (code: string, params?: Record<string, unknown>, status?: number) => void;
};

const DEFAULT_ACTOR: ActingActor = { address: "0x00000000000000000000000000000000000000aa" };

/** Folds `records` (about object `id`, at `at` or at `times[i]`, by `actor`) into the service's state. */
export function given<S>(
  service: ServiceDef<S>,
  records: Emitted[] = [],
  options: { id?: string; at?: number; times?: readonly number[]; actor?: Actor } = {},
): Scenario<S> {
  const id = options.id ?? "x1";
  let state = service.initial;
  records.forEach((emitted, i) => {
    const def = service.records.find((r) => r.kind === emitted.kind);
    if (!def) throw new Error(`Given record ${emitted.kind} is not declared by ${service.name}.`);
    const record: JournalRecord = { kind: emitted.kind, id, version: i + 1, at: options.times?.[i] ?? options.at ?? 1_700_000_000, actor: options.actor ?? DEFAULT_ACTOR, payload: def.schema.parse(emitted.payload) };
    state = service.evolve(state, record);
  });
  const version = records.length;
  return {
    state,
    version,
    when(name, input, whenOptions = {}) {
      const command = service.commands.find((c) => c.name === name);
      if (!command) throw new Error(`${service.name} has no command ${name}.`);
      const roles = whenOptions.roles ?? [];
      let outcome: { records?: Emitted[]; refusal?: Refusal };
      const parsed = command.input.safeParse(input);
      if (!parsed.success) {
        outcome = { refusal: new Refusal(400, "invalid_request", { issues: parsed.error.issues.map((i) => i.path.join(".")).join(", ") }) };
      } else {
        const allowed = typeof command.who === "function" ? command.who(parsed.data) : command.who;
        if (allowed !== "signedIn" && !allowed.some((r) => roles.includes(r))) {
          outcome = { refusal: new Refusal(403, "forbidden", { role: allowed.join(" / ") }) };
        } else if (command.target === "existing" && version === 0) {
          outcome = { refusal: new Refusal(404, "unknown_record", { kind: service.noun, id }) };
        } else {
          const decided = command.decide(state, parsed.data, {
            actor: whenOptions.actor ?? DEFAULT_ACTOR,
            now: whenOptions.now ?? 1_700_000_000,
            id: whenOptions.id ?? id,
            roles,
            facts: whenOptions.facts,
          });
          if (decided instanceof Refusal) outcome = { refusal: decided };
          else {
            for (const emitted of decided) {
              const def = service.records.find((r) => r.kind === emitted.kind);
              if (!def) throw new Error(`${name} decided ${emitted.kind}, which ${service.name} does not declare.`);
              def.schema.parse(emitted.payload);
            }
            outcome = { records: decided };
          }
        }
      }
      return {
        ...outcome,
        then(expected) {
          if (outcome.refusal) fail(`expected records, got refusal ${outcome.refusal.code} ${JSON.stringify(outcome.refusal.params)}`);
          deepStrictEqual(outcome.records, expected);
        },
        thenRefused(code, params, status) {
          if (!outcome.refusal) fail(`expected refusal ${code}, got records ${JSON.stringify(outcome.records)}`);
          deepStrictEqual(outcome.refusal.code, code);
          if (params) deepStrictEqual(outcome.refusal.params, params);
          if (status !== undefined) deepStrictEqual(outcome.refusal.status, status);
        },
      };
    },
  };
}
