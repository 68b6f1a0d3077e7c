// What /api/health says of the relayer: whether its last batch went out, and why not (out of gas, node down).
// The submitter is left alone: the chain it is given records the outcome of every batch it sends.
import { isChainUnavailable, shortChainError } from "../chain/errors.js";
import type { RelayerChain } from "./chain.js";

export type SubmissionState = {
  /** When a batch was last mined. */
  lastOkAt?: number;
  /** Set while batches fail: since when, the last error's first line, and what kind of failure it is. */
  failing?: { since: number; error: string; outOfFunds: boolean; unreachable: boolean };
};

/** The node's words for a sender that cannot pay for gas (geth, Besu, Hardhat, Anvil; viem's own error name). */
export function isOutOfFunds(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 10; depth++) {
    const { name, message, details } = current as { name?: string; message?: string; details?: string };
    if (name === "InsufficientFundsError" || /insufficient funds|insufficient balance|enough funds/i.test(`${message} ${details}`)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** `chain` with `submitBatch` recording into `state`; every other call passes through unchanged. */
export function trackSubmissions(chain: RelayerChain): { chain: RelayerChain; state: SubmissionState } {
  const state: SubmissionState = {};
  return {
    state,
    chain: {
      ...chain,
      async submitBatch(voteId, ballots) {
        try {
          const result = await chain.submitBatch(voteId, ballots);
          state.lastOkAt = Date.now();
          state.failing = undefined;
          return result;
        } catch (error) {
          state.failing = {
            since: state.failing?.since ?? Date.now(),
            error: shortChainError(error),
            outOfFunds: isOutOfFunds(error),
            unreachable: isChainUnavailable(error),
          };
          throw error;
        }
      },
    },
  };
}
