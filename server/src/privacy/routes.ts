// A person's rights under PIPL through the API (arts. 44–47): access and export of everything held about them,
// correction, erasure (crypto-shredding, with an anchored `person.erased` record), and consent by purpose, granted
// and withdrawn. Who may call: the person themself (a signed-in address linked to the person), or staff acting for
// them under a recorded written authorisation (ProxyAuthorizations, scope "services"), marked as a proxy in every
// record. Values travel in request and answer bodies only: never in a path, a query or a log line.
import type { Request } from "express";
import type { Hex } from "viem";
import { z } from "zod/v4";
import { requireSession, sessionOf, type RoleReader } from "../api/auth/routes.js";
import type { SessionStore } from "../api/auth/sessions.js";
import { ApiError } from "../api/errors.js";
import { defineRoute, type RouteSpec } from "../api/routes.js";
import { apiErrorFromVault } from "../api/vaultErrors.js";
import type { ProxyAuthorizationView } from "../indexer/models/proxies.js";
import type { Actor } from "../receipts/actor.js";
import { isVaultError } from "../vault/errors.js";
import { isFieldName, PURPOSES, type ConsentPurpose, type FieldName } from "../vault/fields.js";
import type { Vault } from "../vault/vault.js";
import { actorText, type PrivacyJournal } from "./journal.js";

/** The person ids an address is linked to (the directory links them; see defaultPersonResolver). */
export type PersonResolver = (address: Hex) => Promise<string[]>;

/**
 * Until the directory is wired in, an address is linked to no one: a person acts through staff under a written
 * authorisation. The directory replaces this with its own links (an injected function, so tests pass their own).
 */
export const defaultPersonResolver: PersonResolver = async () => [];

/** A resolver from a fixed table (address → person ids), for tests and small deployments. */
export function staticPersonResolver(links: Record<string, string[]>): PersonResolver {
  const table = new Map(Object.entries(links).map(([a, ids]) => [a.toLowerCase(), ids]));
  return async (address) => table.get(address.toLowerCase()) ?? [];
}

export type PrivacyRouteDeps = {
  vault: Vault;
  journal: PrivacyJournal;
  sessions: SessionStore;
  rolesOf: RoleReader;
  personsOf: PersonResolver;
  /** The indexed ProxyAuthorizations record of an id, if any. */
  authorisation: (id: string) => Promise<ProxyAuthorizationView | undefined>;
  /** Chain time (Unix seconds), against which an authorisation's expiry is checked. */
  now: () => Promise<number>;
};

const personId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "an opaque person id: 1–64 letters, digits, '-' or '_'");
const authorisation = z.string().regex(/^[1-9]\d{0,15}$/, "the number of a recorded proxy authorisation").optional()
  .describe("staff only: the id of the written authorisation (ProxyAuthorizations, scope services) under which they act for the person");
const params = z.object({ personId });
const consentPurposes = Object.entries(PURPOSES).filter(([, p]) => p.consent !== "none").map(([name]) => name) as [ConsentPurpose, ...ConsentPurpose[]];

const consentView = z.object({ purpose: z.string(), granted: z.boolean(), at: z.string(), actor: z.string(), evidence: z.string().optional() });
const accessView = z.object({ id: z.string(), at: z.string(), actor: z.string(), purpose: z.string(), personId: z.string(), field: z.string(), ciphertextHash: z.string() });
const exportView = z.object({
  format: z.literal("gongzhi-person-export/1"),
  personId: z.string(),
  status: z.enum(["active", "erased"]),
  exportedAt: z.string(),
  erasedAt: z.string().optional(),
  createdAt: z.string().optional(),
  relationshipEndedAt: z.string().nullable().optional(),
  values: z.array(z.object({ field: z.string(), category: z.string(), value: z.string(), writtenAt: z.string(), retention: z.object({ days: z.number(), from: z.string() }) })),
  consents: z.array(consentView),
  accessLog: z.array(accessView),
});

