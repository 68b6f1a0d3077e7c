// The pet three-colour code's records (宠物三色码, issue 17): a pet registered by its household (species, breed,
// its vaccination certificate, a document, and until when it is valid), a resident's report of a violation seen
// at the collar (with its separate consent for a photo and a place), the staff member's or grid worker's decision
// on it (a confirmed report deducts points once), the owner's appeal and the office's decision, and the education
// course a red code's owner completes. The pet's name, its licence number, the place of a report and the reason of
// an appeal are kept in the vault (the records carry their salted commitments); photos and the certificate are
// sealed documents named by their keccak256. The owner appears as their address (or vault person id), as actors do.
import { z } from "zod/v4";
import { commitmentRef, count, defineRecord, hashRef, unixSeconds } from "../framework/index.js";

export const SERVICE = "pet";

export const SPECIES = ["dog", "cat", "other"] as const;
export type Species = (typeof SPECIES)[number];

/** What a resident may report at a collar. */
export const VIOLATIONS = ["fouling", "noLeash", "noise"] as const;
export type Violation = (typeof VIOLATIONS)[number];

export const DISMISS_REASONS = ["notThisPet", "insufficientEvidence", "duplicate", "notAViolation"] as const;
export const APPEAL_DECISIONS = ["evidenceInsufficient", "wrongPet", "reportConfirmed", "ownerNotAtFault"] as const;

/** What a separate consent (PIPL art. 28/29) covers: the photo and the place of a report. */
export const SENSITIVE_SCOPE = ["photo", "place"] as const;

/** A breed as the household states it (public, like the species: never a person's detail). */
export const breedText = z.string().trim().min(1, "empty").max(40);
export const reportId = z.string().regex(/^r[0-9]{1,6}$/);

export const Registered = defineRecord(
  SERVICE,
  "registered",
  z.object({
    unitId: count,
    estateId: count,
    buildingId: count,
    species: z.enum(SPECIES),
    breed: breedText,
    /** Commitments to the pet's name and licence number (notes in the vault). */
    name: commitmentRef,
    licence: commitmentRef,
    /** A sealed photo of the pet (class pet-photo), or null. */
    photo: hashRef.nullable(),
    /** The vaccination certificate (class pet-document). */
    certificate: hashRef,
    vaccinatedUntil: unixSeconds,
  }),
);
export const VaccinationRenewed = defineRecord(SERVICE, "vaccinationRenewed", z.object({ certificate: hashRef, vaccinatedUntil: unixSeconds }));
/** The reporter's separate consent to processing the photo and place of their report (PIPL art. 28/29), before the report. */
export const ConsentGiven = defineRecord(SERVICE, "consentGiven", z.object({ reportId, scope: z.array(z.enum(SENSITIVE_SCOPE)).min(1), basis: z.literal("pipl-art29-separate") }));
export const Reported = defineRecord(
  SERVICE,
  "reported",
  z.object({ reportId, violation: z.enum(VIOLATIONS), photo: hashRef.nullable(), place: commitmentRef.nullable(), month: z.string().regex(/^\d{4}-\d{2}$/) }),
);
/** A report confirmed: `deducted` points (at most what was left) in `year`, `pointsAfter` left. */
export const ReportConfirmed = defineRecord(SERVICE, "reportConfirmed", z.object({ reportId, year: count, deducted: count, pointsAfter: count }));
export const ReportDismissed = defineRecord(SERVICE, "reportDismissed", z.object({ reportId, reason: z.enum(DISMISS_REASONS) }));
export const Appealed = defineRecord(SERVICE, "appealed", z.object({ reportId, reason: commitmentRef }));
/** The office's decision on an appeal; upheld gives back the points the report deducted (`restored`). */
export const AppealDecided = defineRecord(SERVICE, "appealDecided", z.object({ reportId, upheld: z.boolean(), decision: z.enum(APPEAL_DECISIONS), restored: count, pointsAfter: count }));
/** The education course, recorded by staff for a red code: `restored` points in `year`. */
export const CourseCompleted = defineRecord(SERVICE, "courseCompleted", z.object({ year: count, restored: count, pointsAfter: count }));

export const RECORDS = [Registered, VaccinationRenewed, ConsentGiven, Reported, ReportConfirmed, ReportDismissed, Appealed, AppealDecided, CourseCompleted];
