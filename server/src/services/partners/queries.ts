// What people see of partners: the public directory (approved partners and their offers, by kind, offer kind,
// audience and currency), a partner's public page of contributions (offers, bookings of its space without who
// booked, goods and services given, time-bank credits redeemed with it read from the chain's read models, pledges
// to micro-renewal projects, and a summary); the partner's own desk; a resident's bookings; the office's queue;
// and the contact person, only on the vault's audited path, only for the office and the partner itself.
import { z } from "zod/v4";
import { actorText } from "../../receipts/actor.js";
import { cursorKey } from "../../store/paging.js";
import { numKey } from "../../store/store.js";
import { readNote, type Vault } from "../../vault/index.js";
import { defineQuery, refuse, type ModelReader, type QueryDef } from "../framework/index.js";
import type { CurrencyLedger } from "./ledgers.js";
import { MODELS, NO_TOTALS, type BookingRow, type GivenRow, type PartnerRow, type Totals } from "./projections.js";
import { AUDIENCES, CURRENCIES, OFFER_KINDS, PARTNER_KINDS, REJECT_REASONS } from "./records.js";

/** A pledge of a partner to a micro-renewal project, as the renewal service reports it. */
export type PartnerPledge = { project: string; title: string; amountFen: number; status: string; at: number };

export type QueryDeps = {
  vault?: Vault;
  /** The ledgers of the currencies partners accept (time bank; green points once issue 17 has one). */
  ledgers?: readonly CurrencyLedger[];
  /** The partner's pledges to micro-renewal projects (services/renewal); undefined while renewal is not running. */
  pledgesOf?: (partner: string) => Promise<PartnerPledge[]>;
};

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

const offerView = z.object({
  offerId: z.string(),
  kind: z.enum(OFFER_KINDS),
  title: z.string(),
  titleEn: z.string(),
  audiences: z.array(z.enum(AUDIENCES)),
  accepts: z.array(z.enum(CURRENCIES)),
  hours: z.array(z.object({ day: z.number(), from: z.number(), to: z.number() })).describe("ISO weekday, minutes from midnight, China time"),
  capacity: z.number().optional(),
  discountPercent: z.number().optional(),
  withdrawn: z.boolean(),
});

export const partnerView = z.object({
  id: z.string(),
  kind: z.enum(PARTNER_KINDS),
  name: z.string(),
  nameEn: z.string(),
  status: z.enum(["pending", "approved", "rejected"]),
  selfRegistered: z.boolean(),
  timebankPartner: z.string().nullable().describe("its on-chain time-bank partner address, once linked"),
  registeredAt: z.number(),
  offers: z.array(offerView),
});
export type PartnerView = z.infer<typeof partnerView>;

const bookingView = z.object({ partner: z.string(), bookingId: z.string(), offerId: z.string(), start: z.number(), end: z.number(), people: z.number(), status: z.enum(["booked", "cancelled"]), proxy: z.boolean() });
const givenView = z.object({ offerId: z.string(), quantity: z.number(), valueFen: z.number(), on: z.number(), proxy: z.boolean() });
const currencyView = z.object({
  currency: z.enum(CURRENCIES),
  ledger: z.boolean().describe("false: accepted, but its ledger is not running yet (green points before issue 17)"),
  unit: z.enum(["minutes", "points"]).nullable(),
  count: z.number(),
  amount: z.number(),
});
const spendingView = z.object({ currency: z.enum(CURRENCIES), amount: z.number(), kind: z.string(), recordId: z.string(), txHash: z.string().nullable(), blockNumber: z.number().nullable(), voucher: z.string().nullable(), honoured: z.boolean() });
const pledgeView = z.object({ project: z.string(), title: z.string(), amountFen: z.number(), status: z.string(), at: z.number() });
const summaryView = z.object({
  offers: z.number(),
  bookings: z.number(),
  bookedMinutes: z.number(),
  cancelled: z.number(),
  given: z.number(),
  givenQuantity: z.number(),
  givenValueFen: z.number(),
  timebankRedemptions: z.number(),
  timebankMinutes: z.number(),
  pledges: z.number().nullable(),
  pledgedFen: z.number().nullable(),
});

export const contributionsView = z.object({
  partner: partnerView,
  summary: summaryView,
  currencies: z.array(currencyView),
  bookings: z.array(bookingView).describe("the last 100 bookings of its space, newest first; never who booked"),
  given: z.array(givenView).describe("the last 100 gifts of goods and services, newest first"),
  credits: z.array(spendingView),
  pledges: z.array(pledgeView).nullable().describe("null: the micro-renewal service is not running"),
});
export type ContributionsView = z.infer<typeof contributionsView>;

export function viewOf(row: PartnerRow): PartnerView {
  return {
    id: row.id,
    kind: row.kind!,
    name: row.name,
    nameEn: row.nameEn,
    status: row.status as PartnerView["status"],
    selfRegistered: row.selfRegistered,
    timebankPartner: row.timebankPartner,
    registeredAt: row.registeredAt,
    offers: row.offers.map(({ addedAt: _at, ...o }) => o),
  };
}

