// The directory's HTTP routes (in the OpenAPI document like every route). Reads of personal values answer only
// what the role × purpose table allows (access.ts); writes need the roles the directory names. The viewer is
// the signed-in address, if any, with its on-chain roles and its off-chain roles from the directory.
import type { Request } from "express";
import { getAddress, isAddress } from "viem";
import { z } from "zod/v4";
import type { RoleReader } from "../../api/auth/routes.js";
import type { SessionStore } from "../../api/auth/sessions.js";
import { ApiError } from "../../api/errors.js";
import { defineRoute, type RouteSpec } from "../../api/routes.js";
import { apiErrorFromVault } from "../../api/vaultErrors.js";
import { isVaultError, PURPOSES, type Purpose } from "../../vault/index.js";
import { PERSON_FIELDS } from "./access.js";
import type { Directory, Viewer } from "./directory.js";
import { isValidIdNumber } from "./idNumber.js";
import { isValidLabel } from "./labels.js";
import { OFFCHAIN_ROLES, ORGANISATION_KINDS, PERSON_KINDS, type Addr } from "./state.js";

export type DirectoryRouteDeps = { directory: Directory; sessions: SessionStore; rolesOf: RoleReader };

const TAGS = ["directory"];
const MAX_NAMES = 200;

const address = z
  .string()
  .refine((v) => isAddress(v, { strict: false }), "an Ethereum address (0x + 40 hex digits)")
  .transform((v) => v.toLowerCase() as Addr);
const unitId = z
  .string()
  .regex(/^(0|[1-9]\d{0,9})$/, "a decimal id without leading zeros")
  .transform((v) => Number(v))
  .refine((v) => v <= 4_294_967_295, "at most 4294967295 (uint32)");
const personId = z.string().regex(/^p_[0-9a-f]{24}$/, "a person id (p_ and 24 hex digits)");
const purpose = z.enum(Object.keys(PURPOSES) as [Purpose, ...Purpose[]]);
const field = z.enum(PERSON_FIELDS);
const label = z
  .object({ building: z.number().int().min(1).max(9999), entrance: z.number().int().min(1).max(9999), room: z.string().regex(/^[1-9]\d{0,5}$/, "room digits, e.g. 406") })
  .refine(isValidLabel, "a valid label");
// Values are checked for form (never echoed back in an error: the 400 lists the field and the rule only).
const values = {
  name: z.string().trim().min(1).max(64),
  phone: z.string().regex(/^\+?\d[\d -]{5,19}$/, "a phone number: digits, optionally + and spaces or dashes"),
  idNumber: z.string().refine(isValidIdNumber, "an 18-character resident ID number with a valid check character"),
  household: z.string().trim().min(1).max(200),
  displayName: z.string().trim().min(1).max(20),
};
const personValues = z.object({
  name: values.name.optional(),
  phone: values.phone.optional(),
  idNumber: values.idNumber.optional(),
  household: values.household.optional(),
  displayName: values.displayName.optional(),
});

const labelView = z.object({ unitId: z.number(), label: z.string().describe('e.g. "1号楼 2单元 406"'), labelEn: z.string(), building: z.number(), entrance: z.number(), room: z.string() });
const organisationView = z.object({ organisationId: z.string(), name: z.string(), nameEn: z.string() });
const personView = z.object({
  personId: z.string(),
  purpose: z.string(),
  fields: z.record(z.string(), z.string()).describe("only the fields the viewer's role may see for this purpose"),
  kind: z.string().optional(),
  units: z.array(labelView).optional(),
  addresses: z.array(z.string()).optional(),
  organisation: organisationView.optional(),
});
const nameView = z.object({
  address: z.string(),
  units: z.array(labelView),
  displayName: z.string().optional().describe("only a display name its person chose to show"),
  name: z.string().optional().describe("only for a purpose whose role may see names"),
  organisation: organisationView.optional(),
});

/** The vault's refusals (consent, erasure) keep their codes; the rest passes on. */
async function vaultErrors<T>(task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (error) {
    if (isVaultError(error)) throw apiErrorFromVault(error);
    throw error;
  }
}

