// Storing a file in the document store from the browser (a staff scan, a work order's photo): its keccak256 is
// computed here and must equal the store's answer. Uses the shell's texts only, so any page may import it.
import { lang, t } from "./i18n.js";
import { signedIn } from "./session.js";

/**
 * Stores a file in the document store as `cls` and returns its keccak256, computed here and checked against the
 * store's. The store's refusal (role, type, size) is thrown in its own words, in the reader's language.
 */
export async function uploadDocument(cls: string, file: File, signal?: AbortSignal): Promise<{ hash: `0x${string}`; created: boolean }> {
  const [{ keccak256 }, bytes] = await Promise.all([import("./keccak.js"), file.arrayBuffer().then((b) => new Uint8Array(b))]);
  const hash = keccak256(bytes);
  const headers: Record<string, string> = { Accept: "application/json", "Accept-Language": lang() === "en" ? "en" : "zh-CN", "Content-Type": file.type || "application/octet-stream" };
  const token = signedIn()?.session.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(new URL(`/api/documents?class=${cls}&hash=${hash}`, window.location.origin), { method: "POST", headers, body: new Blob([bytes as BlobPart]), signal });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new Error(t("upload.network", { reason: (err as Error).message }), { cause: err });
  }
  const body = (await res.json().catch(() => undefined)) as { hash?: string; error?: { message?: string } } | undefined;
  if (!res.ok) throw new Error(body?.error?.message ?? t("upload.network", { reason: `HTTP ${res.status}` }));
  if (body?.hash?.toLowerCase() !== hash.toLowerCase()) throw new Error(t("upload.mismatch"));
  return { hash, created: res.status === 201 };
}
