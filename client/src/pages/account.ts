// Sign in: a browser wallet (EIP-1193) when there is one, or a key kept in this browser (encrypted with a
// passphrase), or — on the development chain only — one of the demo estate's accounts. Then SIWE.
import type { Hex } from "viem";
import { get } from "../lib/api.js";
import { config, DEV_CHAIN_ID } from "../lib/chain.js";
import { clearFieldErrors, field, fieldError, h, notice, replace } from "../lib/dom.js";
import { errorText } from "../lib/errors.js";
import { EXPIRED, keep } from "../lib/keep.js";
import { roleName } from "../lib/labels.js";
import { dataTable } from "../lib/table.js";
import { area, short } from "../lib/format.js";
import { loadNames, unitName } from "../lib/names.js";
import { lang, t } from "../lib/i18n.js";
import { forgetKey, importKey, storedKeys, unlockKey, WrongPassphrase } from "../lib/keys.js";
import type { PageContext } from "../lib/page.js";
import { authorisationsForResident, authorisationsOf, doneForResident } from "../lib/proxy.js";
import { hasBrowserWallet, signedIn, signOut } from "../lib/session.js";
import { keySigner, signIn, walletSigner } from "../lib/signing.js";
import type { Holder } from "../lib/types.js";

/** A person of the demo estate, with a well-known development key. */
type DemoAccount = { group: string; groupLabel: string; groupLabelEn: string; label: string; labelEn: string; address: Hex; privateKey: Hex };

/** Where to go after signing in: `#/account?next=votes/3`. */
function nextPath(): string {
  const q = window.location.hash.split("?")[1] ?? "";
  const next = new URLSearchParams(q).get("next");
  return next && /^[\w/]+$/.test(next) ? next : "";
}

/** The control a failure belongs to, if it is one person's input (else it shows by the form's button). */
function controlOf(err: unknown, controls: { passphrase?: HTMLElement; key?: HTMLElement }): [HTMLElement, string] | null {
  if (err instanceof WrongPassphrase && controls.passphrase) return [controls.passphrase, t("account.wrongPassphrase")];
  if ((err as Error).message === "bad_key" && controls.key) return [controls.key, t("account.badKey")];
  return null;
}

async function signInWithKey(privateKey: Hex, label: string): Promise<void> {
  // Kept for this tab, the key wrapped (lib/keep.ts), before the page shows it: a reload does not sign the person out.
  await signIn(await keySigner(privateKey, label), t("account.siweStatement"), (who) =>
    keep(who, privateKey).catch((err: unknown) => console.error("the sign-in is not kept across a reload", err)),
  );
  sessionStorage.removeItem(EXPIRED);
  const next = nextPath();
  if (next) window.location.hash = `#/${next}`;
}

