// Credits across communities (通存通兑) on the time-bank page: where the member's credits are (here, or moved
// with them to another community), the communities this one recognises with the clearing balance of each, and,
// for staff, moving a member with their balance under the member's written authorisation (redemptions scope),
// sent to TimeBank.moveMemberFor and marked as done by staff. Another community is named by the directory when
// it knows its time bank, otherwise "partner community n" by its place in this community's list (never a raw
// address where a resident reads).
import type { Address } from "viem";
import { field, h, notice } from "./dom.js";
import { minutes, short } from "./format.js";
import { t } from "./i18n.js";
import { nameOf } from "./names.js";
import { authorisationsOf, scopeText, statusText } from "./proxy.js";

export type CommunityRow = {
  address: Address;
  recognised: boolean;
  clearing: number;
  movedIn: number;
  movedOut: number;
  spentHereByItsMembers: number;
  spentThereByOurMembers: number;
};
export type Communities = {
  totals: { movedIn: number; movedOut: number; spentAbroad: number; spentByVisitors: number; clearing: number };
  communities: CommunityRow[];
};

/** Names other communities, in words a resident reads, by their place in `list` (this community's). */
export function communityNamer(list: CommunityRow[]): (address: string) => string {
  return (address) => {
    const n = list.findIndex((c) => c.address.toLowerCase() === address.toLowerCase());
    return nameOf(address) ?? (n >= 0 ? t("tbc.community", { n: n + 1 }) : t("tbc.community", { n: short(address) }));
  };
}

/** "+45 分钟" / "−20 分钟": minutes received from (positive) or owed to (negative) a community. */
function signed(n: number): string {
  return `${n > 0 ? "+" : n < 0 ? "−" : ""}${minutes(Math.abs(n))}`;
}

/**
 * The card. `send` sends moveMemberFor(member, community, authorisation) and re-renders; `members` are the time
 * bank's current members (to choose whom to move), `staff` whether the viewer may move anyone.
 */
export function communitiesCard(options: {
  me: { movedTo: string | null; movedFrom: string | null };
  data: Communities;
  staff: boolean;
  members: Address[];
  named: (a: string) => string;
  send: (member: Address, community: Address, authorisation: bigint) => void;
  signal: AbortSignal;
}): HTMLElement {
  const { data, me } = options;
  const communityName = communityNamer(data.communities);
  const where = me.movedTo
    ? notice("warn", t("tbc.movedTo", { community: communityName(me.movedTo) }))
    : me.movedFrom
      ? notice("ok", t("tbc.movedFrom", { community: communityName(me.movedFrom) }))
      : h("p", {}, t("tbc.here"));
  const rows = data.communities.map((c) =>
    h(
      "li",
      { class: "card-row", "data-community": c.address, "data-clearing": String(c.clearing) },
      h("p", {}, h("strong", {}, communityName(c.address)), " ", h("span", { class: c.recognised ? "badge ok" : "badge" }, t(c.recognised ? "tbc.recognised" : "tbc.notRecognised"))),
      h("p", {}, t("tbc.clearingLine", { clearing: signed(c.clearing), movedIn: minutes(c.movedIn), movedOut: minutes(c.movedOut), spentHere: minutes(c.spentHereByItsMembers), spentThere: minutes(c.spentThereByOurMembers) })),
    ),
  );
  const recognised = data.communities.filter((c) => c.recognised);
  return h(
    "section",
    { class: "card", "aria-labelledby": "tbc-h", "data-testid": "tb-communities" },
    h("h2", { id: "tbc-h" }, t("tbc.title")),
    where,
    h("p", { class: "hint" }, t("tbc.rule")),
    h("p", { "data-testid": "tbc-clearing", "data-clearing": String(data.totals.clearing) }, t("tbc.totals", { clearing: signed(data.totals.clearing), spentAbroad: minutes(data.totals.spentAbroad), spentByVisitors: minutes(data.totals.spentByVisitors) })),
    rows.length === 0 ? h("p", { class: "muted" }, t("tbc.none")) : h("ul", { class: "plain-list cards", "data-testid": "tbc-list" }, rows),
    options.staff && recognised.length > 0 ? moveForm(options, recognised) : null,
  );
}

/** Staff: move a member with their balance, under the member's authorisation covering redemptions. */
function moveForm(options: Parameters<typeof communitiesCard>[0], recognised: CommunityRow[]): HTMLElement {
  const member = h("select", { "data-testid": "tbc-member" }, h("option", { value: "" }, t("tbc.chooseMember")), options.members.map((a) => h("option", { value: a }, options.named(a)))) as HTMLSelectElement;
  const communityName = communityNamer(options.data.communities);
  const community = h("select", { "data-testid": "tbc-destination" }, recognised.map((c) => h("option", { value: c.address }, communityName(c.address)))) as HTMLSelectElement;
  const auth = h("select", { "data-testid": "tbc-auth", disabled: true }) as HTMLSelectElement;
  const status = h("p", { class: "hint", "aria-live": "polite", "data-testid": "tbc-auth-status" }, t("tbc.authFirst"));
  const submit = h("button", { type: "submit", class: "primary", disabled: true, "data-testid": "tbc-move" }, t("tbc.move")) as HTMLButtonElement;
  member.addEventListener("change", () => {
    auth.replaceChildren();
    auth.disabled = submit.disabled = true;
    if (!member.value) return;
    void authorisationsOf(member.value, options.signal).then((list) => {
      const usable = list.filter((a) => a.status === "active" && a.scopes.includes("redemptions"));
      auth.replaceChildren(...usable.map((a) => h("option", { value: a.id }, `${t("proxy.number", { id: a.id })} · ${scopeText(a)} · ${statusText(a)}`)));
      auth.disabled = submit.disabled = usable.length === 0;
      status.textContent = usable.length === 0 ? t("tbc.noAuth") : t("tbc.authChosen");
    });
  });
  const form = h(
    "form",
    { "data-testid": "tbc-move-form" },
    h("h3", {}, t("tbc.moveTitle")),
    field(t("tbc.member"), member),
    field(t("tbc.destination"), community),
    field(t("tbc.authorisation"), auth),
    status,
    h("div", { class: "actions" }, submit),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!member.value || !auth.value) return;
    options.send(member.value as Address, community.value as Address, BigInt(auth.value));
  });
  return form;
}
