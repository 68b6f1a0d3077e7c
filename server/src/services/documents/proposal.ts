// A vote's proposal, or a fund plan's description, as a document: canonical JSON (receipts/record.ts rules: keys
// sorted, no whitespace) of a title in Chinese (and optionally English), the full text, the hashes of attached
// documents and, for an election of the owners' committee, the candidates by public display name or person id.
// Its keccak256 is the vote's on-chain contentHash (or the plan's planHash), so anyone holding the document can
// check it against the chain. No phone or ID number has a place in it: candidates are named as they choose to be
// shown on public pages, or by a directory id.
import { z } from "zod/v4";
import { canonicalJson } from "../../receipts/record.js";
import { MATTERS } from "../../chain/matters.js";

export const PROPOSAL_SCHEMA = "gongzhi/proposal/v1";

const hash32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "a document hash: 0x + 64 hex digits").transform((h) => h.toLowerCase() as `0x${string}`);
/** A run of 7 or more digits (spaces and dashes allowed between them) looks like a phone or an ID number. */
const LOOKS_LIKE_NUMBER = /\d(?:[\s-]?\d){6,}/;
const oneLine = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    // eslint-disable-next-line no-control-regex
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), "one line of text, without control characters");

/** A candidate by public display name, or by directory person id: one of the two. */
const candidate = z
  .object({
    displayName: oneLine(40)
      .refine((v) => !LOOKS_LIKE_NUMBER.test(v), "a display name only (e.g. 王阿姨, 3号楼 李先生): no phone or ID number")
      .optional(),
    personId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "a directory person id").optional(),
  })
  .strict()
  .refine((c) => (c.displayName === undefined) !== (c.personId === undefined), "either displayName or personId, not both");

/** What a client sends to store a proposal (POST /api/documents/proposals). */
export const proposalInput = z
  .object({
    kind: z
      .enum(["vote", "plan", "election"])
      .describe("vote: its hash is the vote's contentHash; plan: a fund plan's planHash; election: one ballot paper of a committee election, whose candidates are each a vote naming it"),
    matter: z.enum(MATTERS).optional().describe("the vote's matter; ElectCommittee needs candidates"),
    title: z.object({ zh: oneLine(200).describe("标题（中文）"), en: oneLine(200).optional().describe("English title") }).strict(),
    text: z
      .string()
      .trim()
      .min(1)
      .max(60_000)
      // eslint-disable-next-line no-control-regex
      .refine((v) => !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(v), "plain text: no control characters but tabs and line breaks")
      .describe("the full text, plain UTF-8"),
    attachments: z
      .array(z.object({ hash: hash32, name: oneLine(200).describe("what the attachment is, e.g. 施工图纸") }).strict())
      .max(50)
      .default([])
      .describe("documents already stored (POST /api/documents), by hash"),
    candidates: z.array(candidate).min(1).max(50).optional().describe("an owners' committee election's candidates"),
    election: hash32
      .optional()
      .describe("a candidate's vote in a committee election: the hash of the election document (kind election) whose ballot paper lists this vote"),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.matter === "ElectCommittee" && !p.candidates) ctx.addIssue({ code: "custom", path: ["candidates"], message: "an election of the committee lists its candidates" });
    if (p.candidates && p.matter !== "ElectCommittee") ctx.addIssue({ code: "custom", path: ["candidates"], message: "candidates belong to an election of the committee (matter ElectCommittee) only" });
    if (p.kind === "plan" && p.matter !== undefined) ctx.addIssue({ code: "custom", path: ["matter"], message: "a plan has no matter: its vote has" });
    // An election is one ballot paper over several votes, one per candidate: the paper lists them all, and each
    // candidate's vote names the paper and its one candidate (so the page can put the votes together).
    if (p.kind === "election" && p.matter !== "ElectCommittee") ctx.addIssue({ code: "custom", path: ["matter"], message: "an election document has matter ElectCommittee" });
    if (p.kind === "election" && p.election !== undefined) ctx.addIssue({ code: "custom", path: ["election"], message: "an election document does not name another election" });
    else if (p.election !== undefined && (p.kind !== "vote" || p.matter !== "ElectCommittee")) ctx.addIssue({ code: "custom", path: ["election"], message: "only a committee election's candidate vote (kind vote, matter ElectCommittee) names an election" });
    else if (p.election !== undefined && p.candidates?.length !== 1) ctx.addIssue({ code: "custom", path: ["candidates"], message: "a candidate's vote in an election names exactly one candidate" });
    const seen = new Set<string>();
    p.attachments.forEach((a, i) => {
      if (seen.has(a.hash)) ctx.addIssue({ code: "custom", path: ["attachments", i, "hash"], message: "attached twice" });
      seen.add(a.hash);
    });
  });

export type ProposalInput = z.infer<typeof proposalInput>;
export type Proposal = { schema: typeof PROPOSAL_SCHEMA } & ProposalInput;

/** The proposal document's bytes: UTF-8 of its canonical JSON. The same proposal always gives the same bytes. */
export function proposalBytes(input: ProposalInput): Uint8Array {
  const document: Proposal = { schema: PROPOSAL_SCHEMA, ...input };
  return new TextEncoder().encode(canonicalJson(document));
}

const storedProposal = z.object({ schema: z.literal(PROPOSAL_SCHEMA) }).passthrough();

/** The proposal in stored bytes, or undefined when they are not a proposal document. */
export function parseProposal(bytes: Uint8Array): Proposal | undefined {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
  if (!storedProposal.safeParse(json).success) return undefined;
  const { schema: _schema, ...rest } = json as Record<string, unknown>;
  const parsed = proposalInput.safeParse(rest);
  return parsed.success ? { schema: PROPOSAL_SCHEMA, ...parsed.data } : undefined;
}
