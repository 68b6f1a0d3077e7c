// Estates, buildings, units and holders, from the registry's read model (with each unit's fund account).
import { encodeAbiParameters, keccak256, toHex } from "viem";
import { z } from "zod/v4";
import { numKey } from "../../store/store.js";
import { buildingScope, estateScope, type BuildingView, type EstateView, type ScopeView, type UnitView } from "../../indexer/models/registry.js";
import type { AccountView } from "../../indexer/models/fund.js";
import { ApiError } from "../errors.js";
import { defineRoute, type RouteSpec } from "../routes.js";
import { get, sub, type ResourceDeps } from "./context.js";
import { readAll, readPage } from "./paging.js";
import { address, addressInput, checksum, decimal, pageOf, pageQuery, totals, uint32Id } from "./schemas.js";

const COMMITTEE_ROLE = keccak256(toHex("COMMITTEE_ROLE"));
/** CommunityRegistry.estateRole(COMMITTEE_ROLE, estateId): the role id of an estate's committee seats. */
export function committeeRole(estateId: number): string {
  return keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "uint32" }], [COMMITTEE_ROLE, estateId]));
}

const unitSchema = z.object({ id: z.number(), buildingId: z.number(), estateId: z.number(), area: decimal.describe("0.01 m²"), holder: address });
const fundAccountSchema = z.object({ balance: decimal, deposited: decimal, charged: decimal, refunded: decimal }).describe("fen");
const estateSummary = z.object({ id: z.number(), developer: address, buildingIds: z.array(z.number()), totals });
const buildingSchema = z.object({ id: z.number(), estateId: z.number(), totals, unitCount: z.number() });

export const unitOut = (u: UnitView): z.infer<typeof unitSchema> => ({ id: u.unitId, buildingId: u.buildingId, estateId: u.estateId, area: u.area, holder: checksum(u.holder) });
export const zeroAccount = { balance: "0", deposited: "0", charged: "0", refunded: "0" };

async function scopeTotals(deps: ResourceDeps, scope: string): Promise<z.infer<typeof totals>> {
  const view = await get<ScopeView>(deps, "scopes", numKey(Number(scope)));
  return { area: view?.area ?? "0", heads: view?.heads ?? 0 };
}

export async function requireEstate(deps: ResourceDeps, estateId: number): Promise<EstateView> {
  const estate = await get<EstateView>(deps, "estates", numKey(estateId));
  if (!estate) throw new ApiError(404, "unknown_estate", { estateId });
  return estate;
}

export async function requireUnit(deps: ResourceDeps, unitId: number): Promise<UnitView> {
  const unit = await get<UnitView>(deps, "units", numKey(unitId));
  if (!unit) throw new ApiError(404, "unknown_unit", { unitId });
  return unit;
}

async function buildingOut(deps: ResourceDeps, b: BuildingView): Promise<z.infer<typeof buildingSchema>> {
  return { id: b.buildingId, estateId: b.estateId, totals: await scopeTotals(deps, buildingScope(b.buildingId)), unitCount: b.unitCount };
}

