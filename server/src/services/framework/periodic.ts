// A service's background pass (a sweep of deadlines that have passed), run by the server itself every interval:
// the first at once (catching up after a restart), never two at a time, and one that fails is logged and tried
// again at the next interval rather than stopping the timer.
import type { Logger } from "pino";

export type PeriodicTimer<R> = {
  /** One pass now, after the one under way (tests and the demo move the clock, then run it). */
  runNow: () => Promise<R>;
  /** Stops the timer, tells the pass under way to stop (its signal) and waits for it to end. */
  stop: () => Promise<void>;
};

/** Runs `pass` every `intervalMs`; `what` names it in the log ("work-order sweep"). */
export function startPeriodic<R>(what: string, intervalMs: number, logger: Logger, pass: (signal: AbortSignal) => Promise<R>): PeriodicTimer<R> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<R> | undefined;
  const runNow = (): Promise<R> => {
    const next = (running ?? Promise.resolve()).catch(() => undefined).then(() => pass(controller.signal));
    running = next;
    return next;
  };
  const tick = () => {
    timer = undefined;
    runNow()
      .catch((error: unknown) => logger.error({ error: error instanceof Error ? error.message : String(error) }, `${what} failed; it runs again at the next interval`))
      .finally(() => {
        if (!controller.signal.aborted) timer = setTimeout(tick, intervalMs).unref();
      });
  };
  timer = setTimeout(tick, 0).unref();
  return {
    runNow,
    async stop() {
      controller.abort();
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
