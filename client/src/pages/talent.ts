// 能人库 (#/talent, issue 15): a skilled resident offers what they can (skills, languages, when and how many hours
// a month, proof documents: only their hashes are sent), with an explicit consent to be contacted that they can
// withdraw and give again; and their invitations to work orders, mediation cases and micro-renewal projects, to
// accept or decline. Their person is the directory's (the office links an account to it). Staff open it as
// `#/talent?for=<address>` from the staff desk to do all of this for a resident without a phone, under one of
// the resident's written authorisations (marked "by staff" wherever it is shown).
import { actingFor, residentInHash, type ActingFor } from "../lib/acting-for.js";
import { get, post } from "../lib/api.js";
import { field, fileBytes, h, notice, replace } from "../lib/dom.js";
import { fileInput } from "../lib/file-input.js";
import { errorText } from "../lib/errors.js";
import { t } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";
import { day } from "../lib/sug.js";
import { checkboxes, kindName, languageName, LANGUAGES, skillName, SKILLS, slotName, SLOTS, type Invitation, type Member } from "../lib/talent.js";

/** Staff acting for a resident on this page (`?for=`), else undefined: every command then carries their fields. */
let proxy: ActingFor | undefined;

function send(path: string, body: Record<string, unknown>, result: HTMLElement, ctx: PageContext, button?: HTMLButtonElement): void {
  if (proxy && !proxy.usable) return void result.replaceChildren(notice("error", t("proxy.for.none")));
  if (button) button.disabled = true;
  void post(path, { ...body, ...proxy?.fields() }, ctx.signal)
    .then(() => ctx.rerender())
    .catch((err: unknown) => {
      if (button) button.disabled = false;
      result.replaceChildren(notice("error", errorText(err)));
    });
}

function offerForm(person: string, member: Member | undefined, ctx: PageContext): HTMLElement {
  const offer = member?.offer;
  const skills = checkboxes(t("talent.skills"), SKILLS, skillName, offer?.skills ?? [], "talent-skills");
  const languages = checkboxes(t("talent.languages"), LANGUAGES, languageName, offer?.languages ?? ["cmn"], "talent-languages");
  const slots = checkboxes(t("talent.slots"), SLOTS, slotName, offer?.availability.slots ?? [], "talent-slots");
  const hours = h("input", { type: "number", min: 1, max: 200, inputmode: "numeric", value: offer?.availability.hoursPerMonth ?? 4, "data-testid": "talent-hours" });
  const proof = fileInput({ multiple: true, testId: "talent-proof" });
  const consent = member ? null : h("input", { type: "checkbox", "data-testid": "talent-consent" });
  const result = h("div", { "aria-live": "polite", "data-testid": "talent-result" });
  const button = h("button", { type: "submit", class: "primary", "data-testid": "talent-save" }, member ? t("talent.update") : t("talent.register"));
  const form = h(
    "form",
    { class: "card", novalidate: true, "data-testid": "talent-form", "aria-labelledby": "talent-offer-h" },
    h("h2", { id: "talent-offer-h" }, member ? t("talent.myOffer") : t("talent.join")),
    skills.element,
    languages.element,
    slots.element,
    field(t("talent.hours"), hours),
    field(t("talent.proofs"), proof, offer && offer.proofs.length > 0 ? t("talent.proofsKept", { n: offer.proofs.length }) : t("talent.proofsHint")),
    consent ? h("label", { class: "check" }, consent, " ", t("talent.consent")) : null,
    h("div", { class: "actions" }, button),
    result,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const picked = { skills: skills.values(), languages: languages.values(), slots: slots.values() };
    if (picked.skills.length === 0 || picked.languages.length === 0 || picked.slots.length === 0) return void result.replaceChildren(notice("error", t("talent.pickSome")));
    if (consent && !consent.checked) return void result.replaceChildren(notice("error", t("talent.consentNeeded")));
    void (async () => {
      // Only each document's keccak256 leaves the browser: the document stays with its holder.
      const files = [...(proof.files ?? [])].slice(0, 6);
      const { keccak256 } = await import("../lib/keccak.js");
      const hashes = await Promise.all(files.map(async (f) => keccak256(await fileBytes(f))));
      const body = {
        skills: picked.skills,
        languages: picked.languages,
        availability: { slots: picked.slots, hoursPerMonth: Number(hours.value) || 1 },
        proofs: hashes.length > 0 ? hashes : (offer?.proofs ?? []),
      };
      if (member) send(`/api/talent/${person}/update`, body, result, ctx, button);
      else send("/api/talent/register", { ...body, person, consent: true }, result, ctx, button);
    })();
  });
  return form;
}

