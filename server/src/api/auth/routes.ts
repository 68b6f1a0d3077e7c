import type { Request, RequestHandler } from "express";
import { isAddressEqual, recoverMessageAddress, type Hex } from "viem";
import { parseSiweMessage, validateSiweMessage } from "viem/siwe";
import { z } from "zod/v4";
import { NonCanonicalSignatureError, normaliseSignature } from "../../chain/signatures.js";
import { ApiError } from "../errors.js";
import type { AddressLimiter } from "../limits.js";
import { defineRoute, type RouteSpec } from "../routes.js";
import type { Session, SessionStore } from "./sessions.js";

/** The on-chain roles of an address, as names (e.g. "committee:1", "custodian", "staff"). */
export type RoleReader = (address: `0x${string}`) => Promise<string[]>;

export type AuthOptions = {
  sessions: SessionStore;
  /** The host the sign-in message must name (EIP-4361 `domain`), e.g. "localhost:8080". */
  domain: string;
  chainId: number;
  rolesOf: RoleReader;
  /** How far in the future a message's `issuedAt` may be (the signer's clock may run a little fast). */
  clockSkewMs: number;
  /** Counts sign-ins per address (after the signature is checked, so nobody can use up someone else's). */
  signInLimiter: AddressLimiter;
  now?: () => number;
};

const sessionsByRequest = new WeakMap<Request, Session>();

/** The session `requireSession` attached to this request. */
export function sessionOf(req: Request): Session {
  const session = sessionsByRequest.get(req);
  if (!session) throw new ApiError(401, "unauthenticated");
  return session;
}

/** Accepts `Authorization: Bearer <token>` of a live session; 401 otherwise. */
export function requireSession(sessions: SessionStore): RequestHandler {
  return (req, _res, next) => {
    const header = req.get("authorization") ?? "";
    const token = header.startsWith("Bearer ") ? header.slice("Bearer ".length).trim() : "";
    const session = token ? sessions.get(token) : undefined;
    if (!session) return next(new ApiError(401, "unauthenticated"));
    sessionsByRequest.set(req, session);
    next();
  };
}

/** After `requireSession`: 403 unless the signed-in address holds `role` on chain now. */
export function requireRole(role: string, rolesOf: RoleReader): RequestHandler {
  return async (req, _res, next) => {
    try {
      const roles = await rolesOf(sessionOf(req).address);
      next(roles.includes(role) ? undefined : new ApiError(403, "forbidden", { role }));
    } catch (error) {
      next(error);
    }
  };
}

const hex = z.string().regex(/^0x[0-9a-fA-F]*$/, "a 0x-prefixed hex string");
const sessionView = z.object({ address: z.string(), roles: z.array(z.string()), expiresAt: z.number() });

/**
 * The message's URI must be this site: an http(s) URL whose host is the sign-in domain. A message signed for
 * another site (or for another path of trust, e.g. `ftp://` or a bare string) is not a sign-in here.
 */
function uriIsThisSite(uri: string, domain: string): boolean {
  try {
    const url = new URL(uri);
    return (url.protocol === "http:" || url.protocol === "https:") && url.host === new URL(`http://${domain}`).host;
  } catch {
    return false;
  }
}

/**
 * Checks an EIP-4361 message and its signature; returns the signer and the message's nonce, or throws the
 * precise 4xx. The nonce is not spent here: the caller spends it once nothing else can fail for the chain's sake.
 */
