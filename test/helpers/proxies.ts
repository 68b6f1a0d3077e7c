// Staff's written authorisations (ProxyAuthorizations) for contract tests: deploy, record one, scope bits.
import { keccak256, toUtf8Bytes } from "ethers";
import type { Signer } from "ethers";
import type { CommunityRegistry, ProxyAuthorizations } from "../../types/ethers-contracts/index.js";
import type { Connection } from "./estate.js";

/** ProxyAuthorizations' scope bits. */
export const Scope = { Votes: 1n, Services: 2n, Redemptions: 4n, All: 7n } as const;

/** How long a test authorisation runs by default: thirty days. */
export const AUTHORIZATION_DAYS = 30n;

/** Deploys the authorisations contract on `registry`. */
export async function deployProxies(connection: Connection, registry: CommunityRegistry): Promise<ProxyAuthorizations> {
  return connection.ethers.deployContract("ProxyAuthorizations", [await registry.getAddress()]);
}

/** Stands for keccak256 of a scanned signed paper (the tests hash a label instead of an image). */
export const paper = (label: string): string => keccak256(toUtf8Bytes(`scanned paper: ${label}`));

let papers = 0;

/** Records an authorisation by `staff` for `resident` and returns its id. */
export async function authorize(
  proxies: ProxyAuthorizations,
  staff: Signer,
  resident: string,
  scopes: bigint,
  options: { voteId?: bigint; expiresAt?: bigint; document?: string } = {},
): Promise<bigint> {
  const block = await staff.provider!.getBlock("latest");
  const expiresAt = options.expiresAt ?? BigInt(block!.timestamp) + AUTHORIZATION_DAYS * 86_400n;
  const document = options.document ?? paper(`${resident} ${scopes} ${++papers}`);
  const receipt = await (await proxies.connect(staff).record(resident, scopes, options.voteId ?? 0n, expiresAt, document)).wait();
  const log = receipt!.logs.map((l) => proxies.interface.parseLog(l)).find((l) => l?.name === "AuthorizationRecorded");
  return log!.args.authorizationId as bigint;
}
