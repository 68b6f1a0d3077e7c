// The currencies a partner accepts, each read from its own ledger: time-bank minutes from the indexer's read
// models of the TimeBank contract (its partner redemptions, on chain); green points from issue 17's ledger once it
// exists. A ledger answers what was spent with one partner; a currency without a ledger is shown as accepted with
// no figures (docs/partners.md says how issue 17 plugs its ledger in).
import { voucherCode } from "../../chain/voucher.js";
import { modelSublevel, readModel, type Store } from "../../store/store.js";
import type { Currency } from "./records.js";

/** One spending of a currency with a partner, as its ledger records it. */
export type Spending = { amount: number; kind: string; recordId: string; txHash: string | null; blockNumber: number | null; voucher: string | null; honoured: boolean };

/** What a currency's ledger tells about one partner (by the partner's address in that ledger). */
export type CurrencyLedger = {
  currency: Currency;
  /** What the amounts count (minutes, points). */
  unit: "minutes" | "points";
  /** Every spending with the partner at `address`, oldest first. */
  spentWith: (address: string) => Promise<Spending[]>;
  /** Whether `address` is a partner of this ledger (for linking). */
  isPartner: (address: string) => Promise<boolean>;
};

/**
 * The fields of the indexer's tbRedemptions and tbPartners views read here (indexer/models/timebank.ts), declared
 * here so the service reads the chain's read models without depending on the indexer's code, as vouchers does.
 */
type Redemption = { partner: string; minutes: number; kind: string; txHash: string; blockNumber: number; logIndex: number; recordId: string };

/**
 * The time bank's ledger: the indexer's redemptions to a partner address. It scans the redemptions (the indexer
 * keeps no per-partner index; a few thousand a year in a community); `honouredOf` says whether the partner
 * recorded handing over what was redeemed (services/vouchers).
 */
export function timebankLedger(store: Store, honouredOf?: (voucher: string) => Promise<unknown>): CurrencyLedger {
  return {
    currency: "timebank",
    unit: "minutes",
    isPartner: async (address) => (await readModel(store, "tbPartners", address.toLowerCase())) !== undefined,
    spentWith: async (address) => {
      const partner = address.toLowerCase();
      const out: Spending[] = [];
      for await (const value of modelSublevel(store, "tbRedemptions").values()) {
        const r = value as Redemption;
        if (r.partner !== partner) continue;
        const voucher = voucherCode(r.txHash, r.logIndex);
        out.push({ amount: r.minutes, kind: r.kind, recordId: r.recordId, txHash: r.txHash, blockNumber: r.blockNumber, voucher, honoured: Boolean(await honouredOf?.(voucher)) });
      }
      return out;
    },
  };
}
