// The text behind a hash the chain records: a vote's contentHash or a fund plan's planHash names a proposal
// document (services/documents/proposal.ts). When this server stores it, the vote and plan answers carry its
// title, text and attachments; otherwise they say so. Clients that must not trust this server fetch the
// document's bytes (GET /api/documents/{hash}) and check their keccak256 themselves.
import type { Request } from "express";
import { z } from "zod/v4";
import { formatMessage, pickLanguage } from "../messages.js";
import type { ResourceDeps } from "./context.js";
import { hash } from "./schemas.js";

/** A proposal as the vote and fund routes show it (what services/documents gives them, by structure). */
export type ProposalView = {
  hash: string;
  recordId: string;
  title: { zh: string; en?: string };
  text: string;
  matter?: string;
  attachments: { hash: string; name: string }[];
  candidates?: { displayName?: string; personId?: string }[];
  /** vote, plan, or election (the ballot paper of a committee election). */
  kind?: string;
  /** A candidate's vote: the hash of its election's document. */
  election?: string;
};

/** Looks a stored proposal up by hash; undefined when this server does not hold it. */
export type ProposalReader = (hash: string) => Promise<ProposalView | undefined>;

const title = z.object({ zh: z.string(), en: z.string().optional() });

export const proposalSchema = z.union([
  z.object({
    stored: z.literal(true),
    title,
    text: z.string().describe("the full text, plain UTF-8"),
    matter: z.string().optional(),
    attachments: z.array(z.object({ hash, name: z.string(), url: z.string() })),
    candidates: z.array(z.object({ displayName: z.string().optional(), personId: z.string().optional() })).optional().describe("an election's candidates: a public display name or a directory person id each"),
    election: hash.optional().describe("a candidate's vote in a committee election: the election document's hash (GET /api/votes?election={hash} lists its votes)"),
    documentUrl: z.string().describe("the proposal document's bytes: keccak256 of them is the hash on chain"),
    recordId: z.string().describe("the anchored document.stored record (GET /api/receipts/offchain/{recordId})"),
  }),
  z.object({ stored: z.literal(false), code: z.literal("proposal_not_stored"), note: z.string() }),
]);
export type ProposalOut = z.infer<typeof proposalSchema>;

/** The proposal behind `documentHash` for an answer, or the note that it is not stored here. */
export async function proposalOf(deps: ResourceDeps, documentHash: string, req: Request): Promise<ProposalOut> {
  const found = deps.proposals ? await deps.proposals(documentHash) : undefined;
  if (!found) return { stored: false, code: "proposal_not_stored", note: formatMessage("proposal_not_stored", pickLanguage(req.get("accept-language")), { hash: documentHash }) };
  return {
    stored: true,
    title: found.title,
    text: found.text,
    ...(found.matter ? { matter: found.matter } : {}),
    attachments: found.attachments.map((a) => ({ hash: a.hash, name: a.name, url: `/api/documents/${a.hash}` })),
    ...(found.candidates ? { candidates: found.candidates } : {}),
    ...(found.election ? { election: found.election } : {}),
    documentUrl: `/api/documents/${found.hash}`,
    recordId: found.recordId,
  };
}

/** Just the title and, for a candidate's vote, its election: for lists. */
export async function titleOf(deps: ResourceDeps, documentHash: string): Promise<{ title: { zh: string; en?: string }; election?: string } | undefined> {
  const found = deps.proposals ? await deps.proposals(documentHash) : undefined;
  return found && { title: found.title, ...(found.election ? { election: found.election } : {}) };
}