const givenOf = ({ at: _at, ...g }: GivenRow) => g;
const bookingOf = (row: BookingRow) => ({ partner: row.partner, bookingId: row.bookingId, offerId: row.offerId, start: row.start, end: row.end, people: row.people, status: row.status, proxy: row.proxy });

/** The currencies a partner's offers accept, with what each ledger says was spent with it. */
async function currenciesOf(row: PartnerRow, ledgers: readonly CurrencyLedger[]) {
  const accepted = new Set(row.offers.filter((o) => !o.withdrawn).flatMap((o) => o.accepts));
  const currencies: z.infer<typeof currencyView>[] = [];
  const credits: z.infer<typeof spendingView>[] = [];
  for (const currency of CURRENCIES) {
    const ledger = ledgers.find((l) => l.currency === currency);
    // Green points (issue 17) name partners by their id in this service; the time bank by its on-chain address.
    const address = currency === "timebank" ? row.timebankPartner : row.id;
    const spent = ledger && address ? await ledger.spentWith(address) : [];
    credits.push(...spent.map((s) => ({ currency, ...s })));
    if (!accepted.has(currency) && spent.length === 0) continue;
    currencies.push({ currency, ledger: ledger !== undefined, unit: ledger?.unit ?? null, count: spent.length, amount: spent.reduce((sum, s) => sum + s.amount, 0) });
  }
  return { currencies, credits };
}

/** The newest 100 bookings and gifts (their models are keyed newest first). */
async function recent(read: ModelReader, partner: string) {
  const bookings = await read.page(MODELS.recentBookings, {
    prefix: `${partner}:`,
    limit: 100,
    map: async (key) => {
      const row = await read.get<BookingRow>(MODELS.bookings, key as string);
      return row && bookingOf(row);
    },
  });
  const given = await read.page(MODELS.given, { prefix: `${partner}:`, limit: 100, map: (value) => givenOf(value as GivenRow) });
  return { bookings: bookings.items, given: given.items };
}

async function contributions(read: ModelReader, row: PartnerRow, deps: QueryDeps): Promise<ContributionsView> {
  const totals = (await read.get<Totals>(MODELS.totals, row.id)) ?? NO_TOTALS;
  const { currencies, credits } = await currenciesOf(row, deps.ledgers ?? []);
  const pledges = deps.pledgesOf ? await deps.pledgesOf(row.id) : null;
  const timebank = currencies.find((c) => c.currency === "timebank");
  return {
    partner: viewOf(row),
    summary: {
      offers: row.offers.filter((o) => !o.withdrawn).length,
      ...totals,
      timebankRedemptions: timebank?.count ?? 0,
      timebankMinutes: timebank?.amount ?? 0,
      pledges: pledges ? pledges.length : null,
      pledgedFen: pledges ? pledges.reduce((sum, p) => sum + p.amountFen, 0) : null,
    },
    currencies,
    ...(await recent(read, row.id)),
    credits,
    pledges,
  };
}

const page = { limit: z.coerce.number().int().min(1).max(100).default(50), cursor: z.string().max(400).optional() };

