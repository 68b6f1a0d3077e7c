// Community staff acting for a resident who has no phone (社区工作者代办). `#/staff`: find the resident by name
// or flat. `#/staff/residents/<address>`: the written authorisations on record (what each covers, until when,
// the scanned signed paper checked against the hash on chain), recording a new one (the scan uploaded, scope and
// expiry set, one transaction), and acting under one: cast a ballot, confirm a service, redeem credits. Every
// action is signed in this browser by the staff member and marked on chain with their address and the
// authorisation's id; the pages that show it say "由社区工作者 X 代为办理". The transaction code loads only here.
import { all, allOf, get } from "../lib/api.js";
import { dropZone, field, h, notice, replace } from "../lib/dom.js";
import { t, type TextKey } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { sleep } from "../lib/page.js";
import { authorisationsOf, recordedByText, SCOPE_BITS, scopeText, staffMark, statusText, type ProxyAuthorization, type ScopeName } from "../lib/proxy.js";
import { calendarDate, minutes } from "../lib/format.js";
import { checkedScan, errorSlot, openVotes, residentText, staffNames, staffOrNotice, uploadScan, voteText, waitForBallot } from "../lib/staff.js";
import type { Choice, Member, Partner, ServiceRow, VoteSummary } from "../lib/types.js";
import type { SignedIn } from "../lib/session.js";

const CHOICES: Choice[] = ["for", "against", "abstain"];
const SCOPES: ScopeName[] = ["votes", "services", "redemptions"];
const DAY = 86_400;
/** ProxyAuthorizations.MAX_DURATION: a paper is renewed every year. */
const MAX_DAYS = 366;
const ACCEPT = "application/pdf,.pdf,image/png,.png,image/jpeg,.jpg,.jpeg,image/webp,.webp";

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const resident = ctx.params.address;
  const gate = staffOrNotice(resident ? `staff/residents/${resident}` : "staff");
  if ("notice" in gate) {
    replace(root, h("h1", {}, t("staff.title")), h("p", { class: "lead" }, t("staff.intro")), gate.notice);
    return;
  }
  if (resident) return residentPage(root, ctx, gate.who, resident);
  return findPage(root, ctx);
}

/** The query of the location hash (`#/staff?q=王`): a search survives going back from a resident. */
/** Waits (up to 30 s, every 500 ms) until the server's indexer shows what a transaction just did. */
async function untilIndexed(seen: () => Promise<boolean>, signal: AbortSignal): Promise<void> {
  for (let i = 0; i < 60 && !(await seen()); i++) await sleep(500, signal);
}

function hashQuery(): URLSearchParams {
  return new URLSearchParams(window.location.hash.split("?")[1] ?? "");
}

