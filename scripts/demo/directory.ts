// The demo's directory: a label for each of its 300 flats, and invented people for its owners, staff, a
// mediator, a grid worker and the partners' shops, stored through the vault (development mode: the demo's own
// development master key). Every name, phone and ID number here is invented: phones are in +86 100 0000 xxxx,
// a range no Chinese mobile number uses (they begin 13–19), and ID numbers use region 990101, which does not
// exist, with a valid check character so they pass the directory's check. Nothing of this goes on chain.
import type { Directory, PersonKind, UnitLabel, Viewer } from "../../server/src/services/directory/index.js";
import { idCheckCharacter } from "../../server/src/services/directory/index.js";
import type { DemoPerson, DemoPlan } from "./plan.js";
import type { SeededEstate } from "./seed.js";

const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"];
const GIVEN = ["秀英", "建国", "桂兰", "志强", "丽华", "伟", "敏", "静", "海燕", "国庆", "淑珍", "晓东", "玉梅", "立新", "春花", "军", "芳", "文博", "雪梅", "德明", "子涵", "浩然", "雅婷", "宇轩"];
/** Display names some people chose for public pages (opt-in). */
const DISPLAY = ["王阿姨", "李叔叔", "张奶奶", "老陈", "刘大姐", "小杨", "赵师傅", "黄老师", "周爷爷", "吴阿姨"];

/** "1单元101" (a building with several entrances) or "1806" (one entrance). */
export function demoLabel(buildingIndex: number, room: string): UnitLabel {
  const match = /^(\d+)单元(\d+)$/.exec(room);
  return match ? { building: buildingIndex + 1, entrance: Number(match[1]), room: match[2]! } : { building: buildingIndex + 1, entrance: 1, room };
}

function fakeIdNumber(n: number): string {
  const year = 1940 + (n * 7) % 60;
  const month = String(1 + (n % 12)).padStart(2, "0");
  const day = String(1 + (n % 28)).padStart(2, "0");
  const first17 = `990101${year}${month}${day}${String(n % 1000).padStart(3, "0")}`;
  return first17 + idCheckCharacter(first17);
}

const fakePhone = (n: number) => `+86 100 0000 ${String(n).padStart(4, "0")}`;

export type DemoDirectory = { people: number; labelled: number; displayNames: { address: string; displayName: string }[] };

export async function seedDirectory(directory: Directory, plan: DemoPlan, estate: SeededEstate): Promise<DemoDirectory> {
  // The registry's admin, who holds the registrar role on chain (seed.ts), keeps the register.
  const registrar: Viewer = { address: plan.admin.account.address.toLowerCase() as `0x${string}`, roles: ["admin", "registrar"] };
  const labels = plan.buildings.flatMap((b, bi) => b.units.map((u, ui) => ({ unitId: estate.unitIds[bi]![ui]!, label: demoLabel(bi, u.room) })));
  await directory.labelUnits(registrar, labels);

  // Each owner's units, to link them in the directory.
  const unitsOf = new Map<number, number[]>();
  plan.buildings.forEach((b, bi) =>
    b.units.forEach((u, ui) => {
      if (u.holder !== "developer") unitsOf.set(u.holder, [...(unitsOf.get(u.holder) ?? []), estate.unitIds[bi]![ui]!]);
    }),
  );
  const volunteers = new Set(plan.volunteers.map((v) => v.account.address));
  const displayNames: DemoDirectory["displayNames"] = [];
  let n = 0;
  const register = async (person: DemoPerson, kind: PersonKind, units: number[], extra: { organisationId?: string } = {}) => {
    n++;
    const surname = SURNAMES[n % SURNAMES.length]!;
    const given = GIVEN[(n * 7) % GIVEN.length]!;
    // One in nine residents chooses a display name for public pages; staff act in public under a work name
    // (what a resident sees on a ballot staff entered for them: "由社区工作者 李社工 代为办理").
    const display =
      kind === "resident" && n % 9 === 1 ? DISPLAY[displayNames.length % DISPLAY.length]! : kind === "staff" ? `${surname}社工` : undefined;
    await directory.registerPerson(registrar, {
      kind,
      values: {
        name: `${surname}${given}`,
        phone: fakePhone(n),
        ...(kind === "resident" || kind === "volunteer" ? { idNumber: fakeIdNumber(n), household: `${surname}${given}一家（${units.length} 套）` } : {}),
        ...(display ? { displayName: display } : {}),
      },
      addresses: [person.account.address.toLowerCase() as `0x${string}`],
      units,
      ...extra,
      displayOptIn: display !== undefined,
    });
    if (display) displayNames.push({ address: person.account.address, displayName: display });
  };
  for (const [i, owner] of plan.owners.entries()) await register(owner, volunteers.has(owner.account.address) ? "volunteer" : "resident", unitsOf.get(i) ?? []);
  for (const s of plan.staff) await register(s, "staff", []);
  await register(plan.mediator, "mediator", []);
  await register(plan.gridWorker, "staff", []);
  await directory.setRole(registrar, plan.mediator.account.address.toLowerCase() as `0x${string}`, "mediator", true);
  await directory.setRole(registrar, plan.gridWorker.account.address.toLowerCase() as `0x${string}`, "gridWorker", true);
  for (const partner of plan.partners) {
    const address = partner.account.address.toLowerCase() as `0x${string}`;
    const name = partner.label.replace(/^合作商户：/, "");
    const nameEn = partner.labelEn.replace(/^Partner: /, "");
    const { organisationId } = await directory.registerOrganisation(registrar, { kind: "partner", name: `和睦${name}`, nameEn: `Hemu ${nameEn}`, addresses: [address] });
    await register(partner, "partnerContact", [], { organisationId });
    await directory.setRole(registrar, address, "partner", true);
  }
  return { people: n, labelled: labels.length, displayNames };
}
