// What people see of the pet code: the public collar page (the code's colour and the registration status only:
// never the owner, the flat, the pet's name or anything a report holds), a household's pets with their points and
// reports (the name and licence read from the vault on the owner's own request), the office's queues (a report's
// place and an appeal's reason read from the vault to arrange the check), the rules, and the public statistics by
// month and building, each count with its denominator.
import { z } from "zod/v4";
import { actorText } from "../../receipts/actor.js";
import { readNote, type Purpose, type Vault } from "../../vault/index.js";
import { defineQuery, refuse, type ModelReader, type QueryContext, type QueryDef } from "../framework/index.js";
import type { Household } from "./commands.js";
import { MODELS, NO_STATS, type PetRow, type StatsCell } from "./projections.js";
import { SPECIES, VIOLATIONS } from "./records.js";
import { colourOf, monthOf, pointsIn, yearOf, type PetSettings } from "./rules.js";

export type QueryDeps = {
  vault?: Vault;
  settings: PetSettings;
  /** The services' clock (ms): the year whose points count, and whether a vaccination is still valid. */
  clock: () => number;
  /** The households (flats) of an address, as the server knows them. */
  householdsOf: (who: string) => Promise<Household[]>;
};

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const colour = z.enum(["green", "yellow", "red"]);

export const collarView = z.object({
  id: z.string(),
  registered: z.literal(true),
  colour,
  vaccination: z.enum(["valid", "expired"]),
  /** A red code: its owner is reminded and has an education course to complete. */
  course: z.boolean(),
});
export type CollarView = z.infer<typeof collarView>;

const appealView = z.object({ status: z.enum(["pending", "upheld", "rejected"]), at: z.number(), decidedAt: z.number().nullable(), decision: z.string().nullable(), proxy: z.boolean() });
const reportView = z.object({ reportId: z.string(), violation: z.enum(VIOLATIONS), at: z.number(), month: z.string(), status: z.enum(["pending", "confirmed", "dismissed"]), decidedAt: z.number().nullable(), reason: z.string().nullable(), deducted: z.number(), appeal: appealView.nullable() });
export const petView = z.object({
  id: z.string(),
  species: z.enum(SPECIES),
  breed: z.string(),
  name: z.string().nullable().describe("from the vault, on the owner's own request; null once erased"),
  licence: z.string().nullable(),
  unitId: z.number(),
  buildingId: z.number(),
  proxy: z.boolean().describe("registered by staff for the household (代录)"),
  registeredAt: z.number(),
  vaccinatedUntil: z.number(),
  vaccination: z.enum(["valid", "expired"]),
  year: z.number(),
  points: z.number(),
  colour,
  courses: z.number(),
  reports: z.array(reportView).describe("never who reported, where, or their photo"),
});
export type PetView = z.infer<typeof petView>;

const pendingReport = z.object({ petId: z.string(), reportId: z.string(), violation: z.enum(VIOLATIONS), at: z.number(), species: z.enum(SPECIES), breed: z.string(), buildingId: z.number(), colour, points: z.number(), photo: z.string().nullable(), place: z.string().nullable() });
const pendingAppeal = z.object({ petId: z.string(), reportId: z.string(), violation: z.enum(VIOLATIONS), deducted: z.number(), at: z.number(), reason: z.string().nullable(), proxy: z.boolean() });
const redPet = z.object({ petId: z.string(), species: z.enum(SPECIES), breed: z.string(), buildingId: z.number(), points: z.number(), courses: z.number() });

const statsRow = z.object({ month: z.string(), buildingId: z.number(), pets: z.number().describe("pets registered by the month's end"), reports: z.number(), confirmed: z.number(), dismissed: z.number(), pending: z.number(), appeals: z.number(), upheld: z.number() });
const monthRow = statsRow.omit({ buildingId: true }).extend({ reportsPer100Pets: z.number().nullable().describe("reports ÷ pets × 100, one decimal") });
export const statsView = z.object({
  estateId: z.number(),
  rows: z.array(statsRow).describe("by month of the report and building"),
  months: z.array(monthRow),
  change: z.object({ from: z.string(), to: z.string(), reportsPer100PetsFrom: z.number(), reportsPer100PetsTo: z.number(), percent: z.number() }).nullable().describe("first to last month with registered pets: the change of reports per 100 registered pets, in percent"),
});

