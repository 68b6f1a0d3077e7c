// Tiny DOM helpers: build elements from plain data, never from HTML strings (no injection by construction).

export type Child = Node | string | number | null | undefined | false | Child[];
export type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** Creates an element: `h("button", { type: "button", onclick: fn, class: "primary" }, "Text")`. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** Creates an SVG element with attributes. */
export function s(tag: string, attrs: Record<string, string | number> = {}, ...children: Child[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  append(el, children);
  return el;
}

function setAttrs(el: HTMLElement, attrs: Attrs): void {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (value === true) {
      el.setAttribute(key, "");
    } else if (key === "value" && (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement)) {
      el.value = String(value);
    } else {
      el.setAttribute(key, String(value));
    }
  }
}

export function append(el: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces all children of `el`. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** Starts a browser download of `content` as `filename`. */
export function download(filename: string, content: string | Uint8Array, type: string): void {
  const blob = new Blob([content as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A unique id for label/field pairs. */
let counter = 0;
export function uid(prefix = "f"): string {
  return `${prefix}-${++counter}`;
}

/** A labelled form field: the label is always visible (elderly readers, screen readers). */
export function field(label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string): HTMLElement {
  const id = control.id || uid();
  control.id = id;
  const hintEl = hint ? h("small", { class: "hint", id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute("aria-describedby", [control.getAttribute("aria-describedby"), hintEl.id].filter(Boolean).join(" "));
  // A file input (lib/file-input.ts) comes inside its localized control: the control is what is placed.
  const shown = control.parentElement?.classList.contains("file-pick") ? control.parentElement : control;
  return h("div", { class: "field" }, h("label", { for: id }, label), shown, hintEl);
}

/**
 * Shows `message` right under `control` (the field it belongs to), tied to it by aria-describedby and
 * aria-invalid, and announced at once (role=alert); `null` clears it. Focus moves to the control when asked, so
 * the person lands where the correction is needed.
 */
export function fieldError(control: HTMLElement, message: string | null, options: { focus?: boolean } = {}): void {
  if (!control.id) control.id = uid();
  const id = `${control.id}-error`;
  control.parentElement?.querySelector(`[id="${id}"]`)?.remove();
  const others = (control.getAttribute("aria-describedby") ?? "").split(/\s+/).filter((x) => x && x !== id);
  if (message === null) {
    control.removeAttribute("aria-invalid");
    if (others.length) control.setAttribute("aria-describedby", others.join(" "));
    else control.removeAttribute("aria-describedby");
    return;
  }
  // A new element each time: a screen reader announces an alert when it appears, not when its text changes.
  control.insertAdjacentElement("afterend", h("p", { id, class: "field-error", role: "alert", "data-testid": "field-error" }, message));
  control.setAttribute("aria-invalid", "true");
  control.setAttribute("aria-describedby", [...others, id].join(" "));
  if (options.focus) control.focus();
}

/** Clears every field error inside `root` (before a new attempt). */
export function clearFieldErrors(root: HTMLElement): void {
  for (const control of root.querySelectorAll<HTMLElement>("[aria-invalid=true]")) fieldError(control, null);
}

/** A live region message (status or error) that screen readers announce. */
export function notice(kind: "info" | "ok" | "error" | "warn", ...children: Child[]): HTMLElement {
  return h("div", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" }, ...children);
}

/** Reads a dropped or chosen file as bytes. */
export async function fileBytes(file: File): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer());
}

/** A drop zone that also accepts a click / keyboard to open a file chooser. */
export function dropZone(label: string, accept: string, onFile: (file: File) => void, testId?: string): HTMLElement {
  const input = h("input", { type: "file", accept, class: "visually-hidden", "data-testid": testId ? `${testId}-input` : undefined });
  const id = uid("drop");
  input.id = id;
  input.addEventListener("change", () => {
    const file = input.files?.[0];
    if (file) onFile(file);
  });
  const zone = h("label", { class: "dropzone", for: id, tabindex: 0, "data-testid": testId }, label);
  zone.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      input.click();
    }
  });
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    const file = e.dataTransfer?.files?.[0];
    if (file) onFile(file);
  });
  return h("div", {}, zone, input);
}
