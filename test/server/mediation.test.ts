// Mediation's rules as given/when/then on plain data: every transition and every refusal (wrong role, conflict of
// interest, expired deadlines, reopened cases), escalation by silence, and the matching of mediators.
import { expect } from "chai";
import type { Actor } from "../../server/src/receipts/actor.js";
import { given, type Emitted } from "../../server/src/services/framework/index.js";
import type { MediationFacts } from "../../server/src/services/mediation/commands.js";
import {
  AgreementRecorded,
  Answered,
  Assigned,
  Closed,
  ConfirmationApplied,
  ConfirmationDecided,
  conflictOf,
  Escalated,
  Extended,
  Filed,
  FollowedUp,
  Invited,
  mediationService,
  rankMediators,
  Reopened,
  SessionHeld,
  SessionScheduled,
  type DisputeState,
  type MatchingDispute,
  type MediatorCandidate,
  type Ranked,
} from "../../server/src/services/mediation/index.js";

const T = 1_780_000_000;
const DAY = 86_400;
const CLAIMANT = "p_claimant";
const RESPONDENT = "p_respondent";
const NEIGHBOUR = "p_neighbour";
const MEDIATOR = "p_mediator";
const OTHER_MEDIATOR = "p_mediator2";
const LAWYER = "p_lawyer";
const MEDIATOR_ADDRESS = "0x00000000000000000000000000000000000000c3";
const resident: Actor = { address: "0x00000000000000000000000000000000000000a1" };
const respondentActor: Actor = { address: "0x00000000000000000000000000000000000000a2" };
const mediatorActor: Actor = { address: MEDIATOR_ADDRESS };
const staff: Actor = { address: "0x00000000000000000000000000000000000000d4" };
const proxy: Actor = { address: "0x00000000000000000000000000000000000000d4", onBehalfOf: "0x00000000000000000000000000000000000000a1", authorisation: "7" };
const sweep: Actor = { system: "mediation.sweep" };

const { service } = mediationService({ personsOf: async () => [], peopleOfUnit: async () => [], householdsOf: async () => [], candidates: async () => [] });

const hex = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as `0x${string}`;
const [ACCOUNT, WISH, NOTE, SUMMARY, TERMS, DOC] = [1, 2, 3, 4, 5, 6].map(hex) as [`0x${string}`, `0x${string}`, `0x${string}`, `0x${string}`, `0x${string}`, `0x${string}`];

const f = (actorPersons: string[], extra: Partial<MediationFacts> = {}): MediationFacts => ({ actorPersons, notes: {}, ...extra });
const asClaimant = (now = T) => ({ actor: resident, now, facts: f([CLAIMANT]) });
const asRespondent = (now = T) => ({ actor: respondentActor, now, facts: f([RESPONDENT]) });
const asMediator = (now = T, notes: MediationFacts["notes"] = {}) => ({ actor: mediatorActor, roles: ["mediator"], now, facts: f([MEDIATOR], { notes }) });
const asStaff = (now = T, extra: Partial<MediationFacts> = {}) => ({ actor: staff, roles: ["staff"], now, facts: f([], extra) });

const place = { estateId: 1, building: 3 };
const fileInput = { category: "noise", place, claimant: CLAIMANT, respondent: { person: RESPONDENT }, languages: ["wuu"], account: "楼上每晚跳绳", wish: "晚十点后安静" };
const filed = Filed({ category: "noise", place, level: "building", claimant: CLAIMANT, respondent: { person: RESPONDENT }, languages: ["wuu"], account: ACCOUNT, wish: WISH, answerDueAt: T + 7 * DAY, dueAt: T + 30 * DAY });
const answered = Answered({ by: RESPONDENT, accepts: true });
const assigned = Assigned({ mediator: MEDIATOR, address: MEDIATOR_ADDRESS, source: "peoplesMediator", by: "matching", proposed: MEDIATOR });
const scheduled = SessionScheduled({ session: 1, at: T + 2 * DAY, place: "mediationRoom" });
const held = SessionHeld({ session: 1, held: true, attendees: [CLAIMANT, RESPONDENT, MEDIATOR] });
const agreed = AgreementRecorded({ document: DOC, signedBy: [CLAIMANT, RESPONDENT], performBy: T + 20 * DAY, confirmationDueAt: T + 3 * DAY + 30 * DAY });
const closedResolved = Closed({ outcome: "resolved", level: "building", summary: SUMMARY, terms: TERMS, followUpDueAt: T + 4 * DAY + 30 * DAY });

