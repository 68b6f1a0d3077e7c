// What people wrote on a dispute (what happened, what they want, an answer, reasons, the closing summary and
// terms), read on the vault's audited path: its writer reads their own (subject.request); the parties, the case's
// mediator and participants and the office read the case's texts to arrange the mediation the parties asked for
// (service.arrangement). Nobody else (403); never in a public answer.
import { z } from "zod/v4";
import { actorText } from "../../receipts/actor.js";
import { readNote, type Purpose, type Vault } from "../../vault/index.js";
import { defineQuery, refuse, type QueryDef } from "../framework/index.js";
import { caseFor, readerOf, type QueryDeps } from "./queries.js";

export const FIELDS = ["account", "wish", "note", "summary", "terms"] as const;

export const textItem = z.object({
  version: z.number(),
  event: z.string(),
  field: z.enum(FIELDS),
  at: z.number(),
  mine: z.boolean().describe("written by the signed-in reader (or for them, by staff under their authorisation)"),
  text: z.string().nullable().describe("null: erased"),
});

export function textsQuery(deps: QueryDeps & { vault?: Vault }): QueryDef {
  return defineQuery({
    path: "/api/mediation/disputes/:id/texts",
    summary: "What was written on a dispute (the account, the wish, answers, reasons, the summary and terms), for its parties, mediator, participants and the office; each read is an audited vault read",
    who: "signedIn",
    params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }),
    response: z.object({ items: z.array(textItem) }),
    handler: async ({ params }, read, context) => {
      const reader = await readerOf(deps, context);
      await caseFor(read, params.id, reader);
      if (!deps.vault) throw refuse(400, "mediation_text_not_kept", {});
      const actor = actorText({ address: reader.address as `0x${string}` });
      const items: z.infer<typeof textItem>[] = [];
      for (let from = 1; ; from += 100) {
        const records = await read.history(params.id, from, 100);
        for (const record of records) {
          const payload = record.payload as Record<string, unknown>;
          const a = record.actor;
          const writer = "onBehalfOf" in a ? a.onBehalfOf.toLowerCase() : "address" in a ? a.address.toLowerCase() : undefined;
          const mine = writer === reader.address;
          const purpose: Purpose = mine ? "subject.request" : "service.arrangement";
          for (const field of FIELDS) {
            const commitment = payload[field];
            if (typeof commitment !== "string") continue;
            const event = record.kind.slice(record.kind.indexOf(".") + 1);
            items.push({ version: record.version, event, field, at: record.at, mine, text: await readNote(deps.vault, { commitment, actor, purpose }) });
          }
        }
        if (records.length < 100) break;
      }
      return { items };
    },
  });
}
