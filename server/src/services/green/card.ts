// A household's green-account card: the QR code `gongzhi:green:<household>.<tag>`, where the tag is an HMAC of the
// household and its card's serial under a key derived from the vault's master key. Nothing is stored: the server
// recomputes the tag to check a scanned card, a card issued again (serial + 1) makes the one before fail, and no
// one can make a household's card from its flat number. The record names the serial only.
import { createHmac, timingSafeEqual } from "node:crypto";

export const CARD_PREFIX = "gongzhi:green:";
const TAG_BYTES = 12;

/** The card key of a master key: HMAC-SHA256(master, label), never the vault's own key. */
export function cardKeyOf(master: Buffer): Buffer {
  return createHmac("sha256", master).update("gongzhi green cards v1").digest();
}

function tag(key: Buffer, household: string, serial: number): Buffer {
  return createHmac("sha256", key).update(`${household}:${serial}`).digest().subarray(0, TAG_BYTES);
}

/** The text of the household's card (its QR code). */
export function cardUri(key: Buffer, household: string, serial: number): string {
  return `${CARD_PREFIX}${household}.${tag(key, household, serial).toString("base64url")}`;
}

/** The household a scanned text names (the full code or `<household>.<tag>`), and its tag; undefined for anything else. */
export function parseCard(text: string): { household: string; tag: string } | undefined {
  const bare = text.trim().startsWith(CARD_PREFIX) ? text.trim().slice(CARD_PREFIX.length) : text.trim();
  const m = /^(h-[1-9][0-9]{0,9})\.([A-Za-z0-9_-]{16})$/.exec(bare);
  return m ? { household: m[1]!, tag: m[2]! } : undefined;
}

/** Whether a scanned text is the card in force of `household` (serial `serial`; -1: none issued). */
export function cardMatches(key: Buffer, text: string, household: string, serial: number): boolean {
  const card = parseCard(text);
  if (!card || card.household !== household || serial < 0) return false;
  const given = Buffer.from(card.tag, "base64url");
  const expected = tag(key, household, serial);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
