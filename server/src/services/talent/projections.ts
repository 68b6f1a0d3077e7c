// The talent pool's read models, written in each record's own atomic write.
import { numKey } from "../../store/store.js";
import type { JournalRecord, ModelTx } from "../framework/index.js";
import { evolveInvitation, evolveMember, INITIAL_INVITATION, INITIAL_MEMBER, type InvitationState, type MemberState } from "./state.js";

export type MemberRow = MemberState;
export type InvitationRow = InvitationState & { id: string };

export const MODELS = {
  /** person → MemberRow. */
  members: "members",
  /** person → 1 while registered and consenting: the pool as matched and shown. */
  consenting: "consenting",
} as const;

export const INVITATION_MODELS = {
  /** id → InvitationRow. */
  invitations: "invitations",
  /** `<member>:<invitedAt>:<id>`: a member's invitations. */
  byMember: "byMember",
  /** `<inverted invitedAt>:<id>`: every invitation, newest first (the office). */
  newest: "newest",
} as const;

export async function projectMember(record: JournalRecord, tx: ModelTx): Promise<void> {
  const before = (await tx.get<MemberRow>(MODELS.members, record.id)) ?? INITIAL_MEMBER;
  const after = evolveMember(before, record);
  tx.put(MODELS.members, record.id, after);
  const was = before.registered && before.consent;
  const is = after.registered && after.consent;
  if (is && !was) tx.put(MODELS.consenting, record.id, 1);
  if (was && !is) tx.del(MODELS.consenting, record.id);
}

const LATEST = 9_999_999_999;

export async function projectInvitation(record: JournalRecord, tx: ModelTx): Promise<void> {
  const before = (await tx.get<InvitationRow>(INVITATION_MODELS.invitations, record.id)) ?? { ...INITIAL_INVITATION, id: record.id };
  const after: InvitationRow = { ...evolveInvitation(before, record), id: record.id };
  tx.put(INVITATION_MODELS.invitations, record.id, after);
  if (before.status === "none" && after.status !== "none") {
    tx.put(INVITATION_MODELS.byMember, `${after.member}:${numKey(after.invitedAt)}:${record.id}`, 1);
    tx.put(INVITATION_MODELS.newest, `${numKey(LATEST - after.invitedAt)}:${record.id}`, 1);
  }
}
