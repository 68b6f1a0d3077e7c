// CPU time by thread of this process, and of another process, from Linux's /proc: where a benchmark's time
// goes on a machine whose cores it shares with the node it measures against.
import { existsSync, readdirSync, readFileSync } from "node:fs";

/** /proc/…/stat counts in clock ticks: USER_HZ, 100 per second on Linux. */
const MS_PER_TICK = 10;

/** Whether this system has /proc (Linux); elsewhere the CPU figures are left out. */
export const canAccountCpu = existsSync("/proc/self/task");

function statCpuMs(file: string): number {
  const stat = readFileSync(file, "utf8");
  // The fields after the command name, which may itself hold spaces or parentheses: utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
}

/** User and system CPU milliseconds of a whole process (all its threads). */
export function processCpuMs(pid: number): number {
  return statCpuMs(`/proc/${pid}/stat`);
}

/** User and system CPU milliseconds of each live thread of this process, by thread id. */
export function threadCpuMs(): Map<number, number> {
  const byThread = new Map<number, number>();
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      byThread.set(Number(tid), statCpuMs(`/proc/self/task/${tid}/stat`));
    } catch {
      // the thread ended between listing and reading
    }
  }
  return byThread;
}

/**
 * CPU of this process between two threadCpuMs snapshots: the main thread, the busiest thread that did not exist
 * at `before` (a worker started in between), and all the others (V8's GC and compiler helpers, libuv's pool).
 */
export function splitThreads(
  existed: ReadonlySet<number>,
  from: Map<number, number>,
  to: Map<number, number>,
): { mainMs: number; newThreadMs: number; otherMs: number } {
  let mainMs = 0;
  let newThreadMs = 0;
  let totalMs = 0;
  for (const [tid, ms] of to) {
    const spent = ms - (from.get(tid) ?? 0);
    totalMs += spent;
    if (tid === process.pid) mainMs = spent;
    else if (!existed.has(tid)) newThreadMs = Math.max(newThreadMs, spent);
  }
  return { mainMs, newThreadMs, otherMs: totalMs - mainMs - newThreadMs };
}
