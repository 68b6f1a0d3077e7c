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

/** Names of things the contracts and the API return, shown on most pages. */
const LABELS = ["matter", "role", "relation", "scope", "names", "tally", "table"];

export const TEXT_GROUPS = {
  /** Header, navigation, footer, page errors, the sign-in statement and sessions: every page. */
  shell: ["app", "nav", "error", "unit", "session", "account.siweStatement"],
  home: ["home"],
  account: ["account", "proxy", ...LABELS],
  votes: ["votes", "vote", "ballot", "countdown", "election", "verdict", "receipt", "proposal", "outcome", "proxy", "plan.document", ...LABELS],
  fund: ["fund", "plan", "planStatus", "disclosure", "stage", "statement", "entry", "notice", "csv", "doc", "outcome", "proposal", "ballot.block", "vote.holder", ...LABELS],
  timebank: ["timebank", "category", "history", "serviceStatus", "cert", "partner", "tx", "revert", "proxy", "ballot.block", ...LABELS],
  verify: ["verify", "category", "stage", ...LABELS],
  upload: ["upload"],
  staff: [
    "staff",
    "paper",
    "proxy",
    "tx",
    "revert",
    "proposal",
    "ballot.block",
    "plan.document",
    "timebank.confirm",
    "timebank.reject",
    "timebank.partner",
    "timebank.minutes",
    "upload.noFile",
    "upload.chosen",
    "upload.network",
    "upload.mismatch",
    ...LABELS,
  ],
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
