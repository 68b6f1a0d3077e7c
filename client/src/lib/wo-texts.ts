// What was written on a work order (GET /api/workorders/{id}/texts): the report's description, a duplicate's, a
// return's or a fix's note, for its writer, the order's party and staff only (the server reads each from the
// personal-data vault, logged), and its photos (sealed documents the server serves to the same people only).
// Never part of the public views; a viewer who may not read them sees nothing.
import { ApiError, get } from "./api.js";
import { h } from "./dom.js";
import { fileInput } from "./file-input.js";
import { dateTime } from "./format.js";
import { t } from "./i18n.js";
import { signedIn } from "./session.js";

export type Written = { items: TextItem[]; photos: string[] };
export type TextItem = { version: number; event: "reported" | "joined" | "returned" | "resolved"; at: number; mine: boolean; text: string | null };

/** The texts and photos the signed-in viewer may see, or none when they may see none. */
export async function orderTexts(id: string, signal?: AbortSignal): Promise<Written> {
  try {
    return await get<Written>(`/api/workorders/${encodeURIComponent(id)}/texts`, signal);
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return { items: [], photos: [] };
    throw err;
  }
}

/** The texts as a list, each with who wrote it (in words) and when, then the photos; null when there are none. */
export function textsView({ items, photos }: Written, orderId: string): HTMLElement | null {
  if (items.length === 0 && photos.length === 0) return null;
  return h("div", {}, items.length ? textList(items) : null, photos.length ? photoThumbs(orderId, photos) : null);
}

function textList(items: TextItem[]): HTMLElement {
  return h(
    "ul",
    { class: "plain-list wo-texts", "data-testid": "wo-texts" },
    items.map((i) =>
      h(
        "li",
        { "data-event": i.event },
        h("span", { class: "muted" }, `${t(`wo.text.${i.event}`)}${i.mine ? ` · ${t("wo.text.mine")}` : ""} · ${dateTime(i.at)}`),
        h("p", { class: "wo-text" }, i.text ?? h("em", { class: "muted" }, t("wo.text.erased"))),
      ),
    ),
  );
}

/** The optional text box of a form: at most 2000 characters (the server's limit), with a note on who reads it. */
export function textBox(testId: string, rows = 3): HTMLTextAreaElement {
  return h("textarea", { rows, maxlength: 2000, "data-testid": testId }) as HTMLTextAreaElement;
}

/** A phone's camera (or a picture from the phone), optional: one photo. */
export function photoInput(testId: string): HTMLInputElement {
  return fileInput({ accept: "image/*", capture: "environment", testId });
}

/** Stores the chosen photo (sealed; the server checks it is the sender's when it is attached): its hash, or none. */
export async function photoHashes(input: HTMLInputElement, signal?: AbortSignal): Promise<string[]> {
  const file = input.files?.[0];
  if (!file) return [];
  const { uploadDocument } = await import("./upload-document.js");
  return [(await uploadDocument("workorder-photo", file, signal)).hash];
}

/** Small pictures of the order's photos, fetched with the viewer's session (they are not public). */
function photoThumbs(orderId: string, hashes: string[]): HTMLElement {
  return h(
    "p",
    { class: "wo-photos", "data-testid": "wo-photos" },
    hashes.map((hash) => {
      const img = h("img", { alt: t("wo.photo.alt"), width: 96, height: 96, loading: "lazy", "data-hash": hash }) as HTMLImageElement;
      const token = signedIn()?.session.token;
      void fetch(new URL(`/api/workorders/${encodeURIComponent(orderId)}/photos/${hash}`, window.location.origin), { headers: token ? { Authorization: `Bearer ${token}` } : {} })
        .then(async (res) => {
          if (!res.ok) return;
          img.src = URL.createObjectURL(await res.blob());
          img.dataset.loaded = "true";
        })
        .catch(() => undefined);
      return img;
    }),
  );
}