async function findPage(root: HTMLElement, ctx: PageContext): Promise<void> {
  const q = hashQuery().get("q") ?? "";
  const input = h("input", { type: "search", value: q, autocomplete: "off", enterkeyhint: "search", "data-testid": "staff-find" }) as HTMLInputElement;
  const error = errorSlot(input, "staff-find-error");
  const results = h("div", { "aria-live": "polite", "data-testid": "staff-results" });
  const form = h(
    "form",
    { class: "card", role: "search", "data-testid": "staff-find-form" },
    field(t("staff.findLabel"), input, t("staff.findHint")),
    error.slot,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", "data-testid": "staff-find-button" }, t("staff.findButton"))),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return error.show(t("staff.findEmpty"));
    window.location.hash = `#/staff?q=${encodeURIComponent(text)}`;
    if (text === q) ctx.rerender();
  });
  replace(
    root,
    h("h1", {}, t("staff.title")),
    h("p", { class: "lead" }, t("staff.intro")),
    form,
    results,
    h("section", { class: "card" }, h("h2", {}, t("staff.paperTitle")), h("p", {}, t("staff.paperIntro")), h("p", {}, h("a", { href: "#/staff/paper-ballots", class: "button", "data-testid": "to-paper-ballots" }, t("staff.paperOpen")))),
    // issue 14: the work-order desk and its statistics
    h(
      "section",
      { class: "card" },
      h("h2", {}, t("woOffice.staffLink.title")),
      h("p", {}, t("woOffice.staffLink.text")),
      h("div", { class: "actions" }, h("a", { href: "#/workorders/office", class: "button", "data-testid": "to-wo-office" }, t("woOffice.staffLink.office")), h("a", { href: "#/workorders/stats", class: "button", "data-testid": "to-wo-stats" }, t("woOffice.staffLink.stats"))),
    ),
    // issue 15: the mediation desk
    h(
      "section",
      { class: "card" },
      h("h2", {}, t("medOffice.staffLink.title")),
      h("p", {}, t("medOffice.staffLink.text")),
      h("div", { class: "actions" }, h("a", { href: "#/mediation/office", class: "button", "data-testid": "to-med-office" }, t("medOffice.staffLink.desk")), h("a", { href: "#/mediation/stats", class: "button", "data-testid": "to-med-stats" }, t("med.statsLink"))),
    ),
  );
  if (!q) return;
  replace(results, h("p", { class: "muted" }, t("app.loading")));
  try {
    // Digits mean a flat ("1-101", "3号楼2单元301"); otherwise part of a name.
    let found: { address: string; text: string }[];
    if (/\d/.test(q)) {
      const { items } = await get<{ items: { unitId: number }[] }>(`/api/directory/units?q=${encodeURIComponent(q)}&limit=20`, ctx.signal);
      const holders = await Promise.all(items.map((u) => get<{ holder: string }>(`/api/units/${u.unitId}`, ctx.signal).then((x) => x.holder)));
      const names = await staffNames(holders, ctx.signal);
      found = [...new Set(holders.map((a) => a.toLowerCase()))].map((a) => ({ address: a, text: residentText(names.get(a)) }));
    } else {
      const { items } = await get<{ items: { name: string; addresses: string[]; units: { label: string; labelEn: string; unitId: number }[] }[] }>(`/api/directory/people?q=${encodeURIComponent(q)}&purpose=service.arrangement`, ctx.signal);
      const names = await staffNames(items.flatMap((p) => p.addresses), ctx.signal);
      found = items.flatMap((p) => p.addresses.map((a) => ({ address: a.toLowerCase(), text: residentText(names.get(a.toLowerCase()) ?? { address: a, name: p.name, units: [] }) })));
    }
    replace(
      results,
      found.length === 0
        ? notice("info", t("staff.findNone", { q }))
        : h(
            "section",
            { class: "card", "aria-labelledby": "staff-found-h" },
            h("h2", { id: "staff-found-h" }, t("staff.found", { n: found.length })),
            h("ul", { class: "plain-list staff-found" }, found.map((r) => h("li", {}, h("a", { href: `#/staff/residents/${r.address}`, "data-address": r.address, "data-testid": "staff-resident" }, r.text)))),
          ),
    );
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    replace(results);
    error.show((err as Error).message);
  }
}

type Loaded = {
  authorisations: ProxyAuthorization[];
  votes: VoteSummary[];
  pending: ServiceRow[];
  member: Member | null;
  partners: Partner[];
};

async function residentPage(root: HTMLElement, ctx: PageContext, who: SignedIn, address: string): Promise<void> {
  const resident = address.toLowerCase();
  const [authorisations, votes, pending, member, partners] = await Promise.all([
    authorisationsOf(resident, ctx.signal),
    openVotes(ctx.signal),
    all<ServiceRow>("/api/timebank/services", { recipient: resident, status: "recorded" }, 200, ctx.signal),
    allOf<Member, "history">(`/api/timebank/members/${resident}`, "history", 2000, ctx.signal).catch(() => null),
    all<Partner>("/api/timebank/partners", {}, 100, ctx.signal).catch(() => [] as Partner[]),
  ]);
  const names = await staffNames([resident, ...authorisations.map((a) => a.recordedBy), ...pending.map((s) => s.volunteer), ...partners.map((p) => p.address), ...(member?.history ?? []).flatMap((e) => (e.by ? [e.by] : []))], ctx.signal);
  const data: Loaded = { authorisations, votes, pending, member, partners };
  const chain = import("../lib/staff-chain.js");
  chain.catch(() => undefined);
  const named = (a: string) => names.get(a.toLowerCase())?.organisation?.name ?? residentText(names.get(a.toLowerCase()));

  replace(
    root,
    h("p", {}, h("a", { href: "#/staff" }, `← ${t("staff.backToFind")}`)),
    h("h1", { "data-testid": "staff-resident-name" }, residentText(names.get(resident))),
    h("p", { class: "lead" }, t("staff.residentIntro")),
    // issue 14: a 12345 hotline call typed for this resident, under one of their authorisations.
    h("p", {}, h("a", { href: `#/workorders/new?for=${resident}`, class: "button", "data-testid": "staff-workorder" }, t("wo.staffLink"))),
    // issue 15: a dispute filed for this resident, under one of their authorisations.
    h("p", {}, h("a", { href: `#/mediation/new?for=${resident}`, class: "button", "data-testid": "staff-mediation" }, t("medOffice.staffLink.file"))),
    // issue 15: a suggestion sent, or the talent pool joined, for this resident.
    h("p", {}, h("a", { href: `#/suggestions?for=${resident}`, class: "button", "data-testid": "staff-suggestion" }, t("sug.staffLink"))),
    h("p", {}, h("a", { href: `#/talent?for=${resident}`, class: "button", "data-testid": "staff-talent" }, t("talent.staffLink"))),
    authorisationList(data.authorisations, ctx),
    recordForm(ctx, who, resident, data.votes),
    ballotForm(ctx, who, resident, data),
    servicesSection(ctx, who, resident, data, named),
    redeemForm(ctx, who, resident, data, named),
  );
}

