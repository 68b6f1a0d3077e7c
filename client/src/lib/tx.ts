// Sending a transaction from the signed-in key or wallet, with its progress shown step by step:
// checked (simulated) → signed and sent → mined → recorded by the ledger.
import { BaseError, ContractFunctionRevertedError, InsufficientFundsError, type Abi, type Address, type Client, type Hex } from "viem";
import { simulateContract, waitForTransactionReceipt, writeContract } from "viem/actions";
import { h, replace } from "./dom.js";
import { short } from "./format.js";
import { t, type TextKey } from "./i18n.js";
import type { SignedIn } from "./session.js";

export type TxStage = "checking" | "signing" | "sent" | "mined" | "recorded" | "failed";

const ORDER: TxStage[] = ["checking", "signing", "sent", "mined", "recorded"];

export function renderTxProgress(box: HTMLElement, title: string, stage: TxStage, detail = ""): void {
  const reached = ORDER.indexOf(stage);
  box.dataset.stage = stage;
  replace(
    box,
    h("p", {}, h("strong", {}, title)),
    h(
      "ol",
      { class: "progress-steps" },
      ORDER.map((s, i) =>
        h("li", { class: stage !== "failed" && i <= reached ? "done" : "", "data-stage": s, "aria-current": i === reached ? "step" : undefined }, t(`tx.${s}` as TextKey), i === reached && detail ? h("span", { class: "mono muted" }, ` ${detail}`) : null),
      ),
    ),
    stage === "failed" ? h("p", { class: "notice error", role: "alert" }, detail) : null,
  );
}

/** A readable reason for a failed call: the contract's custom error name when there is one. */
export function revertReason(err: unknown): string {
  if (err instanceof BaseError) {
    const revert = err.walk((e) => e instanceof ContractFunctionRevertedError);
    if (revert instanceof ContractFunctionRevertedError && revert.data?.errorName) {
      const key = `revert.${revert.data.errorName}` as TextKey;
      const text = t(key);
      return text === key ? revert.data.errorName : text;
    }
    // viem names a node's "insufficient funds" (geth, Besu) InsufficientFundsError, whose own message does not say so.
    if (err.walk((e) => e instanceof InsufficientFundsError) || /insufficient funds/i.test(err.message)) return t("tx.noGas");
    return err.shortMessage;
  }
  return (err as Error).message.split("\n")[0]!;
}

/**
 * Simulates, sends and waits for a contract call; then waits until `recorded()` (the ledger's read model shows
 * the change) is true. The progress is drawn in `box`.
 */
export async function sendContractTx(options: {
  who: SignedIn;
  client: Client;
  address: Address;
  abi: Abi;
  functionName: string;
  args: readonly unknown[];
  box: HTMLElement;
  title: string;
  recorded?: (txHash: Hex) => Promise<boolean>;
}): Promise<Hex | null> {
  const { who, client, address, abi, functionName, args, box, title } = options;
  try {
    renderTxProgress(box, title, "checking");
    await simulateContract(client, { account: who.address, address, abi, functionName, args });
    renderTxProgress(box, title, "signing");
    const hash = await writeContract(who.wallet, { account: who.wallet.account ?? who.address, chain: who.wallet.chain, address, abi, functionName, args });
    renderTxProgress(box, title, "sent", short(hash, 6));
    const receipt = await waitForTransactionReceipt(client, { hash, pollingInterval: 500 });
    if (receipt.status !== "success") throw new Error(t("tx.reverted"));
    renderTxProgress(box, title, "mined", t("ballot.block", { n: String(receipt.blockNumber) }));
    if (options.recorded) {
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && !(await options.recorded(hash).catch(() => false))) await new Promise((r) => setTimeout(r, 700));
    }
    renderTxProgress(box, title, "recorded", short(hash, 6));
    return hash;
  } catch (err) {
    renderTxProgress(box, title, "failed", revertReason(err));
    return null;
  }
}