/** Why an authorisation does not hold here (in the refusal's details; the message is the framework's). */
type ProxyReason = "unknown" | "revoked" | "expired" | "scope" | "resident";

function vaultCall<T>(work: () => Promise<T>): Promise<T> {
  return work().catch((error: unknown) => {
    throw isVaultError(error) ? apiErrorFromVault(error) : error;
  });
}

/**
 * Who acts, checked: the person themself, or staff under an authorisation that names a resident linked to the
 * person, includes the services scope, and is neither revoked nor expired (by chain time).
 */
async function actorFor(deps: PrivacyRouteDeps, req: Request, person: string, auth: string | undefined): Promise<Actor> {
  // Actors name addresses in lowercase (receipts/actor.ts).
  const address = sessionOf(req).address.toLowerCase() as Hex;
  if (auth === undefined) {
    if ((await deps.personsOf(address)).includes(person)) return { address };
    throw new ApiError(403, "person_not_yours", { address, personId: person });
  }
  if (!(await deps.rolesOf(address)).includes("staff")) throw new ApiError(403, "proxy_staff_only", { address });
  const refuse = (reason: ProxyReason) =>
    new ApiError(403, "proxy_not_authorised", { authorisation: auth, onBehalfOf: person }, { authorisation: auth, onBehalfOf: person, reason });
  const a = await deps.authorisation(auth);
  if (!a) throw refuse("unknown");
  if (a.revoked) throw refuse("revoked");
  if (a.expiresAt <= (await deps.now())) throw refuse("expired");
  if (!a.scopes.includes("services")) throw refuse("scope");
  if (!(await deps.personsOf(a.resident as Hex)).includes(person)) throw refuse("resident");
  return { address, onBehalfOf: person, authorisation: auth };
}

function attachment(req: Request, person: string): void {
  req.res?.setHeader("content-disposition", `attachment; filename="gongzhi-${person}.json"`);
}

