// Who works for which party (the property company, a utility, sanitation…): the community office keeps the list,
// and only a party's own people accept, start, pause, return and resolve its orders. Each change is a record.
import { z } from "zod/v4";
import { addressRef, defineCommand, defineQuery, defineRecord, defineService, refuse, type AnyService, type JournalRecord } from "../framework/index.js";
import { PARTIES, type Party } from "./categories.js";

export const PARTY_SERVICE = "workparty";

export const MemberSet = defineRecord(PARTY_SERVICE, "memberSet", z.object({ party: z.enum(PARTIES).nullable() }));

type MemberState = { party: Party | null };

export function partyService(): AnyService {
  return defineService<MemberState>({
    name: PARTY_SERVICE,
    basePath: "/api/workorders/parties",
    noun: { "zh-CN": "承办单位人员", en: "party member" },
    records: [MemberSet],
    initial: { party: null },
    evolve: (state, record: JournalRecord) => (MemberSet.is(record) ? { party: record.payload.party } : state),
    commands: [
      defineCommand({
        name: "assign",
        summary: "The community office says which party an address works for (null: none)",
        target: "new",
        input: z.object({ member: addressRef, party: z.enum(PARTIES).nullable() }),
        idOf: (input) => input.member,
        who: ["staff"],
        decide: (state: MemberState, input) => (state.party === input.party ? refuse(409, "workorder_member_unchanged", { party: input.party ?? "-" }) : [MemberSet({ party: input.party })]),
      }),
    ],
    models: ["members"],
    project(record, tx) {
      if (MemberSet.is(record)) {
        if (record.payload.party === null) tx.del("members", record.id);
        else tx.put("members", record.id, record.payload.party);
      }
    },
    queries: [
      defineQuery({
        path: "/api/workorders/parties/members",
        summary: "Who works for which party (the community office)",
        who: ["staff"],
        response: z.object({ items: z.array(z.object({ member: z.string(), party: z.enum(PARTIES) })), nextCursor: z.string().optional() }),
        handler: (_input, read) => read.page("members", { limit: 500, map: (value, key) => ({ member: key, party: value as Party }) }),
      }),
    ],
  });
}
