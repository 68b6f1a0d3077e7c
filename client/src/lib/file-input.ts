// The one file chooser of the client. Chromium draws a file input's own button and "No file chosen" in the
// browser's language, not the page's: so the real input is visually hidden (still focusable and named: the keyboard
// reaches it with Tab and opens it with Space, a screen reader reads its label) and a label styled as a button says
// what to do in the page's language, with the chosen file's name beside it. `field()` (dom.ts) places the whole
// control when given its input.
import { h, uid } from "./dom.js";
import { t } from "./i18n.js";

export type FileInputOptions = {
  accept?: string;
  multiple?: boolean;
  /** A phone's camera first ("environment"): for photos taken on the spot. */
  capture?: "environment" | "user";
  /** The button's words; by default "选择文件" (or "拍照或选择照片" with `capture`). */
  button?: string;
  primary?: boolean;
  /** Shows the chosen file's name (default); a scanner that reads the file at once and clears it does not. */
  showName?: boolean;
  testId?: string;
  id?: string;
};

/**
 * A file input inside its localized control (`fileControl(input)`); read `input.files` as usual, and clear it with
 * `clearFile` so that the name shown follows.
 */
export function fileInput(options: FileInputOptions = {}): HTMLInputElement {
  const id = options.id ?? uid("file");
  const name = options.showName === false ? null : h("span", { class: "file-name muted", id: `${id}-name`, "aria-live": "polite", "data-testid": options.testId ? `${options.testId}-name` : undefined }, t("file.none"));
  const input = h("input", {
    type: "file",
    id,
    class: "visually-hidden",
    accept: options.accept,
    multiple: options.multiple,
    capture: options.capture,
    "aria-describedby": name?.id,
    "data-testid": options.testId,
  }) as HTMLInputElement;
  const words = options.button ?? (options.capture ? t("file.photo") : options.multiple ? t("file.chooseMany") : t("file.choose"));
  const button = h("label", { for: id, class: options.primary ? "button primary file-button" : "button file-button", "data-testid": options.testId ? `${options.testId}-button` : undefined }, words);
  if (name) input.addEventListener("change", () => showChosen(input, name));
  h("span", { class: "file-pick" }, input, button, name);
  return input;
}

/** The visible control of an input made by `fileInput` (its button and the chosen name), to place in a page. */
export function fileControl(input: HTMLInputElement): HTMLElement {
  return input.parentElement as HTMLElement;
}

/** Empties the input and the name shown. */
export function clearFile(input: HTMLInputElement): void {
  input.value = "";
  const name = fileControl(input).querySelector<HTMLElement>(".file-name");
  if (name) showChosen(input, name);
}

function showChosen(input: HTMLInputElement, name: HTMLElement): void {
  const files = [...(input.files ?? [])];
  name.textContent = files.length === 0 ? t("file.none") : files.length === 1 ? files[0]!.name : t("file.many", { n: files.length });
  name.title = files.map((f) => f.name).join("\n");
}
