// The office's talent pool (#/talent/pool, issue 15, staff and mediators): the members who consent to be
// contacted, searched by skill, language, availability and hours; each can be invited to a work order, a mediation
// case or a micro-renewal project; and the invitations sent with their answers. A member who withdrew their consent
// is not listed. Members are person ids; staff see each one's name beside it, read from the directory on the
// vault's audited path for arranging a service (each read logged), and anyone else the id alone.
import { get, post } from "../lib/api.js";
import { field, h, notice, replace } from "../lib/dom.js";
import { errorText } from "../lib/errors.js";
import { t, type TextKey } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";
import { day } from "../lib/sug.js";
import { kindName, languageName, LANGUAGES, skillName, SKILLS, slotName, SLOTS, TARGET_KINDS, type Invitation, type Member } from "../lib/talent.js";

/** The names the directory lets this viewer read for arranging a service, by person id (none where refused). */
async function namesOf(persons: string[], signal: AbortSignal): Promise<Map<string, string>> {
  const read = (person: string) =>
    get<{ fields: Record<string, string> }>(`/api/directory/people/${person}?purpose=service.arrangement&fields=name`, signal).then(
      (view) => [person, view.fields.name] as const,
      () => [person, undefined] as const,
    );
  const found = await Promise.all([...new Set(persons)].map(read));
  return new Map(found.filter((entry): entry is readonly [string, string] => entry[1] !== undefined));
}

function filters(): { skill: string; language: string; slot: string; minHours: string } {
  const q = new URLSearchParams(window.location.hash.split("?")[1] ?? "");
  const pick = (key: string, allowed: readonly string[]) => (allowed.includes(q.get(key) ?? "") ? q.get(key)! : "");
  return { skill: pick("skill", SKILLS), language: pick("language", LANGUAGES), slot: pick("slot", SLOTS), minHours: /^\d{1,3}$/.test(q.get("minHours") ?? "") ? q.get("minHours")! : "" };
}

function select(codes: readonly string[], name: (code: string) => string, value: string, testId: string): HTMLSelectElement {
  const el = h("select", { "data-testid": testId }, h("option", { value: "" }, t("talent.any")), ...codes.map((c) => h("option", { value: c }, name(c))));
  el.value = value;
  return el;
}

