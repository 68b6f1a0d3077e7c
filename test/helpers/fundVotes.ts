import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { OwnersVote } from "../../types/ethers-contracts/index.js";
import type { Connection } from "./estate.js";
import type { ChoiceValue, MatterValue } from "./rules.js";
import { openVote } from "./votes.js";

/**
 * Runs a real owners' vote to its end on OwnersVote: a committee member opens it, each holder casts its ballot
 * once the vote starts, time moves past the closing time, and the vote is finalized.
 * @returns the vote's id
 */
export async function decide(
  connection: Connection,
  vote: OwnersVote,
  opener: HardhatEthersSigner,
  args: { estateId: bigint; buildingId?: bigint; matter: MatterValue; budget?: bigint; contentHash?: string },
  ballots: [HardhatEthersSigner, ChoiceValue][],
  finalize = true,
): Promise<bigint> {
  const { time } = connection.networkHelpers;
  const opened = await openVote(vote, opener, await time.latest(), args);
  await time.increaseTo(opened.start);
  for (const [holder, choice] of ballots) await (await vote.connect(holder).castBallot(opened.voteId, choice)).wait();
  if (finalize) {
    await time.increaseTo(opened.end);
    await (await vote.finalize(opened.voteId)).wait();
  }
  return opened.voteId;
}
