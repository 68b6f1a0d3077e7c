import { decodeEventLog, type Abi, type Address, type Hex, type PublicClient, type WalletClient } from "viem";
import { compactSignature, type BallotDomain, type SignedBallot } from "./ballot.js";

/** What the relayer needs to know of a vote. Times are block timestamps in seconds. */
export type VoteWindow = { start: number; end: number; scopeKey: bigint; snapshot: bigint };

/** Where a ballot was counted. */
export type BallotLocation = { txHash: Hex; blockNumber: bigint; logIndex: number };

export type BatchResult = {
  txHash: Hex;
  blockNumber: bigint;
  counted: Map<Address, BallotLocation>;
  /** Holder → `SkipReason` name of OwnersVote. */
  skipped: Map<Address, string>;
};

/** The relayer's reads and writes on chain, over viem. */
export type RelayerChain = {
  domain: () => Promise<BallotDomain>;
  /** undefined for an unknown vote. */
  vote: (voteId: bigint) => Promise<VoteWindow | undefined>;
  /** The latest block's timestamp: ballots are judged by chain time, not the server's clock. */
  now: () => Promise<number>;
  /** `Choice` value of the holder's ballot on chain, 0 if none. */
  ballotOf: (voteId: bigint, holder: Address) => Promise<number>;
  /** The holder's area in the vote's scope at its snapshot; 0 means not eligible. */
  weight: (vote: VoteWindow, holder: Address) => Promise<bigint>;
  /** Whether the holder's ballot on chain is a proxy ballot staff cast for them (their own ballot replaces it). */
  isProxyBallot: (voteId: bigint, holder: Address) => Promise<boolean>;
  submitBatch: (voteId: bigint, ballots: SignedBallot[]) => Promise<BatchResult>;
  /** The `BallotCast` event of a holder's standing ballot (their own, after a replaced proxy ballot), if on chain. */
  findBallotCast: (voteId: bigint, holder: Address) => Promise<BallotLocation | undefined>;
};

export type RelayerChainOptions = {
  publicClient: PublicClient;
  walletClient: WalletClient;
  vote: { address: Address; abi: Abi; deployedAt: bigint };
  registry: { address: Address; abi: Abi };
};

const SKIP_REASONS = ["InvalidChoice", "InvalidSignature", "NotEligible", "AlreadyVoted", "DuplicateInBatch"];

export function relayerChain(options: RelayerChainOptions): RelayerChain {
  const { publicClient, walletClient, vote, registry } = options;
  const readVote = (functionName: string, args: unknown[] = []) =>
    publicClient.readContract({ address: vote.address, abi: vote.abi, functionName, args });
  const readRegistry = (functionName: string, args: unknown[] = []) =>
    publicClient.readContract({ address: registry.address, abi: registry.abi, functionName, args });
  // Constants of the contracts, kept once read. Only answers are kept: a read that failed (node down at first
  // use) is asked again next time, or every ballot would fail until a restart.
  let domain: BallotDomain | undefined;
  // A vote's window, scope and snapshot never change once opened; the chain's time moves slowly enough that
  // half a second of staleness is harmless (the contract itself judges the window again).
  const votes = new Map<bigint, Promise<VoteWindow | undefined>>();
  let clock: { at: number; now: Promise<number> } | undefined;
  const NOW_CACHE_MS = 500;

  async function readWindow(voteId: bigint): Promise<VoteWindow | undefined> {
    const count = (await readVote("voteCount")) as bigint;
    if (voteId < 1n || voteId > count) return undefined;
    const info = (await readVote("voteOf", [voteId])) as { start: number; end: number; scopeKey: bigint; snapshot: number };
    return {
      start: Number(info.start),
      end: Number(info.end),
      scopeKey: BigInt(info.scopeKey),
      snapshot: BigInt(info.snapshot),
    };
  }


  return {
    async domain() {
      if (domain) return domain;
      const [, name, version, chainId, verifyingContract] = (await readVote("eip712Domain")) as readonly [Hex, string, string, bigint, Address];
      domain = { name, version, chainId: Number(chainId), verifyingContract };
      return domain;
    },
    vote(voteId) {
      let cached = votes.get(voteId);
      if (!cached) {
        cached = readWindow(voteId);
        votes.set(voteId, cached);
        // Unknown votes may be opened later; failures may be passing: neither is remembered.
        void cached.then(
          (w) => w ?? votes.delete(voteId),
          () => votes.delete(voteId),
        );
      }
      return cached;
    },
    now() {
      if (!clock || Date.now() - clock.at > NOW_CACHE_MS) {
        const reading = { at: Date.now(), now: publicClient.getBlock({ blockTag: "latest" }).then((b) => Number(b.timestamp)) };
        clock = reading;
        reading.now.catch(() => {
          if (clock === reading) clock = undefined;
        });
      }
      return clock.now;
    },
    async ballotOf(voteId, holder) {
      return Number(await readVote("ballotOf", [voteId, holder]));
    },
    async weight(window, holder) {
      const [, area] = (await readRegistry("holderWeightAt", [window.scopeKey, holder, window.snapshot])) as readonly [
        number,
        bigint,
      ];
      return BigInt(area);
    },
    async isProxyBallot(voteId, holder) {
      return (await readVote("isProxyBallot", [voteId, holder])) as boolean;
    },
    async submitBatch(voteId, ballots) {
      const args = [
        voteId,
        ballots.map((b) => ({ holder: b.holder, choice: b.choice, ...compactSignature(b.signature) })),
      ];
      const { request } = await publicClient.simulateContract({
        account: walletClient.account!,
        address: vote.address,
        abi: vote.abi,
        functionName: "castBallotBatch",
        args,
      });
      // A client without a configured chain (a bare JSON-RPC account) is fine: the node checks the chain id.
      const txHash = await walletClient.writeContract({ ...request, chain: walletClient.chain ?? null });
      const receipt = await publicClient.waitForTransactionReceipt({ hash: txHash });
      if (receipt.status !== "success") throw new Error(`ballot batch ${txHash} reverted`);
      const counted = new Map<Address, BallotLocation>();
      const skipped = new Map<Address, string>();
      for (const log of receipt.logs) {
        if (log.address.toLowerCase() !== vote.address.toLowerCase()) continue;
        const event = decodeEventLog({ abi: vote.abi, data: log.data, topics: log.topics, strict: false });
        const args = event.args as unknown as { holder: Address; reason?: number };
        if (event.eventName === "BallotCast") {
          counted.set(args.holder, { txHash, blockNumber: receipt.blockNumber, logIndex: log.logIndex });
        } else if (event.eventName === "BallotSkipped") {
          skipped.set(args.holder, SKIP_REASONS[Number(args.reason)] ?? `reason ${args.reason}`);
        }
      }
      return { txHash, blockNumber: receipt.blockNumber, counted, skipped };
    },
    async findBallotCast(voteId, holder) {
      const logs = await publicClient.getContractEvents({
        address: vote.address,
        abi: vote.abi,
        eventName: "BallotCast",
        args: { voteId, holder },
        fromBlock: vote.deployedAt,
        toBlock: "latest",
      });
      // A replaced proxy ballot comes first; the holder's own ballot, which stands, is the last.
      const log = logs.at(-1);
      if (!log || log.transactionHash === null || log.blockNumber === null || log.logIndex === null) return undefined;
      return { txHash: log.transactionHash, blockNumber: log.blockNumber, logIndex: log.logIndex };
    },
  };
}