const now = (deps: QueryDeps) => Math.floor(deps.clock() / 1000);
const vaccination = (row: PetRow, at: number) => (row.vaccinatedUntil > at ? "valid" : "expired") as "valid" | "expired";
const pointsNow = (row: PetRow, deps: QueryDeps) => pointsIn(row.points, yearOf(now(deps)), deps.settings);

async function note(deps: QueryDeps, commitment: string | null, actor: string, purpose: Purpose): Promise<string | null> {
  if (!deps.vault || !commitment) return null;
  return readNote(deps.vault, { commitment, actor, purpose });
}

export async function ownerView(row: PetRow, deps: QueryDeps, reader: string): Promise<PetView> {
  const points = pointsNow(row, deps);
  const actor = actorText({ address: reader as `0x${string}` });
  return {
    id: row.id,
    species: row.species!,
    breed: row.breed,
    name: await note(deps, row.name, actor, "subject.request"),
    licence: await note(deps, row.licence, actor, "subject.request"),
    unitId: row.unitId,
    buildingId: row.buildingId,
    proxy: row.proxy,
    registeredAt: row.registeredAt,
    vaccinatedUntil: row.vaccinatedUntil,
    vaccination: vaccination(row, now(deps)),
    year: yearOf(now(deps)),
    points,
    colour: colourOf(points, deps.settings),
    courses: row.courses.length,
    reports: row.reports.map((r) => ({ reportId: r.reportId, violation: r.violation, at: r.at, month: r.month, status: r.status, decidedAt: r.decidedAt, reason: r.reason, deducted: r.deducted, appeal: r.appeal && { status: r.appeal.status, at: r.appeal.at, decidedAt: r.appeal.decidedAt, decision: r.appeal.decision, proxy: r.appeal.proxy } })),
  };
}

/** The collar page's view: colour and registration status, nothing else. */
export function collarOf(row: PetRow, deps: QueryDeps): CollarView {
  const c = colourOf(pointsNow(row, deps), deps.settings);
  return { id: row.id, registered: true, colour: c, vaccination: vaccination(row, now(deps)), course: c === "red" };
}

/** The resident whose pets are read: the signed-in address, or for staff the resident of `?for=`. */
function whoseOf(context: QueryContext, forResident: string | undefined): string {
  const me = context.address!.toLowerCase();
  if (!forResident || forResident.toLowerCase() === me) return me;
  if (!context.roles.includes("staff")) throw refuse(403, "forbidden", {});
  return forResident.toLowerCase();
}

