// The sweeps nobody else runs: an open order past its deadline is escalated to the street level, once; a resolved
// order the reporter has not answered within N days is confirmed by the system. Both read only the head of an
// index in time order (`deadlines`, `awaiting`: projections.ts), never every order, and every change is a command
// of the server itself (actor `{ system: "workorder.sweep" }`), so each is an anchored record and nothing closes
// silently. Each order is its own command: one that fails is logged and the others go on; a crash between two
// loses nothing (each escalation is written atomically with the index entry it removes) and a restart does not
// escalate twice (the index no longer holds it, and the rule refuses a second escalation anyway).
import type { Logger } from "pino";
import { numKey } from "../../store/store.js";
import { modelName, Refusal, systemPrincipal, startPeriodic, type Engine } from "../framework/index.js";
import { DEFAULT_ORDER_SETTINGS, type OrderSettings } from "./commands.js";
import { MODELS } from "./projections.js";
import { SERVICE } from "./records.js";

export const SWEEP_JOB = "workorder.sweep";

export type SweepOptions = {
  engine: Engine;
  /** Milliseconds since the epoch: the same clock as the engine's (the rules decide by it). */
  clock?: () => number;
  /** The confirmation window (the service's own settings). */
  settings?: OrderSettings;
  /** Index entries read per page. */
  batch?: number;
  /** Stops between two orders (the server closing); what is done is done. */
  signal?: AbortSignal;
};

export type SweepResult = {
  /** Orders escalated now. */
  escalated: string[];
  /** Orders confirmed by the system now. */
  confirmed: string[];
  /** Resolved orders past the window that still wait for their on-site check (they stay until checked). */
  waitingForCheck: string[];
  /** Orders whose command failed (each logged); the sweep went on with the others. */
  failed: { id: string; error: string }[];
};

const DAY = 86_400;

/**
 * Ids of an index's entries whose time (the key's first part) is before `until`, page by page, in time order: for
 * `deadlines` (MODELS), the overdue open orders, read from the head of the index only.
 */
export async function* dueIds(engine: Engine, model: string, until: number, batch: number, signal?: AbortSignal): AsyncGenerator<string> {
  const name = modelName(SERVICE, model);
  const bound = numKey(until);
  let after: string | undefined;
  for (;;) {
    const page: string[] = [];
    for await (const [key] of engine.storage.list(name, { after, limit: batch })) page.push(key);
    for (const key of page) {
      if (signal?.aborted) return;
      const colon = key.indexOf(":");
      if (key.slice(0, colon) >= bound) return; // the index is in time order: nothing further is due
      yield key.slice(colon + 1);
    }
    if (page.length < batch) return;
    after = page[page.length - 1];
  }
}

/** One pass of both sweeps at the clock's present time. */
export async function sweepWorkOrders(options: SweepOptions): Promise<SweepResult> {
  const { engine, signal } = options;
  const clock = options.clock ?? Date.now;
  const settings = options.settings ?? DEFAULT_ORDER_SETTINGS;
  const batch = options.batch ?? 500;
  const principal = systemPrincipal(SWEEP_JOB);
  const result: SweepResult = { escalated: [], confirmed: [], waitingForCheck: [], failed: [] };
  const now = Math.floor(clock() / 1000);

  /** Runs one order's command; a refusal that says it is no longer due is not a failure. */
  const run = async (id: string, command: "escalate" | "autoConfirm", done: string[]) => {
    try {
      await engine.execute({ service: SERVICE, command, id, body: {}, principal });
      done.push(id);
    } catch (error) {
      if (error instanceof Refusal && error.code === "workorder_check_needed") result.waitingForCheck.push(id);
      else if (error instanceof Refusal && ["workorder_already_escalated", "workorder_not_overdue", "workorder_wrong_status", "workorder_confirm_window"].includes(error.code)) return;
      else result.failed.push({ id, error: error instanceof Error ? error.message : String(error) });
    }
  };

  // Overdue: the deadline (moved on by the ended pauses) is before now; a paused order is not in the index.
  for await (const id of dueIds(engine, MODELS.deadlines, now, batch, signal)) await run(id, "escalate", result.escalated);
  // Unanswered: resolved at least N days ago.
  for await (const id of dueIds(engine, MODELS.awaiting, now - settings.autoConfirmDays * DAY + 1, batch, signal)) await run(id, "autoConfirm", result.confirmed);
  return result;
}

export type SweepTimer = {
  /** One pass now (after the one under way, if any). */
  runNow: () => Promise<SweepResult>;
  /** Stops the timer and waits for the pass under way to end (it stops between two orders). */
  stop: () => Promise<void>;
};

/** Runs the sweeps every `intervalMs` (the first at once, catching up after a restart), never two at a time. */
export function startWorkOrderSweeps(options: Omit<SweepOptions, "signal"> & { intervalMs: number; logger: Logger }): SweepTimer {
  return startPeriodic("work-order sweep", options.intervalMs, options.logger, async (signal) => {
    const result = await sweepWorkOrders({ ...options, signal });
    for (const failure of result.failed) options.logger.error({ workOrder: failure.id, error: failure.error }, "work-order sweep: an order failed; the others went on");
    if (result.escalated.length + result.confirmed.length + result.failed.length > 0) {
      options.logger.info({ escalated: result.escalated.length, confirmed: result.confirmed.length, waitingForCheck: result.waitingForCheck.length, failed: result.failed.length }, "work-order sweep");
    }
    return result;
  });
}
