// The registry's units as the directory sees them: whether a unit exists, and the units an address holds, from
// the indexer's read models in the shared store (read only).
import { modelSublevel, numKey, readModel, settled, type Store } from "../../store/store.js";
import type { UnitSource } from "./directory.js";
import type { Addr } from "./state.js";

type Unit = { unitId: number; buildingId: number; estateId: number; holder: string };

export function storeUnits(store: Store): UnitSource {
  return {
    async unit(unitId) {
      const u = await readModel<Unit>(store, "units", numKey(unitId));
      return u && { unitId: u.unitId, buildingId: u.buildingId, estateId: u.estateId, holder: u.holder };
    },
    async unitsOf(address: Addr) {
      await settled(store);
      const out: number[] = [];
      const prefix = `${address}:`;
      for await (const id of modelSublevel(store, "holderUnits").values({ gte: prefix, lt: `${prefix}\uffff` })) out.push(id as number);
      return out;
    },
  };
}
