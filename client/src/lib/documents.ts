// A document recorded on chain only by its hash (an invoice, a contract, a disclosure): fetched from the document
// store and its keccak256 recomputed here in the browser, so the reader sees whether the file the server hands
// out is the one on record. The server is not trusted: a mismatch is shown as a warning, never as the document.
import type { Hex } from "viem";
import { h, replace } from "./dom.js";
import { t, type TextKey } from "./i18n.js";
import { signedIn } from "./session.js";

export type DocumentCheck =
  | { status: "match" }
  | { status: "mismatch"; actual: Hex }
  /** Not stored on this server (404). */
  | { status: "missing" }
  | { status: "unavailable" };

/** The headers of a read of a sealed document: the viewer's session (the server decides whether they may read it). */
function sealedHeaders(): Record<string, string> {
  const token = signedIn()?.session.token;
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/**
 * Fetches the document (from the store, or from `url`, a service's route serving a sealed document to its readers
 * with the viewer's session) and checks its keccak256 against `expected`.
 */
export async function checkDocument(expected: Hex, signal?: AbortSignal, url?: string): Promise<DocumentCheck> {
  let res: Response;
  try {
    res = await fetch(new URL(url ?? `/api/documents/${expected}`, window.location.origin), { signal, headers: url ? sealedHeaders() : {} });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    return { status: "unavailable" };
  }
  if (res.status === 404) return { status: "missing" };
  if (!res.ok) return { status: "unavailable" };
  const [{ keccak256 }, bytes] = await Promise.all([import("./keccak.js"), res.arrayBuffer().then((b) => new Uint8Array(b))]);
  const actual = keccak256(bytes);
  return actual.toLowerCase() === expected.toLowerCase() ? { status: "match" } : { status: "mismatch", actual };
}

/**
 * One recorded document: what it is, its hash, a link to open it and a button that checks it in this browser. A
 * sealed one (`url`: the service's route that serves it to its readers, e.g. a mediation's signed agreement) is
 * fetched with the viewer's session, checked, and opened from this browser's memory.
 */
export function documentItem(what: string, hash: Hex, signal?: AbortSignal, url?: string): HTMLElement {
  const result = h("span", { class: "doc-result", "aria-live": "polite", "data-testid": "doc-result" });
  const button = h("button", { type: "button", class: "secondary small", "data-testid": "doc-verify" }, t("doc.verify"));
  button.addEventListener("click", () => {
    button.disabled = true;
    replace(result, t("doc.checking"));
    void checkDocument(hash, signal, url)
      .then((check) => {
        item.dataset.check = check.status;
        const cls = check.status === "match" ? "ok" : check.status === "mismatch" ? "danger" : "warn";
        replace(
          result,
          h("span", { class: `badge ${cls}`, role: check.status === "mismatch" ? "alert" : undefined }, t(`doc.${check.status}` as TextKey)),
          check.status === "mismatch" ? h("span", { class: "mono muted break" }, ` ${t("doc.actual", { hash: check.actual })}`) : null,
        );
      })
      .catch(() => replace(result, ""))
      .finally(() => (button.disabled = false));
  });
  const item = h(
    "li",
    { class: "doc-item", "data-hash": hash },
    h("strong", {}, what),
    h("span", { class: "mono break doc-hash" }, hash),
    h("span", { class: "doc-actions" }, url ? sealedOpen(url, signal) : h("a", { href: `/api/documents/${hash}`, target: "_blank", rel: "noopener", "data-testid": "doc-open" }, t("doc.open")), " ", button, " ", result),
  );
  return item;
}

/** "Open" for a sealed document: fetched with the viewer's session, then shown from a blob in a new tab. */
function sealedOpen(url: string, signal?: AbortSignal): HTMLElement {
  const button = h("button", { type: "button", class: "secondary small", "data-testid": "doc-open" }, t("doc.open"));
  button.addEventListener("click", () => {
    button.disabled = true;
    void fetch(new URL(url, window.location.origin), { signal, headers: sealedHeaders() })
      .then(async (res) => {
        if (!res.ok) return;
        const blob = URL.createObjectURL(await res.blob());
        const a = h("a", { href: blob, target: "_blank", rel: "noopener" });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(blob), 60_000);
      })
      .catch(() => undefined)
      .finally(() => (button.disabled = false));
  });
  return button;
}
