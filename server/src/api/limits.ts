// Limits per account address, next to the per-IP limit of app.ts: one address cannot sign in or submit ballots
// without end from many IPs, and one IP behind a shared gateway (an estate's Wi-Fi) does not throttle its
// neighbours. Counted in memory in fixed windows; the number of addresses tracked is bounded too.
import { ApiError } from "./errors.js";

export type AddressLimiterOptions = {
  /** Actions allowed per address per window. */
  limit: number;
  windowMs: number;
  /** Addresses tracked at most; beyond it the address seen longest ago is forgotten. */
  maxTracked: number;
  now?: () => number;
};

/** What is limited, for the error message. */
export type LimitedAction = "sign-in" | "ballot";

export type AddressLimiter = {
  /**
   * Counts one action of `address`; throws `ApiError(429, "address_rate_limited")` when its window is full
   * (the refused attempt is not counted, so waiting is enough).
   */
  take: (address: string, action: LimitedAction) => void;
};

const ACTION_NAMES: Record<LimitedAction, { "zh-CN": string; en: string }> = {
  "sign-in": { "zh-CN": "登录", en: "sign-ins" },
  ballot: { "zh-CN": "提交选票", en: "ballot submissions" },
};

export function addressLimiter(options: AddressLimiterOptions): AddressLimiter {
  const now = options.now ?? Date.now;
  // Insertion order is window order (a key is re-inserted when its window restarts), so expired windows are
  // at the front and the sweep stops at the first live one.
  const windows = new Map<string, { start: number; count: number }>();

  function sweep(t: number): void {
    for (const [key, window] of windows) {
      if (window.start + options.windowMs > t) break;
      windows.delete(key);
    }
  }

  return {
    take(address, action) {
      const t = now();
      sweep(t);
      const key = address.toLowerCase();
      const window = windows.get(key);
      if (!window) {
        if (windows.size >= options.maxTracked) windows.delete(windows.keys().next().value!);
        windows.set(key, { start: t, count: 1 });
        return;
      }
      if (window.count >= options.limit) {
        const retryAfter = Math.max(1, Math.ceil((window.start + options.windowMs - t) / 1000));
        throw new ApiError(
          429,
          "address_rate_limited",
          { address, action: ACTION_NAMES[action], limit: options.limit, retryAfter },
          { address, action, limit: options.limit, windowSeconds: options.windowMs / 1000, retryAfterSeconds: retryAfter },
        );
      }
      window.count++;
    },
  };
}