export function registryRoutes(deps: ResourceDeps): RouteSpec[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/estates",
      summary: "Estates (小区) with their buildings and total area and headcount",
      tags: ["registry"],
      query: z.object(pageQuery),
      response: pageOf(estateSummary),
      handler: ({ query }) =>
        readPage(deps.store, sub(deps, "estates"), {
          ...query,
          map: async (value) => {
            const e = value as EstateView;
            return { id: e.estateId, developer: checksum(e.developer), buildingIds: e.buildingIds, totals: await scopeTotals(deps, estateScope(e.estateId)) };
          },
        }),
    }),
    defineRoute({
      method: "get",
      path: "/api/estates/:estateId",
      summary: "One estate: buildings with their totals, the estate's totals, the owners' committee",
      tags: ["registry"],
      params: z.object({ estateId: uint32Id }),
      response: z.object({
        id: z.number(),
        developer: address,
        buildings: z.array(buildingSchema.omit({ estateId: true })),
        totals,
        committee: z.array(address),
      }),
      handler: async ({ params }) => {
        const e = await requireEstate(deps, params.estateId);
        const buildings = [];
        for (const id of e.buildingIds) {
          const b = await get<BuildingView>(deps, "buildings", numKey(id));
          if (b) buildings.push({ id, totals: (await buildingOut(deps, b)).totals, unitCount: b.unitCount });
        }
        const seats = await readAll<{ account: string }>(deps.store, sub(deps, "roles"), `${committeeRole(e.estateId)}:`);
        return {
          id: e.estateId,
          developer: checksum(e.developer),
          buildings,
          totals: await scopeTotals(deps, estateScope(e.estateId)),
          committee: seats.map((s) => checksum(s.account)),
        };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/buildings/:buildingId",
      summary: "One building (楼栋) with its total area and headcount",
      tags: ["registry"],
      params: z.object({ buildingId: uint32Id }),
      response: buildingSchema,
      handler: async ({ params }) => {
        const b = await get<BuildingView>(deps, "buildings", numKey(params.buildingId));
        if (!b) throw new ApiError(404, "unknown_building", { buildingId: params.buildingId });
        return buildingOut(deps, b);
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/units",
      summary: "Units (专有部分), filtered by estate, building or holder",
      tags: ["registry"],
      query: z.object({ estateId: uint32Id.optional(), buildingId: uint32Id.optional(), holder: addressInput.optional(), ...pageQuery }),
      response: pageOf(unitSchema),
      handler: ({ query }) => {
        const keep = (u: UnitView) =>
          (query.estateId === undefined || u.estateId === query.estateId) &&
          (query.buildingId === undefined || u.buildingId === query.buildingId) &&
          (query.holder === undefined || u.holder === query.holder)
            ? unitOut(u)
            : undefined;
        // A holder's units have their own index; other filters scan the units in id order.
        if (query.holder) {
          return readPage(deps.store, sub(deps, "holderUnits"), {
            prefix: `${query.holder}:`,
            limit: query.limit,
            cursor: query.cursor,
            map: async (unitId) => {
              const u = await get<UnitView>(deps, "units", numKey(unitId as number));
              return u && keep(u);
            },
          });
        }
        return readPage(deps.store, sub(deps, "units"), { limit: query.limit, cursor: query.cursor, map: (value) => keep(value as UnitView) });
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/units/:unitId",
      summary: "One unit with its maintenance-fund sub-account (fen)",
      tags: ["registry"],
      params: z.object({ unitId: uint32Id }),
      response: unitSchema.extend({ fund: fundAccountSchema }),
      handler: async ({ params }) => {
        const u = await requireUnit(deps, params.unitId);
        const a = await get<AccountView>(deps, "fundAccounts", numKey(u.unitId));
        return { ...unitOut(u), fund: a ? { balance: a.balance, deposited: a.deposited, charged: a.charged, refunded: a.refunded } : zeroAccount };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/holders/:address",
      summary: "The units an address holds now and its area per scope (empty for an address that holds none)",
      tags: ["registry"],
      params: z.object({ address: addressInput }),
      response: z.object({
        address,
        units: z.array(unitSchema),
        areaByScope: z.array(z.object({ scope: z.string().describe('"estate:<id>" or "building:<id>"'), area: decimal })),
      }),
      handler: async ({ params }) => {
        const units: UnitView[] = [];
        for (const unitId of await readAll<number>(deps.store, sub(deps, "holderUnits"), `${params.address}:`)) {
          const u = await get<UnitView>(deps, "units", numKey(unitId));
          if (u) units.push(u);
        }
        const area = new Map<string, bigint>();
        for (const u of units) {
          for (const scope of [`estate:${u.estateId}`, `building:${u.buildingId}`]) area.set(scope, (area.get(scope) ?? 0n) + BigInt(u.area));
        }
        return {
          address: checksum(params.address),
          units: units.map(unitOut),
          areaByScope: [...area].map(([scope, a]) => ({ scope, area: a.toString() })),
        };
      },
    }),
  ];
}
