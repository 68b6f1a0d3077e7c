// Staff's written authorisations to act for residents: one by id (what a proxy ballot, decision or redemption
// names), and a resident's list, so that a resident or an auditor can see who may act for whom, until when,
// and which signed paper (by its hash) backs it.
import { z } from "zod/v4";
import { authorizationKey, PROXY_SCOPES, type ProxyAuthorizationView, type ProxyScopeName } from "../../indexer/models/proxies.js";
import { ApiError } from "../errors.js";
import { defineRoute, type RouteSpec } from "../routes.js";
import { get, sub, type ResourceDeps } from "./context.js";
import { readPage } from "./paging.js";
import { address, addressInput, bigId, checksum, hash, pageOf, pageQuery } from "./schemas.js";

const authorizationSchema = z.object({
  id: z.string(),
  resident: address,
  scopes: z.array(z.enum(Object.keys(PROXY_SCOPES) as [ProxyScopeName, ...ProxyScopeName[]])),
  voteId: z.string().nullable().describe("the only vote it covers, or null for any vote"),
  expiresAt: z.number().describe("Unix seconds from which it no longer holds"),
  documentHash: hash.describe("keccak256 of the scanned signed paper, kept by the community office"),
  recordedBy: address,
  status: z.enum(["active", "expired", "revoked"]).describe("by block time"),
  revokedBy: address.nullable(),
  txHash: hash,
  recordId: z.string(),
});

function authorizationOut(a: ProxyAuthorizationView, now: number): z.infer<typeof authorizationSchema> {
  return {
    id: a.authorizationId,
    resident: checksum(a.resident),
    scopes: a.scopes,
    voteId: a.voteId !== "0" ? a.voteId : null,
    expiresAt: a.expiresAt,
    documentHash: a.documentHash,
    recordedBy: checksum(a.recordedBy),
    status: a.revoked ? "revoked" : now >= a.expiresAt ? "expired" : "active",
    revokedBy: a.revokedBy ? checksum(a.revokedBy) : null,
    txHash: a.recorded.txHash,
    recordId: a.recorded.recordId,
  };
}

export function proxyRoutes(deps: ResourceDeps): RouteSpec[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/proxy-authorizations",
      summary: "A resident's written authorisations for staff to act on their behalf",
      tags: ["proxies"],
      query: z.object({ resident: addressInput, ...pageQuery }),
      response: pageOf(authorizationSchema),
      handler: async ({ query }) => {
        const now = await deps.now();
        return readPage(deps.store, sub(deps, "proxyAuthorizationsByResident"), {
          prefix: `${query.resident}:`,
          limit: query.limit,
          cursor: query.cursor,
          map: async (id) => {
            const a = await get<ProxyAuthorizationView>(deps, "proxyAuthorizations", authorizationKey(id as string));
            return a && authorizationOut(a, now);
          },
        });
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/proxy-authorizations/:authorizationId",
      summary: "One written authorisation for staff to act for a resident",
      tags: ["proxies"],
      params: z.object({ authorizationId: bigId }),
      response: authorizationSchema,
      handler: async ({ params }) => {
        const n = Number(params.authorizationId);
        const a = Number.isSafeInteger(n) && n > 0 ? await get<ProxyAuthorizationView>(deps, "proxyAuthorizations", authorizationKey(n)) : undefined;
        if (!a) throw new ApiError(404, "unknown_proxy_authorization", { authorizationId: params.authorizationId });
        return authorizationOut(a, await deps.now());
      },
    }),
  ];
}
