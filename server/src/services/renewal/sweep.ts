// The deadline nobody else keeps: a project whose funding deadline has passed is closed by the server itself
// (actor `{ system: "renewal.sweep" }`), funded or, all or nothing, with every pledge and the match released, each
// an anchored record. It reads only the head of the `deadlines` index (funding deadlines in time order); each
// project is its own command, so one that fails is logged and the others go on, and a restart never closes twice
// (the index no longer holds it, and the rule refuses a second close).
import type { Logger } from "pino";
import { dueIds, modelName, Refusal, startPeriodic, systemPrincipal, type Engine } from "../framework/index.js";
import { MODELS } from "./projections.js";
import { SERVICE } from "./records.js";

export const RENEWAL_SWEEP_JOB = "renewal.sweep";

export type RenewalSweepResult = { closed: string[]; failed: { id: string; error: string }[] };

/** One pass at the clock's present time: every project whose deadline is now or before is closed. */
export async function sweepRenewal(options: { engine: Engine; clock?: () => number; batch?: number; signal?: AbortSignal }): Promise<RenewalSweepResult> {
  const { engine } = options;
  const now = Math.floor((options.clock ?? Date.now)() / 1000);
  const batch = options.batch ?? 500;
  const principal = systemPrincipal(RENEWAL_SWEEP_JOB);
  const result: RenewalSweepResult = { closed: [], failed: [] };
  const name = modelName(SERVICE, MODELS.deadlines);
  // Due once the deadline is reached: its key's time at most now.
  const ids = await dueIds(engine.storage, name, now + 1, batch);
  for (const id of ids) {
    if (options.signal?.aborted) break;
    try {
      await engine.execute({ service: SERVICE, command: "close", id, body: {}, principal });
      result.closed.push(id);
    } catch (error) {
      // Closed meanwhile: not a failure.
      if (error instanceof Refusal && ["renewal_wrong_status", "renewal_not_due"].includes(error.code)) continue;
      result.failed.push({ id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}

export type RenewalSweepTimer = { runNow: () => Promise<RenewalSweepResult>; stop: () => Promise<void> };

/** Runs the sweep every `intervalMs` (the first at once), never two at a time. */
export function startRenewalSweeps(options: { engine: Engine; clock?: () => number; intervalMs: number; logger: Logger }): RenewalSweepTimer {
  return startPeriodic("renewal sweep", options.intervalMs, options.logger, async (signal) => {
    const result = await sweepRenewal({ ...options, signal });
    for (const failure of result.failed) options.logger.error({ project: failure.id, error: failure.error }, "renewal sweep: one failed; the others went on");
    if (result.closed.length > 0) options.logger.info({ closed: result.closed.length }, "renewal sweep");
    return result;
  });
}
