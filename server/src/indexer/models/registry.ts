// Read models of CommunityRegistry: estates, buildings, units with holder and area, holders, each holder's
// units, role members, and per scope (a whole estate or one building) the total area and headcount — the
// same figures the registry checkpoints, so that the API can show them without calling the chain.
// Values are never mutated in place: a reducer writes a new object, so undo information stays exact.
import { numKey } from "../../store/store.js";
import { addDec, subDec } from "./refs.js";
import type { EventRecord, ModelTx, ReadModel } from "./types.js";

export type EstateView = { estateId: number; developer: string; buildingIds: number[]; createdAt: number };
export type BuildingView = { buildingId: number; estateId: number; unitCount: number; createdAt: number };
export type UnitView = {
  unitId: number;
  buildingId: number;
  estateId: number;
  holder: string;
  /** Registered exclusive area in 0.01 m², as a decimal string (uint64). */
  area: string;
  registeredAt: number;
};
export type HolderView = { holder: string; holderIndex: number; indexedAt: number };
/** Area (decimal string, 0.01 m²) and headcount of a scope, as the registry's `scopeTotals`. */
export type ScopeView = { scopeKey: string; estateId: number; buildingId: number; area: string; heads: number };

/** The registry's scope keys: an estate's id, or a building's id with bit 32 set. */
export function estateScope(estateId: number): string {
  return String(estateId);
}
const buildingScopes = new Map<number, string>();
export function buildingScope(buildingId: number): string {
  let scope = buildingScopes.get(buildingId);
  if (scope === undefined) buildingScopes.set(buildingId, (scope = String(2 ** 32 + buildingId)));
  return scope;
}
// Scopes and their keys repeat for every unit of a building: made once each (a registry has thousands of scopes,
// not millions).
const scopeKeys = new Map<string, string>();
const scopeKeyOf = (scope: string): string => {
  let key = scopeKeys.get(scope);
  if (key === undefined) scopeKeys.set(scope, (key = numKey(Number(scope))));
  return key;
};

/** A holder's area in each scope where it holds any, as flat pairs: scope, area (decimal string, 0.01 m²). */
export type HolderAreas = string[];

/**
 * Moves `area` onto (or, with `off`, off) a holder in one scope: its entry in `areas` (changed in place: a copy
 * made for this event) and the scope's totals, counting the holder in or out of the headcount.
 */
function moveArea(tx: ModelTx, areas: HolderAreas, scope: string, area: string, off: boolean): void {
  let at = -1;
  for (let i = 0; i < areas.length; i += 2) if (areas[i] === scope) at = i;
  const before = at < 0 ? "0" : areas[at + 1];
  const after = off ? subDec(before, area) : addDec(before, area);
  if (at < 0) areas.push(scope, after);
  else if (after === "0") areas.splice(at, 2);
  else areas[at + 1] = after;
  const key = scopeKeyOf(scope);
  const totals = tx.get<ScopeView>("scopes", key);
  if (!totals) throw new Error(`Scope ${scope} has no totals; the registry's events arrived out of order.`);
  let heads = totals.heads;
  if (before === "0" && after !== "0") heads += 1;
  if (before !== "0" && after === "0") heads -= 1;
  tx.put("scopes", key, { ...totals, area: off ? subDec(totals.area, area) : addDec(totals.area, area), heads });
}

/**
 * Moves a unit's area onto (or off) a holder, in its building's and its estate's scope. The holder's areas are
 * one record (read once per unit, not once per scope); a scope drops out of it at zero.
 */
function holderAreaChange(tx: ModelTx, unit: UnitView, holder: string, off: boolean): void {
  const areas = [...(tx.get<HolderAreas>("holderAreas", holder) ?? [])];
  moveArea(tx, areas, buildingScope(unit.buildingId), unit.area, off);
  moveArea(tx, areas, estateScope(unit.estateId), unit.area, off);
  if (areas.length === 0) tx.del("holderAreas", holder);
  else tx.put("holderAreas", holder, areas);
}