/** A dispute through its first records, each a day after the last unless `times` says. */
function dispute(records: Emitted[], times?: number[]) {
  return given(service, records, { id: "d1", actor: resident, times: times ?? records.map((_, i) => T + i * DAY) });
}
const state = (records: Emitted[], times?: number[]) => dispute(records, times).state as DisputeState;
const mediating = [filed, answered, assigned];
const withAgreement = [filed, answered, assigned, agreed];

describe("mediation: rules", function () {
  describe("filing and the answer", function () {
    it("a resident files for themself: the other side must answer within 7 days, the case within a month", function () {
      given(service).when("file", fileInput, { ...asClaimant(), facts: f([CLAIMANT], { notes: { account: ACCOUNT, wish: WISH } }) }).then([filed]);
      const s = state([filed]);
      expect([s.status, s.level, s.answerDueAt, s.dueAt]).to.deep.equal(["awaitingAnswer", "building", T + 7 * DAY, T + 30 * DAY]);
    });

    it("staff file for a resident under an authorisation (the record's actor says so); nobody files for another person", function () {
      given(service).when("file", fileInput, { actor: proxy, now: T, facts: f([CLAIMANT], { notes: { account: ACCOUNT, wish: WISH } }) }).then([filed]);
      given(service).when("file", fileInput, { actor: staff, now: T, facts: f([], { notes: { account: ACCOUNT, wish: WISH } }) }).thenRefused("mediation_not_party", { person: CLAIMANT }, 403);
      given(service).when("file", { ...fileInput, respondent: { person: CLAIMANT } }, { ...asClaimant(), facts: f([CLAIMANT], { notes: { account: ACCOUNT, wish: WISH } }) }).thenRefused("mediation_self", { person: CLAIMANT }, 400);
      given(service).when("file", { ...fileInput, category: "dragons" }, asClaimant()).thenRefused("invalid_request", undefined, 400);
      given(service).when("file", { ...fileInput, account: "" }, asClaimant()).thenRefused("invalid_request", undefined, 400);
    });

    it("against a flat: its people at filing may answer (any one of them); the claimant's own flat is refused", function () {
      const input = { ...fileInput, respondent: { unitId: 406 } };
      const facts = f([CLAIMANT], { notes: { account: ACCOUNT, wish: WISH }, flatPeople: [RESPONDENT, NEIGHBOUR] });
      const againstFlat = Filed({ ...(filed.payload as object), respondent: { unitId: 406, people: [RESPONDENT, NEIGHBOUR] } } as never);
      given(service).when("file", input, { ...asClaimant(), facts }).then([againstFlat]);
      given(service).when("file", input, { ...asClaimant(), facts: { ...facts, flatPeople: [CLAIMANT] } }).thenRefused("mediation_self", { person: CLAIMANT }, 400);
      dispute([againstFlat]).when("respond", { accepts: true }, { actor: respondentActor, facts: f([NEIGHBOUR]) }).then([Answered({ by: NEIGHBOUR, accepts: true })]);
    });

    it("the other side answers once; the claimant cannot answer for them; a declined mediation is recorded", function () {
      dispute([filed]).when("respond", { accepts: true }, asRespondent()).then([answered]);
      dispute([filed]).when("respond", { accepts: false }, { ...asRespondent(), facts: f([RESPONDENT], { notes: { text: NOTE } }) }).then([Answered({ by: RESPONDENT, accepts: false, note: NOTE })]);
      dispute([filed]).when("respond", { accepts: true }, asClaimant()).thenRefused("mediation_not_respondent", { id: "d1" }, 403);
      dispute([filed, answered]).when("respond", { accepts: true }, asRespondent()).thenRefused("mediation_already_answered", { id: "d1" }, 409);
      expect(state([filed, answered]).status).to.equal("mediating");
    });
  });

  describe("escalation", function () {
    it("silence: only the server's sweep, only once the answer is due; one level up, recorded as by silence", function () {
      dispute([filed]).when("escalateBySilence", {}, { actor: sweep, roles: ["system"], now: T + 7 * DAY - 1 }).thenRefused("mediation_answer_not_due", { id: "d1", due: T + 7 * DAY }, 409);
      dispute([filed]).when("escalateBySilence", {}, { actor: staff, roles: ["staff"], now: T + 8 * DAY }).thenRefused("forbidden", { role: "system" }, 403);
      const up = Escalated({ from: "building", to: "community", reason: "silence", bySilence: true });
      dispute([filed]).when("escalateBySilence", {}, { actor: sweep, roles: ["system"], now: T + 7 * DAY }).then([up]);
      const s = state([filed, up]);
      expect([s.status, s.level, s.escalations.length, s.escalations[0]!.bySilence]).to.deep.equal(["mediating", "community", 1, true]);
      dispute([filed, answered]).when("escalateBySilence", {}, { actor: sweep, roles: ["system"], now: T + 9 * DAY }).thenRefused("mediation_wrong_status", undefined, 409);
      // A late answer is still taken at the higher level.
      dispute([filed, up]).when("respond", { accepts: true }, asRespondent(T + 9 * DAY)).then([answered]);
    });

    it("the mediator (or the office) takes it up a level; the mediator below steps back; from the street it is referred to the court and ends", function () {
      dispute(mediating).when("escalate", { reason: "failed" }, asMediator()).then([Escalated({ from: "building", to: "community", reason: "failed", bySilence: false })]);
      const up = [...mediating, Escalated({ from: "building", to: "community", reason: "failed", bySilence: false })];
      expect(state(up).mediator).to.equal(null);
      dispute(up).when("escalate", { reason: "complex" }, asMediator()).thenRefused("mediation_not_mediator", { id: "d1" }, 403);
      const street = [...up, Escalated({ from: "community", to: "street", reason: "complex", bySilence: false })];
      dispute(street).when("escalate", { reason: "complex" }, asStaff()).then([Escalated({ from: "street", to: "court", reason: "complex", bySilence: false }), Closed({ outcome: "escalated", level: "court", followUpDueAt: null })]);
      dispute(mediating).when("escalate", { reason: "silence" }, asStaff()).thenRefused("invalid_request", undefined, 400);
      dispute(mediating).when("escalate", { reason: "failed" }, { ...asClaimant(), roles: [] }).thenRefused("forbidden", { role: "staff / mediator" }, 403);
    });
  });

  describe("assigning a mediator", function () {
    const ranked: Ranked[] = [
      { person: MEDIATOR, address: MEDIATOR_ADDRESS, source: "peoplesMediator", score: 30, skills: ["mediation"], languages: ["wuu"], load: 0 },
      { person: OTHER_MEDIATOR, source: "talentPool", score: 20, skills: ["psychology"], languages: [], load: 1 },
    ];
    const named = (person: string, conflict: "party" | "household" | "building" | null = null) => ({ person, source: "talentPool" as const, skills: [], languages: [], conflict });

    it("the office takes the proposal, or names another with a recorded reason; only staff assign", function () {
      dispute([filed, answered]).when("assign", {}, asStaff(T, { matching: { ranked } })).then([assigned]);
      dispute([filed, answered]).when("assign", { mediator: OTHER_MEDIATOR }, asStaff(T, { matching: { ranked, named: named(OTHER_MEDIATOR) } })).thenRefused("mediation_override_reason", { person: OTHER_MEDIATOR, proposed: MEDIATOR }, 400);
      dispute([filed, answered])
        .when("assign", { mediator: OTHER_MEDIATOR, reason: "language", text: "双方只讲上海话" }, asStaff(T, { matching: { ranked, named: named(OTHER_MEDIATOR) }, notes: { text: NOTE } }))
        .then([Assigned({ mediator: OTHER_MEDIATOR, source: "talentPool", by: "office", proposed: MEDIATOR, reason: "language", note: NOTE })]);
      dispute([filed, answered]).when("assign", {}, { ...asMediator(), facts: f([MEDIATOR], { matching: { ranked } }) }).thenRefused("forbidden", { role: "staff" }, 403);
      dispute(mediating).when("assign", {}, asStaff(T, { matching: { ranked } })).thenRefused("mediation_same_mediator", { person: MEDIATOR }, 409);
    });

    it("refuses a mediator with a conflict of interest, one who is on no list, and an empty list", function () {
      dispute([filed, answered]).when("assign", { mediator: NEIGHBOUR, reason: "other" }, asStaff(T, { matching: { ranked, named: named(NEIGHBOUR, "household") } })).thenRefused("mediation_conflict_of_interest", { person: NEIGHBOUR, conflict: "household" }, 409);
      dispute([filed, answered]).when("assign", { mediator: "p_nobody", reason: "other" }, asStaff(T, { matching: { ranked, named: null } })).thenRefused("mediation_unknown_mediator", { person: "p_nobody" }, 404);
      dispute([filed, answered]).when("assign", {}, asStaff(T, { matching: { ranked: [] } })).thenRefused("mediation_no_candidate", { id: "d1" }, 409);
    });

    it("三所联动: the mediator invites a lawyer, the police or the judicial office, in that role; not a party; not twice", function () {
      dispute(mediating).when("invite", { person: LAWYER, role: "lawyer" }, asMediator()).then([Invited({ person: LAWYER, role: "lawyer" })]);
      dispute(mediating).when("invite", { person: RESPONDENT, role: "lawyer" }, asMediator()).thenRefused("mediation_conflict_of_interest", { person: RESPONDENT, conflict: "party" }, 409);
      dispute([...mediating, Invited({ person: LAWYER, role: "lawyer" })]).when("invite", { person: LAWYER, role: "lawyer" }, asMediator()).thenRefused("mediation_already_invited", { person: LAWYER, role: "lawyer" }, 409);
      dispute(mediating).when("invite", { person: LAWYER, role: "police" }, { actor: { address: "0x00000000000000000000000000000000000000e5" }, roles: ["mediator"], facts: f([OTHER_MEDIATOR]) }).thenRefused("mediation_not_mediator", { id: "d1" }, 403);
      dispute(mediating).when("invite", { person: LAWYER, role: "judge" }, asMediator()).thenRefused("invalid_request", undefined, 400);
      // Each of the three, by the mediator or the office; the same person may come in a second role.
      const police = Invited({ person: "p_police", address: "0x00000000000000000000000000000000000000e6", role: "police" });
      const judicial = Invited({ person: "p_judicial", role: "judicialOffice" });
      dispute(mediating).when("invite", { person: "p_police", address: "0x00000000000000000000000000000000000000e6", role: "police" }, asMediator()).then([police]);
      dispute(mediating).when("invite", { person: "p_judicial", role: "judicialOffice" }, asStaff()).then([judicial]);
      dispute([...mediating, Invited({ person: LAWYER, role: "lawyer" })]).when("invite", { person: LAWYER, role: "judicialOffice" }, asStaff()).then([Invited({ person: LAWYER, role: "judicialOffice" })]);
      expect(state([...mediating, Invited({ person: LAWYER, role: "lawyer" }), police, judicial]).participants.map((p) => [p.person, p.role])).to.deep.equal([[LAWYER, "lawyer"], ["p_police", "police"], ["p_judicial", "judicialOffice"]]);
    });
  });

  describe("sessions, time limit and agreement", function () {
    it("sessions: scheduled by the case's mediator in the future, recorded once it has taken place, with attendees of the case", function () {
      dispute([filed, answered]).when("scheduleSession", { at: T + 2 * DAY }, asStaff(T)).thenRefused("mediation_no_mediator", { id: "d1" }, 409);
      dispute(mediating).when("scheduleSession", { at: T - 1 }, asMediator(T)).thenRefused("mediation_session_in_past", { at: T - 1 }, 400);
      dispute(mediating).when("scheduleSession", { at: T + 2 * DAY }, asMediator(T)).then([scheduled]);
      dispute(mediating).when("scheduleSession", { at: T + 2 * DAY }, { ...asClaimant(), roles: [] }).thenRefused("forbidden", { role: "staff / mediator" }, 403);
      const withSession = [...mediating, scheduled];
      dispute(withSession).when("recordSession", { session: 1, held: true, attendees: [CLAIMANT] }, asMediator(T + DAY)).thenRefused("mediation_session_not_yet", { session: 1, at: T + 2 * DAY }, 409);
      dispute(withSession).when("recordSession", { session: 2, held: true }, asMediator(T + 3 * DAY)).thenRefused("mediation_unknown_session", { session: 2 }, 404);
      dispute(withSession).when("recordSession", { session: 1, held: true, attendees: [CLAIMANT, "p_stranger"] }, asMediator(T + 3 * DAY)).thenRefused("mediation_unknown_attendee", { person: "p_stranger" }, 400);
      dispute(withSession).when("recordSession", { session: 1, held: true, attendees: [CLAIMANT, RESPONDENT, MEDIATOR] }, asMediator(T + 3 * DAY)).then([held]);
      dispute([...withSession, held]).when("recordSession", { session: 1, held: false }, asMediator(T + 3 * DAY)).thenRefused("mediation_session_recorded", { session: 1 }, 409);
      expect(state([...withSession, held]).sessions).to.deep.equal([{ session: 1, at: T + 2 * DAY, place: "mediationRoom", held: true, attendees: [CLAIMANT, RESPONDENT, MEDIATOR] }]);
    });

    it("the time limit: past it, no session or agreement until it is extended with a reason", function () {
      const late = T + 31 * DAY;
      dispute(mediating).when("scheduleSession", { at: late + DAY }, asMediator(late)).thenRefused("mediation_time_limit_passed", { id: "d1", dueAt: T + 30 * DAY }, 409);
      const extended = Extended({ days: 15, reason: "expertAssessment", dueAt: late + 15 * DAY });
      dispute(mediating).when("extend", { days: 15, reason: "expertAssessment" }, asMediator(late)).then([extended]);
      dispute(mediating).when("extend", { days: 15, reason: "becauseISaidSo" }, asMediator(late)).thenRefused("invalid_request", undefined, 400);
      dispute([...mediating, extended]).when("scheduleSession", { at: late + DAY }, asMediator(late)).then([SessionScheduled({ session: 1, at: late + DAY, place: "mediationRoom" })]);
      expect(state([...mediating, extended]).extensions).to.equal(1);
    });

    it("the agreement must be signed by both parties (for a flat, one of its people), only parties; judicial confirmation within 30 days", function () {
      const input = { document: DOC, signedBy: [CLAIMANT, RESPONDENT], performBy: T + 20 * DAY };
      dispute(mediating).when("recordAgreement", input, asMediator(T + 3 * DAY)).then([agreed]);
      dispute(mediating).when("recordAgreement", { ...input, signedBy: [CLAIMANT, CLAIMANT] }, asMediator(T + 3 * DAY)).thenRefused("mediation_agreement_unsigned", { missing: "respondent" }, 409);
      dispute(mediating).when("recordAgreement", { ...input, signedBy: [CLAIMANT, LAWYER] }, asMediator(T + 3 * DAY)).thenRefused("mediation_unknown_signatory", { person: LAWYER }, 400);
      // The deadline to perform the terms: today or later (the client sends the end of the day chosen).
      dispute(mediating).when("recordAgreement", { ...input, performBy: T + 3 * DAY - 1 }, asMediator(T + 3 * DAY)).thenRefused("mediation_perform_by_past", { performBy: T + 3 * DAY - 1 }, 400);
      dispute(mediating).when("recordAgreement", { ...input, performBy: T + 3 * DAY }, asMediator(T + 3 * DAY)).then([AgreementRecorded({ ...(agreed.payload as object), performBy: T + 3 * DAY } as never)]);
      const s = state(withAgreement, [T, T, T, T + 3 * DAY]);
      expect(s.agreement).to.deep.include({ document: DOC, confirmationDueAt: T + 33 * DAY });
      dispute(withAgreement).when("applyConfirmation", {}, asMediator(T + 33 * DAY + 1)).thenRefused("mediation_confirmation_expired", { id: "d1", dueAt: T + 33 * DAY }, 409);
      dispute(withAgreement).when("applyConfirmation", {}, asMediator(T + 20 * DAY)).then([ConfirmationApplied({ document: DOC })]);
      dispute(mediating).when("applyConfirmation", {}, asMediator()).thenRefused("mediation_no_agreement", { id: "d1" }, 409);
      dispute(withAgreement).when("decideConfirmation", { confirmed: true }, asStaff()).thenRefused("mediation_confirmation_not_applied", { id: "d1", confirmation: "none" }, 409);
      const applied = [...withAgreement, ConfirmationApplied({ document: DOC })];
      dispute(applied).when("decideConfirmation", { confirmed: true }, asMediator()).thenRefused("forbidden", { role: "staff" }, 403);
      dispute(applied).when("decideConfirmation", { confirmed: true }, asStaff()).then([ConfirmationDecided({ confirmed: true })]);
      dispute(applied).when("applyConfirmation", {}, asMediator()).thenRefused("mediation_confirmation_already", { id: "d1", confirmation: "applied" }, 409);
      dispute(applied).when("recordAgreement", input, asMediator(T + 4 * DAY)).thenRefused("mediation_agreement_confirmed", { id: "d1" }, 409);
    });
  });

  describe("closing, follow-up and reopening", function () {
    it("resolved needs an agreement and its terms; failed does not; each with the anonymised summary; the follow-up is due 30 days after", function () {
      dispute(mediating).when("close", { outcome: "resolved", summary: "x", terms: "y" }, asMediator(T, { summary: SUMMARY, terms: TERMS })).thenRefused("mediation_no_agreement", { id: "d1" }, 409);
      dispute(withAgreement).when("close", { outcome: "resolved", summary: "x" }, asMediator(T, { summary: SUMMARY })).thenRefused("mediation_terms_needed", { outcome: "resolved" }, 400);
      dispute(withAgreement, [T, T, T, T + 3 * DAY]).when("close", { outcome: "resolved", summary: "x", terms: "y" }, asMediator(T + 4 * DAY, { summary: SUMMARY, terms: TERMS })).then([closedResolved]);
      dispute(mediating).when("close", { outcome: "failed", summary: "x" }, asMediator(T, { summary: SUMMARY })).then([Closed({ outcome: "failed", level: "building", summary: SUMMARY, followUpDueAt: null })]);
      dispute(mediating).when("close", { outcome: "withdrawn", summary: "x" }, asMediator(T, { summary: SUMMARY })).thenRefused("invalid_request", undefined, 400);
      dispute(mediating).when("close", { outcome: "failed", summary: "x" }, { ...asRespondent(), roles: ["mediator"] }).thenRefused("mediation_not_mediator", { id: "d1" }, 403);
    });

    it("the claimant withdraws (or staff for them); not the other side", function () {
      dispute(mediating).when("withdraw", {}, asClaimant()).then([Closed({ outcome: "withdrawn", level: "building", followUpDueAt: null })]);
      dispute([filed]).when("withdraw", {}, { actor: proxy, facts: f([CLAIMANT]) }).then([Closed({ outcome: "withdrawn", level: "building", followUpDueAt: null })]);
      dispute(mediating).when("withdraw", {}, asRespondent()).thenRefused("mediation_not_claimant", { id: "d1" }, 403);
    });

    it("回访: once due, once; not for a case without agreement", function () {
      const closed = [...withAgreement, closedResolved];
      const due = T + 34 * DAY;
      dispute(closed).when("followUp", { result: "kept" }, asMediator(due - 1)).thenRefused("mediation_follow_up_not_due", { id: "d1", due }, 409);
      dispute(closed).when("followUp", { result: "kept" }, asMediator(due)).then([FollowedUp({ result: "kept" })]);
      dispute([...closed, FollowedUp({ result: "kept" })]).when("followUp", { result: "kept" }, asMediator(due)).thenRefused("mediation_followed_up", { id: "d1" }, 409);
      dispute([...mediating, Closed({ outcome: "failed", level: "building", summary: SUMMARY, followUpDueAt: null })]).when("followUp", { result: "kept" }, asMediator(due)).thenRefused("mediation_no_follow_up", { id: "d1" }, 409);
      dispute(mediating).when("followUp", { result: "kept" }, asMediator(due)).thenRefused("mediation_wrong_status", { id: "d1", status: "mediating", allowed: "closed" }, 409);
    });

    it("a party reopens a closed case within 90 days; not a court referral, not a judicially confirmed agreement, not later, not a stranger", function () {
      const closed = [...withAgreement, closedResolved];
      const closedAt = T + 4 * DAY;
      const reopened = Reopened({ reason: "agreementNotKept", dueAt: closedAt + 10 * DAY + 30 * DAY });
      dispute(closed).when("reopen", { reason: "agreementNotKept" }, asRespondent(closedAt + 10 * DAY)).then([reopened]);
      const s = state([...closed, reopened]);
      expect([s.status, s.outcome, s.reopens, s.mediator?.person]).to.deep.equal(["mediating", null, 1, MEDIATOR]);
      dispute(closed).when("reopen", { reason: "agreementNotKept" }, asRespondent(closedAt + 91 * DAY)).thenRefused("mediation_reopen_window", { id: "d1", days: 90 }, 409);
      dispute(closed).when("reopen", { reason: "agreementNotKept" }, { actor: staff, facts: f(["p_stranger"]) }).thenRefused("mediation_not_party", { person: "p_stranger" }, 403);
      const confirmed = [...withAgreement, ConfirmationApplied({ document: DOC }), ConfirmationDecided({ confirmed: true }), closedResolved];
      dispute(confirmed).when("reopen", { reason: "agreementNotKept" }, asClaimant(closedAt + DAY)).thenRefused("mediation_reopen_confirmed", { id: "d1" }, 409);
      const court = [filed, answered, Escalated({ from: "building", to: "community", reason: "failed", bySilence: false }), Escalated({ from: "community", to: "street", reason: "failed", bySilence: false }), Escalated({ from: "street", to: "court", reason: "failed", bySilence: false }), Closed({ outcome: "escalated", level: "court", followUpDueAt: null })];
      dispute(court).when("reopen", { reason: "newFacts" }, asClaimant(T + 10 * DAY)).thenRefused("mediation_reopen_court", { id: "d1" }, 409);
      dispute(mediating).when("reopen", { reason: "newFacts" }, asClaimant()).thenRefused("mediation_wrong_status", undefined, 409);
    });
  });
});

