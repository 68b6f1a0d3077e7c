// The talent pool's decisions as given/when/then on plain data: registering (self or staff for a resident,
// explicit consent), updating, withdrawing and giving consent again, inviting (staff or a mediator; not a member
// who withdrew), and the invited member's answer (once, by them only); each refusal.
import { given } from "../../server/src/services/framework/index.js";
import { ConsentGiven, ConsentWithdrawn, InvitationAccepted, InvitationDeclined, Invited, Registered, talentServices, Updated, INITIAL_MEMBER } from "../../server/src/services/talent/index.js";

const ME = "0x00000000000000000000000000000000000000aa" as const;
const STAFF = "0x00000000000000000000000000000000000000dd" as const;
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