async function statsOf(read: ModelReader, estateId: number): Promise<z.infer<typeof statsView>> {
  const prefix = `${String(estateId).padStart(6, "0")}:`;
  const cells = new Map<string, StatsCell>();
  const regs = new Map<string, number>();
  for (let cursor: string | undefined; ; ) {
    const page = await read.page(MODELS.stats, { prefix, limit: 500, cursor, map: (value, key) => ({ key, value: value as StatsCell }) });
    for (const { key, value } of page.items) cells.set(key.slice(prefix.length), value);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  for (let cursor: string | undefined; ; ) {
    const page = await read.page(MODELS.registrations, { prefix, limit: 500, cursor, map: (value, key) => ({ key, value: value as number }) });
    for (const { key, value } of page.items) regs.set(key.slice(prefix.length), value);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  const months = [...new Set([...cells.keys(), ...regs.keys()].map((k) => k.slice(0, 7)))].sort();
  const buildings = [...new Set([...cells.keys(), ...regs.keys()].map((k) => Number(k.slice(8))))].sort((a, b) => a - b);
  const rows: z.infer<typeof statsRow>[] = [];
  const petsSoFar = new Map<number, number>();
  for (const month of months) {
    for (const b of buildings) {
      const key = `${month}:${String(b).padStart(6, "0")}`;
      petsSoFar.set(b, (petsSoFar.get(b) ?? 0) + (regs.get(key) ?? 0));
      const cell = cells.get(key) ?? NO_STATS;
      const pets = petsSoFar.get(b)!;
      if (pets === 0 && cell.reports === 0) continue;
      rows.push({ month, buildingId: b, pets, ...cell, pending: cell.reports - cell.confirmed - cell.dismissed - cell.upheld });
    }
  }
  const per100 = (reports: number, pets: number) => (pets === 0 ? null : Math.round((reports / pets) * 1000) / 10);
  const monthRows = months.map((month) => {
    const of = rows.filter((r) => r.month === month);
    const sum = (k: keyof StatsCell | "pets" | "pending") => of.reduce((s, r) => s + r[k], 0);
    const pets = sum("pets");
    return { month, pets, reports: sum("reports"), confirmed: sum("confirmed"), dismissed: sum("dismissed"), pending: sum("pending"), appeals: sum("appeals"), upheld: sum("upheld"), reportsPer100Pets: per100(sum("reports"), pets) };
  });
  const counted = monthRows.filter((m) => m.reportsPer100Pets !== null);
  const first = counted[0];
  const last = counted.at(-1);
  const change =
    first && last && first !== last && first.reportsPer100Pets! > 0
      ? { from: first.month, to: last.month, reportsPer100PetsFrom: first.reportsPer100Pets!, reportsPer100PetsTo: last.reportsPer100Pets!, percent: Math.round(((last.reportsPer100Pets! - first.reportsPer100Pets!) / first.reportsPer100Pets!) * 1000) / 10 }
      : null;
  return { estateId, rows, months: monthRows, change };
}

export function petQueries(deps: QueryDeps): QueryDef[] {
  return [
    defineQuery({
      path: "/api/pets/settings",
      summary: "The code's rules: points per year, deductions by violation, the green threshold, what the course gives back",
      who: "public",
      response: z.object({ pointsPerYear: z.number(), deductions: z.record(z.string(), z.number()), greenAbove: z.number(), courseRestores: z.number(), year: z.number(), month: z.string() }),
      handler: () => ({ ...deps.settings, year: yearOf(now(deps)), month: monthOf(now(deps)) }),
    }),
    defineQuery({
      path: "/api/pets/collar/:id",
      summary: "The public collar page: the code's colour and the registration status only (never the owner, the flat, the pet's name)",
      who: "public",
      params: z.object({ id }),
      response: collarView,
      handler: async ({ params }, read) => {
        const row = await read.get<PetRow>(MODELS.pets, params.id);
        if (!row?.registered) throw refuse(404, "pet_unknown_collar", { id: params.id });
        return collarOf(row, deps);
      },
    }),
    defineQuery({
      path: "/api/pets/households",
      summary: "The signed-in resident's flats (or, for staff, those of the resident of `for`), to register a pet for",
      who: "signedIn",
      query: z.object({ for: z.string().regex(/^0x[0-9a-fA-F]{40}$/).optional() }),
      response: z.object({ items: z.array(z.object({ unitId: z.number(), estateId: z.number(), buildingId: z.number() })) }),
      handler: async ({ query }, _read, context) => ({ items: await deps.householdsOf(whoseOf(context, query.for)) }),
    }),
    defineQuery({
      path: "/api/pets/mine",
      summary: "The signed-in household's pets (or, for staff, those of the resident of `for`) with their points, colour and reports; name and licence read from the vault",
      who: "signedIn",
      query: z.object({ for: z.string().regex(/^0x[0-9a-fA-F]{40}$/).optional() }),
      response: z.object({ items: z.array(petView) }),
      handler: async ({ query }, read, context) => {
        const whose = whoseOf(context, query.for);
        const ids = await read.page(MODELS.byOwner, { prefix: `${whose}:`, limit: 100, map: (_v, key) => key.slice(whose.length + 1) });
        const items: PetView[] = [];
        for (const petId of ids.items) {
          const row = await read.get<PetRow>(MODELS.pets, petId);
          if (row) items.push(await ownerView(row, deps, context.address!.toLowerCase()));
        }
        return { items };
      },
    }),
    defineQuery({
      path: "/api/pets/reports/mine",
      summary: "The reports the signed-in resident made, with what became of them (never the owner)",
      who: "signedIn",
      response: z.object({ items: z.array(z.object({ petId: z.string(), reportId: z.string(), violation: z.enum(VIOLATIONS), at: z.number(), status: z.enum(["pending", "confirmed", "dismissed"]) })) }),
      handler: async (_input, read, context) => {
        const me = context.address!.toLowerCase();
        const page = await read.page(MODELS.byReporter, {
          prefix: `${me}:`,
          limit: 100,
          map: async (_v, key) => {
            const [, petId, reportId] = key.split(":");
            const row = await read.get<PetRow>(MODELS.pets, petId!);
            const r = row?.reports.find((x) => x.reportId === reportId);
            return r && { petId: petId!, reportId: r.reportId, violation: r.violation, at: r.at, status: r.status };
          },
        });
        return { items: page.items };
      },
    }),
    defineQuery({
      path: "/api/pets/office",
      summary: "The office's queues: reports to confirm or dismiss (with the place, read from the vault to arrange the check), appeals to decide (with their reason), red codes awaiting the course",
      who: ["staff", "gridWorker"],
      response: z.object({ reports: z.array(pendingReport), appeals: z.array(pendingAppeal), red: z.array(redPet) }),
      handler: async (_input, read, context) => {
        const actor = actorText({ address: context.address as `0x${string}` });
        const keys = async (model: string) => (await read.page(model, { limit: 200, map: (_v, key) => key.split(":") as [string, string] })).items;
        const reports: z.infer<typeof pendingReport>[] = [];
        for (const [petId, reportId] of await keys(MODELS.pendingReports)) {
          const row = await read.get<PetRow>(MODELS.pets, petId);
          const r = row?.reports.find((x) => x.reportId === reportId);
          if (!row || !r) continue;
          const points = pointsNow(row, deps);
          reports.push({ petId, reportId, violation: r.violation, at: r.at, species: row.species!, breed: row.breed, buildingId: row.buildingId, colour: colourOf(points, deps.settings), points, photo: r.photo, place: await note(deps, r.place, actor, "service.arrangement") });
        }
        const appeals: z.infer<typeof pendingAppeal>[] = [];
        for (const [petId, reportId] of context.roles.includes("staff") ? await keys(MODELS.pendingAppeals) : []) {
          const row = await read.get<PetRow>(MODELS.pets, petId);
          const r = row?.reports.find((x) => x.reportId === reportId);
          if (!row || !r?.appeal) continue;
          appeals.push({ petId, reportId, violation: r.violation, deducted: r.deducted, at: r.appeal.at, reason: await note(deps, r.appeal.reason, actor, "service.arrangement"), proxy: r.appeal.proxy });
        }
        const red: z.infer<typeof redPet>[] = [];
        const all = await read.page(MODELS.pets, { limit: 100, map: (value) => value as PetRow });
        for (const row of all.items) {
          const points = pointsNow(row, deps);
          if (row.registered && colourOf(points, deps.settings) === "red") red.push({ petId: row.id, species: row.species!, breed: row.breed, buildingId: row.buildingId, points, courses: row.courses.length });
        }
        return { reports, appeals, red };
      },
    }),
    defineQuery({
      path: "/api/pets/stats",
      summary: "Reports, confirmed violations and appeals by month (of the report) and building, with the registered pets as denominator, and the change of reports per 100 pets",
      who: "public",
      query: z.object({ estateId: z.coerce.number().int().min(1).max(1_000_000) }),
      response: statsView,
      handler: ({ query }, read) => statsOf(read, query.estateId),
    }),
  ];
}
