// A partner's pledges to micro-renewal projects, read from the renewal service's read models (services/renewal):
// every pledge whose pledger is the partner's id, with its project's title and where it stands. And what renewal
// asks of this service: whether a partner id exists, and which partners an address acts for (its account).
import { modelName, type ServiceStorage } from "../framework/index.js";
import { RENEWAL_MODELS, SERVICE as RENEWAL, type PartnerDirectory, type ProjectRow } from "../renewal/index.js";
import { MODELS, type PartnerRow } from "./projections.js";
import type { PartnerPledge } from "./queries.js";
import { SERVICE } from "./records.js";

/**
 * Where a pledge stands: `held` while its project is funding, `funded` once the project reached its minimum (and
 * after, delivered), `released` when it was withdrawn or the project failed (all or nothing).
 */
export const PLEDGE_STATUSES = ["held", "funded", "released"] as const;

/** The partner's pledges, oldest first. It scans the projects (a community has tens a year). */
export function renewalPledges(storage: Pick<ServiceStorage, "list">): (partner: string) => Promise<PartnerPledge[]> {
  return async (partner) => {
    const out: PartnerPledge[] = [];
    for await (const [, value] of storage.list(modelName(RENEWAL, RENEWAL_MODELS.projects))) {
      const row = value as ProjectRow;
      row.pledges.forEach((p) => {
        if (p.source !== "partner" || p.pledger !== partner) return;
        const status = p.released ? "released" : row.status === "funding" ? "held" : "funded";
        out.push({ project: row.id, title: row.title, amountFen: p.amountFen, status, at: p.at });
      });
    }
    return out.sort((a, b) => a.at - b.at);
  };
}

/** What the renewal service needs to know of partners: an approved partner's id, and the partner an account is. */
export function partnerDirectory(storage: Pick<ServiceStorage, "get">): PartnerDirectory {
  return {
    exists: async (id) => (await storage.get<PartnerRow>(modelName(SERVICE, MODELS.partners), id))?.status === "approved",
    partnersOf: async (address) => {
      const id = await storage.get<string>(modelName(SERVICE, MODELS.byAccount), address.toLowerCase());
      const row = id ? await storage.get<PartnerRow>(modelName(SERVICE, MODELS.partners), id) : undefined;
      return id && row?.status === "approved" ? [id] : [];
    },
  };
}
