// What to tell a person when something fails, in their language: never "Failed to fetch", an error code or a
// stack. The server's own messages are already in the language asked for (Accept-Language) and say what to do
// next; everything else becomes one of a few plain sentences (the technical detail goes to the console).
import { ApiError } from "./api.js";
import { t } from "./i18n.js";

const NETWORK = /failed to fetch|networkerror|network request failed|load failed|err_connection|econnrefused/i;
const STALE_CHUNK = /dynamically imported module|importing a module script failed|error loading dynamically/i;

export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 0 || err.code === "network") return t("error.network");
    // A message from our API (it has a code of its catalogue); a bare HTTP status from a proxy is not one.
    if (err.message && !err.code.startsWith("http_")) return err.message;
    return err.status >= 500 ? t("error.server") : t("error.request");
  }
  const message = err instanceof Error ? err.message : String(err);
  if (STALE_CHUNK.test(message)) return t("error.stale");
  if (NETWORK.test(message)) return t("error.network");
  console.error(err);
  return t("error.unexpected");
}