function inviteForm(m: Member, ctx: PageContext): HTMLElement {
  const kind = h("select", { "data-testid": "pool-kind" }, ...TARGET_KINDS.map((k) => h("option", { value: k }, kindName(k))));
  const id = h("input", { maxlength: 64, autocomplete: "off", spellcheck: "false", class: "mono", "data-testid": "pool-target" });
  const result = h("div", { "aria-live": "polite", "data-testid": "pool-result" });
  const form = h("form", { class: "inline-form", novalidate: true, "data-testid": "pool-invite" }, field(t("talent.kind"), kind), field(t("talent.targetId"), id, t("talent.targetHint")), h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", "data-testid": "pool-invite-send" }, t("talent.invite"))), result);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id.value.trim())) return void result.replaceChildren(notice("error", t("talent.targetBad")));
    void post("/api/talent/invitations/invite", { member: m.person, target: { kind: kind.value, id: id.value.trim() } }, ctx.signal)
      .then(() => ctx.rerender())
      .catch((err: unknown) => result.replaceChildren(notice("error", errorText(err))));
  });
  return form;
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const title = h("h1", {}, t("talent.pool"));
  const who = signedIn();
  if (!who) return replace(root, title, notice("info", t("talent.signIn"), " ", h("a", { href: "#/account?next=talent/pool", class: "button primary" }, t("nav.signIn"))));
  if (!who.session.roles.some((r) => r === "staff" || r === "mediator")) return replace(root, title, notice("warn", t("talent.onlyStaff")));
  const f = filters();
  const query = new URLSearchParams({ limit: "100", ...(f.skill ? { skills: f.skill } : {}), ...(f.language ? { languages: f.language } : {}), ...(f.slot ? { slots: f.slot } : {}), ...(f.minHours ? { minHours: f.minHours } : {}) });
  const [pool, sent] = await Promise.all([get<{ items: Member[] }>(`/api/talent/pool?${query.toString()}`, ctx.signal), get<{ items: Invitation[] }>("/api/talent/invitations/sent?limit=50", ctx.signal)]);
  const names = who.session.roles.includes("staff") ? await namesOf([...pool.items.map((m) => m.person), ...sent.items.map((i) => i.member)], ctx.signal) : new Map<string, string>();
  const person = (id: string) => {
    const name = names.get(id);
    return name ? [h("strong", { "data-testid": "pool-name" }, name), " ", h("small", { class: "mono break muted" }, id)] : [h("strong", { class: "mono break" }, id)];
  };
  const skill = select(SKILLS, skillName, f.skill, "pool-skill");
  const language = select(LANGUAGES, languageName, f.language, "pool-language");
  const slot = select(SLOTS, slotName, f.slot, "pool-slot");
  const minHours = h("input", { type: "number", min: 0, max: 200, inputmode: "numeric", value: f.minHours, "data-testid": "pool-hours" });
  const search = h("form", { class: "card inline-form", novalidate: true, "data-testid": "pool-search", role: "search" }, field(t("talent.skill"), skill), field(t("talent.language"), language), field(t("talent.slot"), slot), field(t("talent.minHours"), minHours), h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", "data-testid": "pool-search-go" }, t("talent.search"))));
  search.addEventListener("submit", (e) => {
    e.preventDefault();
    const q = new URLSearchParams({ ...(skill.value ? { skill: skill.value } : {}), ...(language.value ? { language: language.value } : {}), ...(slot.value ? { slot: slot.value } : {}), ...(minHours.value ? { minHours: minHours.value } : {}) });
    window.location.hash = `#/talent/pool${q.size ? `?${q.toString()}` : ""}`;
  });
  replace(
    root,
    title,
    h("p", { class: "lead" }, t("talent.poolLead")),
    search,
    h(
      "section",
      { "aria-labelledby": "pool-h" },
      h("h2", { id: "pool-h" }, t("talent.found", { n: pool.items.length })),
      pool.items.length === 0
        ? h("p", { class: "muted", "data-testid": "pool-none" }, t("talent.noneFound"))
        : h(
            "ul",
            { class: "cards", "data-testid": "pool-list" },
            pool.items.map((m) =>
              h(
                "li",
                { class: "card", "data-person": m.person },
                h("p", {}, ...person(m.person), m.building ? ` · ${t("talent.building", { building: m.building })}` : "", m.proxy ? h("span", { class: "badge" }, t("talent.byStaffShort")) : null),
                h("p", {}, m.offer.skills.map(skillName).join("、")),
                h("p", { class: "muted" }, m.offer.languages.map(languageName).join("、"), " · ", m.offer.availability.slots.map(slotName).join("、"), " · ", t("talent.hoursShort", { n: m.offer.availability.hoursPerMonth }), " · ", t("talent.proofsKept", { n: m.offer.proofs.length })),
                inviteForm(m, ctx),
              ),
            ),
          ),
    ),
    h(
      "section",
      { "aria-labelledby": "pool-sent-h" },
      h("h2", { id: "pool-sent-h" }, t("talent.sent")),
      sent.items.length === 0
        ? h("p", { class: "muted" }, t("talent.noInvitations"))
        : h("ul", { class: "plain-list", "data-testid": "pool-sent" }, sent.items.map((inv) => h("li", { "data-invitation": inv.id }, ...person(inv.member), ` → ${kindName(inv.target.kind)} ${inv.target.id} · ${day(inv.invitedAt)} · ${t(`talent.status.${inv.status}` as TextKey)}`))),
    ),
  );
}
