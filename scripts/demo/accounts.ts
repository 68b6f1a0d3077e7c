// The demo estate's people with their keys (of the public Hardhat mnemonic), offered by the account page's
// picker on the local development chain. Served by the demo stack's server only (`GET /api/demo/accounts`):
// a production build of the client carries no keys and no list of people.
import { bytesToHex } from "viem";
import { z } from "zod/v4";
import { defineRoute, type RouteSpec } from "../../server/src/api/routes.js";
import type { DemoPerson, DemoPlan } from "./plan.js";

/** One entry of the picker. */
export type DemoAccountEntry = { group: string; groupLabel: string; groupLabelEn: string; label: string; labelEn: string; address: string; privateKey: string };

/** The picker's entries: the roles first, then the owners grouped by the building of their first unit. */
export function demoAccountEntries(plan: DemoPlan): DemoAccountEntry[] {
  const entry = (group: string, groupLabel: string, groupLabelEn: string, p: DemoPerson): DemoAccountEntry => ({
    group,
    groupLabel,
    groupLabelEn,
    label: p.label,
    labelEn: p.labelEn,
    address: p.account.address,
    privateKey: bytesToHex(p.account.getHdKey().privateKey!),
  });
  const role = (group: string, p: DemoPerson) => entry(group, "", "", p);
  const special = new Set([...plan.committee, ...plan.volunteers].map((p) => p.account.address));
  // Owners grouped by the building of their first unit, in room order.
  const owners = plan.buildings.flatMap((b) => {
    const seen = new Set<number>();
    return b.units
      .map((u) => u.holder)
      .filter((h): h is number => h !== "developer" && !seen.has(h) && !!seen.add(h))
      .map((h) => plan.owners[h]!)
      .filter((p) => !special.has(p.account.address))
      .map((p) => entry("owner", b.name, b.nameEn, p));
  });
  const unique = new Map<string, DemoAccountEntry>();
  for (const e of [
    ...plan.committee.map((p) => role("committee", p)),
    ...plan.volunteers.map((p) => role("volunteer", p)),
    role("auditor", plan.auditor),
    role("custodian", plan.custodian),
    ...plan.staff.map((p) => role("staff", p)),
    ...plan.partners.map((p) => role("partner", p)),
    role("mediator", plan.mediator),
    role("gridWorker", plan.gridWorker),
    ...Object.values(plan.repairers).map((p) => role("repairer", p)),
    ...owners,
  ]) if (!unique.has(e.address)) unique.set(e.address, e);
  return [...unique.values()];
}

const entrySchema = z.object({ group: z.string(), groupLabel: z.string(), groupLabelEn: z.string(), label: z.string(), labelEn: z.string(), address: z.string(), privateKey: z.string() });

/** `GET /api/demo/accounts`: the demo stack's people and keys (development chain only; never in production). */
export function demoAccountsRoute(plan: DemoPlan): RouteSpec {
  const items = demoAccountEntries(plan);
  return defineRoute({
    method: "get",
    path: "/api/demo/accounts",
    summary: "The demo estate's people with their well-known development keys (served by the demo stack only)",
    tags: ["demo"],
    response: z.object({ items: z.array(entrySchema) }),
    handler: async () => ({ items }),
  });
}
