// Sign in: a browser wallet (EIP-1193) when there is one, or a key kept in this browser (encrypted with a
// passphrase), or — on the development chain only — one of the demo estate's accounts. Then SIWE.
import type { Hex } from "viem";
import { ApiError, get } from "../lib/api.js";
import { config, DEV_CHAIN_ID } from "../lib/chain.js";
import { field, h, notice, replace } from "../lib/dom.js";
import { area, short } from "../lib/format.js";
import { loadNames, unitName } from "../lib/names.js";
import { lang, t } from "../lib/i18n.js";
import { forgetKey, importKey, storedKeys, unlockKey, WrongPassphrase } from "../lib/keys.js";
import type { PageContext } from "../lib/page.js";
import { authorisationsForResident, authorisationsOf, doneForResident } from "../lib/proxy.js";
import { hasBrowserWallet, signedIn, signOut } from "../lib/session.js";
import { keySigner, signIn, walletSigner } from "../lib/signing.js";
import type { Holder } from "../lib/types.js";

/** Where to go after signing in: `#/account?next=votes/3`. */
function nextPath(): string {
  const q = window.location.hash.split("?")[1] ?? "";
  const next = new URLSearchParams(q).get("next");
  return next && /^[\w/]+$/.test(next) ? next : "";
}

function errorText(err: unknown): string {
  if (err instanceof WrongPassphrase) return t("account.wrongPassphrase");
  if (err instanceof ApiError) return err.message;
  const message = (err as Error).message;
  if (message === "bad_key") return t("account.badKey");
  return message.split("\n")[0]!;
}

async function signInWithKey(privateKey: Hex, label: string): Promise<void> {
  await signIn(await keySigner(privateKey, label), t("account.siweStatement"));
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
        h("dt", {}, t("account.address")), h("dd", { class: "mono", "data-testid": "signed-in-address" }, who.address),
        h("dt", {}, t("account.via")), h("dd", {}, who.kind === "wallet" ? t("account.viaWallet") : t("account.viaKey", { label: who.label })),
        h("dt", {}, t("account.roles")), h("dd", {}, who.session.roles.length ? who.session.roles.join(", ") : t("account.noRoles")),
      ),
      h("div", { class: "actions" }, h("button", { type: "button", "data-testid": "sign-out", onclick: () => void signOut() }, t("account.signOut"))),
    ),
    h("section", { class: "card" }, h("h2", {}, t("account.units")), units),
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
          : h("ul", {}, holder.units.map((u) => h("li", {}, t("account.unitLine", { label: unitName(u.id, who.address), id: String(u.id), building: String(u.buildingId), area: area(u.area) }), " ", h("a", { href: `#/fund/units/${u.id}` }, t("account.statement"))))),
      );
    })
    .catch((err: unknown) => {
      if ((err as Error).name !== "AbortError") replace(units, h("p", { class: "muted" }, errorText(err)));
    });
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  if (signedIn()) return signedInView(root, ctx);
  const cfg = await config().catch(() => null);
  const status = h("div", { "aria-live": "polite" });
  const busy = async (work: () => Promise<void>) => {
    replace(status, notice("info", t("account.signingIn")));
    try {
      await work();
    } catch (err) {
      replace(status, notice("error", errorText(err)));
    }
  };

  // 1. Browser wallet.
  const walletSection = h(
    "section",
    { class: "card" },
    h("h2", {}, t("account.wallet")),
    hasBrowserWallet()
      ? h("button", { type: "button", class: "primary", onclick: () => void busy(async () => void (await signIn(await walletSigner(), t("account.siweStatement")))) }, t("account.walletButton"))
      : h("p", { class: "muted" }, t("account.noWallet")),
  );

  // 2. A key kept in this browser.
  const keys = storedKeys();
  const keySelect = h("select", { "data-testid": "stored-key" }, keys.map((k) => h("option", { value: k.address }, `${k.demo ? `[${t("account.demoTag")}] ` : ""}${k.label} (${short(k.address)})`)));
  const unlockPass = h("input", { type: "password", autocomplete: "current-password", "data-testid": "unlock-passphrase" }) as HTMLInputElement;
  const unlockForm = h(
    "form",
    {},
    field(t("account.storedKey"), keySelect),
    field(t("account.passphrase"), unlockPass),
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
    void busy(async () => signInWithKey(await unlockKey(stored, unlockPass.value), stored.label));
  });

  const importKeyInput = h("input", { type: "password", autocomplete: "off", class: "mono", placeholder: "0x…" }) as HTMLInputElement;
  const importLabel = h("input", { type: "text", autocomplete: "off" }) as HTMLInputElement;
  const importPass = h("input", { type: "password", autocomplete: "new-password", minlength: 8 }) as HTMLInputElement;
  const importPass2 = h("input", { type: "password", autocomplete: "new-password", minlength: 8 }) as HTMLInputElement;
  const importForm = h(
    "form",
    {},
    h("h3", {}, t("account.importTitle")),
    h("p", { class: "muted" }, t("account.importIntro")),
    field(t("account.privateKey"), importKeyInput),
    field(t("account.keyLabel"), importLabel),
    field(t("account.newPassphrase"), importPass, t("account.passphraseHint")),
    field(t("account.repeatPassphrase"), importPass2),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("account.importButton"))),
  );
  importForm.addEventListener("submit", (e) => {
    e.preventDefault();
    if (importPass.value.length < 8) return void replace(status, notice("error", t("account.passphraseShort")));
    if (importPass.value !== importPass2.value) return void replace(status, notice("error", t("account.passphraseMismatch")));
    void busy(async () => {
      const key = importKeyInput.value.trim() as Hex;
      await importKey(key, importPass.value, importLabel.value.trim() || t("account.myKey"));
      await signInWithKey(key, importLabel.value.trim() || t("account.myKey"));
    });
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
  if (cfg?.chainId === DEV_CHAIN_ID) {
    const { demoAccounts } = await import("virtual:demo-accounts");
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
    const demoForm = h(
      "form",
      {},
      field(t("account.demoPick"), demoSelect),
      field(t("account.newPassphrase"), demoPass, t("account.demoPassHint")),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", "data-testid": "demo-sign-in" }, t("account.demoButton"))),
    );
    demoForm.addEventListener("submit", (e) => {
      e.preventDefault();
      const chosen = demoAccounts.find((a) => a.address === demoSelect.value)!;
      if (demoPass.value.length < 4) return void replace(status, notice("error", t("account.demoPassShort")));
      const label = lang() === "en" ? chosen.labelEn : chosen.label;
      void busy(async () => {
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

  replace(root, h("h1", {}, t("account.signInTitle")), h("p", { class: "lead" }, t("account.intro")), status, demoSection, walletSection, keySection);
}