export function directoryRoutes(deps: DirectoryRouteDeps): RouteSpec[] {
  const { directory } = deps;

  /** The viewer of a request: nobody without a token; a token that is not a live session is a 401, not "public". */
  async function viewerOf(req: Request): Promise<Viewer> {
    const header = req.get("authorization");
    if (header === undefined) return { roles: [] };
    const token = header.startsWith("Bearer ") ? header.slice("Bearer ".length).trim() : "";
    const session = token ? deps.sessions.get(token) : undefined;
    if (!session) throw new ApiError(401, "unauthenticated");
    const [chain, offchain] = await Promise.all([deps.rolesOf(session.address), directory.offchainRolesOf(session.address)]);
    return { address: session.address.toLowerCase() as Addr, roles: [...new Set([...chain, ...offchain])] };
  }

  return [
    defineRoute({
      method: "get",
      path: "/api/directory/units",
      summary: 'Units found by their label, as people type it ("1-2-406", "1号楼2单元406", full-width digits, "Bldg 1, Entrance 2, Room 406"); a partial label lists its flats',
      tags: TAGS,
      query: z.object({ q: z.string().min(1).max(64), limit: z.coerce.number().int().min(1).max(500).default(50) }),
      response: z.object({ items: z.array(labelView) }),
      handler: ({ query }) => ({ items: directory.searchUnits(query.q, query.limit) }),
    }),
    defineRoute({
      method: "get",
      path: "/api/directory/units/:unitId",
      summary: "One unit with its label (楼栋 / 单元 / 室), if it has one",
      tags: TAGS,
      params: z.object({ unitId }),
      response: z.object({ unitId: z.number(), buildingId: z.number(), estateId: z.number(), label: labelView.optional() }),
      handler: ({ params }) => directory.unit(params.unitId),
    }),
    defineRoute({
      method: "post",
      path: "/api/directory/units/:unitId/label",
      summary: "Records a unit's label (staff, registrar or admin); an anchored record directory.unit.labelled",
      tags: TAGS,
      params: z.object({ unitId }),
      body: label,
      response: labelView,
      status: 201,
      handler: async ({ params, body, req }) => directory.labelUnit(await viewerOf(req), params.unitId, body),
    }),
    defineRoute({
      method: "post",
      path: "/api/directory/people",
      summary: "Registers a person (staff, registrar or admin): values kept in the vault, links recorded by person id",
      tags: TAGS,
      body: z.object({
        kind: z.enum(PERSON_KINDS),
        values: personValues,
        addresses: z.array(address).max(10).default([]),
        units: z.array(z.number().int().min(0).max(4_294_967_295)).max(10).default([]),
        organisationId: z.string().regex(/^o_[0-9a-f]{16}$/).optional(),
        displayOptIn: z.boolean().default(false).describe("the person chose to show their display name on public pages"),
      }),
      response: z.object({ personId: z.string() }),
      status: 201,
      handler: async ({ body, req }) => vaultErrors(async () => directory.registerPerson(await viewerOf(req), body)),
    }),
    defineRoute({
      method: "get",
      path: "/api/directory/people",
      summary: "Residents and volunteers found by name, for a purpose whose role may see names (staff acting for a resident: service.arrangement); each name read is logged",
      tags: TAGS,
      query: z.object({
        q: z.string().trim().min(1).max(32).describe("part of the name, e.g. a surname"),
        purpose: purpose.default("service.arrangement"),
        limit: z.coerce.number().int().min(1).max(50).default(20),
      }),
      response: z.object({ items: z.array(z.object({ personId: z.string(), name: z.string(), kind: z.string(), addresses: z.array(z.string()), units: z.array(labelView) })) }),
      handler: async ({ query, req }) => {
        const items = await vaultErrors(async () => directory.searchPeople(await viewerOf(req), query.q, query.purpose, query.limit));
        return { items: items.map((i) => ({ ...i, addresses: i.addresses.map((a) => getAddress(a)) })) };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/directory/people/:personId",
      summary: "A person, as the viewer's role may see them for the stated purpose (403 directory_purpose_not_allowed / directory_field_not_allowed otherwise); every value read is logged",
      tags: TAGS,
      params: z.object({ personId }),
      query: z.object({
        purpose: purpose.default("public.display"),
        fields: z
          .string()
          .max(100)
          .optional()
          .transform((v) => (v === undefined ? undefined : v.split(",").map((s) => s.trim()).filter(Boolean)))
          .pipe(z.array(field).optional())
          .describe("comma-separated fields to read (default: every field allowed)"),
      }),
      response: personView,
      handler: async ({ params, query, req }) => vaultErrors(async () => directory.viewPerson(await viewerOf(req), params.personId, query.purpose, query.fields)),
    }),
    defineRoute({
      method: "post",
      path: "/api/directory/people/:personId",
      summary: "Writes or corrects a person's values (staff, registrar or admin)",
      tags: TAGS,
      params: z.object({ personId }),
      body: z.object({ values: personValues.refine((v) => Object.keys(v).length > 0, "at least one value") }),
      response: z.object({ personId: z.string(), fields: z.array(z.string()) }),
      handler: async ({ params, body, req }) => vaultErrors(async () => directory.updatePerson(await viewerOf(req), params.personId, body.values)),
    }),
    defineRoute({
      method: "post",
      path: "/api/directory/people/:personId/links",
      summary: "Links (or with unlink, unlinks) a person to an address or a unit (staff, registrar or admin)",
      tags: TAGS,
      params: z.object({ personId }),
      body: z
        .object({ address: address.optional(), unitId: z.number().int().min(0).max(4_294_967_295).optional(), unlink: z.boolean().default(false) })
        .refine((b) => b.address !== undefined || b.unitId !== undefined, "an address or a unitId"),
      response: z.object({ personId: z.string(), addresses: z.array(z.string()), units: z.array(z.number()) }),
      handler: async ({ params, body, req }) => {
        const { unlink, ...target } = body;
        return directory.link(await viewerOf(req), params.personId, target, unlink);
      },
    }),
    defineRoute({
      method: "post",
      path: "/api/directory/people/:personId/display",
      summary: "Shows (optIn) or hides the person's display name on public pages: by the person, or staff at their request",
      tags: TAGS,
      params: z.object({ personId }),
      body: z.object({ optIn: z.boolean(), displayName: values.displayName.optional() }),
      response: z.object({ personId: z.string(), optIn: z.boolean() }),
      handler: async ({ params, body, req }) => vaultErrors(async () => directory.setDisplay(await viewerOf(req), params.personId, body)),
    }),
    defineRoute({
      method: "post",
      path: "/api/directory/roles",
      summary: "Grants or revokes an off-chain role (mediator, gridWorker, propertyCompany, utility, partner, auditor): registrar or admin",
      tags: TAGS,
      body: z.object({ address, role: z.enum(OFFCHAIN_ROLES), action: z.enum(["grant", "revoke"]) }),
      response: z.object({ address: z.string(), roles: z.array(z.string()) }),
      handler: async ({ body, req }) => {
        const out = await directory.setRole(await viewerOf(req), body.address, body.role, body.action === "grant");
        return { ...out, address: getAddress(out.address) };
      },
    }),
    // issue 15 (the mediation pages): a service command names its party by person id (a dispute's claimant), so
    // the client asks which person ids the signed-in address stands for, or staff for the resident they act for.
    defineRoute({
      method: "get",
      path: "/api/directory/persons/:address",
      summary: "The person ids an address is linked to: for that address itself, or staff, registrar or admin (a service's command names a party by person id)",
      tags: TAGS,
      params: z.object({ address }),
      response: z.object({ address: z.string(), persons: z.array(z.string()) }),
      handler: async ({ params, req }) => {
        const viewer = await viewerOf(req);
        if (!viewer.address) throw new ApiError(401, "unauthenticated");
        if (viewer.address !== params.address && !viewer.roles.some((r) => r === "staff" || r === "registrar" || r === "admin")) throw new ApiError(403, "forbidden", { role: "staff" });
        return { address: getAddress(params.address), persons: await directory.personsOf(params.address) };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/directory/roles/:address",
      summary: "The off-chain roles an address holds",
      tags: TAGS,
      params: z.object({ address }),
      response: z.object({ address: z.string(), roles: z.array(z.string()) }),
      handler: async ({ params }) => ({ address: getAddress(params.address), roles: await directory.offchainRolesOf(params.address) }),
    }),
    defineRoute({
      method: "post",
      path: "/api/directory/organisations",
      summary: "Registers a partner or organisation with its public name (staff, registrar or admin)",
      tags: TAGS,
      body: z.object({ kind: z.enum(ORGANISATION_KINDS), name: z.string().trim().min(1).max(64), nameEn: z.string().trim().min(1).max(64), addresses: z.array(address).max(10).default([]) }),
      response: z.object({ organisationId: z.string() }),
      status: 201,
      handler: async ({ body, req }) => directory.registerOrganisation(await viewerOf(req), body),
    }),
    defineRoute({
      method: "post",
      path: "/api/directory/names",
      summary: "What to show in place of addresses: unit labels, public organisation names and opt-in display names (and names, for a purpose whose role allows them)",
      tags: TAGS,
      body: z.object({ addresses: z.array(address).min(1).max(MAX_NAMES), purpose: purpose.optional() }),
      response: z.object({ items: z.array(nameView) }),
      handler: async ({ body, req }) => {
        const items = await vaultErrors(async () => directory.names(await viewerOf(req), [...new Set(body.addresses)], body.purpose));
        return { items: items.map((i) => ({ ...i, address: getAddress(i.address) })) };
      },
    }),
  ];
}
