// A work order's photos are documents of the class `workorder-photo` (services/documents/types.ts): uploaded by
// whoever is signed in, sealed at rest, named in the records by their keccak256 only. A command that attaches
// photos (report, join, resolve, checkOnSite) takes only hashes of such documents that its own actor uploaded
// (staff acting for a resident: staff's), refused otherwise before anything is written. They are served here, and
// only to the order's reporters, its party and staff, who may see the order's texts too (texts.ts).
import type { Hex } from "viem";
import { z } from "zod/v4";
import { requireSession, sessionOf, type RoleReader } from "../../api/auth/routes.js";
import type { SessionStore } from "../../api/auth/sessions.js";
import { ApiError } from "../../api/errors.js";
import { defineRoute, RawReply, type RouteSpec } from "../../api/routes.js";
import type { Actor } from "../../receipts/actor.js";
import { apiErrorOf } from "../framework/http.js";
import { modelName, refuse, type Engine, type OffchainRoles, type Refusal } from "../framework/index.js";
import type { Party } from "./categories.js";
import { MODELS, type OrderRow } from "./projections.js";
import { SERVICE } from "./records.js";

export const PHOTO_CLASS = "workorder-photo";

/** What the work orders need of the document store. */
export type PhotoStore = {
  lookup(hash: `0x${string}`): Promise<{ class: string; uploader: string } | undefined>;
  readOfClass(hash: `0x${string}`, cls: typeof PHOTO_CLASS): Promise<{ meta: { type: string; hash: string }; bytes: Buffer } | undefined>;
};

/** Each photo must be a stored work-order photo uploaded by the one who acts; the first that is not, refused. */
export async function photoProblem(store: PhotoStore | undefined, photos: readonly string[] | undefined, actor: Actor): Promise<Refusal | undefined> {
  for (const hash of photos ?? []) {
    const meta = store ? await store.lookup(hash.toLowerCase() as `0x${string}`) : undefined;
    const by = "address" in actor ? actor.address.toLowerCase() : undefined;
    if (!meta || meta.class !== PHOTO_CLASS || meta.uploader.toLowerCase() !== by) return refuse(400, "workorder_photo_unknown", { hash });
  }
  return undefined;
}

export type PhotoRouteDeps = {
  engine: Engine;
  photos: PhotoStore;
  sessions: SessionStore;
  rolesOf: RoleReader;
  offchainRolesOf?: OffchainRoles;
  partyOf: (address: string) => Promise<Party | null>;
};

/** GET /api/workorders/:id/photos/:hash: one photo of the order, for its reporters, its party and staff. */
export function photoRoute(deps: PhotoRouteDeps): RouteSpec {
  return defineRoute({
    method: "get",
    path: "/api/workorders/:id/photos/:hash",
    summary: "One photo of a work order (of the problem, the fix or an on-site check), for its reporters, its party and staff, signed in; never cached",
    tags: [SERVICE],
    params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), hash: z.string().regex(/^0x[0-9a-fA-F]{64}$/).transform((h) => h.toLowerCase() as Hex) }),
    response: z.unknown(),
    rawResponse: { types: ["image/png", "image/jpeg", "image/webp"], description: "the photo's bytes (keccak256 = the hash in the order's records)" },
    before: [requireSession(deps.sessions)],
    handler: async ({ params, req }) => {
      try {
        const me = sessionOf(req).address.toLowerCase();
        const row = await deps.engine.storage.get<OrderRow>(modelName(SERVICE, MODELS.orders), params.id);
        if (!row || row.status === "none") throw refuse(404, "unknown_record", { kind: { "zh-CN": "工单", en: "work order" }, id: params.id });
        const roles = [...(await deps.rolesOf(me as Hex)), ...((await deps.offchainRolesOf?.(me as Hex)) ?? [])];
        const allowed = roles.includes("staff") || row.reporters.includes(me) || (row.party !== null && (await deps.partyOf(me)) === row.party);
        if (!allowed) throw refuse(403, "workorder_text_forbidden", { id: params.id });
        if (!(await photosOf(deps.engine, params.id)).has(params.hash)) throw refuse(404, "workorder_photo_not_on_order", { id: params.id, hash: params.hash });
        const found = await deps.photos.readOfClass(params.hash, PHOTO_CLASS);
        if (!found) throw refuse(404, "workorder_photo_not_on_order", { id: params.id, hash: params.hash });
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

/** Every photo hash the order's records name. */
async function photosOf(engine: Engine, id: string): Promise<Set<string>> {
  const out = new Set<string>();
  for (let from = 1; ; from += 100) {
    const records = await engine.historyOf(SERVICE, id, from, 100);
    for (const r of records) for (const hash of ((r.payload as { photos?: string[] }).photos ?? [])) out.add(hash.toLowerCase());
    if (records.length < 100) return out;
  }
}
