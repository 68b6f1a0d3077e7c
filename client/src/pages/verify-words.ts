// What a receipt's record says, in one sentence a resident can read: "2027年1月9日，1号楼 1单元 101 在 #4 使用维修资金
// 中投了同意，面积 89.13 m²". The facts (choice, amounts, minutes, ids, the time of the block) come from the record
// itself, whose bytes the verification checks against the chain; names and flat labels come from this site's
// directory when it answers, and are marked as such (the chain knows addresses and unit numbers, not names).
// A receipt is untrusted input: every field is decoded defensively, and an unknown event or kind still gets a
// plain sentence.
import { decodeEventLog, type Abi, type Hex } from "viem";
import { ApiError, get } from "../lib/api.js";
import { area, minutes, money, short } from "../lib/format.js";
import { lang, locale, t, type TextKey } from "../lib/i18n.js";
import { loadNames, nameOf } from "../lib/names.js";

// The contracts' enums, in declaration order (contracts/votes/VoteTypes.sol, MaintenanceFund.sol, TimeBank.sol).
const CHOICES = ["None", "For", "Against", "Abstain"];
const STAGES = ["Start", "Progress", "Acceptance", "Warranty"];
const CATEGORIES = ["MealDelivery", "Companionship", "Cleaning", "HospitalEscort", "Tutoring", "Other"];
const RELATIONS = ["None", "Parent", "Spouse", "Child"];
const REDEMPTIONS = ["Service", "Goods"];
const MATTERS = ["RulesOfProcedure", "ManagementStatute", "ElectCommittee", "HirePropertyManager", "UseFund", "RaiseFund", "Rebuild", "ChangeCommonUse", "OtherMajorMatter"];
const ZERO = "0x0000000000000000000000000000000000000000";

type Args = Record<string, unknown>;
/** An on-chain record's log, decoded with the contract's ABI; undefined if it does not decode. */
export type DecodedLog = { contract: string; event: string; args: Args };
type OnchainFields = { event: string; topics: Hex[]; data: Hex };
type OffchainFields = { kind: string; id: string; at: number; actor: string; payload: string };

/** What the sentence needs from outside the record: the block's time (from the chain) and the directory's names. */
export type WordsContext = {
  /** Unix seconds of the record's block (on chain) or the record's `at` (off chain); undefined if unknown. */
  time?: number;
  /** Address (lowercase) → its name or flat labels from the directory. */
  names: Map<string, string>;
  /** Unit id → its label in the current language. */
  units: Map<string, string>;
  /** Vote id → its matter (or title) in the current language. */
  votes: Map<string, string>;
};

export function decodeLog(record: OnchainFields, abiOf: (contract: string) => Abi | undefined): DecodedLog | undefined {
  const dot = record.event.indexOf(".");
  const contract = record.event.slice(0, dot);
  const abi = dot > 0 ? abiOf(contract) : undefined;
  if (!abi) return undefined;
  try {
    const d = decodeEventLog({ abi, topics: record.topics as [Hex, ...Hex[]], data: record.data, strict: true });
    return { contract, event: String(d.eventName), args: (d.args ?? {}) as Args };
  } catch {
    return undefined;
  }
}

/** A calendar date: "2027年1月9日" / "9 January 2027". */
export function calendarDate(seconds: number): string {
  return new Date(seconds * 1000).toLocaleDateString(locale(), { year: "numeric", month: "long", day: "numeric", timeZone: undefined });
}

function parseJson(text: string): Args | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Args) : undefined;
  } catch {
    return undefined;
  }
}

const str = (v: unknown): string => (typeof v === "bigint" || typeof v === "number" ? v.toString() : typeof v === "string" ? v : "");
const enumText = (prefix: string, names: string[], v: unknown): string => {
  const name = names[Number(v)];
  if (!name) return str(v);
  const key = `${prefix}.${name}` as TextKey;
  const text = t(key);
  return text === key ? name : text;
};

