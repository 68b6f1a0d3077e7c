// The demo's pet three-colour code (宠物三色码, issue 17), through the API as its people: four households register
// their pets (a corgi, a mongrel, a poodle and a cat, with their vaccination certificates; the cat's expired),
// neighbours scan the collars and report (one with a photo and the place, given with the separate consent), staff
// and the grid worker confirm or dismiss; the corgi stays green, the mongrel turns yellow and its owner appeals
// (refused by the office), the poodle turns red (its owner reminded of the course) and appeals one report still
// waiting for the office; one report waits to be checked. Names and licence numbers are invented and go to the
// vault only.
import QRCode from "qrcode";
import type { DemoPlan, DemoPerson } from "./plan.js";
import { apiCall, sessions } from "./api.js";

export type PetDeps = { apiUrl: string; chainId: number; plan: DemoPlan };
export type PetsPlayed = { pets: number; reports: number; confirmed: number; dismissed: number; appeals: number; colours: Record<string, number>; ids: Record<string, string> };

const DAY = 86_400;

type PetSpec = { key: string; owner: number; species: "dog" | "cat"; breed: string; name: string; licence: string; vaccinatedDays: number };
const PETS: PetSpec[] = [
  { key: "corgi", owner: 10, species: "dog", breed: "柯基", name: "豆豆", licence: "HM-2026-0101", vaccinatedDays: 240 },
  { key: "mongrel", owner: 11, species: "dog", breed: "中华田园犬", name: "旺财", licence: "HM-2026-0102", vaccinatedDays: 120 },
  { key: "poodle", owner: 12, species: "dog", breed: "泰迪", name: "可乐", licence: "HM-2026-0103", vaccinatedDays: 60 },
  { key: "cat", owner: 13, species: "cat", breed: "中华田园猫", name: "咪咪", licence: "HM-2026-0104", vaccinatedDays: -30 },
];

/** A document the store takes: a one-page PDF (a certificate) or a PNG (a photo, here a QR-code picture). */
async function upload(api: string, token: string, cls: string, kind: "pdf" | "png", text: string): Promise<string> {
  const bytes = kind === "pdf" ? Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`) : await QRCode.toBuffer(text, { type: "png", width: 200 });
  const res = await fetch(`${api}/api/documents?class=${cls}`, { method: "POST", headers: { "content-type": kind === "pdf" ? "application/pdf" : "image/png", authorization: `Bearer ${token}` }, body: new Uint8Array(bytes) });
  const answer = (await res.json()) as { hash?: string };
  if (res.status >= 300 || !answer.hash) throw new Error(`The demo: storing a ${cls} document was refused (${res.status}): ${JSON.stringify(answer)}`);
  return answer.hash;
}

export async function playPets(deps: PetDeps): Promise<PetsPlayed> {
  const { apiUrl: api, plan } = deps;
  const tokenOf = sessions(api, deps.chainId);
  const as = (p: DemoPerson) => tokenOf(p.account);
  const office = await as(plan.staff[0]!);
  const grid = await as(plan.gridWorker);
  const now = Math.floor(Date.now() / 1000);
  const ids: Record<string, string> = {};
  for (const spec of PETS) {
    const owner = plan.owners[spec.owner % plan.owners.length]!;
    const token = await as(owner);
    const [home] = ((await apiCall(api, token, "GET", "/api/pets/households")) as { items: { unitId: number }[] }).items;
    if (!home) throw new Error(`The demo: owner ${spec.owner} holds no flat for a pet.`);
    const certificate = await upload(api, token, "pet-document", "pdf", `vaccination certificate ${spec.licence}`);
    const body = { unitId: home.unitId, species: spec.species, breed: spec.breed, name: spec.name, licence: spec.licence, certificate, vaccinatedUntil: now + spec.vaccinatedDays * DAY };
    ids[spec.key] = ((await apiCall(api, token, "POST", "/api/pets/register", body)) as { id: string }).id;
  }
  const reporter = (i: number) => as(plan.owners[(30 + i) % plan.owners.length]!);
  let reports = 0;
  let confirmed = 0;
  let dismissed = 0;
  let appeals = 0;
  const report = async (pet: string, who: number, violation: string, extra: Record<string, unknown> = {}) => {
    await apiCall(api, await reporter(who), "POST", `/api/pets/${ids[pet]}/report`, { violation, ...extra });
    reports++;
  };
  const decide = async (pet: string, reportId: string, how: "confirm" | "dismiss", by = office) => {
    if (how === "confirm") {
      await apiCall(api, by, "POST", `/api/pets/${ids[pet]}/confirmReport`, { reportId });
      confirmed++;
    } else {
      await apiCall(api, by, "POST", `/api/pets/${ids[pet]}/dismissReport`, { reportId, reason: "insufficientEvidence" });
      dismissed++;
    }
  };
  // The corgi: a noise report dismissed (green), and one waiting to be checked.
  await report("corgi", 0, "noise");
  await decide("corgi", "r1", "dismiss");
  await report("corgi", 1, "noLeash");
  // The mongrel: fouling (with a photo and the place, under the reporter's separate consent) and no leash, both confirmed: yellow.
  const photo = await upload(api, await reporter(2), "pet-photo", "png", "demo: a photo of the lawn east of building 1");
  await report("mongrel", 2, "fouling", { photo, place: "1号楼东侧草坪", sensitiveConsent: true });
  await decide("mongrel", "r1", "confirm", grid);
  await report("mongrel", 3, "noLeash");
  await decide("mongrel", "r2", "confirm");
  // Its owner appeals the leash report; the office keeps it (the grid worker saw it).
  await apiCall(api, await as(plan.owners[11 % plan.owners.length]!), "POST", `/api/pets/${ids.mongrel}/appeal`, { reportId: "r2", reason: "当时刚解开绳子准备进家门。" });
  appeals++;
  await apiCall(api, office, "POST", `/api/pets/${ids.mongrel}/decideAppeal`, { reportId: "r2", upheld: false, decision: "reportConfirmed" });
  // The poodle: three fouling reports confirmed: red, its owner reminded of the course; they appeal the last.
  for (let i = 1; i <= 3; i++) {
    await report("poodle", 3 + i, "fouling");
    await decide("poodle", `r${i}`, "confirm");
  }
  await apiCall(api, await as(plan.owners[12 % plan.owners.length]!), "POST", `/api/pets/${ids.poodle}/appeal`, { reportId: "r3", reason: "那天是别人家的狗，我家狗在家。" });
  appeals++;
  const colours: Record<string, number> = { green: 0, yellow: 0, red: 0 };
  for (const id of Object.values(ids)) colours[((await apiCall(api, undefined, "GET", `/api/pets/collar/${id}`)) as { colour: string }).colour]! += 1;
  return { pets: PETS.length, reports, confirmed, dismissed, appeals, colours, ids };
}
