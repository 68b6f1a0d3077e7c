// One writer at a time in a process: the indexer's commits and rollbacks, off-chain appends and the anchorer's
// reads of the log must not interleave, or a sequence number could be given twice.
export type Lock = <T>(fn: () => Promise<T>) => Promise<T>;

export function createLock(): Lock {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>) => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}