/** The addresses, unit ids and vote ids a record mentions: what to ask the directory about. */
export function mentions(decoded: DecodedLog | undefined, offchain: OffchainFields | undefined): { addresses: string[]; units: string[]; votes: string[] } {
  const addresses: string[] = [];
  const units: string[] = [];
  const votes: string[] = [];
  if (decoded) {
    for (const [k, v] of Object.entries(decoded.args)) {
      if (typeof v === "string" && /^0x[0-9a-fA-F]{40}$/.test(v) && v !== ZERO) addresses.push(v.toLowerCase());
      if (k === "unitId") units.push(str(v));
      if (k === "voteId" && str(v) !== "0") votes.push(str(v));
    }
  }
  if (offchain) {
    const actor = parseJson(offchain.actor);
    for (const k of ["address", "onBehalfOf"]) if (typeof actor?.[k] === "string" && /^0x[0-9a-f]{40}$/.test(actor[k] as string)) addresses.push(actor[k] as string);
    const p = parseJson(offchain.payload);
    if (typeof p?.address === "string" && /^0x[0-9a-fA-F]{40}$/.test(p.address)) addresses.push(p.address.toLowerCase());
    if (typeof p?.unitId === "number") units.push(String(p.unitId));
  }
  return { addresses: [...new Set(addresses)], units: [...new Set(units)], votes: [...new Set(votes)] };
}

/**
 * Asks this site's directory for the names of what a record mentions. Answers whether the directory answered
 * (false when our server cannot be reached: the sentence then shows addresses and numbers only).
 */
export async function lookUp(m: ReturnType<typeof mentions>, into: WordsContext): Promise<boolean> {
  let reached = false;
  const tries: Promise<void>[] = [];
  if (m.addresses.length > 0) {
    tries.push(
      loadNames(m.addresses).then(() => {
        for (const a of m.addresses) {
          const name = nameOf(a);
          if (name) {
            into.names.set(a, name);
            reached = true;
          }
        }
      }),
    );
  }
  for (const id of m.units) {
    tries.push(
      get<{ label?: { label: string; labelEn: string } }>(`/api/directory/units/${encodeURIComponent(id)}`).then(
        (u) => {
          reached = true;
          if (u.label) into.units.set(id, lang() === "en" ? u.label.labelEn : u.label.label);
        },
        (err: unknown) => {
          if (err instanceof ApiError && err.status > 0 && err.status < 500) reached = true;
        },
      ),
    );
  }
  for (const id of m.votes) {
    tries.push(
      get<{ matter: string; title?: { zh: string; en?: string } }>(`/api/votes/${encodeURIComponent(id)}`).then(
        (v) => {
          reached = true;
          const title = v.title ? (lang() === "en" ? (v.title.en ?? v.title.zh) : v.title.zh) : undefined;
          into.votes.set(id, title ?? enumText("matter", MATTERS, MATTERS.indexOf(v.matter)));
        },
        () => undefined,
      ),
    );
  }
  await Promise.all(tries);
  return reached;
}