function signedInView(root: HTMLElement, ctx: PageContext): void {
  const who = signedIn()!;
  const units = h("div", { "aria-live": "polite" }, t("app.loading"));
  const proxies = h("div", { "data-testid": "account-proxies" });
  replace(
    root,
    h("h1", {}, t("account.title")),
    h(
      "section",
      { class: "card" },
      h("dl", { class: "facts" },
        h("dt", {}, t("account.address")), h("dd", { class: "mono break", "data-testid": "signed-in-address" }, who.address),
        h("dt", {}, t("account.via")), h("dd", {}, who.kind === "wallet" ? t("account.viaWallet") : t("account.viaKey", { label: who.label })),
        h("dt", {}, t("account.roles")), h("dd", { "data-testid": "roles" }, who.session.roles.length ? who.session.roles.map(roleName).join(t("names.and")) : t("account.noRoles")),
      ),
      h("p", { class: "muted" }, t("session.kept")),
      h("div", { class: "actions" }, h("button", { type: "button", "data-testid": "sign-out", onclick: () => void signOut() }, t("account.signOut"))),
    ),
    h("section", { class: "card" }, h("h2", { id: "units-h" }, t("account.units")), units),
    proxies,
  );
  // What community staff did for this resident, and under which written authorisation (issue 13).
  void authorisationsOf(who.address, ctx.signal)
    .then(async (list) => replace(proxies, authorisationsForResident(list, await doneForResident(who.address, list, ctx.signal))))
    .catch(() => undefined);
  get<Holder>(`/api/holders/${who.address}`, ctx.signal)
    .then(async (holder) => {
      await loadNames([who.address], ctx.signal);
      replace(
        units,
        holder.units.length === 0
          ? h("p", {}, t("account.noUnits"))
          : dataTable(
              [
                { label: t("account.flat"), cell: (u) => unitName(u.id, who.address) },
                { label: t("tally.area"), cell: (u) => area(u.area), num: true },
                { label: t("account.fundAccount"), cell: (u) => h("a", { href: `#/fund/units/${u.id}` }, t("account.statement")) },
              ],
              holder.units,
              { labelledBy: "units-h", rowHeader: true, attrs: { "data-testid": "units-table" } },
            ),
      );
    })
    .catch((err: unknown) => {
      if ((err as Error).name !== "AbortError") replace(units, h("p", { role: "alert" }, errorText(err), " ", h("button", { type: "button", onclick: () => ctx.rerender() }, t("error.retry"))));
    });
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  if (signedIn()) return signedInView(root, ctx);
  const cfg = await config().catch(() => null);
  // Each form says how its sign-in goes right by its button; a wrong input is marked under its own field.
  const slot = () => h("div", { "aria-live": "polite", "data-testid": "form-status" });
  const busy = async (form: HTMLElement, status: HTMLElement, work: () => Promise<void>, controls: { passphrase?: HTMLElement; key?: HTMLElement } = {}) => {
    clearFieldErrors(form);
    replace(status, notice("info", t("account.signingIn")));
    try {
      await work();
    } catch (err) {
      const own = controlOf(err, controls);
      if (own) {
        replace(status);
        fieldError(own[0], own[1], { focus: true });
      } else {
        replace(status, notice("error", errorText(err)));
      }
    }
  };
  const walletStatus = slot();

  // 1. Browser wallet.
  const walletSection: HTMLElement = h(
    "section",
    { class: "card" },
    h("h2", {}, t("account.wallet")),
    hasBrowserWallet()
      ? h("button", {
          type: "button",
          class: "primary",
          onclick: () =>
            void busy(walletSection, walletStatus, async () => {
              await signIn(await walletSigner(), t("account.siweStatement"), (who) => keep(who).catch(() => undefined));
            }),
        }, t("account.walletButton"))
      : h("p", { class: "muted" }, t("account.noWallet")),
    walletStatus,
  );

  // 2. A key kept in this browser.
  const keys = storedKeys();
  // After an expired session, the key it used is preselected and the page says why it asks again.
  const expiredFor = sessionStorage.getItem(EXPIRED);
  const keySelect = h(
    "select",
    { "data-testid": "stored-key" },
    keys.map((k) => h("option", { value: k.address, selected: k.address === expiredFor ? true : undefined }, `${k.demo ? `[${t("account.demoTag")}] ` : ""}${k.label} (${short(k.address)})`)),
  );
  const unlockStatus = slot();
  const unlockPass = h("input", { type: "password", autocomplete: "current-password", "data-testid": "unlock-passphrase" }) as HTMLInputElement;
  const unlockForm = h(
    "form",
    {},
    expiredFor && keys.some((k) => k.address === expiredFor) ? notice("warn", t("session.expired")) : null,
    field(t("account.storedKey"), keySelect),
    field(t("account.passphrase"), unlockPass),
    unlockStatus,
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", class: "primary", "data-testid": "unlock" }, t("account.unlock")),
      h("button", { type: "button", onclick: () => { forgetKey((keySelect as HTMLSelectElement).value as Hex); ctx.rerender(); } }, t("account.forget")),
    ),
  );
  unlockForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const stored = keys.find((k) => k.address === (keySelect as HTMLSelectElement).value);
    if (!stored) return;
    void busy(unlockForm, unlockStatus, async () => signInWithKey(await unlockKey(stored, unlockPass.value), stored.label), { passphrase: unlockPass });
  });

  const importKeyInput = h("input", { type: "password", autocomplete: "off", class: "mono", placeholder: "0x…" }) as HTMLInputElement;
  const importLabel = h("input", { type: "text", autocomplete: "off" }) as HTMLInputElement;
  const importPass = h("input", { type: "password", autocomplete: "new-password", minlength: 8 }) as HTMLInputElement;
  const importPass2 = h("input", { type: "password", autocomplete: "new-password", minlength: 8 }) as HTMLInputElement;
  const importStatus = slot();
  const importForm = h(
    "form",
    {},
    h("h3", {}, t("account.importTitle")),
    h("p", { class: "muted" }, t("account.importIntro")),
    field(t("account.privateKey"), importKeyInput),
    field(t("account.keyLabel"), importLabel),
    field(t("account.newPassphrase"), importPass, t("account.passphraseHint")),
    field(t("account.repeatPassphrase"), importPass2),
    importStatus,
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("account.importButton"))),
  );
  importForm.addEventListener("submit", (e) => {
    e.preventDefault();
    clearFieldErrors(importForm);
    if (importPass.value.length < 8) return void fieldError(importPass, t("account.passphraseShort"), { focus: true });
    if (importPass.value !== importPass2.value) return void fieldError(importPass2, t("account.passphraseMismatch"), { focus: true });
    void busy(importForm, importStatus, async () => {
      const key = importKeyInput.value.trim() as Hex;
      await importKey(key, importPass.value, importLabel.value.trim() || t("account.myKey"));
      await signInWithKey(key, importLabel.value.trim() || t("account.myKey"));
    }, { key: importKeyInput });
  });

  const keySection = h(
    "section",
    { class: "card" },
    h("h2", {}, t("account.keyTitle")),
    h("p", { class: "muted" }, t("account.keyIntro")),
    keys.length > 0 ? unlockForm : h("p", {}, t("account.noStoredKeys")),
    h("details", { open: keys.length === 0 ? true : undefined }, h("summary", {}, t("account.importTitle")), importForm),
  );

  // 3. Demo accounts (development chain only).
  let demoSection: HTMLElement | null = null;
  // The demo stack's server lists its people (GET /api/demo/accounts); a real deployment has no such route.
  const demoAccounts = cfg?.chainId === DEV_CHAIN_ID ? await get<{ items: DemoAccount[] }>("/api/demo/accounts").then((a) => a.items, () => []) : [];
  if (demoAccounts.length > 0) {
    const groupOf = (a: (typeof demoAccounts)[number]) => `${a.group}|${a.groupLabel}|${a.groupLabelEn}`;
    const groups = [...new Set(demoAccounts.map(groupOf))];
    const groupName = (key: string) => {
      const [group, zh, en] = key.split("|") as [string, string, string];
      const base = t(`account.group.${group}` as Parameters<typeof t>[0]);
      return zh ? `${base} · ${lang() === "en" ? en : zh}` : base;
    };
    const demoSelect = h(
      "select",
      { "data-testid": "demo-account" },
      groups.map((g) =>
        h(
          "optgroup",
          { label: groupName(g) },
          demoAccounts.filter((a) => groupOf(a) === g).map((a) => h("option", { value: a.address }, `${lang() === "en" ? a.labelEn : a.label} · ${short(a.address)}`)),
        ),
      ),
    ) as HTMLSelectElement;
    const demoPass = h("input", { type: "password", autocomplete: "new-password", "data-testid": "demo-passphrase" }) as HTMLInputElement;
    const demoStatus = slot();
    const demoForm = h(
      "form",
      {},
      field(t("account.demoPick"), demoSelect),
      field(t("account.newPassphrase"), demoPass, t("account.demoPassHint")),
      demoStatus,
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", "data-testid": "demo-sign-in" }, t("account.demoButton"))),
    );
    demoForm.addEventListener("submit", (e) => {
      e.preventDefault();
      const chosen = demoAccounts.find((a) => a.address === demoSelect.value)!;
      clearFieldErrors(demoForm);
      if (demoPass.value.length < 4) return void fieldError(demoPass, t("account.demoPassShort"), { focus: true });
      const label = lang() === "en" ? chosen.labelEn : chosen.label;
      void busy(demoForm, demoStatus, async () => {
        await importKey(chosen.privateKey, demoPass.value, label, true);
        await signInWithKey(chosen.privateKey, label);
      });
    });
    demoSection = h(
      "section",
      { class: "card demo", "aria-labelledby": "demo-h" },
      h("h2", { id: "demo-h" }, h("span", { class: "badge warn" }, t("account.demoTag")), " ", t("account.demoTitle")),
      h("p", {}, t("account.demoIntro")),
      demoForm,
    );
  }

  replace(root, h("h1", {}, t("account.signInTitle")), h("p", { class: "lead" }, t("account.intro")), demoSection, walletSection, keySection);
}
