// The talent pool's decisions as given/when/then on plain data: registering (self or staff for a resident,
// explicit consent), updating, withdrawing and giving consent again, inviting (staff or a mediator; not a member
// who withdrew), and the invited member's answer (once, by them only); each refusal. Then over the real engine and
// LevelDB: withdrawn consent takes a member out of mediation's candidates and back in when given again, and the
// read models rebuilt from the journal are the same.
import { expect } from "chai";
import path from "node:path";
import type { Hex } from "viem";
import { logEntryEncoding } from "../../server/src/receipts/log-format.js";
import { createEngine, given, levelServiceStorage, rebuildReadModels, Refusal, snapshotModels, submit, type Engine } from "../../server/src/services/framework/index.js";
import { ConsentGiven, ConsentWithdrawn, InvitationAccepted, InvitationDeclined, Invited, Registered, talentCandidates, talentServices, Updated, INITIAL_MEMBER } from "../../server/src/services/talent/index.js";
import { createLock } from "../../server/src/store/lock.js";
import { closeStore, openStore, type Store } from "../../server/src/store/store.js";
import { tempDir } from "./helpers/chain.js";

const ME = "0x00000000000000000000000000000000000000aa" as const;
const STAFF = "0x00000000000000000000000000000000000000dd" as const;
const OTHER = "0x00000000000000000000000000000000000000bb" as const;
const offer = { skills: ["law", "mediation"], languages: ["cmn", "wuu"], availability: { slots: ["weekends"], hoursPerMonth: 8 }, proofs: [`0x${"ab".repeat(32)}`] } as const;
const { services } = talentServices({ personsOf: async () => [] });
const [member, invitation] = services as [(typeof services)[0], (typeof services)[0]];
const mine = { facts: { persons: ["p_me"] }, actor: { address: ME } };
const registered = [Registered({ ...offer, skills: [...offer.skills], languages: [...offer.languages], availability: { slots: ["weekends"], hoursPerMonth: 8 }, proofs: [...offer.proofs], person: "p_me", consent: true })];

describe("talent pool: decisions", function () {
  it("register: one's own person, with explicit consent, once; staff for a resident under an authorisation", function () {
    given(member).when("register", { ...offer, person: "p_me", consent: true }, mine).then(registered);
    given(member).when("register", { ...offer, person: "p_me", consent: false }, mine).thenRefused("talent_consent_required", undefined, 400);
    given(member).when("register", { ...offer, person: "p_other", consent: true }, mine).thenRefused("talent_not_you", { person: "p_other" }, 403);
    given(member, registered).when("register", { ...offer, person: "p_me", consent: true }, mine).thenRefused("talent_already_registered", { person: "p_me" }, 409);
    given(member)
      .when("register", { ...offer, person: "p_me", consent: true }, { actor: { address: STAFF, onBehalfOf: ME, authorisation: "3" }, roles: ["staff"], facts: { persons: ["p_me"] } })
      .then(registered);
    given(member).when("register", { ...offer, skills: ["astrology"], person: "p_me", consent: true }, mine).thenRefused("invalid_request", undefined, 400);
    given(member).when("register", { ...offer, skills: ["law", "law"], person: "p_me", consent: true }, mine).thenRefused("invalid_request", undefined, 400);
    // A proof document is kept as its hash only: a file's name or contents in its place is refused.
    given(member).when("register", { ...offer, proofs: ["律师执业证.pdf"], person: "p_me", consent: true }, mine).thenRefused("invalid_request", undefined, 400);
    given(member).when("register", { ...offer, proofs: [`0x${"ab".repeat(40)}`], person: "p_me", consent: true }, mine).thenRefused("invalid_request", undefined, 400);
  });
  it("update and consent: the member only; withdrawing twice or giving twice is refused", function () {
    const changed = { ...offer, skills: ["law"], languages: ["cmn"], availability: { slots: ["evenings", "weekends"], hoursPerMonth: 12 }, proofs: [] };
    given(member, registered).when("update", changed, mine).then([Updated(changed as never)]);
    given(member, registered).when("update", changed, { facts: { persons: ["p_x"] } }).thenRefused("talent_not_you", undefined, 403);
    given(member, registered).when("withdrawConsent", {}, mine).then([ConsentWithdrawn({})]);
    given(member, registered).when("withdrawConsent", {}, { facts: { persons: [] } }).thenRefused("talent_not_you", undefined, 403);
    given(member, [...registered, ConsentWithdrawn({})]).when("withdrawConsent", {}, mine).thenRefused("talent_consent_state", { person: "p_me", consent: "withdrawn" }, 409);
    given(member, [...registered, ConsentWithdrawn({})]).when("giveConsent", {}, mine).then([ConsentGiven({})]);
    given(member, registered).when("giveConsent", {}, mine).thenRefused("talent_consent_state", { person: "p_me", consent: "given" }, 409);
    given(member).when("withdrawConsent", {}, mine).thenRefused("unknown_record", undefined, 404);
  });
  it("invite: staff or a mediator, a consenting member only", function () {
    const consenting = { ...INITIAL_MEMBER, registered: true, person: "p_me", consent: true };
    const input = { member: "p_me", target: { kind: "mediation", id: "case1" } };
    given(invitation).when("invite", input, { roles: ["staff"], facts: { persons: [], member: consenting } }).then([Invited(input as never)]);
    given(invitation).when("invite", input, { roles: ["mediator"], facts: { persons: [], member: consenting } }).then([Invited(input as never)]);
    given(invitation).when("invite", input, { roles: [], facts: { persons: [], member: consenting } }).thenRefused("forbidden", undefined, 403);
    given(invitation).when("invite", input, { roles: ["staff"], facts: { persons: [], member: { ...consenting, consent: false } } }).thenRefused("talent_no_consent", { person: "p_me" }, 409);
    given(invitation).when("invite", input, { roles: ["staff"], facts: { persons: [] } }).thenRefused("talent_not_in_pool", { person: "p_me" }, 404);
    given(invitation).when("invite", { member: "p_me", target: { kind: "party", id: "x" } }, { roles: ["staff"], facts: { persons: [], member: consenting } }).thenRefused("invalid_request", undefined, 400);
  });
  it("accept or decline: the invited member only, once", function () {
    const sent = [Invited({ member: "p_me", target: { kind: "workorder", id: "wo1" } })];
    given(invitation, sent).when("accept", {}, mine).then([InvitationAccepted({})]);
    given(invitation, sent).when("decline", {}, mine).then([InvitationDeclined({})]);
    given(invitation, sent).when("accept", {}, { facts: { persons: ["p_other"] } }).thenRefused("talent_not_invitee", undefined, 403);
    given(invitation, [...sent, InvitationAccepted({})]).when("decline", {}, mine).thenRefused("talent_invitation_wrong_status", { id: "x1", status: "accepted" }, 409);
    given(invitation, [...sent, InvitationDeclined({})]).when("accept", {}, mine).thenRefused("talent_invitation_wrong_status", { id: "x1", status: "declined" }, 409);
  });
});