/** The sentence for an on-chain record, or one for an off-chain record. */
export function sentence(decoded: DecodedLog | undefined, onchainEvent: string | undefined, offchain: OffchainFields | undefined, ctx: WordsContext): string {
  const who = (a: unknown): string => {
    const address = str(a).toLowerCase();
    return ctx.names.get(address) ?? short(address, 6);
  };
  const unit = (id: unknown): string => ctx.units.get(str(id)) ?? t("names.unit", { id: str(id) });
  const vote = (id: unknown): string => {
    const name = ctx.votes.get(str(id));
    return name ? t("verify.words.voteNamed", { id: str(id), name }) : t("verify.words.vote", { id: str(id) });
  };
  const proxy = (by: unknown, auth: unknown): string =>
    by && str(by).toLowerCase() !== ZERO && str(auth) !== "0" ? t("verify.words.proxy", { staff: who(by), authorisation: str(auth) }) : "";
  let body: string;
  if (decoded) {
    const a = decoded.args;
    const key = `${decoded.contract}.${decoded.event}`;
    switch (key) {
      case "OwnersVote.BallotCast":
        body =
          t("verify.words.ballot", { who: who(a.holder), vote: vote(a.voteId), choice: enumText("verify.words.choice", CHOICES, a.choice), area: area(str(a.area)) }) +
          (str(a.enteredBy).toLowerCase() !== str(a.holder).toLowerCase() ? proxy(a.enteredBy, a.authorizationId) : "");
        break;
      case "OwnersVote.VoteOpened":
        body = t("verify.words.voteOpened", { who: who(a.openedBy), vote: vote(a.voteId), matter: enumText("matter", MATTERS, a.matter) });
        break;
      case "MaintenanceFund.Disbursed":
        body = t("verify.words.disbursed", { plan: str(a.planId), n: Number(str(a.index)) + 1, stage: enumText("stage", STAGES, a.stage), amount: money(str(a.amount)), payee: who(a.payee) });
        break;
      case "MaintenanceFund.PlanOpened":
        body = Number(a.kind) === 1
          ? t("verify.words.planOpenedEmergency", { plan: str(a.planId), amount: money(str(a.budget)), who: who(a.openedBy) })
          : t("verify.words.planOpened", { plan: str(a.planId), amount: money(str(a.budget)), vote: vote(a.voteId), who: who(a.openedBy) });
        break;
      case "MaintenanceFund.UnitCharged":
        body = t("verify.words.unitCharged", { unit: unit(a.unitId), plan: str(a.planId), amount: money(str(a.amount)) });
        break;
      case "MaintenanceFund.UnitRefunded":
        body = t("verify.words.unitRefunded", { unit: unit(a.unitId), plan: str(a.planId), amount: money(str(a.amount)) });
        break;
      case "MaintenanceFund.Deposited":
        body = t("verify.words.deposited", { unit: unit(a.unitId), amount: money(str(a.amount)), balance: money(str(a.balance)) });
        break;
      case "MaintenanceFund.PlanClosed":
        body = t("verify.words.planClosed", { plan: str(a.planId), disbursed: money(str(a.disbursed)), released: money(str(a.released)) });
        break;
      case "TimeBank.ServiceRecorded":
        body = t("verify.words.serviceRecorded", { volunteer: who(a.volunteer), recipient: who(a.recipient), category: enumText("category", CATEGORIES, a.category), minutes: minutes(str(a.minutes_)), id: str(a.serviceId) });
        break;
      case "TimeBank.ServiceConfirmed":
        body =
          t("verify.words.serviceConfirmed", { confirmer: who(a.confirmer), volunteer: who(a.volunteer), minutes: minutes(str(a.minutes_)), id: str(a.serviceId) }) +
          (a.byProxy === true ? t("verify.words.proxyConfirm", { authorisation: str(a.authorizationId) }) : "");
        break;
      case "TimeBank.CreditsRedeemed":
        body =
          t("verify.words.redeemed", { member: who(a.member), partner: who(a.partner), minutes: minutes(str(a.minutes_)), kind: enumText("verify.words.redemption", REDEMPTIONS, a.kind) }) +
          proxy(a.by, a.authorizationId);
        break;
      case "TimeBank.CreditsGifted":
        body = t("verify.words.gifted", { from: who(a.from), to: who(a.to), minutes: minutes(str(a.minutes_)), relation: enumText("relation", RELATIONS, a.relation) });
        break;
      // time bank across communities (issue 17): the other community is its time bank, named in words.
      case "TimeBank.CreditsRedeemedElsewhere":
        body = t("tbc.words.redeemedElsewhere", { member: who(a.member), partner: who(a.partner), minutes: minutes(str(a.minutes_)) }) + proxy(a.by, a.authorizationId);
        break;
      case "TimeBank.VisitorCreditsRedeemed":
        body = t("tbc.words.visitorRedeemed", { member: who(a.member), partner: who(a.partner), minutes: minutes(str(a.minutes_)) });
        break;
      case "TimeBank.MemberMovedOut":
        body = t("tbc.words.movedOut", { member: who(a.member), minutes: minutes(str(a.minutes_)) }) + proxy(a.by, a.authorizationId);
        break;
      case "TimeBank.MemberMovedIn":
        body = t("tbc.words.movedIn", { member: who(a.member), minutes: minutes(str(a.minutes_)) });
        break;
      case "TimeBank.CommunityRecognised":
        body = t("tbc.words.recognised", { admin: who(a.admin) });
        break;
      case "RecordAnchor.BatchAnchored": {
        const first = Number(str(a.firstLeaf));
        const count = Number(str(a.leafCount));
        body = t("verify.words.anchored", { batch: str(a.batchId), from: first, to: first + count - 1, n: count });
        break;
      }
      case "CommunityRegistry.UnitRegistered":
        body = t("verify.words.unitRegistered", { unit: unit(a.unitId), holder: who(a.holder), area: area(str(a.area)) });
        break;
      case "CommunityRegistry.UnitTransferred":
        body = t("verify.words.unitTransferred", { unit: unit(a.unitId), from: who(a.from), to: who(a.to) });
        break;
      case "ProxyAuthorizations.AuthorizationRecorded":
        body = t("verify.words.authorisation", { staff: who(a.recordedBy), resident: who(a.resident), id: str(a.authorizationId) });
        break;
      default:
        body = t("verify.words.onchainOther", { event: key });
    }
  } else if (offchain) {
    body = offchainBody(offchain, who, unit);
  } else {
    body = t("verify.words.onchainOther", { event: onchainEvent ?? "?" });
  }
  return ctx.time === undefined ? t("verify.words.undated", { body }) : t("verify.words.dated", { date: calendarDate(ctx.time), body });
}