function consentSection(member: Member, ctx: PageContext): HTMLElement {
  const result = h("div", { "aria-live": "polite" });
  const button = h("button", { type: "button", "data-testid": member.consent ? "talent-withdraw" : "talent-give" }, member.consent ? t("talent.withdraw") : t("talent.give"));
  button.addEventListener("click", () => send(`/api/talent/${member.person}/${member.consent ? "withdrawConsent" : "giveConsent"}`, {}, result, ctx, button));
  return h(
    "section",
    { class: "card", "aria-labelledby": "talent-consent-h", "data-testid": "talent-consent-state", "data-consent": String(member.consent) },
    h("h2", { id: "talent-consent-h" }, t("talent.consentTitle")),
    notice(member.consent ? "ok" : "warn", member.consent ? t("talent.consentGiven", { date: day(member.consentChangedAt) }) : t("talent.consentWithdrawn", { date: day(member.consentChangedAt) })),
    member.proxy ? h("p", { class: "muted" }, t("talent.byStaff")) : null,
    h("div", { class: "actions" }, button),
    result,
  );
}

function invitationsSection(items: Invitation[], ctx: PageContext): HTMLElement {
  return h(
    "section",
    { "aria-labelledby": "talent-inv-h" },
    h("h2", { id: "talent-inv-h" }, t("talent.invitations")),
    items.length === 0
      ? h("p", { class: "muted", "data-testid": "talent-inv-none" }, t("talent.noInvitations"))
      : h(
          "ul",
          { class: "cards", "data-testid": "talent-invitations" },
          items.map((inv) => {
            const result = h("div", { "aria-live": "polite" });
            const answer = (command: "accept" | "decline") => {
              const b = h("button", { type: "button", class: command === "accept" ? "primary" : undefined, "data-testid": `talent-${command}` }, t(`talent.${command}`));
              b.addEventListener("click", () => send(`/api/talent/invitations/${inv.id}/${command}`, {}, result, ctx, b));
              return b;
            };
            return h(
              "li",
              { class: "card", "data-invitation": inv.id, "data-status": inv.status },
              h("p", {}, h("strong", {}, kindName(inv.target.kind)), " ", h("span", { class: "mono break" }, inv.target.id)),
              h("p", { class: "muted" }, t("talent.invitedOn", { date: day(inv.invitedAt) }), " · ", t(`talent.status.${inv.status}`), inv.proxy ? ` · ${t("talent.answeredByStaff")}` : ""),
              inv.status === "invited" ? h("div", { class: "actions" }, answer("accept"), answer("decline")) : null,
              result,
            );
          }),
        ),
  );
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const title = h("h1", {}, t("talent.title"));
  const who = signedIn();
  if (!who) return replace(root, title, h("p", { class: "lead" }, t("talent.lead")), notice("info", t("talent.signIn"), " ", h("a", { href: "#/account?next=talent", class: "button primary" }, t("nav.signIn"))));
  const staff = who.session.roles.includes("staff");
  const resident = staff ? residentInHash() : undefined;
  const forQuery = resident ? `?for=${resident}` : "";
  const [me, invitations, acting] = await Promise.all([
    get<{ persons: string[]; members: Member[] }>(`/api/talent/me${forQuery}`, ctx.signal),
    get<{ items: Invitation[] }>(`/api/talent/invitations/mine${forQuery}`, ctx.signal),
    actingFor("talent", ctx.signal),
  ]);
  proxy = acting;
  const staffLink = acting ? acting.element : staff || who.session.roles.includes("mediator") ? h("p", {}, h("a", { href: "#/talent/pool", class: "button", "data-testid": "talent-pool-link" }, t("talent.pool"))) : null;
  const person = me.persons[0];
  if (!person) return replace(root, title, h("p", { class: "lead" }, t("talent.lead")), staffLink, notice("info", t(acting ? "talent.notLinkedFor" : "talent.notLinked")));
  const member = me.members.find((m) => m.person === person);
  replace(
    root,
    title,
    h("p", { class: "lead" }, t("talent.lead")),
    staffLink,
    offerForm(person, member, ctx),
    member ? consentSection(member, ctx) : null,
    invitationsSection(invitations.items, ctx),
  );
}
