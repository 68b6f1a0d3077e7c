// Time bank for volunteers and the people they serve: balance and history, services waiting for one's
// confirmation, recording a service, redeeming at a partner, gifting to family. Transactions go from the
// signed-in key or wallet straight to the TimeBank contract. A note is sent only as a salted commitment (never a
// plain hash, which could be guessed back); neither the note nor its salt is kept anywhere yet, and the page says so.
import type { Address, Hex } from "viem";
import { all, allOf, get } from "../lib/api.js";
import { config, contractAddress } from "../lib/config.js";
import { field, h, notice, replace } from "../lib/dom.js";
import { dateTime, minutes, short } from "../lib/format.js";
import { t, type TextKey } from "../lib/i18n.js";
import { relationName as relationLabel } from "../lib/labels.js";
import { loadNames, nameOf, whoIs } from "../lib/names.js";
import type { PageContext } from "../lib/page.js";
import { staffMark } from "../lib/proxy.js";
import { signedIn } from "../lib/session.js";
import type { Member, Partner, ServiceRow } from "../lib/types.js";

export const CATEGORIES = ["MealDelivery", "Companionship", "Cleaning", "HospitalEscort", "Tutoring", "Other"] as const;
const RELATIONS = ["None", "Parent", "Spouse", "Child"];

function categoryName(value: string | number): string {
  const name = typeof value === "number" || /^\d+$/.test(String(value)) ? CATEGORIES[Number(value)] ?? String(value) : String(value);
  return t(`category.${name}` as TextKey);
}
function relationName(value: string | number): string {
  return relationLabel(value, RELATIONS); // the API says "parent", the texts' keys are "relation.Parent"
}

/** How far (seconds) this device's clock may put a service before the chain's latest block. */
const SERVED_AT_SLACK = 3600;

/** Kept across the re-render that follows a transaction, so its outcome stays visible. */
let lastOutcome: HTMLElement | null = null;

