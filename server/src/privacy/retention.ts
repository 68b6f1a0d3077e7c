// The retention purge on a schedule: a timer with jitter (so that servers restarted together do not purge in
// step), every `everyMs`. Each run deletes the values past their category's period; the vault records what it
// deletes (an anchored `vault.purged` record) before deleting it. A failed run is logged and tried again at the
// next tick: nothing is remembered of it.
import type { Logger } from "pino";
import type { PurgeFacts, Vault } from "../vault/vault.js";

export type RetentionSchedule = {
  /** Runs a purge now (or waits for the one under way) and returns what it deleted. */
  runNow: () => Promise<PurgeFacts>;
  /** Stops the timer and waits for a run under way. */
  stop: () => Promise<void>;
};

export type RetentionOptions = {
  vault: Pick<Vault, "purge">;
  /** Time between runs; 0 turns the schedule off (runNow still works). */
  everyMs: number;
  /** Each delay is `everyMs` times a random factor in [1 - jitter, 1 + jitter] (0.1 unless said). */
  jitter?: number;
  /** The first run, after start: `min(everyMs, firstAfterMs)`, jittered the same way (60 s unless said). */
  firstAfterMs?: number;
  logger: Pick<Logger, "info" | "error">;
  clock?: () => number;
  random?: () => number;
};

export function scheduleRetention(options: RetentionOptions): RetentionSchedule {
  const jitter = options.jitter ?? 0.1;
  const clock = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  const jittered = (ms: number) => Math.max(1, Math.round(ms * (1 + jitter * (2 * random() - 1))));
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<PurgeFacts> | undefined;
  let stopped = false;

  const runNow = (): Promise<PurgeFacts> =>
    (running ??= (async () => {
      try {
        const facts = await options.vault.purge(clock());
        // Ids and counts only: the purged values' fields are in the anchored record.
        options.logger.info({ purged: facts.values.length, at: facts.purgedAt }, "retention purge");
        return facts;
      } finally {
        running = undefined;
      }
    })());

  const tick = (delayMs: number) => {
    if (stopped || options.everyMs <= 0) return;
    timer = setTimeout(() => {
      runNow()
        .catch((error: unknown) => {
          const code = (error as { code?: unknown }).code;
          options.logger.error({ code: typeof code === "string" ? code : undefined, err: error instanceof Error ? error.message : String(error) }, "retention purge failed; it runs again at the next tick");
        })
        .finally(() => tick(jittered(options.everyMs)));
    }, delayMs);
    timer.unref();
  };
  tick(jittered(Math.min(options.everyMs, options.firstAfterMs ?? 60_000)));

  return {
    runNow,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