const DOC_CLASSES = ["attachment", "payment", "paper-ballot", "authorisation"];

function offchainBody(r: OffchainFields, who: (a: unknown) => string, unit: (id: unknown) => string): string {
  const actor = parseJson(r.actor) ?? {};
  const p = parseJson(r.payload) ?? {};
  const by =
    typeof actor.system === "string"
      ? t("verify.words.system")
      : typeof actor.sealed === "string"
        ? typeof actor.staff === "string"
          ? t("verify.words.sealedProxy", { staff: who(actor.staff) })
          : t("verify.words.sealed")
      : typeof actor.onBehalfOf === "string"
        ? t("verify.words.actorProxy", {
            staff: who(actor.address),
            resident: /^0x/.test(actor.onBehalfOf) ? who(actor.onBehalfOf) : String(actor.onBehalfOf),
            authorisation: str(actor.authorisation),
          })
        : who(actor.address);
  switch (r.kind) {
    case "document.stored": {
      const cls = DOC_CLASSES.includes(str(p.class)) ? t(`verify.words.docClass.${str(p.class)}` as TextKey) : t("verify.words.docClass.other");
      const kb = typeof p.size === "number" ? (p.size / 1024).toLocaleString(locale(), { maximumFractionDigits: 1 }) : "?";
      return t("verify.words.documentStored", { who: by, class: cls, type: str(p.type).toUpperCase() || "?", size: kb, hash: short(str(p.hash) || r.id, 6) });
    }
    case "directory.unit.labelled": {
      const label = lang() === "en"
        ? `Bldg ${str(p.building)}, Entrance ${str(p.entrance)}, Room ${str(p.room)}`
        : `${str(p.building)}号楼 ${str(p.entrance)}单元 ${str(p.room)}`;
      return t("verify.words.unitLabelled", { who: by, unit: t("names.unit", { id: str(p.unitId) }), label });
    }
    case "directory.person.registered":
      return t("verify.words.personRegistered", { who: by, person: str(p.personId) || r.id });
    case "directory.person.updated":
      return t("verify.words.personUpdated", { who: by, person: str(p.personId) || r.id });
    case "directory.person.linked":
    case "directory.person.unlinked": {
      const target = typeof p.unitId === "number" ? unit(p.unitId) : who(p.address);
      return t(r.kind === "directory.person.linked" ? "verify.words.personLinked" : "verify.words.personUnlinked", { who: by, person: str(p.personId), target });
    }
    case "directory.person.display":
      return t(p.optIn === true ? "verify.words.displayOn" : "verify.words.displayOff", { who: by, person: str(p.personId) || r.id });
    case "directory.organisation.registered":
      return t("verify.words.organisation", { who: by, name: lang() === "en" ? str(p.nameEn) || str(p.name) : str(p.name) });
    case "directory.role.granted":
    case "directory.role.revoked":
      return t(r.kind === "directory.role.granted" ? "verify.words.roleGranted" : "verify.words.roleRevoked", { who: by, whom: who(p.address), role: roleName(str(p.role)) });
    default: {
      const key = `verify.words.kind.${r.kind}` as TextKey;
      const name = t(key);
      return name === key ? t("verify.words.offchainOther", { who: by, kind: r.kind, id: r.id }) : t("verify.words.offchainKnown", { who: by, what: name, id: r.id });
    }
  }
}

function roleName(role: string): string {
  const key = `verify.words.role.${role}` as TextKey;
  const text = t(key);
  return text === key ? role : text;
}
