// Who is told what of a dispute: the other side that a dispute was filed and by when to answer; the parties when a
// mediator takes it, a session is scheduled, it goes up a level, and when it closes. Messages name the case and
// times only; the outbox looks up each person's contact in the vault when sending (by person id), so no name or
// number is in a record, an outbox entry or a log.
import type { JournalRecord, Notification } from "../framework/index.js";
import { Assigned, Closed, Escalated, Filed, SessionScheduled } from "./records.js";
import { partiesOf, respondentPeople, type DisputeState } from "./state.js";

const to = (people: readonly string[]) => [...new Set(people)].map((personId) => ({ personId }));

export function notifyParties(record: JournalRecord, state: DisputeState): Notification[] {
  const caseId = record.id;
  if (Filed.is(record)) return to(respondentPeople(state)).map((r) => ({ to: r, template: "mediation.filed", params: { caseId, answerBy: record.payload.answerDueAt * 1000 } }));
  if (Assigned.is(record)) return to(partiesOf(state)).map((r) => ({ to: r, template: "mediation.assigned", params: { caseId } }));
  if (SessionScheduled.is(record)) {
    const people = [...partiesOf(state), ...state.participants.map((p) => p.person)];
    return to(people).map((r) => ({ to: r, template: "mediation.session", params: { caseId, at: record.payload.at * 1000 } }));
  }
  if (Escalated.is(record)) return to(partiesOf(state)).map((r) => ({ to: r, template: "mediation.escalated", params: { caseId } }));
  if (Closed.is(record)) return to(partiesOf(state)).map((r) => ({ to: r, template: "mediation.closed", params: { caseId } }));
  return [];
}
