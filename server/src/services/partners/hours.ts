// Opening times in China time (UTC+8 all year: China keeps no daylight saving), as offers declare them: an ISO
// weekday and minutes from midnight. Pure.
import type { Slot } from "./records.js";

const CHINA_OFFSET = 8 * 3600;

/** The ISO weekday (1 Monday … 7 Sunday) and minute of the day of a Unix time, in China time. */
export function chinaTime(unix: number): { day: number; minute: number; date: string } {
  const local = unix + CHINA_OFFSET;
  const days = Math.floor(local / 86_400);
  // 1970-01-01 was a Thursday (ISO 4).
  const day = ((((days + 3) % 7) + 7) % 7) + 1;
  const minute = Math.floor((local - days * 86_400) / 60);
  return { day, minute, date: new Date(days * 86_400_000).toISOString().slice(0, 10) };
}

/** `HH:MM` of minutes from midnight. */
export const hhmm = (minute: number): string => `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;

/** The slot [start, end) lies within, or undefined when it is not within one opening slot of its day. */
export function slotOf(hours: readonly Slot[], start: number, end: number): Slot | undefined {
  const at = chinaTime(start);
  const minutes = (end - start) / 60;
  return hours.find((s) => s.day === at.day && s.from <= at.minute && at.minute + minutes <= s.to);
}

/** The opening slots of a weekday, as `HH:MM–HH:MM` (for messages); "closed" when there are none. */
export function openingOf(hours: readonly Slot[], day: number): string {
  const slots = hours.filter((s) => s.day === day).sort((a, b) => a.from - b.from);
  return slots.length === 0 ? "—" : slots.map((s) => `${hhmm(s.from)}–${hhmm(s.to)}`).join(", ");
}