/** The authorisations on record, each with its scan checked against the hash on chain on request. */
function authorisationList(list: ProxyAuthorization[], ctx: PageContext): HTMLElement {
  return h(
    "section",
    { class: "card", "aria-labelledby": "auth-h", "data-testid": "staff-authorisations" },
    h("h2", { id: "auth-h" }, t("staff.authorisations", { n: list.length })),
    list.length === 0
      ? h("p", { class: "muted" }, t("staff.noAuthorisations"))
      : h(
          "ul",
          { class: "plain-list proxy-list" },
          list.map((a) => {
            const scanBox = h("span", { "aria-live": "polite" });
            const button = h("button", { type: "button", "data-testid": `scan-${a.id}` }, t("staff.checkScan")) as HTMLButtonElement;
            button.addEventListener("click", () => {
              button.disabled = true;
              replace(scanBox, t("staff.checkingScan"));
              void checkedScan(a.documentHash, ctx.signal)
                .then((r) =>
                  replace(
                    scanBox,
                    r.ok
                      ? h("span", { class: "ok", "data-testid": `scan-ok-${a.id}` }, t("staff.scanMatches"), " ", h("a", { href: r.url, target: "_blank", rel: "noopener" }, t("staff.openScan")))
                      : h("span", { class: "notice error", role: "alert" }, r.reason),
                  ),
                )
                .finally(() => (button.disabled = false));
            });
            return h(
              "li",
              { "data-authorization": a.id, "data-status": a.status },
              h("p", {}, h("strong", {}, t("proxy.number", { id: a.id })), " · ", scopeText(a), " · ", h("span", { class: a.status === "active" ? "ok" : "muted" }, statusText(a))),
              h("p", { class: "muted" }, recordedByText(a.recordedBy)),
              h("p", {}, button, " ", scanBox),
            );
          }),
        ),
  );
}

/** A select of the active authorisations (those covering `scope` first); empty when there is none. */
function authorisationSelect(list: ProxyAuthorization[], scope: ScopeName, testId: string): HTMLSelectElement {
  const active = list.filter((a) => a.status === "active").sort((a, b) => Number(b.scopes.includes(scope)) - Number(a.scopes.includes(scope)));
  return h(
    "select",
    { "data-testid": testId },
    active.length === 0 ? h("option", { value: "" }, t("staff.noActive")) : active.map((a) => h("option", { value: a.id }, `${t("proxy.number", { id: a.id })} · ${scopeText(a)} · ${statusText(a)}`)),
  ) as HTMLSelectElement;
}

/** Progress of one action, in words, announced. */
function progressLine(): { box: HTMLElement; stage: (s: string) => void } {
  const box = h("p", { class: "muted", "aria-live": "polite", "data-testid": "staff-progress" });
  // Stages in words only: a transaction hash means nothing at the office counter (the vote page lists it).
  return { box, stage: (s) => (box.textContent = t(`staff.stage.${s}` as TextKey)) };
}

