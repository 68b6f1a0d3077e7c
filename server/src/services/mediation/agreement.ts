// The signed agreement of a dispute: a sealed document of class `mediation-agreement` (names and signatures show
// in it), recorded by its hash (commands.ts: recordAgreement, which takes only the recorder's own upload). Served
// here, and only to whoever stands in the case (its parties, its mediator and participants, the office), never
// cached.
import type { Hex } from "viem";
import { z } from "zod/v4";
import { requireSession, sessionOf, type RoleReader } from "../../api/auth/routes.js";
import type { SessionStore } from "../../api/auth/sessions.js";
import { ApiError } from "../../api/errors.js";
import { defineRoute, RawReply, type RouteSpec } from "../../api/routes.js";
import { apiErrorOf } from "../framework/http.js";
import { modelName, refuse, type Engine, type OffchainRoles } from "../framework/index.js";
import { MODELS, type DisputeRow } from "./projections.js";
import { NOUN, rolesIn } from "./queries.js";
import { SERVICE } from "./records.js";

export const AGREEMENT_CLASS = "mediation-agreement";

/** What mediation needs of the document store. */
export type AgreementStore = {
  lookup(hash: `0x${string}`): Promise<{ class: string; uploader: string } | undefined>;
  readOfClass(hash: `0x${string}`, cls: typeof AGREEMENT_CLASS): Promise<{ meta: { type: string; hash: string }; bytes: Buffer } | undefined>;
};

export type AgreementRouteDeps = {
  engine: Engine;
  documents: AgreementStore;
  sessions: SessionStore;
  rolesOf: RoleReader;
  offchainRolesOf?: OffchainRoles;
  personsOf: (address: string) => Promise<readonly string[]>;
};

/** GET /api/mediation/disputes/:id/agreement: the recorded agreement's scan, for those who stand in the case. */
export function agreementRoute(deps: AgreementRouteDeps): RouteSpec {
  return defineRoute({
    method: "get",
    path: "/api/mediation/disputes/:id/agreement",
    summary: "The signed agreement of a dispute (its scan), for its parties, its mediator and participants and the office, signed in; never cached",
    tags: [SERVICE],
    params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }),
    response: z.unknown(),
    rawResponse: { types: ["application/pdf", "image/png", "image/jpeg", "image/webp"], description: "the agreement's bytes (keccak256 = the hash in the dispute's agreementRecorded record)" },
    before: [requireSession(deps.sessions)],
    handler: async ({ params, req }) => {
      try {
        const address = sessionOf(req).address.toLowerCase();
        const row = await deps.engine.storage.get<DisputeRow>(modelName(SERVICE, MODELS.disputes), params.id);
        if (!row || row.status === "none") throw refuse(404, "unknown_record", { kind: NOUN, id: params.id });
        const roles = [...(await deps.rolesOf(address as Hex)), ...((await deps.offchainRolesOf?.(address as Hex)) ?? [])];
        if (rolesIn(row, { address, roles, persons: await deps.personsOf(address) }).length === 0) throw refuse(403, "mediation_not_yours", { id: params.id });
        if (!row.agreement) throw refuse(404, "mediation_no_agreement", { id: params.id });
        const found = await deps.documents.readOfClass(row.agreement.document as `0x${string}`, AGREEMENT_CLASS);
        if (!found) throw refuse(404, "mediation_no_agreement", { id: params.id });
        return new RawReply(200, found.bytes, {
          "content-type": found.meta.type,
          "content-security-policy": "default-src 'none'; sandbox",
          "cache-control": "private, no-store",
          "x-document-hash": found.meta.hash,
        });
      } catch (error) {
        throw error instanceof ApiError ? error : apiErrorOf(error);
      }
    },
  });
}
