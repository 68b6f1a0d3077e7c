// Which texts each page group needs. The texts themselves stay in one file per language (zh-CN.ts, en.ts: the
// one place to edit them); the build (client/vite.config.ts) cuts each language into one chunk per group, so a
// phone downloads the shell's texts and its page's group only, in its own language (issue 19).
//
// An entry is a key ("plan.document") or a key prefix ("vote" covers "vote.*"). A key may be in several groups
// (the shared labels below): it is then in each of their chunks. The shell's texts are loaded on every page.
// test/client/i18n.test.ts checks that every key is in a group and that every key a page's code uses is in the
// shell or in the group its route names (client/src/routes.ts); a new prefix goes into the group of the pages
// that show it.
// Plain data without imports: read by the build, the tests and (its type only) by the client.

/**
 * Names of things the contracts and the API return, ballots' choices, transactions' steps and refusals, staff
 * marks: shown on most pages. They are in the shell's group rather than in each page group that shows them: in
 * every group they made each language's texts 13 kB (gzipped) larger in all, which took the bundle over its
 * 300 kB goal, for about 2 kB more on the few pages without them (home, upload).
 */
const SHARED = ["matter", "role", "relation", "scope", "names", "tally", "table", "proxy", "proposal", "outcome", "tx", "revert", "stage", "category", "ballot.block", "plan.document", "vote.holder", "file"];

export const TEXT_GROUPS = {
  /** Header, navigation, footer, page errors, the sign-in statement, sessions, the home and upload pages and the shared names: every page. */
  // The home and upload pages' few texts too: their own chunks cost more in overhead than they weigh (and the
  // home page is where most visits start; the staff pages show upload texts as well).
  shell: ["app", "nav", "error", "unit", "session", "account.siweStatement", "home", "upload", "woOffice.door", ...SHARED],
  account: ["account"],
  votes: ["votes", "vote", "ballot", "countdown", "election", "verdict", "receipt"],
  fund: ["fund", "plan", "planStatus", "disclosure", "statement", "entry", "notice", "csv", "doc"],
  timebank: ["timebank", "history", "serviceStatus", "cert", "partner", "tbc"],
  verify: ["verify", "tbc.words"],
  // The staff pages also show a few time-bank texts: those are in the timebank group too.
  staff: ["staff", "paper", "timebank.confirm", "timebank.reject", "timebank.partner", "timebank.minutes", "woOffice.staffLink", "wo.staffLink", "medOffice.staffLink", "med.statsLink", "sug.staffLink", "talent.staffLink"],
  /** Work orders (issue 14): the resident's pages, the party's queue, the office's desk, the statistics and the routing table. */
  workorders: ["wo", "woOffice", "woStats", "woRouting"],
  /** Suggestions and open days, the talent pool (issue 15). */
  suggestions: ["sug", "talent"],
  /** Dispute mediation (issue 15): the resident's, mediator's and office's pages and the public statistics; documents' checks. */
  mediation: ["med", "medOffice", "doc"],
  /** Satisfaction surveys (issue 16): the resident's answers, staff's paper entry, the office, the public index. */
  surveys: ["svy"],
  /** The micro-renewal fund (issue 16): the projects, one project, the office's desk. */
  renewal: ["rn"],
  /** Community partners (issue 16): the directory, a partner's page, its desk, the office's registrations. */
  partners: ["ptn"],
  /** The pet three-colour code (issue 17): the household's pets, the collar page, scan and report, the office, the statistics. */
  pets: ["pet"],
  /** Green account (issue 17): the household's card and points, the volunteer's bins, the partner's redemption, the office. */
  green: ["grn"],
} as const satisfies Record<string, readonly string[]>;

export type TextGroup = keyof typeof TEXT_GROUPS;

export const TEXT_GROUP_NAMES = Object.keys(TEXT_GROUPS) as TextGroup[];

/** Whether `key` belongs to `group`. */
export function inGroup(key: string, group: TextGroup): boolean {
  return TEXT_GROUPS[group].some((entry: string) => key === entry || key.startsWith(`${entry}.`));
}

/** The texts of `dictionary` that belong to `group`, in the dictionary's order. */
export function groupTexts<K extends string>(dictionary: Record<K, string>, group: TextGroup): Partial<Record<K, string>> {
  return Object.fromEntries(Object.entries(dictionary).filter(([key]) => inGroup(key, group))) as Partial<Record<K, string>>;
}
