// The pet three-colour code (宠物三色码, issue 17): pets registered by their household with a QR collar whose
// public page shows the code's colour and the registration status only; residents scan it to report a violation
// (a photo and the place only with their separate consent, PIPL art. 28/29); a staff member or grid worker confirms
// before points are deducted; the owner is told and may appeal, the office decides; twelve points a year, green,
// yellow, red; a red code's education course gives points back; statistics by month and building. Texts in the
// vault, photos and certificates sealed in the document store. The one export the server composes.
import type { Actor } from "../../receipts/actor.js";
import type { Vault } from "../../vault/index.js";
import { defineService, keepingTexts, keepText, refuse, type AnyService, type CommandAnswer, type CommandRequest, type Engine, type JournalRecord, type Notification, type Refusal } from "../framework/index.js";
import { petCommands, type Household, type PetFacts } from "./commands.js";
import { MODELS, projectPet } from "./projections.js";
import { petQueries } from "./queries.js";
import { AppealDecided, CourseCompleted, RECORDS, ReportConfirmed, SERVICE } from "./records.js";
import { DEFAULT_PET_SETTINGS, type PetSettings } from "./rules.js";
import { evolvePet, INITIAL_PET, type PetState } from "./state.js";

export * from "./records.js";
export { petCommands, MAX_LICENCE, MAX_NAME, MAX_PLACE, MAX_REASON, type Household, type PetFacts } from "./commands.js";
export { colourOf, DEFAULT_PET_SETTINGS, monthOf, pointsIn, yearOf, type Colour, type PetSettings, type PointsEntry } from "./rules.js";
export { MODELS as PET_MODELS, type PetRow, type StatsCell } from "./projections.js";
export { collarOf, type CollarView, type PetView } from "./queries.js";
export { evolvePet, INITIAL_PET, type PetState, type ReportState } from "./state.js";

/** The document classes the service takes (services/documents/types.ts): sealed at rest, staff read them. */
export const PET_PHOTO_CLASS = "pet-photo";
export const PET_DOCUMENT_CLASS = "pet-document";

/** What the service needs of the document store. */
export type PetDocumentStore = { lookup(hash: `0x${string}`): Promise<{ class: string; uploader: string } | undefined> };

export type PetDeps = {
  /** Where names, licence numbers, places and appeals' reasons are kept; without it they are refused (400 pet_text_not_kept). */
  vault?: Vault;
  /** Where photos and certificates must be; without it they are refused. */
  documents?: PetDocumentStore;
  /** The households (flats) of an address or vault person id. */
  householdsOf: (who: string) => Promise<Household[]>;
  settings?: PetSettings;
  /** The services' clock in ms (default Date.now). */
  clock?: () => number;
};

/** Which input fields of a command are texts kept in the vault. */
const TEXT_FIELDS: Record<string, readonly ("name" | "licence" | "place" | "reason")[]> = { register: ["name", "licence"], report: ["place"], appeal: ["reason"] };

/** Each hash must be a stored document of `cls` uploaded by the one who acts (staff acting for a resident: staff's). */
async function documentProblem(store: PetDocumentStore | undefined, hash: unknown, cls: string, actor: Actor): Promise<Refusal | undefined> {
  if (typeof hash !== "string") return undefined;
  const meta = store ? await store.lookup(hash.toLowerCase() as `0x${string}`) : undefined;
  const by = "address" in actor ? actor.address.toLowerCase() : undefined;
  return !meta || meta.class !== cls || meta.uploader.toLowerCase() !== by ? refuse(400, "pet_document_unknown", { hash, class: cls }) : undefined;
}

/** The owner is told of a confirmed report (and of a red code's course), of the office's decision on an appeal, and of a course recorded. */
export function notifyOwner(record: JournalRecord, state: PetState): Notification[] {
  const to = state.owner.startsWith("0x") ? { address: state.owner as `0x${string}` } : { personId: state.owner };
  if (ReportConfirmed.is(record)) {
    const told: Notification[] = [{ to, template: "pet.reportConfirmed", params: { petId: record.id, reportId: record.payload.reportId, deducted: record.payload.deducted, points: record.payload.pointsAfter } }];
    if (record.payload.pointsAfter === 0) told.push({ to, template: "pet.red", params: { petId: record.id } });
    return told;
  }
  if (AppealDecided.is(record)) return [{ to, template: record.payload.upheld ? "pet.appealUpheld" : "pet.appealRejected", params: { petId: record.id, reportId: record.payload.reportId, points: record.payload.pointsAfter } }];
  if (CourseCompleted.is(record)) return [{ to, template: "pet.courseCompleted", params: { petId: record.id, restored: record.payload.restored, points: record.payload.pointsAfter } }];
  return [];
}

export function petService(deps: PetDeps): AnyService {
  const settings = deps.settings ?? DEFAULT_PET_SETTINGS;
  const clock = deps.clock ?? Date.now;
  const guarded = (request: CommandRequest, run: () => Promise<CommandAnswer>) =>
    keepingTexts(deps.vault, "system" in request.principal ? { system: request.principal.system } : { address: request.principal.address }, run);
  const commands = petCommands(settings).map((command) => {
    const fields = TEXT_FIELDS[command.name] ?? [];
    return {
      ...command,
      ...(fields.length > 0 ? { http: (request: CommandRequest, engine: Engine) => guarded(request, () => engine.execute(request)) } : {}),
      check: async (input: Record<string, unknown>, { actor }: { actor: Actor }): Promise<Refusal | { facts: PetFacts }> => {
        const facts: PetFacts = {};
        // Refusals that need no lookup first, so that a report without consent keeps nothing at all.
        if (command.name === "report" && (input.photo !== undefined || input.place !== undefined) && input.sensitiveConsent !== true) {
          return refuse(400, "pet_consent_required", { fields: [input.photo !== undefined ? "photo" : null, input.place !== undefined ? "place" : null].filter(Boolean).join(", ") });
        }
        const problem =
          (await documentProblem(deps.documents, input.photo, PET_PHOTO_CLASS, actor)) ?? (await documentProblem(deps.documents, input.certificate, PET_DOCUMENT_CLASS, actor));
        if (problem) return problem;
        if (command.name === "register") {
          const resident = "onBehalfOf" in actor ? actor.onBehalfOf : "address" in actor ? actor.address : "";
          facts.household = (await deps.householdsOf(resident)).find((h) => h.unitId === input.unitId) ?? null;
          if (!facts.household) return { facts };
        }
        const notKept = refuse(400, "pet_text_not_kept", {});
        for (const field of fields) if (typeof input[field] === "string") facts[field] = await keepText(deps.vault, input[field], actor, notKept);
        return { facts };
      },
    };
  });
  return defineService<PetState>({
    name: SERVICE,
    basePath: "/api/pets",
    noun: { "zh-CN": "宠物", en: "pet" },
    records: RECORDS,
    initial: INITIAL_PET,
    evolve: evolvePet,
    commands,
    models: Object.values(MODELS),
    project: projectPet,
    notify: notifyOwner,
    queries: petQueries({ vault: deps.vault, settings, clock, householdsOf: deps.householdsOf }),
  });
}
