// "还剩 2 天 3 小时" to a vote's close, counted on the chain's clock as the API last reported it (the chain may run
// ahead of or behind this device's clock: a vote closes by block time), and the close as a calendar date.
import { h } from "./dom.js";
import { dateTime } from "./format.js";
import { t } from "./i18n.js";
import { secondsLeft, spanParts } from "./verdict.js";

export function leftText(seconds: number): string {
  const { days, hours, minutes } = spanParts(seconds);
  if (days > 0) return t("countdown.days", { d: days, h: hours });
  if (hours > 0) return t("countdown.hours", { h: hours, m: minutes });
  return t("countdown.minutes", { m: minutes });
}

/**
 * The close and the time left, updated every 30 s while the page lives. `chainTime` is the API's chain time
 * (a vote's `chainTime`); without it the device's clock stands in.
 */
export function countdown(end: number, chainTime: number | undefined, signal?: AbortSignal): HTMLElement {
  const reportedAt = Date.now();
  const base = chainTime ?? Math.floor(reportedAt / 1000);
  const left = h("strong", { "data-testid": "countdown-left" });
  const el = h("p", { class: "countdown", "data-testid": "countdown", "data-end": String(end) }, t("countdown.closes", { when: dateTime(end) }), " · ", left);
  const update = () => {
    const s = secondsLeft(end, base, reportedAt, Date.now());
    left.textContent = s > 0 ? t("countdown.left", { left: leftText(s) }) : t("countdown.over");
    return s;
  };
  if (update() > 0) {
    const timer = setInterval(() => {
      if (update() <= 0) clearInterval(timer);
    }, 30_000);
    signal?.addEventListener("abort", () => clearInterval(timer), { once: true });
  }
  return el;
}
