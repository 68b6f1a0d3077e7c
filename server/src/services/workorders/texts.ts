// What people wrote on a work order (a report's description, a return's or a fix's note): sent as `text` over
// HTTP, kept in the vault as a note of its own (vault/notes.ts), the record carrying only the salted commitment.
// The note is written in the command's lookups, under the order's lock, just before the decision; every command
// that may carry a text runs inside the framework's `keepingTexts`, which erases the notes its command wrote if it is then refused
// (or its write fails), so a refused request leaves nothing in the vault. Reading goes through the vault's audited
// path only, for the text's writer, the order's party and staff; never in a public answer.
import { z } from "zod/v4";
import { actorText, type Actor } from "../../receipts/actor.js";
import { readNote, type Purpose, type Vault } from "../../vault/index.js";
import { defineQuery, keepText, refuse, type QueryDef } from "../framework/index.js";
import type { Party } from "./categories.js";
import { MODELS, type OrderRow } from "./projections.js";
import { Joined, Reported, Resolved, Returned } from "./records.js";
import { reporterOf } from "./state.js";

/** What a resident, a caller or a party member may write: at most this many characters. */
export const MAX_TEXT_CHARS = 2000;
export const textInput = z.string().trim().min(1, "empty").max(MAX_TEXT_CHARS).describe(`free text, at most ${MAX_TEXT_CHARS} characters: kept in the vault, the record holds only a salted commitment`);

/** Keeps `text` as a note and answers its commitment, for the command's lookups (framework/texts.ts). */
export function noteOf(vault: Vault | undefined, text: string, actor: Actor): Promise<`0x${string}`> {
  return keepText(vault, text, actor, refuse(400, "workorder_text_not_kept", {}));
}

export const textItem = z.object({
  version: z.number(),
  event: z.enum(["reported", "joined", "returned", "resolved"]),
  at: z.number(),
  mine: z.boolean().describe("written by the signed-in reader (or for them, by staff under their authorisation)"),
  text: z.string().nullable().describe("null: erased"),
});

export type TextDeps = { vault?: Vault; partyOf: (address: string) => Promise<Party | null> };

/**
 * Who reads which text, and for what (the vault's purposes): its writer reads their own (subject.request); staff
 * and the order's party read every text of the order, to arrange the repair the reporter asked for
 * (service.arrangement, PIPL art. 13(2)); a reporter also reads the fix's notes (service.arrangement). Anyone else
 * reads none (403).
 */
export function textsQuery(deps: TextDeps): QueryDef {
  return defineQuery({
    path: "/api/workorders/:id/texts",
    summary: "What was written on an order (reports, returns, fixes), for its writer, the order's party and staff; each read is an audited vault read. With the order's photo hashes",
    who: "signedIn",
    params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }),
    response: z.object({ items: z.array(textItem), photos: z.array(z.string()).describe("the order's photos (hashes): GET /api/workorders/{id}/photos/{hash}") }),
    handler: async ({ params }, read, context) => {
      const row = await read.get<OrderRow>(MODELS.orders, params.id);
      if (!row) throw refuse(404, "unknown_record", { kind: { "zh-CN": "工单", en: "work order" }, id: params.id });
      const me = context.address!.toLowerCase();
      const staff = context.roles.includes("staff");
      const party = row.party !== null && (await deps.partyOf(me)) === row.party;
      const reporter = row.reporters.includes(me);
      if (!staff && !party && !reporter) throw refuse(403, "workorder_text_forbidden", { id: params.id });
      const actor = actorText({ address: me as `0x${string}` });
      const items: z.infer<typeof textItem>[] = [];
      const photos = new Set<string>();
      for (let from = 1; ; from += 100) {
        const records = await read.history(params.id, from, 100);
        for (const record of records) {
          const payload = record.payload as { description?: string; note?: string; reporter?: string; photos?: string[] };
          for (const hash of payload.photos ?? []) photos.add(hash);
          const commitment = payload.description ?? payload.note;
          if (commitment === undefined) continue;
          const kind = record.kind.slice(record.kind.indexOf(".") + 1) as z.infer<typeof textItem>["event"];
          const writer = Reported.is(record) || Joined.is(record) ? reporterOf(record, payload.reporter) : "address" in record.actor ? record.actor.address.toLowerCase() : undefined;
          const mine = writer === me;
          let purpose: Purpose | undefined;
          if (mine) purpose = "subject.request";
          else if (staff || party || (reporter && Resolved.is(record))) purpose = "service.arrangement";
          if (!purpose || !(Reported.is(record) || Joined.is(record) || Returned.is(record) || Resolved.is(record))) continue;
          if (!deps.vault) throw refuse(400, "workorder_text_not_kept", {});
          items.push({ version: record.version, event: kind, at: record.at, mine, text: await readNote(deps.vault, { commitment, actor, purpose }) });
        }
        if (records.length < 100) break;
      }
      return { items, photos: [...photos] };
    },
  });
}