describe("talent pool over the engine and LevelDB: consent decides the pool and mediation's candidates; the models are the journal's", function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  let engine: Engine;
  const PERSONS: Record<string, string[]> = { [ME]: ["p_me"], [OTHER]: ["p_other"] };
  const made = talentServices({ personsOf: async (address) => PERSONS[address] ?? [] });
  const principal = (address: Hex, roles: string[] = []) => ({ address, roles: async () => roles });
  const run = (service: string, command: string, body: Record<string, unknown>, who: Hex, roles: string[] = [], id?: string) =>
    submit(engine, { service, command, id, body, principal: principal(who, roles) });

  before(async function () {
    tmp = tempDir("talent");
    store = await openStore(path.join(tmp.dir, "store"), [], logEntryEncoding);
    engine = createEngine({ services: made.services, storage: levelServiceStorage(store, createLock(), 31337, undefined), proxyCheck: async () => false });
    made.useEngine(engine);
  });
  after(async function () {
    if (store) await closeStore(store);
    tmp?.remove();
  });

  it("two members; one withdraws: out of the candidates and not invitable; gives consent again: back; a rebuild gives the same models", async function () {
    await run("talent", "register", { ...offer, person: "p_me", consent: true }, ME);
    await run("talent", "register", { ...offer, skills: ["medicine"], languages: ["cmn"], person: "p_other", consent: true }, OTHER);
    const places = async (person: string) => (person === "p_me" ? { building: "1-3", household: "42" } : {});
    expect(await talentCandidates(engine.storage, places)).to.deep.equal([
      { person: "p_me", address: ME, source: "talentPool", skills: ["law", "mediation"], languages: ["cmn", "wuu"], building: "1-3", household: "42" },
      { person: "p_other", address: OTHER, source: "talentPool", skills: ["medicine"], languages: ["cmn"] },
    ]);
    await run("talent", "withdrawConsent", {}, OTHER, [], "p_other");
    expect((await talentCandidates(engine.storage)).map((c) => c.person)).to.deep.equal(["p_me"]);
    const refused = await run("talentinvite", "invite", { member: "p_other", target: { kind: "renewal", id: "garden" } }, STAFF, ["staff"]).catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(Refusal);
    expect((refused as Refusal).code).to.equal("talent_no_consent");
    const invited = await run("talentinvite", "invite", { member: "p_me", target: { kind: "renewal", id: "garden" } }, STAFF, ["staff"]);
    await run("talentinvite", "accept", {}, ME, [], invited.body.id);
    await run("talent", "giveConsent", {}, OTHER, [], "p_other");
    expect((await talentCandidates(engine.storage)).map((c) => c.person)).to.deep.equal(["p_me", "p_other"]);

    const before = await snapshotModels(engine.storage, made.services);
    await rebuildReadModels(engine.storage, made.services);
    expect(await snapshotModels(engine.storage, made.services)).to.deep.equal(before);
  });
});