const unitRegistered = (e: EventRecord, tx: ModelTx) => {
  const unitId = e.args.unitId as number;
  const buildingId = e.args.buildingId as number;
  const holder = e.args.holder as string;
  const building = tx.get<BuildingView>("buildings", numKey(buildingId));
  if (!building) throw new Error(`Unit ${unitId} is in unknown building ${buildingId}; the events arrived out of order.`);
  tx.put("buildings", numKey(buildingId), { ...building, unitCount: building.unitCount + 1 });
  const unit: UnitView = {
    unitId,
    buildingId,
    estateId: building.estateId,
    holder,
    area: e.args.area as string,
    registeredAt: e.blockNumber,
  };
  // Unit ids are counted up by the registry: a registered unit's keys are new.
  const unitKey = numKey(unitId);
  tx.create("units", unitKey, unit);
  tx.create("holderUnits", `${holder}:${unitKey}`, unitId);
  holderAreaChange(tx, unit, holder, false);
};

const unitTransferred = (e: EventRecord, tx: ModelTx) => {
  const unitId = e.args.unitId as number;
  const unit = tx.get<UnitView>("units", numKey(unitId));
  if (!unit) throw new Error(`Unit ${unitId} was transferred before it was registered; the events arrived out of order.`);
  const from = e.args.from as string;
  const to = e.args.to as string;
  tx.put("units", numKey(unitId), { ...unit, holder: to });
  tx.del("holderUnits", `${from}:${numKey(unitId)}`);
  tx.put("holderUnits", `${to}:${numKey(unitId)}`, unitId);
  holderAreaChange(tx, unit, from, true);
  holderAreaChange(tx, unit, to, false);
};

export const registryModel: ReadModel = {
  contract: "CommunityRegistry",
  models: ["estates", "buildings", "units", "holders", "holderUnits", "scopes", "holderAreas", "roles"],
  reducers: {
    EstateCreated: (e, tx) => {
      const estateId = e.args.estateId as number;
      const estate: EstateView = { estateId, developer: e.args.developer as string, buildingIds: [], createdAt: e.blockNumber };
      tx.put("estates", numKey(estateId), estate);
      const scope: ScopeView = { scopeKey: estateScope(estateId), estateId, buildingId: 0, area: "0", heads: 0 };
      tx.put("scopes", scopeKeyOf(scope.scopeKey), scope);
    },
    BuildingAdded: (e, tx) => {
      const buildingId = e.args.buildingId as number;
      const estateId = e.args.estateId as number;
      const estate = tx.get<EstateView>("estates", numKey(estateId));
      if (!estate) throw new Error(`Building ${buildingId} added to unknown estate ${estateId}; events out of order.`);
      tx.put("estates", numKey(estateId), { ...estate, buildingIds: [...estate.buildingIds, buildingId] });
      const building: BuildingView = { buildingId, estateId, unitCount: 0, createdAt: e.blockNumber };
      tx.put("buildings", numKey(buildingId), building);
      const scope: ScopeView = { scopeKey: buildingScope(buildingId), estateId, buildingId, area: "0", heads: 0 };
      tx.put("scopes", scopeKeyOf(scope.scopeKey), scope);
    },
    UnitRegistered: unitRegistered,
    UnitTransferred: unitTransferred,
    HolderIndexed: (e, tx) => {
      const holder = e.args.holder as string;
      const view: HolderView = { holder, holderIndex: e.args.holderIndex as number, indexedAt: e.blockNumber };
      tx.put("holders", holder, view);
    },
    RoleGranted: (e, tx) => {
      tx.put("roles", `${e.args.role}:${e.args.account}`, { role: e.args.role, account: e.args.account, grantedAt: e.blockNumber });
    },
    RoleRevoked: (e, tx) => {
      tx.del("roles", `${e.args.role}:${e.args.account}`);
    },
  },
};
