// The talent pool (能人库), issue 15: skilled residents (retired teachers, doctors, lawyers, judges…) offer what
// they can, with their availability and proof documents (hashes), and an explicit, withdrawable consent to be
// contacted; staff and mediators find them, match them to mediation (talentCandidates) and invite them to work
// orders, mediation cases and micro-renewal projects. The one export the server composes.
import type { Actor } from "../../receipts/actor.js";
import { defineService, modelName, type AnyService, type Engine } from "../framework/index.js";
import { invitationCommands, memberCommands, type TalentFacts } from "./commands.js";
import { INVITATION_MODELS, MODELS, projectInvitation, projectMember, type MemberRow } from "./projections.js";
import { invitationQueries, memberQueries } from "./queries.js";
import { INVITATION_RECORDS, INVITATION_SERVICE, RECORDS, SERVICE } from "./records.js";
import { evolveInvitation, evolveMember, INITIAL_INVITATION, INITIAL_MEMBER, type InvitationState, type MemberState } from "./state.js";
import type { TalentPlaces } from "./candidates.js";

export * from "./skills.js";
export * from "./records.js";
export { placesFromDirectory, talentCandidates, type DirectoryPlaces, type TalentCandidate, type TalentPlaces } from "./candidates.js";
export { INVITATION_MODELS, MODELS as TALENT_MODELS, type InvitationRow, type MemberRow } from "./projections.js";
export { type MemberView } from "./queries.js";
export { evolveMember, INITIAL_MEMBER, type InvitationState, type MemberState } from "./state.js";

export type TalentDeps = {
  /** The vault person ids an address is linked to (the directory): who the acting resident is. */
  personsOf: (address: string) => Promise<string[]>;
  /** Where a member lives (the directory), shown to the office and given to mediation's matching. */
  places?: TalentPlaces;
};

/** The vault person ids the actor speaks for: the resident's (an address's links), or the person id staff act for. */
async function personsOfActor(actor: Actor, personsOf: TalentDeps["personsOf"]): Promise<string[]> {
  const who = "onBehalfOf" in actor ? actor.onBehalfOf : "address" in actor ? actor.address : undefined;
  if (!who) return [];
  return /^0x[0-9a-fA-F]{40}$/.test(who) ? personsOf(who.toLowerCase()) : [who];
}

/**
 * The two services (members, invitations). An invitation reads the member's state (consent) through the engine
 * they run in: `useEngine` once it is made.
 */
export function talentServices(deps: TalentDeps): { services: AnyService[]; useEngine: (engine: Engine) => void } {
  const running: { engine?: Engine } = {};
  const members = defineService<MemberState>({
    name: SERVICE,
    basePath: "/api/talent",
    noun: { "zh-CN": "能人库成员", en: "talent pool member" },
    records: RECORDS,
    initial: INITIAL_MEMBER,
    evolve: evolveMember,
    commands: memberCommands().map((command) => ({
      ...command,
      check: async (_input: unknown, { actor }: { actor: Actor }) => ({ facts: { persons: await personsOfActor(actor, deps.personsOf) } satisfies TalentFacts }),
    })),
    models: Object.values(MODELS),
    project: projectMember,
    queries: memberQueries({ personsOf: deps.personsOf, places: deps.places }),
  });
  const invitations = defineService<InvitationState>({
    name: INVITATION_SERVICE,
    basePath: "/api/talent/invitations",
    noun: { "zh-CN": "邀请", en: "invitation" },
    records: INVITATION_RECORDS,
    initial: INITIAL_INVITATION,
    evolve: evolveInvitation,
    commands: invitationCommands().map((command) => ({
      ...command,
      check: async (input: { member?: string }, { actor }: { actor: Actor }) => {
        const facts: TalentFacts = { persons: await personsOfActor(actor, deps.personsOf) };
        if (input.member !== undefined) facts.member = await running.engine?.storage.get<MemberRow>(modelName(SERVICE, MODELS.members), input.member);
        return { facts };
      },
    })),
    models: Object.values(INVITATION_MODELS),
    project: projectInvitation,
    queries: invitationQueries({ personsOf: deps.personsOf }),
  });
  return {
    services: [members, invitations],
    useEngine: (engine) => {
      running.engine = engine;
    },
  };
}
