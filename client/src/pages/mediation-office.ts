// The community office's mediation desk (#/mediation/office, issue 15, staff only): every case by status (open
// ones by their time limit, soonest first), narrowed by level and category; for each, the mediator matching
// proposes (by the category's skills, a shared language or dialect and the load each carries, nobody with a conflict
// of interest) with the office's choice of another, with a reason; the judicial office, the police or a lawyer
// invited into a case in their own roles (三所联动); and the way to each case's page and workspace.
import { get } from "../lib/api.js";
import { field, h, notice, replace } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { label } from "../lib/labels.js";
import {
  actionForm,
  BASE,
  CATEGORIES,
  categoryName,
  choice,
  command,
  deadlineText,
  LEVELS,
  levelName,
  OVERRIDE_REASONS,
  statusBadge,
  type Dispute,
} from "../lib/mediation.js";
import type { PageContext } from "../lib/page.js";
import { inviteForm } from "../lib/med-case.js";
import { signedIn } from "../lib/session.js";

const STATUS_FILTERS = ["open", "awaitingAnswer", "mediating", "closed", "all"] as const;

/** GET …/{id}/proposal: the candidates without conflict, best first, and those left out with their conflict. */
type Proposal = {
  ranked: { person: string; source: string; score: number; skills: string[]; languages: string[]; load: number }[];
  excluded: { person: string; source: string; conflict: string }[];
};

function filters(): { status: (typeof STATUS_FILTERS)[number]; level: string; category: string } {
  const q = new URLSearchParams(window.location.hash.split("?")[1] ?? "");
  const status = q.get("status") ?? "open";
  const level = q.get("level") ?? "";
  const category = q.get("category") ?? "";
  return {
    status: (STATUS_FILTERS as readonly string[]).includes(status) ? (status as (typeof STATUS_FILTERS)[number]) : "open",
    level: (LEVELS as readonly string[]).includes(level) ? level : "",
    category: (CATEGORIES as readonly string[]).includes(category) ? category : "",
  };
}

