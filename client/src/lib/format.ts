// Number, money, area, time and address formatting. Inputs are the API's decimal strings (exact integers).
import { locale, t } from "./i18n.js";

export type IntLike = string | number | bigint;

/**
 * One Intl formatter per locale and options, made once. `toLocaleString(locale, options)` builds a new ICU formatter
 * on every call (a date-time one costs about a millisecond, ×4 on a slow phone): a votes list with its dates spent
 * 0.3-0.9 s of the slow phone's main thread in it before it could draw (scripts/bench/probe-profile.ts).
 */
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

export function numberFormat(loc: string, options?: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${loc} ${JSON.stringify(options ?? {})}`;
  let f = numberFormats.get(key);
  if (!f) numberFormats.set(key, (f = new Intl.NumberFormat(loc, options)));
  return f;
}

export function dateFormat(loc: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${loc} ${JSON.stringify(options)}`;
  let f = dateFormats.get(key);
  if (!f) dateFormats.set(key, (f = new Intl.DateTimeFormat(loc, options)));
  return f;
}

const DATE_TIME: Intl.DateTimeFormatOptions = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" };
const CALENDAR_DATE: Intl.DateTimeFormatOptions = { year: "numeric", month: "long", day: "numeric" };
const ONE_DECIMAL: Intl.NumberFormatOptions = { minimumFractionDigits: 1, maximumFractionDigits: 1 };

/*
 * The two languages' dates are written out here, exactly as toLocaleString writes them (test/client/format.test.ts
 * compares): the first Intl.DateTimeFormat a page builds loads ICU's date patterns, 50-60 ms of main thread, ×4 on a
 * slow phone, before any page with a date could draw. Other locales and odd years go to Intl.
 */
const pad2 = (n: number): string => String(n).padStart(2, "0");
const MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

export function big(value: IntLike | null | undefined): bigint {
  if (value === null || value === undefined || value === "") return 0n;
  return BigInt(value);
}

/** Formats an integer amount in hundredths (fen or 0.01 m²) with two decimals and grouping. */
function hundredths(value: IntLike): string {
  const v = big(value);
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const whole = numberFormat(locale()).format(abs / 100n);
  const frac = (abs % 100n).toString().padStart(2, "0");
  return `${neg ? "−" : ""}${whole}.${frac}`;
}

/** fen → "¥1,234.56" */
export function money(fen: IntLike): string {
  return `¥${hundredths(fen)}`;
}

/** 0.01 m² → "1,234.56 m²" */
export function area(hundredthsM2: IntLike): string {
  return `${hundredths(hundredthsM2)} m²`;
}

export function count(n: IntLike): string {
  return numberFormat(locale()).format(big(n));
}

/** part / whole as a percentage with one decimal ("—" when whole is 0). */
export function percent(part: IntLike, whole: IntLike): string {
  const w = big(whole);
  if (w === 0n) return "—";
  const tenths = (big(part) * 1000n) / w;
  return `${numberFormat(locale(), ONE_DECIMAL).format(Number(tenths) / 10)}%`;
}

/** Minutes of time-bank credit → "2 小时 30 分钟" / "2 h 30 min". */
export function minutes(value: IntLike): string {
  const m = Number(big(value));
  const hours = Math.floor(Math.abs(m) / 60);
  const rest = Math.abs(m) % 60;
  const sign = m < 0 ? "−" : "";
  if (hours === 0) return `${sign}${t("unit.minutes", { n: rest })}`;
  if (rest === 0) return `${sign}${t("unit.hours", { n: hours })}`;
  return `${sign}${t("unit.hoursMinutes", { h: hours, m: rest })}`;
}

/** Unix seconds → local date and time. */
export function dateTime(seconds: IntLike | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  const d = new Date(Number(big(seconds)) * 1000);
  const loc = locale();
  if (Number.isNaN(d.getTime()) || d.getFullYear() < 1000) return dateFormat(loc, DATE_TIME).format(d);
  const [y, mo, day, hh, mi] = [d.getFullYear(), pad2(d.getMonth() + 1), pad2(d.getDate()), pad2(d.getHours()), pad2(d.getMinutes())];
  if (loc === "zh-CN") return `${y}/${mo}/${day} ${hh}:${mi}`;
  if (loc === "en-GB") return `${day}/${mo}/${y}, ${hh}:${mi}`;
  return dateFormat(loc, DATE_TIME).format(d);
}

/** 0x1234…abcd */
export function short(hex: string | null | undefined, chars = 4): string {
  if (!hex) return "—";
  return hex.length <= 2 + chars * 2 + 1 ? hex : `${hex.slice(0, 2 + chars)}…${hex.slice(-chars)}`;
}

/** Parses "12.34" (yuan or m²) into hundredths exactly, or null if it is not such a number. */
export function parseHundredths(text: string): bigint | null {
  const m = /^\s*(\d+)(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  return BigInt(m[1]!) * 100n + BigInt((m[2] ?? "").padEnd(2, "0") || "0");
}

/** Unix seconds → a calendar date ("2026年12月1日" / "Dec 1, 2026"); "—" when unknown. */
export function calendarDate(seconds: IntLike | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  const d = new Date(Number(big(seconds)) * 1000);
  const loc = locale();
  if (Number.isNaN(d.getTime()) || d.getFullYear() < 1000) return dateFormat(loc, CALENDAR_DATE).format(d);
  if (loc === "zh-CN") return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`;
  if (loc === "en-GB") return `${d.getDate()} ${MONTHS_EN[d.getMonth()]} ${d.getFullYear()}`;
  return dateFormat(loc, CALENDAR_DATE).format(d);
}

/** Seconds as people say a span ("2 天 3 小时", "1 小时 5 分钟", "30 分钟"), in whole minutes below a day. */
export function span(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86_400);
  if (days === 0) return minutes(Math.floor(s / 60));
  const hours = Math.floor((s % 86_400) / 3600);
  return hours === 0 ? t("unit.days", { n: days }) : t("unit.daysHours", { d: days, h: hours });
}
