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
/**
 * Someone the public must not be able to name (a suggestion's author): `sealed` is the salted commitment of a vault
 * note holding the actor's canonical text (address, and for staff the resident and the authorisation), so an
 * auditor opens it through the vault and nobody else can; `staff` is present, in the clear, when staff acted for a
 * resident, so a proxy action is still marked as one.
 */
export type SealedActor = { sealed: Hex; staff?: Hex };
/** Who acts (a command's caller, the answer it gets). */
export type ActingActor = SelfActor | ProxyActor | SystemActor;
/** Who a record names: who acted, or a sealed stand-in for them. */
export type Actor = ActingActor | SealedActor;

const ADDRESS = /^0x[0-9a-f]{40}$/;
const NAME = /^[\x21-\x7e]{1,100}$/;
const COMMITMENT = /^0x[0-9a-f]{64}$/;

export function isProxy(actor: Actor): actor is ProxyActor {
  return "onBehalfOf" in actor;
}

/** Whether staff acted for a resident: a proxy actor, or a sealed one that names its staff. */
export function byStaffForResident(actor: Actor): boolean {
  return "onBehalfOf" in actor || ("sealed" in actor && actor.staff !== undefined);
}

/** The actor a record names when its real actor must stay unnamed: `note` commits to the real actor's text. */
export function sealedActor(actor: SelfActor | ProxyActor, note: Hex): SealedActor {
  return isProxy(actor) ? { sealed: note, staff: actor.address } : { sealed: note };
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
    (keys === "system" && NAME.test(String(a.system))) ||
    (keys === "sealed" && COMMITMENT.test(String(a.sealed))) ||
    (keys === "sealed,staff" && COMMITMENT.test(String(a.sealed)) && ADDRESS.test(String(a.staff)));
  if (!ok) {
    throw new Error(
      `An actor is {address}, {address, onBehalfOf, authorisation}, {system} or {sealed, staff?}, with lowercase 0x addresses, a 32-byte lowercase commitment and printable ids of at most 100 characters; got ${JSON.stringify(actor)}.`,
    );
  }
  return actor;
}
