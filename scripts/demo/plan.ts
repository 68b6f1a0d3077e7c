// A deterministic demo estate: three buildings, 300 units of varied registered areas, a developer holding the
// unsold units, owners of one to three units, and the people who run the community. Only roles, room numbers
// and areas: no names or phone numbers, which never belong on chain.
import { pbkdf2Sync } from "node:crypto";
import type { Address } from "viem";
import { HDKey, hdKeyToAccount, type HDAccount } from "viem/accounts";

/** Hardhat's and Anvil's well-known development mnemonic: demo keys, never for a real network. */
export const DEMO_MNEMONIC = "test test test test test test test test test test test junk";

export type DemoUnit = { room: string; area: number; holder: number | "developer" };
export type DemoBuilding = { name: string; nameEn: string; hasLift: boolean; units: DemoUnit[] };

export type DemoPerson = { key: string; label: string; labelEn: string; account: HDAccount };

export type DemoPlan = {
  estate: { name: string; nameEn: string };
  buildings: DemoBuilding[];
  /** Owners by holder number (index into this list); each is one address = one head. */
  owners: DemoPerson[];
  developer: DemoPerson;
  admin: DemoPerson;
  committee: DemoPerson[];
  custodian: DemoPerson;
  auditor: DemoPerson;
  relayer: DemoPerson;
  anchorer: DemoPerson;
  staff: DemoPerson[];
  volunteers: DemoPerson[];
  partners: DemoPerson[];
  /** People of the off-chain directory only (no on-chain role): a mediator and a grid worker (网格员). */
  mediator: DemoPerson;
  gridWorker: DemoPerson;
  /** Members of the parties that fix what is reported (work orders, issue 14): off-chain only. */
  repairers: { property: DemoPerson; water: DemoPerson; sanitation: DemoPerson; power: DemoPerson };
};

/** mulberry32: a tiny seeded PRNG, so every run builds the same estate. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Layouts in 0.01 m²: each column of a floor plan repeats up the building with small survey differences. */
const LAYOUTS = {
  tower: [8945, 12830, 7512, 7512, 12830, 8945],
  old: [5230, 6190, 7025, 5230, 6190, 7025, 5580],
};

type BuildingShape = { name: string; nameEn: string; floors: number; layout: number[]; hasLift: boolean; entrances: number };

const SHAPES: BuildingShape[] = [
  { name: "1号楼", nameEn: "Building 1", floors: 18, layout: LAYOUTS.tower, hasLift: true, entrances: 1 },
  { name: "2号楼", nameEn: "Building 2", floors: 18, layout: LAYOUTS.tower, hasLift: true, entrances: 1 },
  // An old six-storey walk-up of 1990s style: the building that votes on installing a lift.
  { name: "3号楼", nameEn: "Building 3", floors: 6, layout: LAYOUTS.old, hasLift: false, entrances: 2 },
];

// BIP-39 seed, derived once: deriving it per account (as mnemonicToAccount does) costs seconds for 300 accounts.
const demoRoot = HDKey.fromMasterSeed(pbkdf2Sync(DEMO_MNEMONIC.normalize("NFKD"), "mnemonic", 2048, 64, "sha512"));

let nextIndex = 0;
function person(key: string, label: string, labelEn: string): DemoPerson {
  return { key, label, labelEn, account: hdKeyToAccount(demoRoot, { addressIndex: nextIndex++ }) };
}

export function demoPlan(seed = 20261124): DemoPlan {
  nextIndex = 0;
  const random = prng(seed);
  const admin = person("admin", "住建局登记员（管理员）", "Housing registry (admin)");
  const relayer = person("relayer", "选票中继", "Ballot relayer");
  const anchorer = person("anchorer", "记录锚定", "Record anchoring");
  const custodian = person("custodian", "维修资金托管银行", "Fund custodian (bank)");
  const auditor = person("auditor", "审计员", "Auditor");
  const developer = person("developer", "开发商（未售房屋）", "Developer (unsold units)");
  const staff = [1, 2].map((n) => person(`staff${n}`, `社区工作者 ${n}`, `Community staff ${n}`));
  const partners = [
    person("partner1", "合作商户：社区食堂", "Partner: community canteen"),
    person("partner2", "合作商户：便民超市", "Partner: corner shop"),
  ];

  const buildings: DemoBuilding[] = [];
  const owners: DemoPerson[] = [];
  for (const shape of SHAPES) {
    const units: DemoUnit[] = [];
    for (let entrance = 1; entrance <= shape.entrances; entrance++) {
      for (let floor = 1; floor <= shape.floors; floor++) {
        shape.layout.forEach((base, column) => {
          const room =
            shape.entrances > 1
              ? `${entrance}单元${floor}0${column + 1}`
              : `${floor}${String(column + 1).padStart(2, "0")}`;
          // Survey differences of up to ±0.5 m² between floors.
          const area = base + Math.round((random() - 0.5) * 100);
          units.push({ room, area, holder: "developer" });
        });
      }
    }
    buildings.push({ name: shape.name, nameEn: shape.nameEn, hasLift: shape.hasLift, units });
  }

  // About nine in ten units are sold; a few owners hold two or three units (one head, several areas).
  for (const building of buildings) {
    for (const unit of building.units) {
      if (random() < 0.1) continue;
      const extra = owners.length > 0 && random() < 0.06;
      if (extra) {
        unit.holder = Math.floor(random() * owners.length);
        continue;
      }
      const n = owners.length;
      owners.push(person(`owner${n}`, `${building.name} ${unit.room} 业主`, `Owner of ${building.nameEn} ${unit.room}`));
      unit.holder = n;
    }
  }

  // The committee, volunteers and the elderly they serve are owners too.
  const committee = [0, 40, 90, 150, 200].map((i) => relabel(owners[i]!, "业委会委员", "committee member"));
  const volunteers = [10, 60, 110, 170, 220, 240].map((i) => relabel(owners[i]!, "志愿者", "volunteer"));
  // Made after the owners, so every earlier demo account keeps its address.
  const mediator = person("mediator", "人民调解员", "Mediator");
  const gridWorker = person("gridWorker", "网格员", "Grid worker");
  const repairers = {
    property: person("repairProperty", "物业维修工 王师傅", "Property repairs: Mr Wang"),
    water: person("repairWater", "自来水公司抢修员", "Water utility engineer"),
    sanitation: person("repairSanitation", "环卫保洁员", "Sanitation cleaner"),
    power: person("repairPower", "供电所电工", "Power utility electrician"),
  };
  return {
    estate: { name: "和睦家园", nameEn: "Hemu Garden" },
    buildings,
    owners,
    developer,
    admin,
    committee,
    custodian,
    auditor,
    relayer,
    anchorer,
    staff,
    volunteers,
    partners,
    mediator,
    gridWorker,
    repairers,
  };
}

function relabel(owner: DemoPerson, role: string, roleEn: string): DemoPerson {
  return { ...owner, label: `${owner.label}（${role}）`, labelEn: `${owner.labelEn} (${roleEn})` };
}

/** The address of a unit's holder in the plan. */
export function holderAddress(plan: DemoPlan, unit: DemoUnit): Address {
  return unit.holder === "developer" ? plan.developer.account.address : plan.owners[unit.holder]!.account.address;
}
