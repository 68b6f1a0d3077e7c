// What may happen to a pet: pure decisions over its state. What they need from elsewhere (the household the unit
// belongs to, the commitments of the texts kept in the vault just before) comes as facts, looked up under the
// pet's lock (index.ts); documents are checked there too, before anything is written.
import { z } from "zod/v4";
import { count, defineCommand, hashRef, refuse, unixSeconds, type DecideContext, type Refusal } from "../framework/index.js";
import { APPEAL_DECISIONS, AppealDecided, Appealed, breedText, ConsentGiven, CourseCompleted, DISMISS_REASONS, Registered, ReportConfirmed, ReportDismissed, Reported, reportId, SPECIES, VaccinationRenewed, VIOLATIONS } from "./records.js";
import { colourOf, monthOf, pointsIn, yearOf, type PetSettings } from "./rules.js";
import { residentOf, type PetState, type ReportState } from "./state.js";

export type Household = { unitId: number; estateId: number; buildingId: number };

/** What the decisions know besides the pet (index.ts looks them up). */
export type PetFacts = {
  /** The acting resident's household of the input's unit; null: the unit is not theirs. */
  household?: Household | null;
  /** Commitments of the texts kept in the vault for this command. */
  name?: `0x${string}`;
  licence?: `0x${string}`;
  place?: `0x${string}`;
  reason?: `0x${string}`;
};

/** The longest text a resident types (a pet's name, a licence number, a place, an appeal's reason). */
export const MAX_NAME = 20;
export const MAX_LICENCE = 32;
export const MAX_PLACE = 80;
export const MAX_REASON = 500;

const factsOf = (context: DecideContext): PetFacts => (context.facts as PetFacts | undefined) ?? {};
const text = (max: number) => z.string().trim().min(1, "empty").max(max);

function registered(state: PetState, context: DecideContext): Refusal | undefined {
  return state.registered ? undefined : refuse(404, "unknown_record", { kind: { "zh-CN": "宠物", en: "pet" }, id: context.id });
}

function reportOf(state: PetState, context: DecideContext, id: string): ReportState | Refusal {
  const report = state.reports.find((r) => r.reportId === id);
  return report ?? refuse(404, "pet_unknown_report", { id: context.id, reportId: id });
}

function ownerOnly(state: PetState, context: DecideContext): Refusal | undefined {
  return residentOf(context.actor) === state.owner ? undefined : refuse(403, "pet_not_owner", { id: context.id });
}

