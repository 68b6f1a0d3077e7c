// Everyone who reported an order (its first reporter and those whose duplicate reports joined it) is told when it
// is dispatched, fixed, closed or reopened. The message names the order and its place only; the outbox looks up a
// reporter's contact in the vault when sending (a resident by address, a hotline caller by vault person id), so no
// phone number or name is in a record, an outbox entry or a log. A device is not a reporter: nobody to tell.
import type { JournalRecord, Notification } from "../framework/index.js";
import { Confirmed, Dispatched, Reopened, Resolved, type Place } from "./records.js";
import type { OrderState } from "./state.js";

/** A short label of the place for the message (the estate's own numbering; never a person). */
export function placeLabel(place: Place | null): string {
  if (!place) return "-";
  const label = place.unitId !== undefined ? `房屋 ${place.unitId}` : place.building !== undefined ? `${place.building}号楼${place.area !== undefined ? ` ${place.area}` : ""}` : place.area!;
  // A label holds at most 40 characters and no run of 7 digits (the outbox refuses what could be a phone number).
  return label.replace(/\d{7,}/g, (digits) => `${digits.slice(0, 6)}…`).slice(0, 40);
}

const TEMPLATE_OF: [(record: JournalRecord) => boolean, string][] = [
  [Dispatched.is, "workorder.dispatched"],
  [Resolved.is, "workorder.resolved"],
  [Confirmed.is, "workorder.closed"],
  [Reopened.is, "workorder.reopened"],
];

/** The service's `notify`: one message per reporter of the order, given its state after the record. */
export function notifyReporters(record: JournalRecord, state: OrderState): Notification[] {
  const template = TEMPLATE_OF.find(([is]) => is(record))?.[1];
  if (!template) return [];
  const params = { workOrderId: record.id, unit: placeLabel(state.place) };
  return state.reporters.map((reporter) => ({
    to: reporter.startsWith("0x") ? { address: reporter as `0x${string}` } : { personId: reporter },
    template,
    params,
  }));
}