export function partnerQueries(deps: QueryDeps): QueryDef[] {
  return [
    defineQuery({
      path: "/api/partners/directory",
      summary: "Approved partners and their offers (public), filtered by partner kind, offer kind, audience and accepted currency",
      who: "public",
      query: z.object({ kind: z.enum(PARTNER_KINDS).optional(), offerKind: z.enum(OFFER_KINDS).optional(), audience: z.enum(AUDIENCES).optional(), currency: z.enum(CURRENCIES).optional(), ...page }),
      response: z.object({ items: z.array(partnerView), nextCursor: z.string().optional() }),
      handler: async ({ query }, read) => {
        if (query.cursor !== undefined && cursorKey(query.cursor, "") === null) throw refuse(400, "invalid_cursor", {});
        return read.page(MODELS.approved, {
          limit: query.limit,
          cursor: query.cursor,
          map: async (_value, key) => {
            const row = await read.get<PartnerRow>(MODELS.partners, key);
            if (!row || (query.kind && row.kind !== query.kind)) return undefined;
            const view = viewOf(row);
            const offers = view.offers.filter(
              (o) => !o.withdrawn && (!query.offerKind || o.kind === query.offerKind) && (!query.audience || o.audiences.includes(query.audience) || o.audiences.includes("allResidents")) && (!query.currency || o.accepts.includes(query.currency)),
            );
            const filtered = query.offerKind || query.audience || query.currency;
            return filtered && offers.length === 0 ? undefined : { ...view, offers };
          },
        });
      },
    }),
    defineQuery({
      path: "/api/partners/mine",
      summary: "The partner whose account is the signed-in address (its desk), with its contributions; null if none",
      who: "signedIn",
      response: z.object({ contributions: contributionsView.nullable() }),
      handler: async (_input, read, context) => {
        const partner = await read.get<string>(MODELS.byAccount, context.address!.toLowerCase());
        const row = partner ? await read.get<PartnerRow>(MODELS.partners, partner) : undefined;
        return { contributions: row ? await contributions(read, row, deps) : null };
      },
    }),
    defineQuery({
      path: "/api/partners/bookings/mine",
      summary: "The signed-in resident's bookings of partners' spaces (made by them or by staff for them), soonest first",
      who: "signedIn",
      response: z.object({ items: z.array(bookingView.extend({ partnerName: z.string(), partnerNameEn: z.string() })) }),
      handler: async (_input, read, context) => {
        const me = context.address!.toLowerCase();
        const out = await read.page(MODELS.bookingsBy, {
          prefix: `${me}:`,
          limit: 100,
          map: async (key) => {
            const row = await read.get<BookingRow>(MODELS.bookings, key as string);
            const partner = row ? await read.get<PartnerRow>(MODELS.partners, row.partner) : undefined;
            return row && partner ? { ...bookingOf(row), partnerName: partner.name, partnerNameEn: partner.nameEn } : undefined;
          },
        });
        return { items: out.items };
      },
    }),
    defineQuery({
      path: "/api/partners/office",
      summary: "Every partner with its status, applications first (the office)",
      who: ["staff"],
      query: z.object(page),
      response: z.object({ pending: z.array(partnerView), items: z.array(partnerView), nextCursor: z.string().optional() }),
      handler: async ({ query }, read) => {
        if (query.cursor !== undefined && cursorKey(query.cursor, "") === null) throw refuse(400, "invalid_cursor", {});
        const rowOf = async (_value: unknown, key: string) => {
          const row = await read.get<PartnerRow>(MODELS.partners, key);
          return row ? viewOf(row) : undefined;
        };
        const pending = query.cursor === undefined ? (await read.page(MODELS.pending, { limit: 100, map: rowOf })).items : [];
        const all = await read.page(MODELS.partners, { limit: query.limit, cursor: query.cursor, map: async (value) => viewOf(value as PartnerRow) });
        return { pending, ...all };
      },
    }),
    defineQuery({
      path: "/api/partners/:id/bookings",
      summary: "The taken slots of a partner's space from a time on (public: times only, never who booked), to choose a free slot",
      who: "public",
      params: z.object({ id }),
      query: z.object({ from: z.coerce.number().int().min(0), offerId: z.string().max(8).optional() }),
      response: z.object({ items: z.array(z.object({ offerId: z.string(), start: z.number(), end: z.number() })) }),
      handler: async ({ params, query }, read) => {
        // From the day before `from` (no booking is longer than a day), by starting after that key.
        const after = `${params.id}:${numKey(Math.max(0, query.from - 86_400))}`;
        const out = await read.page(MODELS.bookings, {
          prefix: `${params.id}:`,
          cursor: Buffer.from(after, "utf8").toString("base64url"),
          limit: 100,
          map: async (value) => {
            const row = value as BookingRow;
            return row.status === "booked" && row.end > query.from && (!query.offerId || row.offerId === query.offerId) ? { offerId: row.offerId, start: row.start, end: row.end } : undefined;
          },
        });
        return { items: out.items };
      },
    }),
    defineQuery({
      path: "/api/partners/:id/contact",
      summary: "The partner's contact person (name, phone), read on the vault's audited path: the office (purpose service.arrangement) or the partner itself (subject.request)",
      who: "signedIn",
      params: z.object({ id }),
      response: z.object({ contactName: z.string().nullable(), contactPhone: z.string().nullable(), purpose: z.string() }),
      handler: async ({ params }, read, context) => {
        const row = await read.get<PartnerRow>(MODELS.partners, params.id);
        if (!row) throw refuse(404, "unknown_record", { kind: { "zh-CN": "合伙人", en: "partner" }, id: params.id });
        const me = context.address!.toLowerCase();
        const purpose = row.account === me ? "subject.request" : context.roles.includes("staff") ? "service.arrangement" : undefined;
        if (!purpose) throw refuse(403, "partner_contact_forbidden", { id: params.id });
        if (!deps.vault || !row.contactName || !row.contactPhone) throw refuse(400, "partner_contact_not_kept", {});
        const actor = actorText({ address: me as `0x${string}` });
        return {
          contactName: await readNote(deps.vault, { commitment: row.contactName, actor, purpose }),
          contactPhone: await readNote(deps.vault, { commitment: row.contactPhone, actor, purpose }),
          purpose,
        };
      },
    }),
    defineQuery({
      path: "/api/partners/:id",
      summary: "A partner's public page of contributions: offers, bookings of its space (times only), goods and services given, time-bank credits redeemed with it (from the chain), pledges, and a summary",
      who: "public",
      params: z.object({ id }),
      response: contributionsView,
      handler: async ({ params }, read) => {
        const row = await read.get<PartnerRow>(MODELS.partners, params.id);
        if (!row || row.status !== "approved") throw refuse(404, "unknown_record", { kind: { "zh-CN": "合伙人", en: "partner" }, id: params.id });
        return contributions(read, row, deps);
      },
    }),
  ];
}

export { REJECT_REASONS };