function recordForm(ctx: PageContext, who: SignedIn, resident: string, votes: VoteSummary[]): HTMLElement {
  let file: File | null = null;
  const chosen = h("p", { class: "muted break", "data-testid": "auth-file" }, t("upload.noFile"));
  const zone = dropZone(t("staff.scanDrop"), ACCEPT, (f) => {
    file = f;
    chosen.textContent = t("upload.chosen", { name: f.name, size: f.size });
    fileError.clear();
  }, "auth-scan");
  const fileInput = zone.querySelector("input")!;
  const fileError = errorSlot(fileInput, "auth-file-error");
  const boxes = SCOPES.map((s) => h("input", { type: "checkbox", name: "scope", value: s, checked: true, "data-testid": `auth-scope-${s}` }) as HTMLInputElement);
  const scopeSet = h("fieldset", { class: "choices" }, h("legend", {}, t("staff.scopeLegend")), SCOPES.map((s, i) => h("label", { class: "choice" }, boxes[i]!, h("span", {}, t(`proxy.scope.${s}`)))));
  const scopeError = errorSlot(scopeSet, "auth-scope-error");
  const vote = h("select", { "data-testid": "auth-vote" }, h("option", { value: "0" }, t("staff.anyVote")), votes.map((v) => h("option", { value: String(v.id) }, voteText(v)))) as HTMLSelectElement;
  const expiry = h("input", { type: "date", required: true, "data-testid": "auth-expiry" }) as HTMLInputElement;
  const expiryError = errorSlot(expiry, "auth-expiry-error");
  const progress = progressLine();
  const result = h("div", { "aria-live": "polite" });
  const button = h("button", { type: "submit", class: "primary", "data-testid": "auth-submit" }, t("staff.recordButton")) as HTMLButtonElement;
  const submitError = errorSlot(button, "auth-submit-error");
  const chain = import("../lib/staff-chain.js");
  // The chain's clock decides the latest expiry (a year and a day from its latest block).
  void chain.then(async (c) => {
    const now = await c.chainNow();
    const iso = (s: number) => new Date(s * 1000).toISOString().slice(0, 10);
    expiry.min = iso(now + DAY);
    expiry.max = iso(now + (MAX_DAYS - 1) * DAY);
    if (!expiry.value) expiry.value = iso(now + 365 * DAY);
  }).catch(() => undefined);

  const form = h(
    "form",
    { class: "card", "aria-labelledby": "record-h", "data-testid": "auth-form" },
    h("h2", { id: "record-h" }, t("staff.recordTitle")),
    h("p", { class: "muted" }, t("staff.recordIntro")),
    h("div", { class: "field" }, h("strong", {}, t("staff.scanLabel")), zone, h("small", { class: "hint" }, t("staff.scanHint"))),
    chosen,
    fileError.slot,
    scopeSet,
    scopeError.slot,
    field(t("staff.voteLabel"), vote, t("staff.voteHint")),
    field(t("staff.expiryLabel"), expiry, t("staff.expiryHint")),
    expiryError.slot,
    h("div", { class: "actions" }, button),
    submitError.slot,
    progress.box,
    result,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    for (const x of [fileError, scopeError, expiryError, submitError]) x.clear();
    const scopes = SCOPES.filter((_, i) => boxes[i]!.checked);
    const bits = scopes.reduce((n, s) => n | SCOPE_BITS[s], 0);
    let bad = false;
    if (!file) {
      fileError.show(t("staff.needScan"));
      bad = true;
    }
    if (bits === 0) {
      scopeError.show(t("staff.needScope"));
      bad = true;
    }
    if (vote.value !== "0" && !scopes.includes("votes")) {
      scopeError.show(t("staff.voteNeedsScope"));
      bad = true;
    }
    if (!expiry.value) {
      expiryError.show(t("staff.needExpiry"));
      bad = true;
    }
    if (bad) return;
    void (async () => {
      button.disabled = true;
      try {
        const c = await chain;
        const now = await c.chainNow();
        // The paper holds to the end of the chosen day (local time).
        const expiresAt = Math.floor(new Date(`${expiry.value}T23:59:59`).getTime() / 1000);
        if (!(expiresAt > now) || expiresAt > now + MAX_DAYS * DAY) {
          expiryError.show(t("staff.expiryRange", { latest: calendarDate(now + MAX_DAYS * DAY) }));
          return;
        }
        progress.stage("uploading");
        const scan = await uploadScan("authorisation", file!, ctx.signal);
        const receipt = await c.staffSend(who, "ProxyAuthorizations", "record", [resident, bits, BigInt(vote.value), expiresAt, scan.hash], progress.stage);
        const id = c.recordedAuthorizationId(receipt);
        progress.stage("indexing");
        await untilIndexed(() => get(`/api/proxy-authorizations/${id}`, ctx.signal).then(() => true, () => false), ctx.signal);
        replace(result, notice("ok", t("staff.recorded", { id })));
        ctx.rerender();
      } catch (err) {
        if ((err as Error).name === "AbortError") return;
        progress.box.textContent = "";
        submitError.show((err as Error).message);
      } finally {
        button.disabled = false;
      }
    })();
  });
  return form;
}

