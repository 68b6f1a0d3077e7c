// Staff acting for a resident must rest on a recorded authorisation. The on-chain ones (ProxyAuthorizations,
// indexed into the `proxyAuthorizations` read model) are checked here; off-chain ones (e.g. kept by the
// directory) plug in as another ProxyCheck, and `anyProxyCheck` accepts either.
import { numKey, readModel, type Store } from "../../store/store.js";
import type { ProxyCheck } from "./engine.js";

/** The fields of the indexer's `proxyAuthorizations` view this check reads (indexer/models/proxies.ts). */
type AuthorizationView = { resident: string; scopes: string[]; expiresAt: number; revoked?: unknown };

/**
 * Accepts an on-chain authorisation (decimal id) for the resident at address `onBehalfOf`, not revoked, not
 * expired at `now`, and covering the scope `scopeOf` gives for the command ("services" unless said: on chain,
 * the scope of acting in the resident's service matters).
 */
export function onchainProxyCheck(store: Store, scopeOf: (service: string, command: string) => string = () => "services"): ProxyCheck {
  return async ({ staff, onBehalfOf, authorisation, service, command, now }) => {
    if (!/^[1-9]\d{0,15}$/.test(authorisation) || !/^0x[0-9a-fA-F]{40}$/.test(onBehalfOf)) return false;
    if (onBehalfOf.toLowerCase() === staff.toLowerCase()) return false; // staff act for themselves directly
    const view = await readModel<AuthorizationView>(store, "proxyAuthorizations", numKey(Number(authorisation)));
    return (
      view !== undefined &&
      view.resident.toLowerCase() === onBehalfOf.toLowerCase() &&
      view.revoked === undefined &&
      now < view.expiresAt &&
      view.scopes.includes(scopeOf(service, command))
    );
  };
}

/** Accepts what any of `checks` accepts. */
export function anyProxyCheck(...checks: ProxyCheck[]): ProxyCheck {
  return async (request) => {
    for (const check of checks) if (await check(request)) return true;
    return false;
  };
}
