// Partners honouring time-bank vouchers: the redemption itself is on chain (TimeBank.redeem burns the
// credits); that the partner has handed over the meal or the goods is an off-chain record, voucher.honoured,
// anchored like every record, kept once per redemption. The object's id is the voucher code, so a second
// honour of the same voucher meets the first one's state under its lock and is refused.
import { z } from "zod/v4";
import { normaliseVoucher } from "../../chain/voucher.js";
import { readModel, type Store } from "../../store/store.js";
import { addressRef, count, defineCommand, defineRecord, defineService, refuse, type JournalRecord } from "../framework/index.js";

export const Honoured = defineRecord("voucher", "honoured", z.object({ redemptionRecordId: count, partner: addressRef, minutes: count }));

export type VoucherState = { honoured: boolean };
/** What the partner's page and the resident's page show of an honoured voucher. */
export type HonouredView = { code: string; redemptionRecordId: number; partner: string; minutes: number; at: number; by: string };

const code = z.string().max(32).transform((v, ctx) => {
  const normal = normaliseVoucher(v);
  if (!normal) {
    ctx.addIssue({ code: "custom", message: "a voucher code: 8 letters and digits, e.g. K7QM-2XDA" });
    return z.NEVER;
  }
  return normal;
});

/**
 * The fields of the indexer's `tbRedemptions` view this service reads (indexer/models/timebank.ts): declared
 * here, so the service reads the chain's read model without depending on the indexer's code.
 */
type Redemption = { partner: string; minutes: number };

/** The redemption a voucher code stands for, from the indexer's read models (undefined if none). */
export async function redemptionOfVoucher(store: Store, voucher: string): Promise<(Redemption & { seq: string }) | undefined> {
  const seq = await readModel<string>(store, "tbVouchers", voucher);
  const redemption = seq ? await readModel<Redemption>(store, "tbRedemptions", seq) : undefined;
  return redemption && seq ? { ...redemption, seq } : undefined;
}

/** Whether a voucher was honoured, and when and by whom (the service's read model). */
export function honouredOf(store: Store, voucher: string): Promise<HonouredView | undefined> {
  return store.db.sublevel<string, HonouredView>("svc:voucher.honoured", { valueEncoding: "json" }).get(voucher) as Promise<HonouredView | undefined>;
}

export function voucherService(store: Store) {
  const honour = defineCommand({
    name: "honour",
    summary: "A partner records that it has honoured a redemption made to it (once per voucher)",
    target: "new",
    input: z.object({ code }),
    who: ["partner"],
    idOf: (input) => input.code,
    check: async (input, { actor }) => {
      const r = await redemptionOfVoucher(store, input.code);
      if (!r) return refuse(404, "unknown_voucher", { code: input.code });
      if (!("address" in actor) || r.partner !== actor.address.toLowerCase()) return refuse(403, "voucher_other_partner", { code: input.code });
      return { facts: { redemptionRecordId: Number(r.seq), partner: r.partner, minutes: r.minutes } };
    },
    decide: (state: VoucherState, input, { facts }) =>
      state.honoured ? refuse(409, "voucher_already_honoured", { code: input.code }) : [Honoured(facts as z.infer<typeof Honoured.schema>)],
  });
  return defineService<VoucherState>({
    name: "voucher",
    basePath: "/api/vouchers",
    noun: { "zh-CN": "兑换券", en: "voucher" },
    records: [Honoured],
    initial: { honoured: false },
    evolve: (state, record: JournalRecord) => (Honoured.is(record) ? { honoured: true } : state),
    commands: [honour],
    models: ["honoured"],
    project(record, tx) {
      if (Honoured.is(record)) {
        const view: HonouredView = { code: record.id, ...record.payload, at: record.at, by: "address" in record.actor ? record.actor.address.toLowerCase() : "" };
        tx.put("honoured", record.id, view);
      }
    },
  });
}
