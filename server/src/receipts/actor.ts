// Who made an off-chain record. Every record names its actor, and a staff member acting for a resident names
// both and the authorisation it rests on, so a proxy action is visible as such in the record itself (and so in
// its receipt). Browser-safe: no node: modules.
import type { Hex } from "viem";
import { canonicalJson } from "./record.js";

export type SelfActor = { address: Hex };
/** Staff acting for a resident: `onBehalfOf` is the resident's address or a directory person id. */
export type ProxyActor = { address: Hex; onBehalfOf: string; authorisation: string };
/** The server itself (a scheduled purge, a delivery worker): `system` names the job. */
export type SystemActor = { system: string };
export type Actor = SelfActor | ProxyActor | SystemActor;

const ADDRESS = /^0x[0-9a-f]{40}$/;
const NAME = /^[\x21-\x7e]{1,100}$/;

export function isProxy(actor: Actor): actor is ProxyActor {
  return "onBehalfOf" in actor;
}

/** The actor's canonical JSON text, as the record carries it; refuses malformed actors (addresses in lowercase). */
export function actorText(actor: Actor): string {
  return canonicalJson(checkActor(actor));
}

/** Parses and checks an actor's text (e.g. from a record); throws on anything but the three forms. */
export function parseActor(text: string): Actor {
  return checkActor(JSON.parse(text) as Actor);
}

function checkActor(actor: Actor): Actor {
  const a = actor as Record<string, unknown>;
  const keys = Object.keys(a).sort().join(",");
  const ok =
    (keys === "address" && ADDRESS.test(String(a.address))) ||
    (keys === "address,authorisation,onBehalfOf" && ADDRESS.test(String(a.address)) && NAME.test(String(a.onBehalfOf)) && NAME.test(String(a.authorisation))) ||
    (keys === "system" && NAME.test(String(a.system)));
  if (!ok) {
    throw new Error(
      `An actor is {address}, {address, onBehalfOf, authorisation} or {system}, with a lowercase 0x address and printable ids of at most 100 characters; got ${JSON.stringify(actor)}.`,
    );
  }
  return actor;
}
