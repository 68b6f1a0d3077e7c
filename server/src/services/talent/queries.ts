// What people see of the pool: a member their own offer and invitations; staff and mediators the consenting
// members, searchable by skill, language and availability (person ids only: names are the directory's, read on
// its audited path); the office every invitation. A member who withdrew their consent is not shown in the pool.
import { z } from "zod/v4";
import { cursorKey } from "../../store/paging.js";
import { defineQuery, refuse, type QueryDef } from "../framework/index.js";
import { INVITATION_MODELS, MODELS, type InvitationRow, type MemberRow } from "./projections.js";
import { SLOTS, TARGET_KINDS } from "./records.js";
import { LANGUAGES, SKILLS } from "./skills.js";

const offerView = z.object({
  skills: z.array(z.enum(SKILLS)),
  languages: z.array(z.enum(LANGUAGES)),
  availability: z.object({ slots: z.array(z.enum(SLOTS)), hoursPerMonth: z.number() }),
  proofs: z.array(z.string()).describe("keccak256 of each proof document"),
});
export const memberView = z.object({
  person: z.string(),
  consent: z.boolean(),
  proxy: z.boolean().describe("registered or last changed by staff for the member"),
  registeredAt: z.number(),
  updatedAt: z.number(),
  consentChangedAt: z.number(),
  offer: offerView,
  building: z.string().optional(),
});
export type MemberView = z.infer<typeof memberView>;

/** `?for=0x…`: staff acting for a resident (the staff desk's talent page) read what that resident would. */
const forQuery = z.object({ for: z.string().regex(/^0x[0-9a-fA-F]{40}$/).optional().describe("staff only: the resident they act for") });

/** The address whose persons are read: the caller's own, or for staff the resident named by `for`. */
function whose(query: { for?: string | undefined }, context: { address?: string; roles: readonly string[] }): string {
  if (query.for === undefined) return context.address!.toLowerCase();
  if (!context.roles.includes("staff")) throw refuse(403, "forbidden", { role: "staff" });
  return query.for.toLowerCase();
}

export const invitationView = z.object({
  id: z.string(),
  member: z.string(),
  target: z.object({ kind: z.enum(TARGET_KINDS), id: z.string() }),
  status: z.enum(["invited", "accepted", "declined"]),
  invitedAt: z.number(),
  answeredAt: z.number().nullable(),
  proxy: z.boolean().describe("answered by staff for the member"),
});

export type QueryDeps = {
  personsOf?: (address: string) => Promise<string[]>;
  places?: (person: string) => Promise<{ building?: string }>;
};

const viewOf = (row: MemberRow, building?: string): MemberView => ({
  person: row.person,
  consent: row.consent,
  proxy: row.proxy,
  registeredAt: row.registeredAt,
  updatedAt: row.updatedAt,
  consentChangedAt: row.consentChangedAt,
  offer: row.offer!,
  ...(building !== undefined ? { building } : {}),
});

const invitationOf = (row: InvitationRow) => ({
  id: row.id,
  member: row.member,
  target: row.target!,
  status: row.status as "invited" | "accepted" | "declined",
  invitedAt: row.invitedAt,
  answeredAt: row.answeredAt,
  proxy: row.proxy,
});

const csv = <T extends string>(values: readonly T[]) =>
  z
    .string()
    .max(400)
    .transform((s) => s.split(",").filter(Boolean))
    .pipe(z.array(z.enum(values as [T, ...T[]])))
    .optional();

export function memberQueries(deps: QueryDeps): QueryDef[] {
  return [
    defineQuery({
      path: "/api/talent/me",
      summary: "The signed-in resident's person ids (the directory's links) and, for each in the pool, their offer and consent (staff: of the resident `for` names)",
      who: "signedIn",
      query: forQuery,
      response: z.object({ persons: z.array(z.string()), members: z.array(memberView) }),
      handler: async ({ query }, read, context) => {
        const persons = (await deps.personsOf?.(whose(query, context))) ?? [];
        const members: MemberView[] = [];
        for (const person of persons) {
          const row = await read.get<MemberRow>(MODELS.members, person);
          if (row?.registered) members.push(viewOf(row));
        }
        return { persons, members };
      },
    }),
    defineQuery({
      path: "/api/talent/pool",
      summary: "Members who consent to be contacted, with every skill and language asked for (comma-separated), available in every slot asked for and at least minHours a month (staff, mediators)",
      who: ["staff", "mediator"],
      query: z.object({
        skills: csv(SKILLS),
        languages: csv(LANGUAGES),
        slots: csv(SLOTS),
        minHours: z.coerce.number().int().min(0).max(200).optional(),
        limit: z.coerce.number().int().min(1).max(100).default(50),
        cursor: z.string().max(400).optional(),
      }),
      response: z.object({ items: z.array(memberView), nextCursor: z.string().optional() }),
      handler: async ({ query }, read) => {
        if (query.cursor !== undefined && cursorKey(query.cursor, "") === null) throw refuse(400, "invalid_cursor", {});
        return read.page(MODELS.consenting, {
          limit: query.limit,
          cursor: query.cursor,
          map: async (_value, person) => {
            const row = await read.get<MemberRow>(MODELS.members, person);
            const offer = row?.offer;
            if (!row?.consent || !offer) return undefined;
            if (query.skills && !query.skills.every((s) => offer.skills.includes(s))) return undefined;
            if (query.languages && !query.languages.every((l) => offer.languages.includes(l))) return undefined;
            if (query.slots && !query.slots.every((s) => offer.availability.slots.includes(s))) return undefined;
            if (query.minHours !== undefined && offer.availability.hoursPerMonth < query.minHours) return undefined;
            return viewOf(row, (await deps.places?.(person))?.building);
          },
        });
      },
    }),
  ];
}

export function invitationQueries(deps: QueryDeps): QueryDef[] {
  return [
    defineQuery({
      path: "/api/talent/invitations/mine",
      summary: "Invitations for the signed-in resident (every person the directory links to them), oldest first (staff: of the resident `for` names)",
      who: "signedIn",
      query: forQuery,
      response: z.object({ items: z.array(invitationView) }),
      handler: async ({ query }, read, context) => {
        const persons = (await deps.personsOf?.(whose(query, context))) ?? [];
        const items: ReturnType<typeof invitationOf>[] = [];
        for (const person of persons) {
          const page = await read.page(INVITATION_MODELS.byMember, {
            prefix: `${person}:`,
            limit: 100,
            map: async (_value, key) => {
              const row = await read.get<InvitationRow>(INVITATION_MODELS.invitations, key.slice(key.lastIndexOf(":") + 1));
              return row && invitationOf(row);
            },
          });
          items.push(...page.items);
        }
        return { items: items.sort((a, b) => a.invitedAt - b.invitedAt) };
      },
    }),
    defineQuery({
      path: "/api/talent/invitations/sent",
      summary: "Every invitation, newest first (staff, mediators)",
      who: ["staff", "mediator"],
      query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50), cursor: z.string().max(400).optional() }),
      response: z.object({ items: z.array(invitationView), nextCursor: z.string().optional() }),
      handler: async ({ query }, read) => {
        if (query.cursor !== undefined && cursorKey(query.cursor, "") === null) throw refuse(400, "invalid_cursor", {});
        return read.page(INVITATION_MODELS.newest, {
          limit: query.limit,
          cursor: query.cursor,
          map: async (_value, key) => {
            const row = await read.get<InvitationRow>(INVITATION_MODELS.invitations, key.slice(key.lastIndexOf(":") + 1));
            return row && invitationOf(row);
          },
        });
      },
    }),
  ];
}
