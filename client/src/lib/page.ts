// What every page module exports.
export type PageContext = {
  /** Route parameters, e.g. `{ id: "3" }` for `#/votes/3`. */
  params: Record<string, string>;
  /** Aborted when the user leaves the page: stops fetches and polling. */
  signal: AbortSignal;
  /** Renders this page again (after a change); nothing once the person has moved to another page. */
  rerender: () => void;
};

export type PageModule = { render: (root: HTMLElement, ctx: PageContext) => Promise<void> | void };

/** Waits `ms` unless `signal` aborts first (then rejects with AbortError). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new DOMException("aborted", "AbortError"));
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(new DOMException("aborted", "AbortError"));
    }, { once: true });
  });
}
