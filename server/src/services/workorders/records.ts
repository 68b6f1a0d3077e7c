// The records of a work order (工单). Payloads hold codes, ids, hashes and times only: what a resident wrote is a
// salted commitment (the text itself is a vault note of the reporter), a reporter is an address or a vault person
// id, photos are documents (their hashes), and a place is the estate's own numbering.
import { z } from "zod/v4";
import { addressRef, commitmentRef, count, defineRecord, hashRef, objectId, personRef, unixSeconds } from "../framework/index.js";
import { PARTIES } from "./categories.js";

export const SERVICE = "workorder";

/** `open311`: a client application through Open311 GeoReport v2, its key the record's actor (`open311:<key id>`). */
export const CHANNELS = ["resident", "hotline", "grid", "device", "open311"] as const;
export type Channel = (typeof CHANNELS)[number];

export const serviceCode = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, "a category code (Open311 service_code), e.g. burst-pipe");
export const party = z.enum(PARTIES);
export const priority = z.enum(["normal", "urgent"]);

/** Where: the estate, and a building, a registered unit or a common area of it (at least one). */
export const place = z
  .object({
    estateId: count.min(1),
    building: count.min(1).optional(),
    unitId: count.min(1).optional(),
    area: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, "a common-area code, e.g. north-gate").optional(),
  })
  .refine((p) => p.building !== undefined || p.unitId !== undefined || p.area !== undefined, "a building, a unit or a common area");
export type Place = z.infer<typeof place>;

/** Coordinates in millionths of a degree (canonical JSON holds integers only). */
export const point = z.object({ latE6: z.number().int().min(-90_000_000).max(90_000_000), longE6: z.number().int().min(-180_000_000).max(180_000_000) });

/** A reporter: the resident's address, or the vault person id of a caller staff typed in. */
export const reporter = z.union([addressRef, personRef]);

/** A device's event (an alarm): the device and its own event id, by which a repeat is known. */
export const deviceEvent = z.object({ device: objectId, event: z.string().regex(/^[\x21-\x7e]{1,100}$/) });

const photos = z.array(hashRef).max(6);

export const Reported = defineRecord(
  SERVICE,
  "reported",
  z.object({
    channel: z.enum(CHANNELS),
    serviceCode,
    priority,
    place,
    point: point.optional(),
    description: commitmentRef.optional(),
    reporter: reporter.optional(),
    device: deviceEvent.optional(),
    photos,
    onSiteCheck: z.boolean(),
  }),
);

/** Another report of the same thing at the same place joined this open order instead of opening one. */
export const Joined = defineRecord(
  SERVICE,
  "joined",
  z.object({ channel: z.enum(CHANNELS), description: commitmentRef.optional(), reporter: reporter.optional(), device: deviceEvent.optional(), photos }),
);

/** Sent to a party, with the deadline counted from receipt (whoever receives a case owns it). */
export const Dispatched = defineRecord(SERVICE, "dispatched", z.object({ party, deadlineAt: unixSeconds, by: z.enum(["routing", "office"]) }));
export const Accepted = defineRecord(SERVICE, "accepted", z.object({ party }));
export const Started = defineRecord(SERVICE, "started", z.object({ party }));

export const PAUSE_REASONS = ["noAccess", "residentRequest"] as const;
/** The resident's waiting time (no access to the flat): the clock stops, and it is recorded. */
export const Paused = defineRecord(SERVICE, "paused", z.object({ reason: z.enum(PAUSE_REASONS) }));
export const Resumed = defineRecord(SERVICE, "resumed", z.object({ pausedSeconds: count }));

export const RETURN_REASONS = ["notOurs", "wrongPlace", "needsOtherParty", "other"] as const;
/** 退单: a party gives back an order it does not own; it goes back to the office, never into a void. */
export const Returned = defineRecord(SERVICE, "returned", z.object({ party, reason: z.enum(RETURN_REASONS), note: commitmentRef.optional() }));

export const Resolved = defineRecord(SERVICE, "resolved", z.object({ party, photos, note: commitmentRef.optional() }));
export const CheckedOnSite = defineRecord(SERVICE, "checkedOnSite", z.object({ passed: z.boolean(), photos }));
/** Closed: by the reporter, or by the system after the confirmation window (`auto`). */
export const Confirmed = defineRecord(SERVICE, "confirmed", z.object({ auto: z.boolean() }));

export const REOPEN_REASONS = ["notFixed", "brokeAgain", "poorWork"] as const;
/** Back to the party that fixed it, with a new deadline counted from the reopening. */
export const Reopened = defineRecord(SERVICE, "reopened", z.object({ reason: z.enum(REOPEN_REASONS), party, deadlineAt: unixSeconds }));

/** 非常不满意 (1) … 非常满意 (5). */
export const Rated = defineRecord(SERVICE, "rated", z.object({ level: z.number().int().min(1).max(5) }));
/** Past its deadline: raised to the street level (街道). */
export const Escalated = defineRecord(SERVICE, "escalated", z.object({ level: z.literal("street"), overdueSeconds: count }));

export const RECORDS = [Reported, Joined, Dispatched, Accepted, Started, Paused, Resumed, Returned, Resolved, CheckedOnSite, Confirmed, Reopened, Rated, Escalated];
