// The demo's talent pool (能人库, issue 15): fifteen of the estate's residents (invented, as the directory invents
// them: three lawyers, a retired judge, teachers, a doctor, a nurse, an accountant, an electrician, a plumber, a
// counsellor, a translator and an IT helper) register what they offer through the API with their consent, some
// with proof documents (hashes only); the mediator and the office invite some of them to mediation cases and to a
// micro-renewal project, and they accept or decline; two withdraw their consent later (one gives it again).
import { keccak256, toHex } from "viem";
import type { DemoPlan } from "./plan.js";
import { apiCall, sessions } from "./api.js";

type Offer = { skills: string[]; languages: string[]; slots: string[]; hours: number; proof?: string };

/** Who offers what (by the owner's place in the plan, spread over the estate). */
const OFFERS: Offer[] = [
  { skills: ["law", "mediation"], languages: ["cmn", "wuu"], slots: ["evenings", "weekends"], hours: 8, proof: "律师执业证 A" },
  { skills: ["law"], languages: ["cmn", "eng"], slots: ["weekends"], hours: 4, proof: "律师执业证 B" },
  { skills: ["law", "property"], languages: ["cmn"], slots: ["evenings"], hours: 6, proof: "律师执业证 C" },
  { skills: ["judiciary", "mediation"], languages: ["cmn", "wuu"], slots: ["weekdays", "weekends"], hours: 20, proof: "退休法官证明" },
  { skills: ["teaching", "childcare"], languages: ["cmn"], slots: ["weekdays"], hours: 16, proof: "教师资格证 A" },
  { skills: ["teaching", "mediation"], languages: ["cmn", "sichuan"], slots: ["weekdays", "evenings"], hours: 10 },
  { skills: ["teaching", "translation"], languages: ["cmn", "eng", "yue"], slots: ["weekends"], hours: 6, proof: "教师资格证 B" },
  { skills: ["medicine", "elderlyCare"], languages: ["cmn", "wuu"], slots: ["weekends"], hours: 8, proof: "医师执业证" },
  { skills: ["nursing", "elderlyCare"], languages: ["cmn", "dongbei"], slots: ["weekdays"], hours: 12, proof: "护士执业证" },
  { skills: ["accounting"], languages: ["cmn"], slots: ["evenings"], hours: 5, proof: "会计师证" },
  { skills: ["electrical", "construction"], languages: ["cmn", "nan"], slots: ["weekdays", "weekends"], hours: 10, proof: "电工证" },
  { skills: ["plumbing"], languages: ["cmn", "hak"], slots: ["weekends"], hours: 6 },
  { skills: ["psychology", "mediation"], languages: ["cmn", "wuu"], slots: ["evenings"], hours: 6, proof: "心理咨询师证" },
  { skills: ["translation"], languages: ["cmn", "eng", "yue"], slots: ["evenings", "weekends"], hours: 4 },
  { skills: ["it"], languages: ["cmn"], slots: ["weekends"], hours: 8 },
];

export type TalentPool = { members: number; withProofs: number; withdrew: number; gaveAgain: number; invitations: number; accepted: number; declined: number };

export type TalentDeps = { apiUrl: string; chainId: number; plan: DemoPlan; /** Moves the services' clock forward to Unix seconds. */ at: (seconds: number) => void; start: number };

const DAY = 86_400;
const HOUR = 3600;
/** The pool's days: it is played in the first two weeks of the demo's months. */
export const TALENT_DAYS = 15;

export async function playTalentPool(deps: TalentDeps): Promise<TalentPool> {
  const { apiUrl: api, plan } = deps;
  const tokenOf = sessions(api, deps.chainId);
  const office = await tokenOf(plan.staff[0]!.account);
  const mediator = await tokenOf(plan.mediator.account);
  // Every eleventh owner, so the pool is spread over the buildings.
  const people = OFFERS.map((_, i) => plan.owners[(i * 11 + 3) % plan.owners.length]!);
  const persons: string[] = [];
  let withProofs = 0;
  for (const [i, offer] of OFFERS.entries()) {
    deps.at(deps.start + i * 12 * HOUR);
    const token = await tokenOf(people[i]!.account);
    const person = ((await apiCall(api, token, "GET", "/api/talent/me")) as { persons: string[] }).persons[0];
    if (!person) throw new Error(`The demo's talent pool: owner ${people[i]!.account.address} is not in the directory.`);
    persons.push(person);
    const proofs = offer.proof ? [keccak256(toHex(`${offer.proof} · ${person}`))] : [];
    if (proofs.length) withProofs++;
    await apiCall(api, token, "POST", "/api/talent/register", { person, skills: offer.skills, languages: offer.languages, availability: { slots: offer.slots, hoursPerMonth: offer.hours }, proofs, consent: true });
  }
  // Invitations over the following weeks: the mediator to mediation cases, the office to a micro-renewal project.
  const invites: { member: number; by: string; kind: string; id: string; answer?: "accept" | "decline" }[] = [
    { member: 3, by: mediator, kind: "mediation", id: "demo-noise-b3", answer: "accept" },
    { member: 0, by: mediator, kind: "mediation", id: "demo-leak-b5", answer: "accept" },
    { member: 12, by: mediator, kind: "mediation", id: "demo-pets-b2", answer: "decline" },
    { member: 10, by: office, kind: "renewal", id: "renewal-garden-2026", answer: "accept" },
    { member: 4, by: office, kind: "renewal", id: "renewal-garden-2026", answer: "accept" },
    { member: 7, by: office, kind: "renewal", id: "renewal-garden-2026" },
    { member: 11, by: office, kind: "workorder", id: "demo-stairwell-pipes" },
  ];
  let accepted = 0;
  let declined = 0;
  for (const [i, inv] of invites.entries()) {
    deps.at(deps.start + 8 * DAY + i * 6 * HOUR);
    const { id } = (await apiCall(api, inv.by, "POST", "/api/talent/invitations/invite", { member: persons[inv.member], target: { kind: inv.kind, id: inv.id } })) as { id: string };
    if (!inv.answer) continue;
    deps.at(deps.start + 8 * DAY + i * 6 * HOUR + 3 * HOUR);
    await apiCall(api, await tokenOf(people[inv.member]!.account), "POST", `/api/talent/invitations/${id}/${inv.answer}`, {});
    if (inv.answer === "accept") accepted++;
    else declined++;
  }
  // Two withdraw their consent (moved away, too busy); one of them gives it again days later.
  deps.at(deps.start + 11 * DAY);
  for (const i of [13, 14]) await apiCall(api, await tokenOf(people[i]!.account), "POST", `/api/talent/${persons[i]}/withdrawConsent`, {});
  deps.at(deps.start + 14 * DAY);
  await apiCall(api, await tokenOf(people[14]!.account), "POST", `/api/talent/${persons[14]}/giveConsent`, {});
  return { members: OFFERS.length, withProofs, withdrew: 2, gaveAgain: 1, invitations: invites.length, accepted, declined };
}
