// The transactions staff send for a resident: record a written authorisation (ProxyAuthorizations.record), cast
// a ballot under it (OwnersVote.castBallotOnBehalf), confirm a service or redeem credits (TimeBank's …For). Signed
// in the browser with the staff member's own key or wallet; loaded by the staff pages only, once a staff member
// is signed in. A refusal is told in words, with the contract's own values (which authorisation, until when),
// decoded with the errors of every contract the call passes through (OwnersVote and TimeBank revert with
// ProxyAuthorizations' errors when the authorisation does not hold).
import { BaseError, ContractFunctionRevertedError, parseEventLogs, type Abi, type Address, type Client, type Hex, type TransactionReceipt } from "viem";
import { getBlock, readContract, simulateContract, waitForTransactionReceipt, writeContract } from "viem/actions";
import { abis } from "virtual:abis";
import { commitNote } from "../../../server/src/chain/commitment.js";
import { publicClientFor } from "./chain.js";
import { config, contractAddress } from "./config.js";
import { t, type TextKey } from "./i18n.js";
import { calendarDate } from "./format.js";
import type { SignedIn } from "./session.js";
import { revertReason } from "./tx.js";

export { keccak256 } from "viem";

export type StaffContract = "ProxyAuthorizations" | "OwnersVote" | "TimeBank";
export type StaffStage = "checking" | "signing" | "sent" | "mined";

/** ABI `name` with the errors of the contracts it calls into added, so that their refusals decode too. */
function withErrors(name: StaffContract): Abi {
  const own = abis[name]!;
  const known = new Set(own.filter((e) => e.type === "error").map((e) => e.name));
  const extra = ["ProxyAuthorizations", "CommunityRegistry"].flatMap((other) => (abis[other] ?? []).filter((e) => e.type === "error" && !known.has(e.name) && known.add(e.name)));
  return [...own, ...extra];
}

let client: Client | null = null;
async function publicClient(): Promise<Client> {
  if (!client) {
    const cfg = await config();
    client = publicClientFor(cfg.rpcUrl, cfg.chainId);
  }
  return client;
}

/** The chain's clock (the latest block's time): authorisations expire by it, not by this device's clock. */
export async function chainNow(): Promise<number> {
  const block = await getBlock(await publicClient(), { blockTag: "latest" });
  return Number(block.timestamp);
}

/** A refusal in words, for the page (no error names, no hex). */
export class Refusal extends Error {
  constructor(
    message: string,
    readonly errorName?: string,
  ) {
    super(message);
  }
}

const show = (v: unknown): string => (typeof v === "bigint" ? v.toString() : String(v));

/** The contract's refusal in words, with its values where they help (ids, dates); else tx.ts's reading. */
export function refusalText(err: unknown): { text: string; errorName?: string } {
  if (err instanceof BaseError) {
    const revert = err.walk((e) => e instanceof ContractFunctionRevertedError);
    if (revert instanceof ContractFunctionRevertedError && revert.data?.errorName) {
      const name = revert.data.errorName;
      const args = (revert.data.args ?? []) as unknown[];
      const key = `staff.refusal.${name}` as TextKey;
      const params: Record<string, string> = {};
      args.forEach((a, i) => (params[`a${i}`] = show(a)));
      if (name === "AuthorizationExpired") params.date = calendarDate(show(args[1]));
      if (name === "InvalidExpiry") params.latest = calendarDate(show(args[2]));
      if (name === "ScopeNotAuthorized") params.scope = t(`proxy.scopeBit.${show(args[1])}` as TextKey);
      const text = t(key, params);
      if (text !== key) return { text, errorName: name };
      return { text: revertReason(err), errorName: name };
    }
  }
  return { text: revertReason(err) };
}

/**
 * Checks the call (a refusal is thrown as words before anything is signed), signs and sends it from the staff
 * member's key or wallet, and waits until it is mined. `onStage` follows its progress.
 */
export async function staffSend(
  who: SignedIn,
  contract: StaffContract,
  functionName: string,
  args: readonly unknown[],
  onStage: (stage: StaffStage, detail?: string) => void = () => undefined,
): Promise<TransactionReceipt> {
  const pc = await publicClient();
  const address = await contractAddress(contract);
  const abi = withErrors(contract);
  try {
    onStage("checking");
    await simulateContract(pc, { account: who.address, address, abi, functionName, args });
    onStage("signing");
    const hash = await writeContract(who.wallet, { account: who.wallet.account ?? who.address, chain: who.wallet.chain, address, abi, functionName, args });
    onStage("sent", hash);
    const receipt = await waitForTransactionReceipt(pc, { hash, pollingInterval: 300 });
    if (receipt.status !== "success") throw new Refusal(t("tx.reverted"));
    onStage("mined", String(receipt.blockNumber));
    return receipt;
  } catch (err) {
    if (err instanceof Refusal) throw err;
    const { text, errorName } = refusalText(err);
    throw new Refusal(text, errorName);
  }
}

/** The id of the authorisation a `record` transaction created. */
export function recordedAuthorizationId(receipt: TransactionReceipt): string {
  const [event] = parseEventLogs({ abi: abis.ProxyAuthorizations!, logs: receipt.logs, eventName: "AuthorizationRecorded" });
  if (!event) throw new Refusal(t("staff.noRecordEvent"));
  return show((event.args as { authorizationId: bigint }).authorizationId);
}

/**
 * Refuses, before anything is stored or recorded, a paper ballot of a holder who already has a ballot counted in
 * `voteId` (their own, or one staff entered): OwnersVote would refuse it after its paper was recorded.
 */
export async function refuseIfVoted(voteId: string, holder: Address): Promise<void> {
  const pc = await publicClient();
  const choice = await readContract(pc, { address: await contractAddress("OwnersVote"), abi: abis.OwnersVote!, functionName: "ballotOf", args: [BigInt(voteId), holder] });
  if (Number(choice) !== 0) throw new Refusal(t("staff.refusal.AlreadyVoted", { a0: voteId }), "AlreadyVoted");
}

/** OwnersVote's Choice enum. */
export const CHOICE_VALUE = { for: 1, against: 2, abstain: 3 } as const;

/**
 * What goes on chain as a staff redemption's note: a salted commitment to an empty note. Nothing is kept of it
 * (the page says so); it only fills the field TimeBank requires, and reveals nothing.
 */
export function emptyNote(): Hex {
  return commitNote("").commitment;
}

export type { Address, Hex };