export function privacyRoutes(deps: PrivacyRouteDeps): RouteSpec[] {
  const signedIn = requireSession(deps.sessions);
  const tags = ["privacy"];
  return [
    defineRoute({
      method: "get",
      path: "/api/privacy/people/:personId/export",
      summary: "Everything held about a person (PIPL art. 45), as a JSON file: values, consents, access log; an erased person's export says so",
      tags,
      params,
      query: z.object({ authorisation }),
      response: exportView,
      before: [signedIn],
      handler: async ({ params: p, query, req }) => {
        const actor = await actorFor(deps, req, p.personId, query.authorisation);
        const status = await vaultCall(() => deps.vault.status(p.personId));
        attachment(req, p.personId);
        if (status.state === "erased") {
          // What is left after erasure: the person id, the consent history and the access log (ids and hashes).
          return {
            format: "gongzhi-person-export/1" as const,
            personId: p.personId,
            status: "erased" as const,
            exportedAt: new Date().toISOString(),
            erasedAt: status.erasedAt,
            values: [],
            consents: (await deps.vault.consents(p.personId)).map((c) => ({ ...c, at: new Date(c.at).toISOString() })),
            accessLog: await deps.journal.accessLog.entriesFor(p.personId),
          };
        }
        const exported = await vaultCall(() => deps.vault.exportPerson({ personId: p.personId, actor: actorText(actor) }));
        return { format: "gongzhi-person-export/1" as const, status: "active" as const, ...exported };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/privacy/people/:personId/consents",
      summary: "A person's consent by purpose now, and its history",
      tags,
      params,
      query: z.object({ authorisation }),
      response: z.object({ personId: z.string(), current: z.record(z.string(), z.boolean()), history: z.array(consentView) }),
      before: [signedIn],
      handler: async ({ params: p, query, req }) => {
        await actorFor(deps, req, p.personId, query.authorisation);
        const history = await vaultCall(() => deps.vault.consents(p.personId));
        const current: Record<string, boolean> = {};
        for (const purpose of consentPurposes) current[purpose] = await deps.vault.hasConsent(p.personId, purpose);
        return { personId: p.personId, current, history: history.map((c) => ({ ...c, at: new Date(c.at).toISOString() })) };
      },
    }),
    defineRoute({
      method: "post",
      path: "/api/privacy/people/:personId/consents",
      summary: "Grants or withdraws a person's consent for one purpose (photos and locations: separate consent, with the signed form's id or hash as evidence)",
      tags,
      params,
      body: z.object({
        purpose: z.enum(consentPurposes),
        granted: z.boolean(),
        evidence: z.string().regex(/^[\x21-\x7e]{1,200}$/, "the id or hash of the signed consent form").optional(),
        authorisation,
      }),
      response: z.object({ personId: z.string(), purpose: z.string(), granted: z.boolean(), at: z.string() }),
      status: 201,
      before: [signedIn],
      handler: async ({ params: p, body, req }) => {
        const actor = actorText(await actorFor(deps, req, p.personId, body.authorisation));
        const event = await vaultCall(() =>
          body.granted
            ? deps.vault.grantConsent({ personId: p.personId, purpose: body.purpose, actor, evidence: body.evidence })
            : deps.vault.withdrawConsent({ personId: p.personId, purpose: body.purpose, actor }),
        );
        return { personId: p.personId, purpose: event.purpose, granted: event.granted, at: new Date(event.at).toISOString() };
      },
    }),
    defineRoute({
      method: "post",
      path: "/api/privacy/people/:personId/corrections",
      summary: "Corrects a value held about a person (PIPL art. 46); the old ciphertext is gone from the store's files",
      tags,
      params,
      body: z.object({
        field: z.string().refine(isFieldName, "name, idNumber, phone, household, displayName, or note:<key>, photo:<key>, location:<key>"),
        value: z.string().min(1),
        authorisation,
      }),
      response: z.object({ personId: z.string(), field: z.string(), writtenAt: z.string(), ciphertextHash: z.string(), previousCiphertextHash: z.string().optional() }),
      before: [signedIn],
      handler: async ({ params: p, body, req }) => {
        const actor = actorText(await actorFor(deps, req, p.personId, body.authorisation));
        const facts = await vaultCall(() => deps.vault.correct({ personId: p.personId, field: body.field as FieldName, value: body.value, actor }));
        return { personId: facts.personId, field: facts.field, writtenAt: facts.writtenAt, ciphertextHash: facts.ciphertextHash, previousCiphertextHash: facts.previousCiphertextHash };
      },
    }),
    defineRoute({
      method: "post",
      path: "/api/privacy/people/:personId/erasure",
      summary: "Erases a person (PIPL art. 47) by destroying their data key; an anchored person.erased record says so. Asking again answers the same",
      tags,
      params,
      body: z.object({ confirm: z.string().describe("the person id again: erasure cannot be undone"), authorisation }),
      response: z.object({ personId: z.string(), erasedAt: z.string(), fields: z.array(z.string()), dataKeyHash: z.string().nullable(), masterKeyId: z.string().nullable() }),
      before: [signedIn],
      handler: async ({ params: p, body, req }) => {
        const actor = await actorFor(deps, req, p.personId, body.authorisation);
        if (body.confirm !== p.personId) throw new ApiError(400, "erasure_not_confirmed", { personId: p.personId });
        const facts = await vaultCall(() => deps.vault.erase({ personId: p.personId, actor: actorText(actor) }));
        // A repeat after an erasure whose record was lost (or made before the journal was wired) records it now.
        if (!(await deps.journal.erasureRecorded(p.personId))) {
          await deps.journal.record({ type: "erased", facts }).catch(() => {
            throw new ApiError(503, "journal_failed");
          });
        }
        return { personId: facts.personId, erasedAt: facts.erasedAt, fields: facts.fields, dataKeyHash: facts.dataKeyHash, masterKeyId: facts.masterKeyId };
      },
    }),
  ];
}
