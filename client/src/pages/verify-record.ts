// What an off-chain record in a receipt says, for people: its kind, what it is about, when, who did it (staff
// acting for a resident marked as such) and its payload's fields. Shown as the receipt states it, next to the
// verification's outcome; nothing here is trusted until the steps have passed. The actor and payload are the
// record's canonical JSON texts (docs/receipts.md), parsed defensively: a receipt is untrusted input.
import { dateTime } from "../lib/format.js";
import { h, type Child } from "../lib/dom.js";
import { t } from "../lib/i18n.js";

/** The off-chain record's fields a reader sees (the rest are for the checks). */
export type OffchainRecordFields = { recordId: unknown; kind: unknown; id: unknown; at: unknown; actor: unknown; payload: unknown };

const text = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value) ?? "");

function parse(json: unknown): unknown {
  if (typeof json !== "string") return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/** The actor in words; a proxy actor carries a badge and `data-proxy` so that it cannot be mistaken for the resident. */
function actorView(actorText: unknown): HTMLElement {
  const a = parse(actorText) as Record<string, unknown> | undefined;
  const str = (v: unknown) => typeof v === "string" && v.length > 0;
  if (a && typeof a === "object" && str(a.address) && str(a.onBehalfOf) && str(a.authorisation)) {
    return h(
      "dd",
      { "data-field": "actor", "data-proxy": "true" },
      h("span", { class: "badge warn" }, t("verify.actor.proxyBadge")),
      " ",
      h("span", { class: "break" }, t("verify.actor.proxy", { address: a.address as string, onBehalfOf: a.onBehalfOf as string, authorisation: a.authorisation as string })),
    );
  }
  if (a && typeof a === "object" && str(a.address) && Object.keys(a).length === 1) {
    return h("dd", { "data-field": "actor", "data-proxy": "false" }, h("span", { class: "break" }, t("verify.actor.self", { address: a.address as string })));
  }
  if (a && typeof a === "object" && str(a.system) && Object.keys(a).length === 1) {
    return h("dd", { "data-field": "actor", "data-proxy": "false" }, t("verify.actor.system", { system: a.system as string }));
  }
  // A sealed actor: the record names who acted only by a commitment the vault opens (a suggestion's author).
  const keys = a && typeof a === "object" ? Object.keys(a).sort().join(",") : "";
  if (a && str(a.sealed) && keys === "sealed") {
    return h("dd", { "data-field": "actor", "data-proxy": "false", "data-sealed": "true" }, h("span", { class: "break" }, t("verify.actor.sealed", { sealed: a.sealed as string })));
  }
  if (a && str(a.sealed) && str(a.staff) && keys === "sealed,staff") {
    return h(
      "dd",
      { "data-field": "actor", "data-proxy": "true", "data-sealed": "true" },
      h("span", { class: "badge warn" }, t("verify.actor.proxyBadge")),
      " ",
      h("span", { class: "break" }, t("verify.actor.sealedProxy", { staff: a.staff as string, sealed: a.sealed as string })),
    );
  }
  return h("dd", { "data-field": "actor" }, t("verify.actor.unknown", { text: text(actorText) }));
}

/** The payload's top-level fields, one per row; nested values as their JSON. */
function payloadView(payloadText: unknown): Child {
  const p = parse(payloadText);
  if (p === undefined) return h("dd", { "data-field": "payload", class: "break" }, text(payloadText));
  if (p === null || typeof p !== "object" || Array.isArray(p)) return h("dd", { "data-field": "payload", class: "break" }, JSON.stringify(p));
  const entries = Object.entries(p as Record<string, unknown>);
  if (entries.length === 0) return h("dd", { "data-field": "payload" }, t("verify.record.none"));
  return h(
    "dd",
    { "data-field": "payload" },
    h(
      "dl",
      { class: "facts payload" },
      entries.map(([key, value]) => [
        h("dt", { class: "mono" }, key),
        h("dd", { class: "break", "data-key": key }, typeof value === "string" ? value : JSON.stringify(value)),
      ]),
    ),
  );
}

/** The record as a card: kind, id, time, actor, record number and payload. */
export function offchainRecordView(record: OffchainRecordFields): HTMLElement {
  const at = typeof record.at === "number" ? dateTime(record.at) : text(record.at);
  return h(
    "section",
    { class: "card", "aria-labelledby": "verify-record-h", "data-testid": "offchain-record" },
    h("h3", { id: "verify-record-h" }, t("verify.record.title")),
    h("p", { class: "muted" }, t("verify.record.note")),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, t("verify.record.kind")),
      h("dd", { "data-field": "kind", class: "break" }, text(record.kind)),
      h("dt", {}, t("verify.record.id")),
      h("dd", { "data-field": "id", class: "break" }, text(record.id)),
      h("dt", {}, t("verify.record.at")),
      h("dd", { "data-field": "at", "data-seconds": text(record.at) }, at),
      h("dt", {}, t("verify.record.actor")),
      actorView(record.actor),
      h("dt", {}, t("verify.record.recordId")),
      h("dd", { "data-field": "recordId" }, text(record.recordId)),
      h("dt", {}, t("verify.record.payload")),
      payloadView(record.payload),
    ),
  );
}
