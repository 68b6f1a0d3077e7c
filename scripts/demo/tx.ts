// Sending the demo's transactions one after another and failing loudly, with the function's name, on a revert.
import type { Abi, Account, Address, Chain, PublicClient, Transport, WalletClient, Log } from "viem";

export type Writer = (
  account: Account,
  contract: { address: Address; abi: Abi },
  functionName: string,
  args?: readonly unknown[],
) => Promise<{ logs: Log[]; blockNumber: bigint }>;

export function makeWriter(publicClient: PublicClient<Transport, Chain>, wallet: WalletClient<Transport, Chain>): Writer {
  return async (account, contract, functionName, args = []) => {
    const hash = await wallet.writeContract({ account, chain: wallet.chain, address: contract.address, abi: contract.abi, functionName, args });
    // Anvil answers with the hash before it has mined the block: look again soon, not after viem's default 4 s.
    const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    if (receipt.status !== "success") throw new Error(`${functionName} reverted in ${hash}`);
    return { logs: receipt.logs, blockNumber: receipt.blockNumber };
  };
}
