// The read routes over the indexer's read models, composed into the server. Kept apart from server.ts so that
// the composition does not depend on which resources exist.
import { resourceDeps, resourceRoutes } from "./api/resources/index.js";
import type { ProposalReader, ProposalView } from "./api/resources/proposals.js";
import { makePublicClient } from "./chain/clients.js";
import { lagHeaders } from "./health.js";
import type { ExtraRoutes } from "./server.js";
import type { DocumentService } from "./services/documents/index.js";
import { honouredOf } from "./services/vouchers/index.js";

/** Proposals found are kept (their bytes never change: they are named by hash); misses are asked again. */
const PROPOSAL_CACHE = 1000;

/** The document store's proposals as the vote and fund routes read them. */
export function proposalReader(documents: DocumentService): ProposalReader {
  const cache = new Map<string, ProposalView>();
  return async (hash) => {
    const key = hash.toLowerCase();
    const known = cache.get(key);
    if (known) return known;
    const found = await documents.proposal(key);
    if (!found) return undefined;
    const { proposal, meta } = found;
    const view: ProposalView = {
      hash: meta.hash,
      recordId: meta.recordId,
      title: proposal.title,
      text: proposal.text,
      ...(proposal.matter ? { matter: proposal.matter } : {}),
      attachments: proposal.attachments,
      ...(proposal.candidates ? { candidates: proposal.candidates } : {}),
      kind: proposal.kind,
      ...(proposal.election ? { election: proposal.election } : {}),
    };
    if (cache.size >= PROPOSAL_CACHE) cache.delete(cache.keys().next().value!);
    cache.set(key, view);
    return view;
  };
}

/** Every answer of these routes says how far behind the chain the store is (see lagHeaders). */
export const serverRoutes: ExtraRoutes = ({ service, deployment, settings, documents }) => {
  const client = makePublicClient(settings.rpcUrl, settings.chainId, { timeoutMs: settings.rpcTimeoutMs, retryCount: 0 });
  const lag = lagHeaders(service.indexer);
  const deps = {
    ...resourceDeps(service, deployment, client),
    ...(documents ? { proposals: proposalReader(documents) } : {}),
    // A redemption's page says whether its partner honoured the voucher (the vouchers service's read model).
    honoured: (voucher: string) => honouredOf(service.store, voucher),
  };
  return resourceRoutes(deps).map((route) => ({ ...route, before: [lag, ...(route.before ?? [])] }));
};
