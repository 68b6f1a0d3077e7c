// Read model of ProxyAuthorizations: the written authorisations under which staff act for a resident (who,
// what for, until when, the hash of the signed paper, who recorded it, and whether it was revoked), by id and
// by resident, so that every proxy ballot, decision or redemption can be traced to its paper.
import { numKey } from "../../store/store.js";
import { recordRef, type RecordRef } from "./refs.js";
import type { EventRecord, ModelTx, ReadModel } from "./types.js";

/** ProxyAuthorizations' scope bits, by name. */
export const PROXY_SCOPES = { votes: 1, services: 2, redemptions: 4 } as const;
export type ProxyScopeName = keyof typeof PROXY_SCOPES;

export type ProxyAuthorizationView = {
  authorizationId: string;
  resident: string;
  scopes: ProxyScopeName[];
  /** One vote only, or "0" for any vote. */
  voteId: string;
  /** Unix seconds from which it no longer holds. */
  expiresAt: number;
  documentHash: string;
  recordedBy: string;
  recorded: RecordRef;
  revokedBy?: string;
  revoked?: RecordRef;
};

export const authorizationKey = (id: string | number) => numKey(Number(id));

export function scopeNames(bits: number): ProxyScopeName[] {
  return (Object.keys(PROXY_SCOPES) as ProxyScopeName[]).filter((name) => (bits & PROXY_SCOPES[name]) !== 0);
}

const recorded = (e: EventRecord, tx: ModelTx) => {
  const a = e.args;
  const view: ProxyAuthorizationView = {
    authorizationId: a.authorizationId as string,
    resident: a.resident as string,
    scopes: scopeNames(a.scopes as number),
    voteId: a.voteId as string,
    expiresAt: a.expiresAt as number,
    documentHash: a.documentHash as string,
    recordedBy: a.recordedBy as string,
    recorded: recordRef(e),
  };
  tx.put("proxyAuthorizations", authorizationKey(view.authorizationId), view);
  tx.put("proxyAuthorizationsByResident", `${view.resident}:${authorizationKey(view.authorizationId)}`, view.authorizationId);
};

const revoked = (e: EventRecord, tx: ModelTx) => {
  const id = e.args.authorizationId as string;
  const view = tx.get<ProxyAuthorizationView>("proxyAuthorizations", authorizationKey(id));
  if (!view) throw new Error(`Authorisation ${id} was revoked before it was recorded; the events arrived out of order.`);
  tx.put("proxyAuthorizations", authorizationKey(id), { ...view, revokedBy: e.args.revokedBy as string, revoked: recordRef(e) });
};

export const proxiesModel: ReadModel = {
  contract: "ProxyAuthorizations",
  models: ["proxyAuthorizations", "proxyAuthorizationsByResident"],
  reducers: { AuthorizationRecorded: recorded, AuthorizationRevoked: revoked },
};