export function petCommands(settings: PetSettings) {
  const points = (state: PetState, year: number) => pointsIn(state.points, year, settings);
  return [
    defineCommand({
      name: "register",
      summary: "A household registers its pet (or staff for it, under a recorded authorisation): flat, species, breed, name and licence number (kept in the vault), photo, vaccination certificate (documents) and until when it is valid",
      target: "new",
      input: z.object({
        unitId: count.min(1).describe("the household's flat (a unit id the owner holds or is linked to)"),
        species: z.enum(SPECIES),
        breed: breedText,
        name: text(MAX_NAME).describe("the pet's name: kept in the vault, never on the collar page"),
        licence: text(MAX_LICENCE).describe("the dog licence (犬证) number: kept in the vault"),
        photo: hashRef.optional().describe("keccak256 of a photo of the pet, a document of class pet-photo uploaded by the one who registers"),
        certificate: hashRef.describe("keccak256 of the vaccination certificate, a document of class pet-document uploaded by the one who registers"),
        vaccinatedUntil: unixSeconds.describe("the vaccination is valid until (Unix seconds)"),
      }),
      who: "signedIn",
      proxy: true,
      decide: (_state: PetState, input, context) => {
        const facts = factsOf(context);
        if (!facts.household) return refuse(403, "pet_not_your_household", { unitId: input.unitId });
        if (!facts.name || !facts.licence) return refuse(400, "pet_text_not_kept", {});
        const { unitId, estateId, buildingId } = facts.household;
        return [Registered({ unitId, estateId, buildingId, species: input.species, breed: input.breed, name: facts.name, licence: facts.licence, photo: input.photo ?? null, certificate: input.certificate, vaccinatedUntil: input.vaccinatedUntil })];
      },
    }),
    defineCommand({
      name: "renewVaccination",
      summary: "The owner (or staff for them) records a new vaccination certificate and until when it is valid",
      target: "existing",
      input: z.object({ certificate: hashRef.describe("a document of class pet-document uploaded by the one who acts"), vaccinatedUntil: unixSeconds }),
      who: "signedIn",
      proxy: true,
      decide: (state: PetState, input, context) => registered(state, context) ?? ownerOnly(state, context) ?? [VaccinationRenewed(input)],
    }),
    defineCommand({
      name: "report",
      summary: "A resident who scanned the collar reports a violation (fouling not cleared, no leash, noise), with a photo and the place if they give their separate consent (PIPL art. 28/29) for them",
      target: "existing",
      input: z.object({
        violation: z.enum(VIOLATIONS),
        photo: hashRef.optional().describe("keccak256 of the photo, a document of class pet-photo uploaded by the reporter"),
        place: text(MAX_PLACE).optional().describe("where it happened: kept in the vault"),
        sensitiveConsent: z.boolean().default(false).describe("the reporter's separate consent to processing the photo and place (required when either is given)"),
      }),
      who: "signedIn",
      proxy: true,
      decide: (state: PetState, input, context) => {
        const refused = registered(state, context);
        if (refused) return refused;
        const scope = [...(input.photo ? ["photo" as const] : []), ...(input.place ? ["place" as const] : [])];
        if (scope.length > 0 && !input.sensitiveConsent) return refuse(400, "pet_consent_required", { fields: scope.join(", ") });
        if (residentOf(context.actor) === state.owner) return refuse(409, "pet_report_own", { id: context.id });
        const place = factsOf(context).place;
        if (input.place && !place) return refuse(400, "pet_text_not_kept", {});
        const id = `r${state.reports.length + 1}`;
        return [
          ...(scope.length > 0 ? [ConsentGiven({ reportId: id, scope, basis: "pipl-art29-separate" })] : []),
          Reported({ reportId: id, violation: input.violation, photo: input.photo ?? null, place: input.place ? place! : null, month: monthOf(context.now) }),
        ];
      },
    }),
    defineCommand({
      name: "confirmReport",
      summary: "A staff member or grid worker confirms a report after checking it: the violation's points are deducted, once",
      target: "existing",
      input: z.object({ reportId }),
      who: ["staff", "gridWorker"],
      decide: (state: PetState, input, context) => {
        const report = reportOf(state, context, input.reportId);
        if (report instanceof Error) return report;
        if (report.status !== "pending") return refuse(409, "pet_report_decided", { reportId: input.reportId, status: report.status });
        const year = yearOf(context.now);
        const before = points(state, year);
        const deducted = Math.min(before, settings.deductions[report.violation]);
        return [ReportConfirmed({ reportId: input.reportId, year, deducted, pointsAfter: before - deducted })];
      },
    }),
    defineCommand({
      name: "dismissReport",
      summary: "A staff member or grid worker dismisses a report, with a reason: nothing is deducted",
      target: "existing",
      input: z.object({ reportId, reason: z.enum(DISMISS_REASONS) }),
      who: ["staff", "gridWorker"],
      decide: (state: PetState, input, context) => {
        const report = reportOf(state, context, input.reportId);
        if (report instanceof Error) return report;
        if (report.status !== "pending") return refuse(409, "pet_report_decided", { reportId: input.reportId, status: report.status });
        return [ReportDismissed(input)];
      },
    }),
    defineCommand({
      name: "appeal",
      summary: "The owner (or staff for them) appeals a confirmed report, with a reason (kept in the vault); the office decides",
      target: "existing",
      input: z.object({ reportId, reason: text(MAX_REASON) }),
      who: "signedIn",
      proxy: true,
      decide: (state: PetState, input, context) => {
        const refused = registered(state, context) ?? ownerOnly(state, context);
        if (refused) return refused;
        const report = reportOf(state, context, input.reportId);
        if (report instanceof Error) return report;
        if (report.status !== "confirmed") return refuse(409, "pet_appeal_not_confirmed", { reportId: input.reportId, status: report.status });
        if (report.appeal) return refuse(409, "pet_appeal_exists", { reportId: input.reportId });
        const reason = factsOf(context).reason;
        if (!reason) return refuse(400, "pet_text_not_kept", {});
        return [Appealed({ reportId: input.reportId, reason })];
      },
    }),
    defineCommand({
      name: "decideAppeal",
      summary: "The office decides an appeal, with a reason: upheld gives back the points the report deducted",
      target: "existing",
      input: z.object({ reportId, upheld: z.boolean(), decision: z.enum(APPEAL_DECISIONS) }),
      who: ["staff"],
      decide: (state: PetState, input, context) => {
        const report = reportOf(state, context, input.reportId);
        if (report instanceof Error) return report;
        if (!report.appeal) return refuse(404, "pet_no_appeal", { reportId: input.reportId });
        if (report.appeal.status !== "pending") return refuse(409, "pet_appeal_decided", { reportId: input.reportId, status: report.appeal.status });
        const year = report.year ?? yearOf(context.now);
        const before = points(state, year);
        const restored = input.upheld ? Math.min(report.deducted, settings.pointsPerYear - before) : 0;
        return [AppealDecided({ reportId: input.reportId, upheld: input.upheld, decision: input.decision, restored, pointsAfter: before + restored })];
      },
    }),
    defineCommand({
      name: "recordCourse",
      summary: "Staff record that the owner of a red code completed the education course: the configured points are given back",
      target: "existing",
      input: z.object({}),
      who: ["staff"],
      decide: (state: PetState, _input, context) => {
        const refused = registered(state, context);
        if (refused) return refused;
        const year = yearOf(context.now);
        const before = points(state, year);
        if (colourOf(before, settings) !== "red") return refuse(409, "pet_not_red", { id: context.id, points: before, colour: colourOf(before, settings) });
        const restored = Math.min(settings.courseRestores, settings.pointsPerYear - before);
        return [CourseCompleted({ year, restored, pointsAfter: before + restored })];
      },
    }),
  ];
}