function ballotForm(ctx: PageContext, who: SignedIn, resident: string, data: Loaded): HTMLElement {
  if (data.votes.length === 0) return h("section", { class: "card" }, h("h2", {}, t("staff.ballotTitle")), h("p", { class: "muted" }, t("staff.noOpenVotes")));
  const vote = h("select", { "data-testid": "proxy-vote" }, data.votes.map((v) => h("option", { value: String(v.id) }, voteText(v)))) as HTMLSelectElement;
  const auth = authorisationSelect(data.authorisations, "votes", "proxy-auth");
  const authError = errorSlot(auth, "proxy-auth-error");
  const choices = h(
    "fieldset",
    { class: "choices" },
    h("legend", {}, t("staff.choiceLegend")),
    CHOICES.map((c) => h("label", { class: `choice ${c}` }, h("input", { type: "radio", name: "proxy-choice", value: c, required: true, "data-testid": `proxy-choice-${c}` }), h("span", {}, t(`tally.${c}`)))),
  );
  const button = h("button", { type: "submit", class: "primary", "data-testid": "proxy-cast" }, t("staff.castButton")) as HTMLButtonElement;
  const progress = progressLine();
  const result = h("div", { "aria-live": "polite", "data-testid": "proxy-result" });
  const form = h(
    "form",
    { class: "card", "aria-labelledby": "ballot-h", "data-testid": "proxy-ballot-form" },
    h("h2", { id: "ballot-h" }, t("staff.ballotTitle")),
    field(t("staff.voteChoose"), vote),
    field(t("staff.authChoose"), auth, t("staff.authHint")),
    authError.slot,
    choices,
    h("div", { class: "actions" }, button),
    progress.box,
    result,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    authError.clear();
    replace(result);
    const choice = new FormData(form).get("proxy-choice") as Choice | null;
    if (!choice) return;
    if (!auth.value) return authError.show(t("staff.needAuthorisation"));
    void (async () => {
      button.disabled = true;
      try {
        const c = await import("../lib/staff-chain.js");
        const receipt = await c.staffSend(who, "OwnersVote", "castBallotOnBehalf", [BigInt(vote.value), resident, c.CHOICE_VALUE[choice], BigInt(auth.value)], progress.stage);
        progress.stage("indexing");
        const row = await waitForBallot(vote.value, resident, receipt.transactionHash, ctx.signal);
        progress.box.textContent = "";
        replace(
          result,
          notice("ok", t("staff.cast", { choice: t(`tally.${choice}`), vote: vote.value }), " ", staffMark(row?.enteredBy ?? who.address, auth.value), " ", h("a", { href: `#/votes/${vote.value}` }, t("staff.seeVote"))),
        );
      } catch (err) {
        if ((err as Error).name === "AbortError") return;
        progress.box.textContent = "";
        authError.show((err as Error).message);
      } finally {
        button.disabled = false;
      }
    })();
  });
  return form;
}

function servicesSection(ctx: PageContext, who: SignedIn, resident: string, data: Loaded, named: (a: string) => string): HTMLElement {
  const auth = authorisationSelect(data.authorisations, "services", "service-auth");
  const authError = errorSlot(auth, "service-auth-error");
  const progress = progressLine();
  const act = (s: ServiceRow, fn: "confirmServiceFor" | "rejectServiceFor", button: HTMLButtonElement) => {
    authError.clear();
    if (!auth.value) return authError.show(t("staff.needAuthorisation"));
    void (async () => {
      button.disabled = true;
      try {
        const c = await import("../lib/staff-chain.js");
        await c.staffSend(who, "TimeBank", fn, [BigInt(s.id), BigInt(auth.value)], progress.stage);
        progress.stage("indexing");
        const want = fn === "confirmServiceFor" ? "confirmed" : "rejected";
        await untilIndexed(async () => (await get<ServiceRow>(`/api/timebank/services/${s.id}`, ctx.signal)).status === want, ctx.signal);
        ctx.rerender();
      } catch (err) {
        if ((err as Error).name === "AbortError") return;
        progress.box.textContent = "";
        authError.show((err as Error).message);
      } finally {
        button.disabled = false;
      }
    })();
  };
  return h(
    "section",
    { class: "card", "aria-labelledby": "svc-h", "data-testid": "staff-services" },
    h("h2", { id: "svc-h" }, t("staff.servicesTitle", { n: data.pending.length })),
    data.pending.length === 0
      ? h("p", { class: "muted" }, t("staff.noServices"))
      : [
          field(t("staff.authChoose"), auth),
          authError.slot,
          h(
            "ul",
            { class: "plain-list" },
            data.pending.map((s) => {
              const confirm = h("button", { type: "button", class: "primary", "data-testid": `staff-confirm-${s.id}` }, t("timebank.confirm")) as HTMLButtonElement;
              const reject = h("button", { type: "button", "data-testid": `staff-reject-${s.id}` }, t("timebank.reject")) as HTMLButtonElement;
              confirm.addEventListener("click", () => act(s, "confirmServiceFor", confirm));
              reject.addEventListener("click", () => act(s, "rejectServiceFor", reject));
              return h("li", { class: "service" }, h("p", {}, t("staff.serviceLine", { volunteer: named(s.volunteer), minutes: minutes(s.minutes), date: calendarDate(s.servedAt) })), h("div", { class: "actions" }, confirm, reject));
            }),
          ),
          progress.box,
        ],
  );
}