describe("mediation: matching", function () {
  const noise: MatchingDispute = { category: "noise", building: "1-3", parties: [CLAIMANT, RESPONDENT], households: ["406", "506"], languages: ["wuu"] };
  const c = (person: string, extra: Partial<MediatorCandidate> = {}): MediatorCandidate => ({ person, source: "peoplesMediator", skills: ["mediation"], languages: ["cmn"], ...extra });

  it("leaves out a party, a party's household, and (for neighbours' disputes) someone of the same building", function () {
    expect(conflictOf(noise, c(CLAIMANT))).to.equal("party");
    expect(conflictOf(noise, c("p_spouse", { household: "406" }))).to.equal("household");
    expect(conflictOf(noise, c("p_upstairs", { building: "1-3", household: "606" }))).to.equal("building");
    expect(conflictOf({ ...noise, category: "propertyFees" }, c("p_upstairs", { building: "1-3" })), "fees are estate-wide: the building does not matter").to.equal(null);
    expect(conflictOf(noise, c("p_far", { building: "1-9", household: "901" }))).to.equal(null);
    const ranked = rankMediators(noise, [c(CLAIMANT), c("p_spouse", { household: "406" }), c("p_upstairs", { building: "1-3" }), c("p_far", { building: "1-9" })], () => 0);
    expect(ranked.map((r) => r.person)).to.deep.equal(["p_far"]);
  });

  it("ranks by the category's skills, then a shared dialect, then the lighter load; ties by person id", function () {
    const candidates = [
      c("p_a", { skills: ["mediation", "psychology"], languages: ["cmn"] }),
      c("p_b", { skills: ["mediation"], languages: ["wuu"] }),
      c("p_c", { skills: ["mediation", "psychology"], languages: ["wuu"], source: "talentPool" }),
      c("p_d", { skills: ["plumbing"], languages: ["wuu"] }),
    ];
    const load = new Map([["p_c", 3]]);
    const ranked = rankMediators(noise, candidates, (p) => load.get(p) ?? 0);
    // p_a: 2 skills 20 + first 5 + no wuu 0 + 1 = 26; p_b: 10 + 5 + 8 + 1 = 24; p_c: 20 + 5 + 8 - 9 = 24; p_d: 0 + 0 + 8 + 1 = 9.
    expect(ranked.map((r) => [r.person, r.score])).to.deep.equal([["p_a", 26], ["p_b", 24], ["p_c", 24], ["p_d", 9]]);
    expect(ranked[1]).to.deep.include({ skills: ["mediation"], languages: ["wuu"], load: 0 });
    const light = rankMediators(noise, candidates, () => 0);
    expect(light[0]!.person, "without its load p_c leads").to.equal("p_c");
    expect(rankMediators({ ...noise, languages: [] }, [c("p_x", { languages: ["yue"] })], () => 0)[0]!.score, "no language asked: anyone's is fine").to.equal(10 + 5 + 8 + 1);
  });

  it("the talent pool's retired judges and teachers are matched as its lawyers are: each skill counts where the category calls for it", function () {
    const pool = (person: string, skills: MediatorCandidate["skills"]) => c(person, { source: "talentPool", skills, languages: ["wuu"] });
    const candidates = [pool("p_judge", ["judiciary"]), pool("p_teacher", ["teaching"]), pool("p_doctor", ["medicine"])];
    const score = (dispute: MatchingDispute) => Object.fromEntries(rankMediators(dispute, candidates, () => 0).map((r) => [r.person, [r.score, r.skills]]));
    // Fees are a legal question: the retired judge; 10 for the skill + 8 for the dialect; neither the teacher nor the doctor has a skill it needs.
    expect(score({ ...noise, category: "propertyFees" })).to.deep.equal({ p_judge: [18, ["judiciary"]], p_teacher: [8, []], p_doctor: [8, []] });
    // How neighbours live together: the teacher, and the judge too.
    expect(score({ ...noise, category: "neighbourConduct" })).to.deep.equal({ p_judge: [18, ["judiciary"]], p_teacher: [18, ["teaching"]], p_doctor: [8, []] });
    expect(score(noise)).to.deep.include({ p_teacher: [18, ["teaching"]], p_judge: [8, []] });
    expect(rankMediators({ ...noise, category: "renovation" }, candidates, () => 0)[0]!.person, "a renovation's law: the judge first").to.equal("p_judge");
  });

  it("someone both a people's mediator and in the talent pool counts once, with the skills of both", function () {
    const ranked = rankMediators(noise, [c("p_a", { skills: ["mediation"], address: "0x00000000000000000000000000000000000000f1" }), c("p_a", { source: "talentPool", skills: ["psychology"], languages: ["wuu"] })], () => 0);
    expect(ranked).to.have.length(1);
    expect(ranked[0]).to.deep.include({ person: "p_a", source: "peoplesMediator", skills: ["mediation", "psychology"], languages: ["wuu"], address: "0x00000000000000000000000000000000000000f1" });
  });
});