function signInPrompt(root: HTMLElement): void {
  replace(root, h("h1", {}, t("timebank.title")), h("p", { class: "lead" }, t("timebank.intro")), h("p", {}, h("a", { href: "#/account?next=timebank", class: "button primary" }, t("timebank.signIn"))));
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const who = signedIn();
  if (!who) return signInPrompt(root);
  // The transaction code (viem's client, keccak, the ABI) only once signed in, fetched beside the data.
  const chainCode = import("../lib/timebank-chain.js");
  const me = who.address;
  const [member, toConfirm, given, partners, cfg, tbAddress] = await Promise.all([
    allOf<Member, "history">(`/api/timebank/members/${me}`, "history", 5000, ctx.signal),
    all<ServiceRow>("/api/timebank/services", { recipient: me, status: "recorded" }, 200, ctx.signal),
    all<ServiceRow>("/api/timebank/services", { volunteer: me }, 200, ctx.signal),
    all<Partner>("/api/timebank/partners", {}, 100, ctx.signal).catch(() => [] as Partner[]),
    config(),
    contractAddress("TimeBank"),
  ]);
  const { ABI, isAddress, noteOnChain, publicClientFor, sendContractTx } = await chainCode;
  // Flats, partners' names and opt-in display names in place of addresses.
  await loadNames([...member.family.map((f) => f.address), ...toConfirm.map((s) => s.volunteer), ...member.history.map((e) => e.counterparty), ...given.map((s) => s.recipient), ...partners.map((p) => p.address)], ctx.signal);
  const named = (a: string) => nameOf(a) ?? short(a);
  const client = publicClientFor(cfg.rpcUrl, cfg.chainId);
  const progress = h("div", { class: "tx-box", "aria-live": "polite", "data-testid": "tx-progress" });
  if (lastOutcome) {
    progress.replaceChildren(...lastOutcome.childNodes);
    progress.dataset.stage = lastOutcome.dataset.stage ?? "";
  }
  lastOutcome = null;

  /** Sends, waits until the API shows `check`, then re-renders with the outcome kept. */
  const act = async (title: string, functionName: string, args: readonly unknown[], check: (hash: Hex) => Promise<boolean>) => {
    progress.scrollIntoView({ block: "nearest" });
    const hash = await sendContractTx({ who, client, address: tbAddress, abi: ABI, functionName, args, box: progress, title, recorded: check });
    if (hash) {
      lastOutcome = progress.cloneNode(true) as HTMLElement;
      lastOutcome.dataset.stage = progress.dataset.stage;
      ctx.rerender();
    }
  };
  const inHistory = (hash: Hex) => allOf<Member, "history">(`/api/timebank/members/${me}`, "history").then((m) => m.history.some((e) => e.txHash.toLowerCase() === hash.toLowerCase()));

  const balance = h(
    "section",
    { class: "card balance" },
    h("h2", {}, t("timebank.balance")),
    h("p", { class: "big", "data-testid": "tb-balance", "data-minutes": String(member.balance) }, minutes(member.balance)),
    !member.member ? notice("warn", t("timebank.notMember")) : null,
    member.family.length > 0 ? h("p", {}, t("timebank.family"), " ", member.family.map((f) => h("span", { class: "badge" }, `${relationName(f.relation)} ${named(f.address)}`))) : null,
  );

  const pending = h(
    "section",
    { class: "card", "aria-labelledby": "confirm-h" },
    h("h2", { id: "confirm-h" }, t("timebank.toConfirm", { n: toConfirm.length })),
    toConfirm.length === 0
      ? h("p", { class: "muted" }, t("timebank.nothingToConfirm"))
      : h(
          "ul",
          { class: "plain-list", "data-testid": "to-confirm" },
          toConfirm.map((s) =>
            h(
              "li",
              { class: "service", "data-service": String(s.id) },
              h("p", {}, t("timebank.serviceLine", { volunteer: named(s.volunteer), minutes: minutes(s.minutes), category: categoryName(s.category), when: dateTime(s.servedAt) })),
              h(
                "div",
                { class: "actions" },
                h("button", { type: "button", class: "primary", "data-testid": `confirm-${s.id}`, onclick: () => void act(t("timebank.confirming", { id: String(s.id) }), "confirmService", [BigInt(s.id)], (_h) => get<ServiceRow>(`/api/timebank/services/${s.id}`).then((x) => x.status === "confirmed")) }, t("timebank.confirm")),
                h("button", { type: "button", "data-testid": `reject-${s.id}`, onclick: () => void act(t("timebank.rejecting", { id: String(s.id) }), "rejectService", [BigInt(s.id)], (_h) => get<ServiceRow>(`/api/timebank/services/${s.id}`).then((x) => x.status === "rejected")) }, t("timebank.reject")),
              ),
            ),
          ),
        ),
  );

  // Record a service given.
  const recipient = h("input", { type: "text", class: "mono", placeholder: "0x…", autocomplete: "off", "data-testid": "svc-recipient" }) as HTMLInputElement;
  const mins = h("input", { type: "number", min: 1, max: 1440, value: 60, inputmode: "numeric", "data-testid": "svc-minutes" }) as HTMLInputElement;
  const category = h("select", { "data-testid": "svc-category" }, CATEGORIES.map((c, i) => h("option", { value: i }, categoryName(c)))) as HTMLSelectElement;
  const note = h("textarea", { rows: 2, "data-testid": "svc-note" }) as HTMLTextAreaElement;
  const recordForm = h(
    "form",
    { "data-testid": "record-form" },
    field(t("timebank.recipient"), recipient, t("timebank.recipientHint")),
    field(t("timebank.minutes"), mins),
    field(t("timebank.category"), category),
    field(t("timebank.note"), note, t("timebank.noteHint")),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", "data-testid": "record-service" }, t("timebank.record"))),
  );
  recordForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const to = recipient.value.trim();
    if (!isAddress(to)) return void replace(progress, notice("error", t("timebank.badAddress")));
    void (async () => {
      // "Now" by this device's clock, kept within the hour before the chain's latest block: the contract refuses
      // a future time and one more than a week old by the chain's clock, which is the one that counts.
      const chainNow = Number((await client.getBlock()).timestamp);
      const servedAt = BigInt(Math.max(chainNow - SERVED_AT_SLACK, Math.min(Math.floor(Date.now() / 1000), chainNow)));
      await act(t("timebank.recording"), "recordService", [to as Address, Number(mins.value), Number(category.value), servedAt, noteOnChain(note.value)], (hash) =>
        all<ServiceRow>("/api/timebank/services", { volunteer: me }).then((list) => list.some((s) => s.txHash.toLowerCase() === hash.toLowerCase())),
      );
    })();
  });

  // Redeem at a partner.
  const partner = h("select", { "data-testid": "redeem-partner" }, partners.map((p, i) => h("option", { value: p.address }, t("timebank.partnerN", { n: i + 1, address: named(p.address) })))) as HTMLSelectElement;
  const redeemMins = h("input", { type: "number", min: 1, value: 30, inputmode: "numeric" }) as HTMLInputElement;
  const redeemKind = h("select", {}, h("option", { value: 0 }, t("timebank.kindService")), h("option", { value: 1 }, t("timebank.kindGoods"))) as HTMLSelectElement;
  const redeemNote = h("input", { type: "text" }) as HTMLInputElement;
  const redeemForm = h(
    "form",
    {},
    field(t("timebank.partner"), partner),
    field(t("timebank.minutes"), redeemMins),
    field(t("timebank.kind"), redeemKind),
    field(t("timebank.note"), redeemNote, t("timebank.noteHint")),
    h("div", { class: "actions" }, h("button", { type: "submit", disabled: partners.length === 0 }, t("timebank.redeem"))),
  );
  redeemForm.addEventListener("submit", (e) => {
    e.preventDefault();
    void act(t("timebank.redeeming"), "redeem", [partner.value as Address, Number(redeemMins.value), Number(redeemKind.value), noteOnChain(redeemNote.value)], inHistory);
  });

  // Gift to family.
  const relative = h("select", {}, member.family.map((f) => h("option", { value: f.address }, `${relationName(f.relation)} ${named(f.address)}`))) as HTMLSelectElement;
  const giftMins = h("input", { type: "number", min: 1, value: 60, inputmode: "numeric" }) as HTMLInputElement;
  const giftForm = h(
    "form",
    {},
    member.family.length === 0 ? h("p", { class: "muted" }, t("timebank.noFamily")) : [field(t("timebank.relative"), relative), field(t("timebank.minutes"), giftMins)],
    h("div", { class: "actions" }, h("button", { type: "submit", disabled: member.family.length === 0 }, t("timebank.gift"))),
  );
  giftForm.addEventListener("submit", (e) => {
    e.preventDefault();
    void act(t("timebank.gifting"), "gift", [relative.value as Address, Number(giftMins.value)], inHistory);
  });

  const history = h(
    "section",
    { class: "card", "aria-labelledby": "history-h" },
    h("h2", { id: "history-h" }, t("timebank.history")),
    member.history.length === 0
      ? h("p", { class: "muted" }, t("timebank.noHistory"))
      : h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { "data-testid": "tb-history" },
            h("thead", {}, h("tr", {}, [t("timebank.what"), t("timebank.minutes"), t("timebank.counterparty"), t("vote.tx")].map((c) => h("th", { scope: "col" }, c)))),
            h(
              "tbody",
              {},
              [...member.history].reverse().map((e) =>
                h(
                  "tr",
                  {},
                  h("td", {}, t(`history.${e.kind}` as TextKey), e.by ? staffMark(e.by, e.authorizationId) : null),
                  h("td", { class: "num" }, minutes(e.minutes)),
                  h("td", {}, whoIs(e.counterparty)),
                  h("td", { class: "mono" }, short(e.txHash)),
                ),
              ),
            ),
          ),
        ),
  );

  const mine = h(
    "section",
    { class: "card" },
    h("h2", {}, t("timebank.given", { n: given.length })),
    given.length === 0
      ? h("p", { class: "muted" }, t("timebank.noneGiven"))
      : h(
          "ul",
          { class: "plain-list", "data-testid": "given" },
          [...given].reverse().map((s) =>
            h(
              "li",
              { "data-service": String(s.id), "data-status": s.status },
              `#${s.id} · ${t("timebank.serviceTo", { recipient: named(s.recipient), minutes: minutes(s.minutes), category: categoryName(s.category) })} — `,
              h("strong", {}, t(`serviceStatus.${s.status}` as TextKey)),
              s.byProxy ? staffMark(s.decidedBy, s.authorizationId) : null,
            ),
          ),
        ),
  );

  replace(
    root,
    h("h1", {}, t("timebank.title")),
    h("p", { class: "lead" }, t("timebank.intro")),
    progress,
    balance,
    pending,
    h("section", { class: "card" }, h("h2", {}, t("timebank.recordTitle")), recordForm),
    mine,
    h("section", { class: "card" }, h("h2", {}, t("timebank.redeemTitle")), redeemForm),
    h("section", { class: "card" }, h("h2", {}, t("timebank.giftTitle")), giftForm),
    history,
  );
}

