// The silence sweep: a dispute whose other side has not answered by its deadline goes one level up, recorded as
// an escalation by silence. It reads only the head of the `awaiting` index (answer deadline order), never every
// dispute, and each escalation is a command of the server itself (actor `{ system: "mediation.sweep" }`), so it is
// an anchored record written atomically with the index entry it removes: a restart never escalates twice.
import type { Logger } from "pino";
import { numKey } from "../../store/store.js";
import { modelName, Refusal, systemPrincipal, startPeriodic, type Engine } from "../framework/index.js";
import { MODELS } from "./projections.js";
import { SERVICE } from "./records.js";

export const SWEEP_JOB = "mediation.sweep";

export type MediationSweepResult = { escalated: string[]; failed: { id: string; error: string }[] };

/** One pass at the clock's present time (milliseconds since the epoch: the engine's clock). */
export async function sweepMediation(options: { engine: Engine; clock?: () => number; batch?: number; signal?: AbortSignal }): Promise<MediationSweepResult> {
  const { engine, signal } = options;
  const batch = options.batch ?? 500;
  const now = Math.floor((options.clock ?? Date.now)() / 1000);
  const bound = numKey(now + 1);
  const principal = systemPrincipal(SWEEP_JOB);
  const result: MediationSweepResult = { escalated: [], failed: [] };
  const due: string[] = [];
  let after: string | undefined;
  // The due ids first, then the commands: each command removes its entry from the index being read.
  for (;;) {
    const page: string[] = [];
    for await (const [key] of engine.storage.list(modelName(SERVICE, MODELS.awaiting), { after, limit: batch })) page.push(key);
    let done = page.length < batch;
    for (const key of page) {
      const colon = key.indexOf(":");
      if (key.slice(0, colon) >= bound) {
        done = true;
        break;
      }
      due.push(key.slice(colon + 1));
    }
    if (done) break;
    after = page[page.length - 1];
  }
  for (const id of due) {
    if (signal?.aborted) break;
    try {
      await engine.execute({ service: SERVICE, command: "escalateBySilence", id, body: {}, principal });
      result.escalated.push(id);
    } catch (error) {
      // Answered or escalated meanwhile: no longer due, not a failure.
      if (error instanceof Refusal && ["mediation_wrong_status", "mediation_answer_not_due"].includes(error.code)) continue;
      result.failed.push({ id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}

export type MediationSweepTimer = { runNow: () => Promise<MediationSweepResult>; stop: () => Promise<void> };

/** Runs the sweep every `intervalMs` (the first at once, catching up after a restart), never two at a time. */
export function startMediationSweeps(options: { engine: Engine; clock?: () => number; intervalMs: number; logger: Logger }): MediationSweepTimer {
  return startPeriodic("mediation sweep", options.intervalMs, options.logger, async (signal) => {
    const result = await sweepMediation({ ...options, signal });
    for (const f of result.failed) options.logger.error({ dispute: f.id, error: f.error }, "mediation sweep: a dispute failed; the others went on");
    if (result.escalated.length > 0) options.logger.info({ escalated: result.escalated.length }, "mediation sweep");
    return result;
  });
}
