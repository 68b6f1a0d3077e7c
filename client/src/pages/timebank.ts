// Time bank for volunteers and the people they serve: balance and dated history, services waiting for one's
// confirmation, recording a service (the recipient picked by name or flat, or by scanning their QR code; the
// daily cap checked before sending), redeeming at a partner (with the voucher code to show there), gifting to
// family, one's own QR code, and links to the certificate of hours and the partner's page. Transactions go from
// the signed-in key or wallet straight to the TimeBank contract. A note is sent only as a salted commitment (never
// a plain hash, which could be guessed back); neither the note nor its salt is kept anywhere, and the page says so.
// Credits across communities (where the member's credits are, the clearing balances, staff moving a member) are
// in lib/timebank-communities.ts.
import type { Address, Hex } from "viem";
import { all, allOf, get } from "../lib/api.js";
import { config, contractAddress } from "../lib/config.js";
import { field, h, notice, replace } from "../lib/dom.js";
import { fileControl, fileInput } from "../lib/file-input.js";
import { calendarDate, dateTime, minutes, short } from "../lib/format.js";
import { t, type TextKey } from "../lib/i18n.js";
import { relationName as relationLabel } from "../lib/labels.js";
import { loadNames, nameOf, unitIdsOf, whoIs, type UnitLabelView } from "../lib/names.js";
import { dayOf, loadBlockTimes, type Redemption } from "../lib/timebank-view.js";
import type { PageContext } from "../lib/page.js";
import { communitiesCard, communityNamer, type Communities } from "../lib/timebank-communities.js";
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
  const qrCode = import("../lib/member-qr.js");
  const me = who.address;
  const [member, toConfirm, given, partners, members, redemptions, cfg, tbAddress, communities] = await Promise.all([
    allOf<Member, "history">(`/api/timebank/members/${me}`, "history", 5000, ctx.signal),
    all<ServiceRow>("/api/timebank/services", { recipient: me, status: "recorded" }, 200, ctx.signal),
    all<ServiceRow>("/api/timebank/services", { volunteer: me }, 200, ctx.signal),
    all<Partner>("/api/timebank/partners", {}, 100, ctx.signal).catch(() => [] as Partner[]),
    all<{ address: Address }>("/api/timebank/members", {}, 2000, ctx.signal),
    all<Redemption>("/api/timebank/redemptions", { member: me }, 200, ctx.signal),
    config(),
    contractAddress("TimeBank"),
    get<Communities>("/api/timebank/communities", ctx.signal).catch(() => ({ totals: { movedIn: 0, movedOut: 0, spentAbroad: 0, spentByVisitors: 0, clearing: 0 }, communities: [] }) as Communities),
  ]);
  const { ABI, blockTime, isAddress, noteOnChain, publicClientFor, readContract, sendContractTx } = await chainCode;
  // Flats, partners' names and opt-in display names in place of addresses.
  const others = members.map((m) => m.address).filter((a) => a.toLowerCase() !== me.toLowerCase());
  await loadNames([...member.family.map((f) => f.address), ...toConfirm.map((s) => s.volunteer), ...member.history.map((e) => e.counterparty), ...given.map((s) => s.recipient), ...partners.map((p) => p.address), ...others, ...communities.communities.map((c) => c.address)], ctx.signal);
  const named = (a: string) => nameOf(a) ?? short(a);
  const client = publicClientFor(cfg.rpcUrl, cfg.chainId);
  // The daily cap as the contract counts it (minutes recorded and not rejected, per UTC day of the service), and
  // the dates of the history's records (their blocks' times).
  const [cap, times] = await Promise.all([
    readContract(client, { address: tbAddress, abi: ABI, functionName: "dailyCap" }).then(Number).catch(() => undefined),
    loadBlockTimes((n) => blockTime(client, n), [...member.history.map((e) => e.blockNumber), ...redemptions.map((r) => r.blockNumber)]),
  ]);
  const claimedToday = async (at: number): Promise<number | undefined> =>
    readContract(client, { address: tbAddress, abi: ABI, functionName: "claimedOnDay", args: [me, dayOf(at)] }).then(Number).catch(() => undefined);
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

  // Record a service given. The recipient is chosen, never typed: by name or flat from the time bank's members,
  // or by scanning their QR code; an address field stays only under "advanced".
  let chosen: string | null = null;
  const chosenBox = h("p", { class: "chosen", "aria-live": "polite", "data-testid": "svc-chosen" }, t("timebank.noneChosen"));
  const recipientError = h("div", { class: "field-error", role: "alert", "data-testid": "svc-recipient-error" });
  const choose = (address: string | null, error?: string) => {
    chosen = address;
    recipientError.replaceChildren(error ? notice("error", error) : "");
    if (!address) return void chosenBox.replaceChildren(t("timebank.noneChosen"));
    chosenBox.replaceChildren(t("timebank.chosen"), " ", h("strong", { "data-testid": "svc-chosen-name", "data-address": address }, named(address)), " ", h("small", { class: "mono muted" }, short(address)));
  };
  const search = h("input", { type: "search", autocomplete: "off", "data-testid": "svc-search" }) as HTMLInputElement;
  const results = h("ul", { class: "plain-list picker-results", "data-testid": "svc-results" });
  let searchSeq = 0;
  const normal = (text: string) => text.toLowerCase().replace(/[\s·,，-]/g, "");
  const showResults = async () => {
    const q = search.value.trim();
    const seq = ++searchSeq;
    if (!q) return void results.replaceChildren();
    // Flats as people type them ("3-1-101", "3号楼1单元101") through the directory's label search, and names and
    // labels as shown, matched here.
    const units = await get<{ items: UnitLabelView[] }>(`/api/directory/units?q=${encodeURIComponent(q)}&limit=50`).then((r) => r.items).catch(() => [] as UnitLabelView[]);
    if (seq !== searchSeq) return;
    const unitIds = new Set(units.map((u) => u.unitId));
    const hits = others.filter((a) => {
      const text = nameOf(a);
      return (text && normal(text).includes(normal(q))) || unitIdsOf(a).some((id) => unitIds.has(id)) || a.toLowerCase() === q.toLowerCase();
    });
    results.replaceChildren(
      ...(hits.length === 0
        ? [h("li", { class: "muted" }, t("timebank.noMatch"))]
        : hits.slice(0, 8).map((a) => h("li", {}, h("button", { type: "button", class: "pick", "data-testid": "svc-pick", "data-address": a, onclick: () => (choose(a), results.replaceChildren(), (search.value = "")) }, named(a))))),
    );
  };
  search.addEventListener("input", () => void showResults());

  const fromScan = (text: string | undefined) => {
    void qrCode.then(({ addressOfUri }) => {
      const address = text ? addressOfUri(text) : undefined;
      if (!address) return choose(null, text ? t("timebank.scanNotMember") : t("timebank.scanNothing"));
      if (!others.some((a) => a.toLowerCase() === address.toLowerCase())) return choose(null, t("timebank.scanUnknown"));
      choose(others.find((a) => a.toLowerCase() === address.toLowerCase())!);
    });
  };
  const photo = fileInput({ accept: "image/*", capture: "environment", button: t("timebank.scanPhoto"), showName: false, id: "svc-scan-photo", testId: "svc-scan-photo" });
  photo.addEventListener("change", () => {
    const file = photo.files?.[0];
    photo.value = "";
    if (file) void qrCode.then((q) => q.decodeImageFile(file)).then(fromScan);
  });
  const video = h("video", { class: "scanner", hidden: true, "aria-label": t("timebank.cameraView") }) as HTMLVideoElement;
  let scanning: AbortController | null = null;
  const cameraButton = h("button", {
    type: "button",
    "data-testid": "svc-scan-camera",
    onclick: () => {
      if (scanning) return scanning.abort();
      scanning = new AbortController();
      ctx.signal.addEventListener("abort", () => scanning?.abort(), { once: true });
      video.hidden = false;
      void qrCode
        .then((q) => q.scanWithCamera(video, scanning!.signal))
        .then((address) => address && fromScan(`gongzhi:member:${address}`))
        .catch(() => choose(null, t("timebank.cameraRefused")))
        .finally(() => ((video.hidden = true), (scanning = null)));
    },
  }, t("timebank.scanCamera"));
  const advanced = h("input", { type: "text", class: "mono", placeholder: "0x…", autocomplete: "off", "data-testid": "svc-recipient" }) as HTMLInputElement;
  // Chosen as soon as it is a whole address; a wrong one is told on leaving the field (or on sending).
  advanced.addEventListener("input", () => {
    const a = advanced.value.trim();
    if (isAddress(a)) choose(a);
  });
  advanced.addEventListener("change", () => {
    const a = advanced.value.trim();
    if (a && !isAddress(a)) choose(null, t("timebank.badAddress"));
  });
  const picker = h(
    "fieldset",
    { class: "picker", "data-testid": "svc-picker" },
    h("legend", {}, t("timebank.recipient")),
    field(t("timebank.searchRecipient"), search, t("timebank.searchHint")),
    results,
    h(
      "div",
      { class: "actions" },
      fileControl(photo),
      (await qrCode).cameraAvailable() ? cameraButton : null,
    ),
    video,
    chosenBox,
    recipientError,
    h("details", { "data-testid": "svc-advanced" }, h("summary", {}, t("timebank.advanced")), field(t("timebank.recipientAddress"), advanced, t("timebank.recipientHint"))),
  );

  const mins = h("input", { type: "number", min: 1, max: 1440, value: 60, inputmode: "numeric", "data-testid": "svc-minutes" }) as HTMLInputElement;
  const capHint = h("small", { class: "hint", "data-testid": "svc-cap" });
  const minutesError = h("div", { class: "field-error", role: "alert", "data-testid": "svc-minutes-error" });
  const showCap = async () => {
    // The chain's day, which the contract counts in (the device's clock may be off).
    const chainNow = await blockTime(client).catch(() => Math.floor(Date.now() / 1000));
    const claimed = await claimedToday(chainNow);
    if (cap === undefined || claimed === undefined) return void capHint.replaceChildren();
    capHint.replaceChildren(t("timebank.capLeft", { cap: minutes(cap), left: minutes(Math.max(0, cap - claimed)) }));
    capHint.dataset.left = String(Math.max(0, cap - claimed));
  };
  void showCap();
  const category = h("select", { "data-testid": "svc-category" }, CATEGORIES.map((c, i) => h("option", { value: i }, categoryName(c)))) as HTMLSelectElement;
  const note = h("textarea", { rows: 2, "data-testid": "svc-note" }) as HTMLTextAreaElement;
  const minutesField = field(t("timebank.minutes"), mins);
  minutesField.append(capHint, minutesError);
  mins.setAttribute("aria-describedby", [mins.getAttribute("aria-describedby"), "svc-cap-hint"].filter(Boolean).join(" "));
  capHint.id = "svc-cap-hint";
  const recordForm = h(
    "form",
    { "data-testid": "record-form", novalidate: true },
    picker,
    minutesField,
    field(t("timebank.category"), category),
    field(t("timebank.note"), note, t("timebank.noteHint")),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", "data-testid": "record-service" }, t("timebank.record"))),
  );
  recordForm.addEventListener("submit", (e) => {
    e.preventDefault();
    minutesError.replaceChildren();
    if (!chosen) return choose(null, advanced.value.trim() ? t("timebank.badAddress") : t("timebank.chooseFirst"));
    const to = chosen;
    const n = Number(mins.value);
    if (!Number.isInteger(n) || n < 1 || n > 1440) return void minutesError.replaceChildren(notice("error", t("timebank.badMinutes")));
    void (async () => {
      // "Now" by this device's clock, kept within the hour before the chain's latest block: the contract refuses
      // a future time and one more than a week old by the chain's clock, which is the one that counts.
      const chainNow = await blockTime(client);
      const servedAt = Math.max(chainNow - SERVED_AT_SLACK, Math.min(Math.floor(Date.now() / 1000), chainNow));
      // The daily cap, checked here before anything is signed (the contract checks it again).
      const claimed = await claimedToday(servedAt);
      if (cap !== undefined && claimed !== undefined && claimed + n > cap) {
        mins.setAttribute("aria-invalid", "true");
        return void minutesError.replaceChildren(notice("error", t("timebank.overCap", { cap: minutes(cap), left: minutes(Math.max(0, cap - claimed)), asked: minutes(n) })));
      }
      mins.removeAttribute("aria-invalid");
      await act(t("timebank.recording"), "recordService", [to as Address, n, Number(category.value), BigInt(servedAt), noteOnChain(note.value)], (hash) =>
        all<ServiceRow>("/api/timebank/services", { volunteer: me }).then((list) => list.some((s) => s.txHash.toLowerCase() === hash.toLowerCase())),
      );
    })();
  });

  // Redeem at a partner.
  const partner = h("select", { "data-testid": "redeem-partner" }, partners.map((p, i) => h("option", { value: p.address }, nameOf(p.address) ?? t("timebank.partnerN", { n: i + 1, address: short(p.address) })))) as HTMLSelectElement;
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
    h("div", { class: "actions" }, h("button", { type: "submit", disabled: partners.length === 0, "data-testid": "redeem-submit" }, t("timebank.redeem"))),
  );
  redeemMins.setAttribute("data-testid", "redeem-minutes");
  // The member's redemptions, newest first, each with the voucher code to show at the partner's counter.
  const vouchers = h(
    "section",
    { class: "card", "aria-labelledby": "vouchers-h" },
    h("h2", { id: "vouchers-h" }, t("timebank.vouchers")),
    h("p", { class: "hint" }, t("timebank.vouchersHint")),
    redemptions.length === 0
      ? h("p", { class: "muted" }, t("timebank.noVouchers"))
      : h(
          "ul",
          { class: "plain-list cards", "data-testid": "my-vouchers" },
          [...redemptions].reverse().map((r) =>
            h(
              "li",
              { class: "card-row", "data-voucher": r.voucher, "data-tx": r.txHash },
              h("p", {}, h("strong", { class: "voucher-code" }, r.voucher)),
              h("p", {}, t("timebank.voucherLine", { partner: named(r.partner), minutes: minutes(r.minutes), date: calendarDate(times.get(String(r.blockNumber))) })),
              h("p", {}, r.honoured ? h("span", { class: "badge ok" }, t("timebank.honouredOn", { date: calendarDate(r.honoured.at) })) : h("span", { class: "badge" }, t("timebank.notHonoured"))),
            ),
          ),
        ),
  );
  redeemForm.addEventListener("submit", (e) => {
    e.preventDefault();
    void act(t("timebank.redeeming"), "redeem", [partner.value as Address, Number(redeemMins.value), Number(redeemKind.value), noteOnChain(redeemNote.value)], (hash) =>
      all<Redemption>("/api/timebank/redemptions", { member: me }).then((list) => list.some((r) => r.txHash.toLowerCase() === hash.toLowerCase())),
    );
  });

  // Gift to family.
  const relative = h("select", { "data-testid": "gift-relative" }, member.family.map((f) => h("option", { value: f.address }, `${relationName(f.relation)} ${named(f.address)}`))) as HTMLSelectElement;
  const giftMins = h("input", { type: "number", min: 1, value: 60, inputmode: "numeric", "data-testid": "gift-minutes" }) as HTMLInputElement;
  const giftForm = h(
    "form",
    {},
    member.family.length === 0 ? h("p", { class: "muted" }, t("timebank.noFamily")) : [field(t("timebank.relative"), relative), field(t("timebank.minutes"), giftMins)],
    h("div", { class: "actions" }, h("button", { type: "submit", disabled: member.family.length === 0, "data-testid": "gift-submit" }, t("timebank.gift"))),
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
          "ul",
          { class: "plain-list cards", "data-testid": "tb-history" },
          [...member.history].reverse().map((e) =>
            h(
              "li",
              { class: "card-row" },
              h("p", {}, h("strong", { "data-testid": "history-date" }, calendarDate(times.get(String(e.blockNumber)))), " · ", t(`history.${e.kind}` as TextKey), " ", h("strong", {}, minutes(e.minutes))),
              e.kind === "moved-in" || e.kind === "moved-out" ? null : h("p", {}, t("timebank.counterparty"), "：", whoIs(e.counterparty)),
              e.community ? h("p", { "data-testid": "history-community" }, communityNamer(communities.communities)(e.community)) : null,
              e.by ? h("p", {}, staffMark(e.by, e.authorizationId)) : null,
              h("p", { class: "muted" }, h("small", {}, t("timebank.receiptNo", { id: String(e.recordId) }))),
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
              `${calendarDate(s.servedAt)} · ${t("timebank.serviceTo", { recipient: named(s.recipient), minutes: minutes(s.minutes), category: categoryName(s.category) })} — `,
              h("strong", {}, t(`serviceStatus.${s.status}` as TextKey)),
              s.byProxy ? staffMark(s.decidedBy, s.authorizationId) : null,
            ),
          ),
        ),
  );

  const across = communitiesCard({
    me: { movedTo: member.movedTo ?? null, movedFrom: member.movedFrom ?? null },
    data: communities,
    staff: who.session.roles.includes("staff"),
    members: members.map((m) => m.address),
    named,
    signal: ctx.signal,
    send: (moving, community, authorisation) =>
      void act(t("tbc.moving"), "moveMemberFor", [moving, community, authorisation], () =>
        get<Member>(`/api/timebank/members/${moving}`).then((m) => (m.movedTo ?? "").toLowerCase() === community.toLowerCase()),
      ),
  });

  const { memberQrDataUrl } = await qrCode;
  const myQr = h(
    "section",
    { class: "card my-qr", "aria-labelledby": "qr-h" },
    h("h2", { id: "qr-h" }, t("timebank.myQr")),
    h("img", { src: await memberQrDataUrl(me), width: 240, height: 240, alt: t("timebank.myQrAlt"), "data-testid": "my-qr" }),
    h("p", { class: "hint" }, t("timebank.myQrHint")),
  );
  const isPartner = partners.some((p) => p.address.toLowerCase() === me.toLowerCase());
  const links = h(
    "p",
    { class: "actions" },
    h("a", { href: "#/timebank/certificate", class: "button", "data-testid": "certificate-link" }, t("timebank.certificateLink")),
    isPartner ? h("a", { href: "#/timebank/partner", class: "button", "data-testid": "partner-link" }, t("timebank.partnerLink")) : null,
  );

  replace(
    root,
    h("h1", {}, t("timebank.title")),
    h("p", { class: "lead" }, t("timebank.intro")),
    links,
    progress,
    balance,
    pending,
    h("section", { class: "card" }, h("h2", {}, t("timebank.recordTitle")), recordForm),
    mine,
    h("section", { class: "card" }, h("h2", {}, t("timebank.redeemTitle")), redeemForm),
    vouchers,
    h("section", { class: "card" }, h("h2", {}, t("timebank.giftTitle")), giftForm),
    history,
    across,
    myQr,
  );
}

