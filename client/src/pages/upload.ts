// Upload a document to the document store (docs/documents.md), for the roles that own documents: the committee
// (or the registrar) attachments of proposals and plans, the custodian bank (or the committee) payment papers,
// community staff the scans of paper ballots and written authorisations. The browser computes the file's
// keccak256 itself, sends it along (the server refuses bytes that hash otherwise) and checks that the hash the
// server answers is the same, so what is recorded is the file the user chose. Refusals are the API's own
// messages, in the reader's language, shown next to the file control. keccak is a chunk of its own, loaded when a
// file is chosen.
import type { Hex } from "viem";
import { ApiError } from "../lib/api.js";
import { dropZone, fileBytes, field, h, notice, replace } from "../lib/dom.js";
import { errorText } from "../lib/errors.js";
import { lang, locale, t } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";

/** The classes POST /api/documents takes, and the roles that may store each (server/src/services/documents/types.ts). */
const CLASSES = [
  { name: "attachment", owners: ["committee", "registrar"] },
  { name: "payment", owners: ["custodian", "committee"] },
  { name: "paper-ballot", owners: ["staff"] },
  { name: "authorisation", owners: ["staff"] },
] as const;
type ClassName = (typeof CLASSES)[number]["name"];

/** The file types the store takes (the server checks them again, by the bytes). */
const ACCEPT = "application/pdf,.pdf,image/png,.png,image/jpeg,.jpg,.jpeg,image/webp,.webp,text/plain,.txt";

type Meta = { hash: Hex; type: string; size: number; class: string; recordId: string; url: string };
type Answer = { ok: true; created: boolean; meta: Meta } | { ok: false; code: string; message: string };

const holds = (roles: readonly string[], owner: string) => (owner === "committee" ? roles.some((r) => r.startsWith("committee:")) : roles.includes(owner));

/** Sends the bytes as they are (not JSON), with the hash computed here; the API's refusal as its code and message. */
async function send(cls: ClassName, file: File, bytes: Uint8Array, hash: Hex): Promise<Answer> {
  const headers: Record<string, string> = { Accept: "application/json", "Accept-Language": lang() === "en" ? "en" : "zh-CN", "Content-Type": file.type || "application/octet-stream" };
  const token = signedIn()?.session.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(new URL(`/api/documents?class=${cls}&hash=${hash}`, window.location.origin), { method: "POST", headers, body: new Blob([bytes as BlobPart]) });
  } catch (err) {
    return { ok: false, code: "network", message: errorText(err) };
  }
  const body = (await res.json().catch(() => undefined)) as (Meta & { error?: { code?: string; message?: string } }) | undefined;
  if (!res.ok) return { ok: false, code: body?.error?.code ?? `http_${res.status}`, message: body?.error?.message ?? errorText(new ApiError(res.status, `http_${res.status}`, "")) };
  return { ok: true, created: res.status === 201, meta: body! };
}

export async function render(root: HTMLElement, _ctx: PageContext): Promise<void> {
  const roles = signedIn()?.session.roles ?? [];
  const mine = CLASSES.filter((c) => c.owners.some((o) => holds(roles, o)));
  const select = h(
    "select",
    { "data-testid": "upload-class" },
    CLASSES.map((c) => h("option", { value: c.name, selected: c.name === mine[0]?.name ? true : undefined }, t(`upload.class.${c.name}`))),
  ) as HTMLSelectElement;
  const classHint = h("small", { class: "hint" });
  const showOwners = () => {
    const cls = CLASSES.find((c) => c.name === select.value)!;
    classHint.textContent = t("upload.owners", { roles: cls.owners.map((o) => t(`upload.role.${o}`)).join(t("upload.or")) });
  };
  showOwners();

  const chosen = h("p", { class: "muted break", "data-testid": "upload-file" }, t("upload.noFile"));
  const computed = h("p", { class: "mono break", "data-testid": "upload-computed" });
  // Refusals appear here, right under the file control, and are announced (role=alert).
  const errorSlot = h("div", { id: "upload-error", "aria-live": "assertive" });
  const result = h("div", { "aria-live": "polite" });
  const button = h("button", { type: "submit", class: "primary", disabled: true, "data-testid": "upload-button", "aria-describedby": "upload-error" }, t("upload.button")) as HTMLButtonElement;
  let file: { file: File; bytes: Uint8Array; hash: Hex } | null = null;

  const clear = () => {
    replace(errorSlot);
    replace(result);
  };
  select.addEventListener("change", () => {
    showOwners();
    clear();
  });

  async function choose(f: File): Promise<void> {
    clear();
    file = null;
    button.disabled = true;
    chosen.textContent = t("upload.chosen", { name: f.name, size: f.size.toLocaleString(locale()) });
    computed.textContent = t("upload.hashing");
    const [{ keccak256 }, bytes] = await Promise.all([import("../lib/keccak.js"), fileBytes(f)]);
    const hash = keccak256(bytes);
    file = { file: f, bytes, hash };
    computed.textContent = t("upload.computed", { hash });
    button.disabled = false;
  }

  async function upload(): Promise<void> {
    if (!file) return;
    const current = file;
    clear();
    button.disabled = true;
    replace(result, notice("info", t("upload.sending")));
    try {
      const answer = await send(select.value as ClassName, current.file, current.bytes, current.hash);
      if (!answer.ok) {
        replace(result);
        replace(errorSlot, h("div", { class: "notice error", role: "alert", "data-testid": "upload-error", "data-code": answer.code }, answer.message));
        return;
      }
      const same = answer.meta.hash.toLowerCase() === current.hash.toLowerCase();
      replace(
        result,
        h(
          "section",
          { class: "card", "data-testid": "upload-result", "data-match": same ? "yes" : "no" },
          h("h2", {}, answer.created ? t("upload.stored") : t("upload.already")),
          same ? notice("ok", t("upload.match")) : notice("error", h("strong", {}, t("upload.mismatch"))),
          h("dl", { class: "facts" }, h("dt", {}, t("upload.serverHash")), h("dd", { class: "mono break", "data-testid": "upload-server-hash" }, answer.meta.hash), h("dt", {}, t("upload.localHash")), h("dd", { class: "mono break" }, current.hash), h("dt", {}, t("upload.record")), h("dd", {}, answer.meta.recordId)),
          h("p", {}, h("a", { href: answer.meta.url, target: "_blank", rel: "noopener" }, t("upload.open"))),
        ),
      );
    } finally {
      button.disabled = false;
    }
  }

  const form = h(
    "form",
    { class: "card", "data-testid": "upload-form" },
    field(t("upload.classLabel"), select),
    classHint,
    h("div", { class: "field" }, h("strong", {}, t("upload.fileLabel")), dropZone(t("upload.drop"), ACCEPT, (f) => void choose(f), "upload-drop"), h("small", { class: "hint" }, t("upload.types"))),
    chosen,
    computed,
    errorSlot,
    h("div", { class: "actions" }, button),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void upload();
  });

  const who = signedIn();
  replace(
    root,
    h("h1", {}, t("upload.title")),
    h("p", { class: "lead" }, t("upload.intro")),
    who
      ? mine.length === 0
        ? notice("warn", t("upload.noRole"))
        : null
      : notice("info", t("upload.signInFirst"), " ", h("a", { href: "#/account" }, t("nav.signIn"))),
    h("p", { class: "muted" }, t("upload.proposalNote")),
    form,
    result,
  );
}
