// Which of the demo's PDF files belongs to which fund plan, read back from what the chain recorded: a plan's
// payments and disclosure name their documents by hash, and a plan's text (and the vote that approved it) lists
// its attachments by hash. The demo prints it so an auditor knows which file to drop on which plan's page.
import type { DemoDocument } from "./documents.js";
import type { DemoProposal } from "./proposals.js";

type PlanDetail = {
  id: number | string;
  planHash: string;
  voteId: number | string | null;
  disbursements: { docHash: string }[];
  disclosureRecord?: { documentHash: string } | null;
};
type VoteDetail = { contentHash: string };

export type PlanDocuments = { planId: number; title: string; titleEn: string; files: DemoDocument[] };

async function get<T>(apiUrl: string, path: string): Promise<T> {
  const res = await fetch(`${apiUrl}${path}`);
  if (!res.ok) throw new Error(`GET ${path} answered ${res.status}`);
  return (await res.json()) as T;
}

/** Every plan with its title and the demo's PDF files it names; documents of no plan under `others`. */
export async function documentsByPlan(apiUrl: string, documents: DemoDocument[], proposals: DemoProposal[]): Promise<{ plans: PlanDocuments[]; others: DemoDocument[] }> {
  const byHash = new Map(documents.map((d) => [d.hash.toLowerCase(), d]));
  const proposalOf = new Map(proposals.map((p) => [p.hash.toLowerCase(), p]));
  const attachmentsOf = (hash: string | undefined) => (hash ? (proposalOf.get(hash.toLowerCase())?.input.attachments ?? []).map((a) => a.hash) : []);
  const { items } = await get<{ items: { id: number | string }[] }>(apiUrl, "/api/fund/plans?limit=100");
  const plans: PlanDocuments[] = [];
  const used = new Set<string>();
  for (const { id } of items) {
    const plan = await get<PlanDetail>(apiUrl, `/api/fund/plans/${id}`);
    const vote = plan.voteId !== null && plan.voteId !== undefined ? await get<VoteDetail>(apiUrl, `/api/votes/${plan.voteId}`) : undefined;
    const hashes = [
      ...attachmentsOf(vote?.contentHash),
      ...attachmentsOf(plan.planHash),
      ...plan.disbursements.map((d) => d.docHash),
      ...(plan.disclosureRecord ? [plan.disclosureRecord.documentHash] : []),
    ].map((h) => h.toLowerCase());
    const files = [...new Set(hashes)].map((h) => byHash.get(h)).filter((d): d is DemoDocument => d !== undefined);
    for (const f of files) used.add(f.hash.toLowerCase());
    const text = proposalOf.get(plan.planHash.toLowerCase())?.input.title;
    plans.push({ planId: Number(id), title: text?.zh ?? `#${id}`, titleEn: text?.en ?? `#${id}`, files });
  }
  return { plans, others: documents.filter((d) => !used.has(d.hash.toLowerCase())) };
}
