// A stack of paper ballots entered by community staff, keyboard only, one flat after another: type the flat
// ("1-101"), 1/2/3 for 同意/反对/弃权, attach that ballot's scan, Enter. OwnersVote counts a staff ballot only
// under an authorisation naming the holder (castBallotOnBehalf), so each paper ballot is recorded first as its
// own authorisation for this vote alone (its scan's hash on chain, expiring at the vote's close: the paper is the
// evidence), then entered under it — the two transactions the demo's history makes for a paper ballot. The form
// is free again at once; a running list follows each ballot: sent, counted, or refused with the reason in words.
import { field, h, notice, replace } from "../lib/dom.js";
import { clearFile, fileInput } from "../lib/file-input.js";
import { t, type TextKey } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { SCOPE_BITS } from "../lib/proxy.js";
import { errorSlot, flatText, openVotes, resolveFlat, staffOrNotice, uploadScan, voteText, waitForBallot, type Flat } from "../lib/staff.js";
import type { BallotRow, Choice } from "../lib/types.js";

const KEYS: Record<string, Choice> = { "1": "for", "2": "against", "3": "abstain" };
const ACCEPT = "application/pdf,.pdf,image/png,.png,image/jpeg,.jpg,.jpeg,image/webp,.webp";

type Entry = { flat: Flat; choice: Choice; file: File; row: HTMLElement; status: HTMLElement };

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const gate = staffOrNotice("staff");
  if ("notice" in gate) {
    replace(root, h("h1", {}, t("paper.title")), h("p", { class: "lead" }, t("paper.intro")), gate.notice);
    return;
  }
  const who = gate.who;
  const votes = await openVotes(ctx.signal);
  if (votes.length === 0) {
    replace(root, h("p", {}, h("a", { href: "#/staff" }, `← ${t("staff.title")}`)), h("h1", {}, t("paper.title")), notice("info", t("staff.noOpenVotes")));
    return;
  }
  const chain = import("../lib/staff-chain.js");
  chain.catch(() => undefined);

  const vote = h("select", { "data-testid": "pb-vote" }, votes.map((v) => h("option", { value: String(v.id) }, voteText(v)))) as HTMLSelectElement;
  const flat = h("input", { type: "text", autocomplete: "off", enterkeyhint: "next", placeholder: "1-101", "data-testid": "pb-flat" }) as HTMLInputElement;
  const flatError = errorSlot(flat, "pb-flat-error");
  const choice = h("input", { type: "text", inputmode: "numeric", maxlength: 1, autocomplete: "off", pattern: "[123]", "data-testid": "pb-choice" }) as HTMLInputElement;
  const choiceWord = h("span", { class: "choice-word", "aria-live": "polite", "data-testid": "pb-choice-word" });
  const choiceError = errorSlot(choice, "pb-choice-error");
  const scan = fileInput({ accept: ACCEPT, testId: "pb-scan" });
  const scanError = errorSlot(scan, "pb-scan-error");
  const submit = h("button", { type: "submit", class: "primary", "data-testid": "pb-submit" }, t("paper.submit")) as HTMLButtonElement;
  const list = h("ol", { class: "plain-list paper-list", "data-testid": "pb-list" });
  const count = h("h2", { id: "pb-list-h" }, t("paper.entered", { n: 0 }));
  const entries: Entry[] = [];

  choice.addEventListener("input", () => {
    const c = KEYS[choice.value.trim()];
    choiceWord.textContent = c ? t(`tally.${c}`) : "";
    if (c) choiceError.clear();
  });
  scan.addEventListener("change", () => scanError.clear());
  flat.addEventListener("input", () => flatError.clear());

  const form = h(
    "form",
    { class: "card paper-form", "data-testid": "pb-form", "aria-describedby": "pb-keys" },
    field(t("paper.voteLabel"), vote),
    h("p", { id: "pb-keys", class: "muted" }, t("paper.keys")),
    field(t("paper.flatLabel"), flat, t("paper.flatHint")),
    flatError.slot,
    h("div", { class: "field" }, h("label", { for: "pb-choice" }, t("paper.choiceLabel")), h("div", { class: "choice-line" }, choice, choiceWord), h("small", { class: "hint" }, t("paper.choiceHint"))),
    choiceError.slot,
    field(t("paper.scanLabel"), scan, t("paper.scanHint")),
    scanError.slot,
    h("div", { class: "actions" }, submit),
  );
  choice.id = "pb-choice";

  // One ballot at a time goes to the chain (the staff key's transactions in order); the form does not wait.
  let queue: Promise<void> = Promise.resolve();
  const setStatus = (e: Entry, status: "queued" | "uploading" | "recording" | "sent" | "counted" | "refused", detail = "") => {
    e.row.dataset.status = status;
    e.status.replaceChildren(status === "refused" ? h("span", { class: "notice error", role: "alert" }, t("paper.status.refused", { reason: detail })) : t(`paper.status.${status}` as TextKey, { detail }));
  };

  const process = async (e: Entry, voteId: string, end: number): Promise<void> => {
    try {
      const c = await chain;
      await c.refuseIfVoted(voteId, e.flat.holder as `0x${string}`);
      setStatus(e, "uploading");
      const stored = await uploadScan("paper-ballot", e.file, ctx.signal);
      setStatus(e, "recording");
      const receipt = await c.staffSend(who, "ProxyAuthorizations", "record", [e.flat.holder, SCOPE_BITS.votes, BigInt(voteId), end, stored.hash]);
      const authorization = c.recordedAuthorizationId(receipt);
      const cast = await c.staffSend(who, "OwnersVote", "castBallotOnBehalf", [BigInt(voteId), e.flat.holder, c.CHOICE_VALUE[e.choice], BigInt(authorization)]);
      setStatus(e, "sent", authorization);
      // Counting is the ledger's: the next ballot goes on while this one is followed.
      void waitForBallot(voteId, e.flat.holder, cast.transactionHash, ctx.signal).then((row?: BallotRow) => (row ? setStatus(e, "counted", authorization) : undefined)).catch(() => undefined);
    } catch (err) {
      if ((err as Error).name === "AbortError") return;
      setStatus(e, "refused", (err as Error).message);
    }
  };

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    flatError.clear();
    choiceError.clear();
    scanError.clear();
    const c = KEYS[choice.value.trim()];
    const file = scan.files?.[0];
    const text = flat.value.trim();
    void (async () => {
      let first: HTMLElement | null = null;
      let resolved: Flat | null = null;
      if (!text) {
        flatError.show(t("paper.needFlat"));
        first = flat;
      } else {
        try {
          resolved = await resolveFlat(text, ctx.signal);
          if (entries.some((x) => x.flat.holder.toLowerCase() === resolved!.holder.toLowerCase() && x.row.dataset.status !== "refused")) {
            flatError.show(t("paper.duplicate", { flat: flatText(resolved) }));
            resolved = null;
            first = flat;
          }
        } catch (err) {
          if ((err as Error).name === "AbortError") return;
          flatError.show((err as Error).message);
          first = flat;
        }
      }
      if (!c) {
        choiceError.show(t("paper.needChoice"));
        first ??= choice;
      }
      if (!file) {
        scanError.show(t("paper.needScan"));
        first ??= scan;
      }
      if (first || !resolved || !c || !file) {
        first?.focus();
        return;
      }
      const v = votes.find((x) => String(x.id) === vote.value)!;
      const status = h("span", { class: "pb-status" });
      const row = h("li", { "data-testid": "pb-row", "data-flat": flatText(resolved) }, h("strong", {}, flatText(resolved)), " · ", h("span", {}, t(`tally.${c}`)), " · ", status);
      const entry: Entry = { flat: resolved, choice: c, file, row, status };
      entries.push(entry);
      setStatus(entry, "queued");
      list.prepend(row);
      count.textContent = t("paper.entered", { n: entries.length });
      // Ready for the next paper.
      flat.value = "";
      choice.value = "";
      choiceWord.textContent = "";
      clearFile(scan);
      flat.focus();
      queue = queue.then(() => process(entry, String(v.id), Number(v.end)));
    })();
  });

  replace(
    root,
    h("p", {}, h("a", { href: "#/staff" }, `← ${t("staff.title")}`)),
    h("h1", {}, t("paper.title")),
    h("p", { class: "lead" }, t("paper.intro")),
    form,
    h("section", { class: "card", "aria-labelledby": "pb-list-h" }, count, h("div", { "aria-live": "polite" }, list)),
  );
  flat.focus();
}