/** Every case of the office's list for `status` (up to `max`). */
async function cases(status: string, signal: AbortSignal, max = 500): Promise<Dispute[]> {
  const items: Dispute[] = [];
  let cursor: string | undefined;
  do {
    const page = await get<{ items: Dispute[]; nextCursor?: string }>(`${BASE}/office?status=${status}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, signal);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}

/** Names of the candidates, as staff may see them to arrange the mediation (each read audited); else their id. */
async function namesOf(people: string[], signal: AbortSignal): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await Promise.all(
    people.map((p) =>
      get<{ fields: { name?: string; displayName?: string } }>(`/api/directory/people/${encodeURIComponent(p)}?purpose=service.arrangement&fields=name`, signal)
        .then((v) => void (v.fields.name && out.set(p, v.fields.name)))
        .catch(() => undefined),
    ),
  );
  return out;
}

/** "王老师 · 人民调解员 · 人民调解、心理咨询 · 普通话 · 手上 2 件". */
function candidateText(c: Proposal["ranked"][number], names: Map<string, string>): string {
  return [
    names.get(c.person) ?? t("medOffice.person", { id: c.person }),
    label("medOffice.source", c.source),
    c.skills.length ? c.skills.map((s) => label("medOffice.skill", s)).join(t("names.and")) : t("medOffice.noSkill"),
    c.languages.length ? c.languages.map((l) => label("medOffice.language", l)).join(t("names.and")) : null,
    t("medOffice.load", { n: c.load }),
  ]
    .filter(Boolean)
    .join(" · ");
}

/** The proposal and the office's choice: take the proposal, or name another with a reason. */
async function assignForm(d: Dispute, ctx: PageContext): Promise<HTMLElement> {
  const proposal = await get<Proposal>(`${BASE}/${encodeURIComponent(d.id)}/proposal`, ctx.signal);
  const names = await namesOf([...proposal.ranked.slice(0, 8).map((c) => c.person), ...proposal.excluded.map((c) => c.person)], ctx.signal);
  const best = proposal.ranked[0];
  const mediator = h(
    "select",
    { "data-testid": "med-assign-mediator" },
    proposal.ranked.slice(0, 8).map((c, i) => h("option", { value: c.person }, `${i === 0 ? `${t("medOffice.proposed")} ` : ""}${candidateText(c, names)}`)),
  ) as HTMLSelectElement;
  const reason = choice(OVERRIDE_REASONS, "med.reason", "med-assign-reason", [["", t("medOffice.noReason")]]);
  const note = h("textarea", { rows: 2, maxlength: 2000, "data-testid": "med-assign-text" }) as HTMLTextAreaElement;
  const form = actionForm(
    "med-assign",
    d.mediator ? t("medOffice.reassign") : t("medOffice.assign"),
    best
      ? h("p", { "data-testid": "med-proposal", "data-person": best.person }, t("medOffice.proposal", { who: candidateText(best, names) }))
      : notice("warn", t("medOffice.noCandidate")),
    best
      ? [
          field(t("medOffice.mediator"), mediator, t("medOffice.mediatorHint")),
          field(t("medOffice.reason"), reason, t("medOffice.reasonHint")),
          field(t("med.work.note"), note),
          proposal.excluded.length
            ? h("p", { class: "muted", "data-testid": "med-excluded" }, t("medOffice.excluded", { list: proposal.excluded.map((c) => `${names.get(c.person) ?? c.person}（${label("medOffice.conflict", c.conflict)}）`).join(t("names.and")) }))
            : null,
        ]
      : null,
    t("medOffice.assignSubmit"),
    () => {
      const body: Record<string, unknown> = {};
      if (mediator.value !== best?.person || d.mediator) body.mediator = mediator.value;
      if (reason.value) body.reason = reason.value;
      if (note.value.trim()) body.text = note.value.trim();
      return command(d.id, "assign", body, ctx.signal);
    },
    ctx,
  );
  return form;
}

function card(d: Dispute, ctx: PageContext): HTMLElement {
  const open = d.status !== "closed";
  const more = h("div", { class: "med-more" });
  const details = h(
    "details",
    { class: "wo-more", "data-testid": "med-office-actions" },
    h("summary", { class: "button" }, t("medOffice.actions")),
    more,
  );
  let loaded = false;
  details.addEventListener("toggle", () => {
    if (!details.open || loaded) return;
    loaded = true;
    replace(more, h("p", { class: "muted" }, t("app.loading")));
    void assignForm(d, ctx)
      .then((form) => replace(more, form, inviteForm(d, ctx, "service.arrangement")))
      .catch((err: unknown) => replace(more, notice("error", (err as Error).message)));
  });
  return h(
    "li",
    { class: `card-row wo-card${d.overdue ? " wo-late" : ""}`, "data-dispute": d.id, "data-status": d.status, "data-testid": "med-office-case" },
    h("p", {}, h("strong", {}, categoryName(d.category)), ` · ${levelName(d.level)} `, statusBadge(d)),
    h("p", { "data-testid": "med-deadline" }, deadlineText(d)),
    h("p", { class: "muted" }, d.mediator ? t(d.mediator.by === "office" ? "medOffice.mediatorByOffice" : "medOffice.mediatorByMatching") : t("medOffice.noMediator"), d.participants.length ? ` · ${t("medOffice.invited", { n: d.participants.length })}` : ""),
    h("p", {}, h("a", { href: `#/mediation/${d.id}`, "data-testid": "med-office-case-link" }, t("medOffice.open")), " · ", h("a", { href: `#/mediation/${d.id}/work` }, t("medOffice.work"))),
    open ? details : null,
  );
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const title = h("h1", {}, t("medOffice.title"));
  const who = signedIn();
  if (!who) return replace(root, title, notice("info", t("med.signInToWork"), " ", h("a", { href: "#/account?next=mediation/office", class: "button primary" }, t("med.signIn"))));
  if (!who.session.roles.includes("staff")) return replace(root, title, notice("warn", t("medOffice.onlyStaff")));
  const f = filters();
  const all = await cases(f.status, ctx.signal);
  const shown = all.filter((d) => (!f.level || d.level === f.level) && (!f.category || d.category === f.category));
  const status = choice(STATUS_FILTERS, "medOffice.filter", "med-filter-status");
  status.value = f.status;
  const level = choice(LEVELS, "med.level", "med-filter-level", [["", t("medOffice.allLevels")]]);
  level.value = f.level;
  const category = choice(CATEGORIES, "med.category", "med-filter-category", [["", t("medOffice.allCategories")]]);
  category.value = f.category;
  const go = () => {
    const q = new URLSearchParams();
    if (status.value !== "open") q.set("status", status.value);
    if (level.value) q.set("level", level.value);
    if (category.value) q.set("category", category.value);
    window.location.hash = `#/mediation/office${q.size ? `?${q}` : ""}`;
  };
  for (const s of [status, level, category]) s.addEventListener("change", go);
  const unassigned = shown.filter((d) => d.status !== "closed" && !d.mediator);
  replace(
    root,
    title,
    h("p", { class: "lead" }, t("medOffice.intro")),
    h("p", {}, h("a", { href: "#/mediation/stats", "data-testid": "med-stats-link" }, t("med.statsLink"))),
    h("div", { class: "inline-form wo-filter", "data-testid": "med-filters" }, field(t("medOffice.status"), status), field(t("med.col.level"), level), field(t("med.col.category"), category)),
    h("p", { "data-testid": "med-office-summary" }, t("medOffice.summary", { n: shown.length, unassigned: unassigned.length, overdue: shown.filter((d) => d.overdue).length })),
    shown.length === 0
      ? h("p", { class: "muted", "data-testid": "med-office-none" }, t("medOffice.none"))
      : h("ul", { class: "plain-list cards wo-list", "data-testid": "med-office-list" }, shown.map((d) => card(d, ctx))),
  );
}
