// The party's queue (`#/workorders/queue`, issue 14): a member of the property company, a utility or sanitation
// sees the open orders sent to their party, the soonest deadline first, each with both clocks and its deadline
// (overdue in red), and works them from a phone: accept, start, pause the clock while the wait is the resident's
// (with the reason) and resume it, mark it fixed (with a note of the fix), or return it (退单, with a reason: it goes
// back to the office). What the reporters wrote shows on each card (GET /api/workorders/{id}/texts).
import { ApiError, get, post } from "../lib/api.js";
import { field, h, notice, replace } from "../lib/dom.js";
import { errorText } from "../lib/errors.js";
import { t } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";
import { orderTexts, photoHashes, photoInput, textBox, textsView } from "../lib/wo-texts.js";
import { actionButton, choice, orderCard, partyName, type OrderPage, type Party, type WorkOrder } from "../lib/wo-orders.js";

const PAUSE_REASONS = ["noAccess", "residentRequest"];
const RETURN_REASONS = ["notOurs", "wrongPlace", "needsOtherParty", "other"];

/** A step that needs a reason: a disclosure with the reason's select and the button that sends it. */
function withReason(o: WorkOrder, command: "pause" | "return", result: HTMLElement, done: () => void): HTMLElement {
  const pause = command === "pause";
  const select = choice(pause ? PAUSE_REASONS : RETURN_REASONS, pause ? "woOffice.pauseReason" : "woOffice.returnReason", `wo-${command}-reason`);
  const send = actionButton(o, command, t(pause ? "woOffice.confirmPause" : "woOffice.confirmReturn"), () => ({ reason: select.value }), result, done, true);
  return h(
    "details",
    { class: "wo-more", "data-testid": `wo-${command}` },
    h("summary", { class: "button" }, t(pause ? "woOffice.act.pause" : "woOffice.act.return")),
    field(t(pause ? "woOffice.pauseReason.label" : "woOffice.returnReason.label"), select),
    pause ? null : h("p", { class: "hint" }, t("woOffice.returnHint")),
    h("div", { class: "actions" }, send),
  );
}

function actionsFor(o: WorkOrder, result: HTMLElement, done: () => void): (HTMLElement | null)[] {
  const step = (command: string, label: string, primary = false) => actionButton(o, command, t(label as Parameters<typeof t>[0]), () => ({}), result, done, primary);
  const working = o.status === "accepted" || o.status === "inProgress";
  // The fix may say what was done (kept in the vault: the reporters, the party and staff read it).
  const note = working && !o.paused ? textBox("wo-fix-note", 2) : null;
  const photo = working && !o.paused ? photoInput("wo-fix-photo") : null;
  return [
    note ? field(t("wo.text.note"), note) : null,
    photo ? field(t("wo.photo.fix"), photo) : null,
    o.status === "dispatched" ? step("accept", "woOffice.act.accept", true) : null,
    o.status === "accepted" && !o.paused ? step("start", "woOffice.act.start", true) : null,
    working && !o.paused ? resolveButton(o, note!, photo!, result, done) : null,
    o.paused ? step("resume", "woOffice.act.resume", true) : null,
    working && !o.paused ? withReason(o, "pause", result, done) : null,
    o.status === "dispatched" || o.status === "accepted" ? withReason(o, "return", result, done) : null,
  ];
}

/** Marks it fixed, with the note and the photo if given (the photo is stored first, then named by its hash). */
function resolveButton(o: WorkOrder, note: HTMLTextAreaElement, photo: HTMLInputElement, result: HTMLElement, done: () => void): HTMLButtonElement {
  const button = h("button", { type: "button", class: o.status === "inProgress" ? "primary" : null, "data-action": "resolve" }, t("woOffice.act.resolve")) as HTMLButtonElement;
  button.addEventListener("click", () => {
    button.disabled = true;
    result.replaceChildren();
    void photoHashes(photo)
      .then((photos) => post(`/api/workorders/${encodeURIComponent(o.id)}/resolve`, { photos, ...(note.value.trim() ? { text: note.value.trim() } : {}) }))
      .then(() => done())
      .catch((err: unknown) => {
        button.disabled = false;
        result.replaceChildren(notice("error", errorText(err)));
      });
  });
  return button;
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const title = h("h1", {}, t("woOffice.queue.title"));
  if (!signedIn()) return replace(root, title, notice("info", t("woOffice.signIn"), " ", h("a", { href: "#/account?next=workorders/queue", class: "button primary" }, t("nav.signIn"))));
  const items: WorkOrder[] = [];
  let party: Party;
  try {
    let cursor: string | undefined;
    do {
      const page = await get<OrderPage & { party: Party }>(`/api/workorders/queue?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, ctx.signal);
      party = page.party;
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && items.length < 1000);
  } catch (err) {
    // Not listed under any party: the server's words say whom to ask.
    if (err instanceof ApiError && err.status === 403) return replace(root, title, notice("warn", errorText(err)));
    throw err;
  }
  // What the reporters wrote, for the party (each read is logged by the server's vault).
  const texts = await Promise.all(items.map((o) => orderTexts(o.id, ctx.signal)));
  const now = Math.floor(Date.now() / 1000);
  const done = () => ctx.rerender();
  replace(
    root,
    title,
    h("p", { class: "lead", "data-testid": "wo-party" }, t("woOffice.queue.intro", { party: partyName(party!) })),
    items.length === 0
      ? h("p", { class: "muted", "data-testid": "wo-queue-empty" }, t("woOffice.queue.empty"))
      : h(
          "ul",
          { class: "plain-list cards wo-list", "data-testid": "wo-queue" },
          items.map((o, i) => {
            const result = h("div", { "aria-live": "polite", "data-testid": "wo-result" });
            return orderCard(o, now, actionsFor(o, result, done), result, textsView(texts[i]!, o.id));
          }),
        ),
  );
}