async function verifySignIn(
  options: AuthOptions,
  message: string,
  rawSignature: Hex,
): Promise<{ address: `0x${string}`; nonce: string }> {
  let parsed: ReturnType<typeof parseSiweMessage>;
  try {
    parsed = parseSiweMessage(message);
  } catch {
    throw new ApiError(400, "siwe_malformed");
  }
  if (!parsed.address || !parsed.nonce || !parsed.domain || parsed.chainId === undefined || !parsed.uri || !parsed.issuedAt) {
    throw new ApiError(400, "siwe_malformed");
  }
  if (parsed.domain !== options.domain) {
    throw new ApiError(401, "siwe_wrong_domain", { got: parsed.domain, expected: options.domain });
  }
  if (!uriIsThisSite(parsed.uri, options.domain)) {
    throw new ApiError(401, "siwe_wrong_uri", { got: parsed.uri, expected: `http(s)://${options.domain}` });
  }
  if (parsed.chainId !== options.chainId) {
    throw new ApiError(401, "siwe_wrong_chain", { got: parsed.chainId, expected: options.chainId });
  }
  const now = new Date((options.now ?? Date.now)());
  if (Number.isNaN(parsed.issuedAt.getTime())) throw new ApiError(400, "siwe_malformed");
  if (parsed.issuedAt.getTime() > now.getTime() + options.clockSkewMs) {
    throw new ApiError(401, "siwe_issued_in_future", {
      issuedAt: parsed.issuedAt.toISOString(),
      now: now.toISOString(),
      skew: Math.round(options.clockSkewMs / 1000),
    });
  }
  if (!validateSiweMessage({ message: parsed, time: now })) throw new ApiError(401, "siwe_expired");
  let signature: Hex;
  try {
    // One signature per message: the high-`s` twin of a signature is the same signature.
    signature = normaliseSignature(rawSignature);
  } catch (error) {
    if (!(error instanceof NonCanonicalSignatureError)) throw error;
    throw new ApiError(401, "siwe_bad_signature", { address: parsed.address });
  }
  let signer: `0x${string}`;
  try {
    signer = await recoverMessageAddress({ message, signature });
  } catch {
    throw new ApiError(401, "siwe_bad_signature", { address: parsed.address });
  }
  if (!isAddressEqual(signer, parsed.address)) {
    throw new ApiError(401, "siwe_bad_signature", { address: parsed.address });
  }
  // Counted only once the signature is the address's own, and before the nonce is spent: a refused sign-in
  // may be sent again once the window has passed.
  options.signInLimiter.take(parsed.address, "sign-in");
  if (!options.sessions.hasNonce(parsed.nonce)) throw new ApiError(401, "siwe_bad_nonce");
  return { address: parsed.address, nonce: parsed.nonce };
}

/** Sign-In with Ethereum: nonce, sign-in, session, sign-out. */
export function authRoutes(options: AuthOptions): RouteSpec[] {
  const signedIn = requireSession(options.sessions);
  return [
    defineRoute({
      method: "post",
      path: "/api/auth/nonce",
      summary: "A one-time nonce for an EIP-4361 sign-in message",
      tags: ["auth"],
      // The server's clock: a client whose clock runs fast dates its message by this, not by its own.
      response: z.object({ nonce: z.string(), domain: z.string(), chainId: z.number(), issuedAt: z.string() }),
      handler: () => ({
        nonce: options.sessions.issueNonce(),
        domain: options.domain,
        chainId: options.chainId,
        issuedAt: new Date((options.now ?? Date.now)()).toISOString(),
      }),
    }),
    defineRoute({
      method: "post",
      path: "/api/auth/sign-in",
      summary: "Exchanges a signed EIP-4361 message for a session token",
      tags: ["auth"],
      body: z.object({ message: z.string().min(1).max(4096), signature: hex }),
      response: sessionView.extend({ token: z.string() }),
      handler: async ({ body }) => {
        const { address, nonce } = await verifySignIn(options, body.message, body.signature as Hex);
        // Roles are read before the nonce is spent: a chain node that is down (503) leaves the message usable.
        const roles = await options.rolesOf(address);
        // Spent only by a message that is otherwise valid, so a typo does not burn it; once only (replays fail).
        if (!options.sessions.consumeNonce(nonce)) throw new ApiError(401, "siwe_bad_nonce");
        const session = options.sessions.create(address);
        return { token: session.token, address, roles, expiresAt: session.expiresAt };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/auth/session",
      summary: "The signed-in address and its on-chain roles",
      tags: ["auth"],
      before: [signedIn],
      response: sessionView,
      handler: async ({ req }) => {
        const session = sessionOf(req);
        return { address: session.address, roles: await options.rolesOf(session.address), expiresAt: session.expiresAt };
      },
    }),
    defineRoute({
      method: "post",
      path: "/api/auth/sign-out",
      summary: "Ends the session",
      tags: ["auth"],
      before: [signedIn],
      response: z.object({ ok: z.boolean() }),
      handler: ({ req }) => {
        options.sessions.revoke(sessionOf(req).token);
        return { ok: true };
      },
    }),
  ];
}
