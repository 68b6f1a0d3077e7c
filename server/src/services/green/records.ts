// Green account (绿色账户), issue 17: a household's card, the sorting events its smart bins report (signed per
// device, services/devices), the volunteer's confirmation, and points spent at partners for goods from the
// office's catalogue. Records hold ids, enums and amounts only: a household is its flat's unit id, a bin its
// device id, a volunteer or partner account an address; no name, no card code.
import { z } from "zod/v4";
import { addressRef, count, defineRecord, unixSeconds } from "../framework/index.js";

export const SERVICE = "green";

/** What a bin takes: the four streams of Shanghai's and most cities' sorting rules. */
export const WASTE_KINDS = ["kitchen", "recyclable", "hazardous", "other"] as const;
export type WasteKind = (typeof WASTE_KINDS)[number];

/** The objects of the service besides households (`h-<unitId>`) and bins (their device ids). */
export const SETTINGS_ID = "settings";
export const CATALOGUE_ID = "catalogue";
export const householdId = (unitId: number): string => `h-${unitId}`;
export const unitOfHousehold = (id: string): number | undefined => (/^h-[1-9][0-9]{0,9}$/.test(id) ? Number(id.slice(2)) : undefined);

export const settingsInput = z.object({
  pointsByKind: z.object({ kitchen: count.max(100), recyclable: count.max(100), hazardous: count.max(100), other: count.max(100) }).strict(),
  dailyCap: count.min(1).max(1000).describe("points a household may earn per day (China time)"),
  minIntervalSeconds: count.max(3600).describe("the shortest time between two credited events of one bin"),
  expiryDays: count.min(1).max(3650).describe("points expire this many days after the event that earned them"),
  sampleRatePercent: count.max(100).describe("share of events a volunteer checks one by one; 100: every event"),
  volunteers: z.array(addressRef).max(200).describe("who may confirm at the bins besides staff"),
});
export type GreenSettings = z.infer<typeof settingsInput>;

/** Until the office sets its own: Shanghai-like defaults (a volunteer checks every event). */
export const DEFAULT_SETTINGS: GreenSettings = {
  pointsByKind: { kitchen: 2, recyclable: 2, hazardous: 3, other: 1 },
  dailyCap: 20,
  minIntervalSeconds: 5,
  expiryDays: 365,
  sampleRatePercent: 100,
  volunteers: [],
};

export const SettingsChanged = defineRecord(SERVICE, "settingsChanged", settingsInput);

const itemId = z.string().regex(/^i[0-9]{1,4}$/);
const title = z.string().trim().min(1).max(60);
/** An item of the catalogue: goods a partner gives for points, with its stock. */
export const ItemAdded = defineRecord(SERVICE, "itemAdded", z.object({ item: itemId, partner: z.string().max(64), offerId: z.string().max(8), title, titleEn: title, points: count.min(1).max(100_000), stock: count.max(1_000_000) }));
export const Restocked = defineRecord(SERVICE, "restocked", z.object({ item: z.string().max(8), quantity: count.min(1).max(1_000_000) }));

/** A household's card: issued again (serial + 1) when lost, and the card before stops working. */
export const CardIssued = defineRecord(SERVICE, "cardIssued", z.object({ unitId: count.min(1), estateId: count, building: count, serial: count }));

const eventId = z.string().regex(/^[\x21-\x7e]{1,100}$/);
/** A bin's sorting event credited to a household: points pending (or 0 for wrong sorting). */
export const Sorted = defineRecord(
  SERVICE,
  "sorted",
  z.object({
    entry: count.min(1),
    device: z.string().max(64),
    eventId,
    kind: z.enum(WASTE_KINDS),
    correct: z.boolean(),
    weightGrams: count.max(1_000_000).nullable(),
    points: count,
    /** In the random sample a volunteer checks one by one. */
    sampled: z.boolean(),
    /** The bin's signed time of the event, and its day in China time (YYYY-MM-DD). */
    at: unixSeconds,
    day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    binBuilding: count.nullable(),
  }),
);
/** The volunteer at the bin checked an event: correct (its points become active) or not (rejected). */
export const Confirmed = defineRecord(SERVICE, "confirmed", z.object({ entry: count.min(1), correct: z.boolean() }));
/** Points spent at a partner for an item of the catalogue, taken from the entries that expire first. */
export const Redeemed = defineRecord(
  SERVICE,
  "redeemed",
  z.object({
    redemption: count.min(1),
    partner: z.string().max(64),
    item: z.string().max(8),
    quantity: count.min(1),
    points: count.min(1),
    from: z.array(z.object({ entry: count.min(1), points: count.min(1) })).min(1),
  }),
);

export const RECORDS = [SettingsChanged, ItemAdded, Restocked, CardIssued, Sorted, Confirmed, Redeemed];