function redeemForm(ctx: PageContext, who: SignedIn, resident: string, data: Loaded, named: (a: string) => string): HTMLElement {
  const member = data.member;
  if (!member?.member) return h("section", { class: "card" }, h("h2", {}, t("staff.redeemTitle")), h("p", { class: "muted" }, t("staff.notMember")));
  const partner = h("select", { "data-testid": "redeem-partner" }, data.partners.map((p) => h("option", { value: p.address }, named(p.address)))) as HTMLSelectElement;
  const mins = h("input", { type: "number", min: 1, max: Number(member.balance) || 1, value: Math.min(60, Number(member.balance)) || 1, inputmode: "numeric", "data-testid": "redeem-minutes" }) as HTMLInputElement;
  const minsError = errorSlot(mins, "redeem-minutes-error");
  const kind = h("select", { "data-testid": "redeem-kind" }, h("option", { value: "0" }, t("staff.kindService")), h("option", { value: "1" }, t("staff.kindGoods"))) as HTMLSelectElement;
  const auth = authorisationSelect(data.authorisations, "redemptions", "redeem-auth");
  const authError = errorSlot(auth, "redeem-auth-error");
  const button = h("button", { type: "submit", class: "primary", "data-testid": "redeem-submit" }, t("staff.redeemButton")) as HTMLButtonElement;
  const progress = progressLine();
  const form = h(
    "form",
    { class: "card", "aria-labelledby": "redeem-h", "data-testid": "staff-redeem" },
    h("h2", { id: "redeem-h" }, t("staff.redeemTitle")),
    h("p", {}, t("staff.balance", { balance: minutes(member.balance) })),
    field(t("timebank.partner"), partner),
    field(t("timebank.minutes"), mins),
    minsError.slot,
    field(t("staff.kindLabel"), kind),
    field(t("staff.authChoose"), auth),
    authError.slot,
    h("p", { class: "muted" }, t("staff.noteKept")),
    h("div", { class: "actions" }, button),
    progress.box,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    minsError.clear();
    authError.clear();
    const n = Number(mins.value);
    if (!Number.isInteger(n) || n < 1) return minsError.show(t("staff.minutesWhole"));
    if (n > Number(member.balance)) return minsError.show(t("staff.minutesOver", { balance: minutes(member.balance) }));
    if (!auth.value) return authError.show(t("staff.needAuthorisation"));
    void (async () => {
      button.disabled = true;
      try {
        const c = await import("../lib/staff-chain.js");
        const receipt = await c.staffSend(who, "TimeBank", "redeemFor", [resident, partner.value, n, Number(kind.value), c.emptyNote(), BigInt(auth.value)], progress.stage);
        progress.stage("indexing");
        await untilIndexed(async () => {
          const m = await allOf<Member, "history">(`/api/timebank/members/${resident}`, "history", 2000, ctx.signal);
          return m.history.some((x) => x.txHash.toLowerCase() === receipt.transactionHash.toLowerCase());
        }, ctx.signal);
        ctx.rerender();
      } catch (err) {
        if ((err as Error).name === "AbortError") return;
        progress.box.textContent = "";
        authError.show((err as Error).message);
      } finally {
        button.disabled = false;
      }
    })();
  });
  return form;
}
