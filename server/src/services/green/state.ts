// The state of each green-account object, folded from its records. Pure. One service holds three kinds of
// object: the settings, the catalogue, and each household's ledger (its card's serial and its entries).
import type { JournalRecord } from "../framework/index.js";
import { CardIssued, Confirmed, ItemAdded, Redeemed, Restocked, SettingsChanged, Sorted, type GreenSettings, type WasteKind } from "./records.js";

/** One sorting event's points. `status` is what records say; the ledger (ledger.ts) adds time and the sample. */
export type Entry = {
  entry: number;
  device: string;
  eventId: string;
  kind: WasteKind;
  points: number;
  /** Points of this entry already spent. */
  spent: number;
  status: "pending" | "confirmed" | "rejected";
  sampled: boolean;
  at: number;
  day: string;
};

export type Item = { item: string; partner: string; offerId: string; title: string; titleEn: string; points: number; stock: number };

export type GreenState = {
  /** Settings object. */
  settings: GreenSettings | null;
  /** Catalogue object. */
  items: Item[];
  /** Household object. */
  unitId: number | null;
  estateId: number | null;
  building: number | null;
  /** The serial of the card in force (-1: none issued). */
  serial: number;
  entries: Entry[];
  redemptions: number;
};

export const INITIAL_GREEN: GreenState = { settings: null, items: [], unitId: null, estateId: null, building: null, serial: -1, entries: [], redemptions: 0 };

export function evolveGreen(state: GreenState, record: JournalRecord): GreenState {
  if (SettingsChanged.is(record)) return { ...state, settings: record.payload };
  if (ItemAdded.is(record)) return { ...state, items: [...state.items, record.payload] };
  if (Restocked.is(record)) return { ...state, items: state.items.map((i) => (i.item === record.payload.item ? { ...i, stock: i.stock + record.payload.quantity } : i)) };
  if (CardIssued.is(record)) return { ...state, unitId: record.payload.unitId, estateId: record.payload.estateId, building: record.payload.building, serial: record.payload.serial };
  if (Sorted.is(record)) {
    const p = record.payload;
    const entry: Entry = { entry: p.entry, device: p.device, eventId: p.eventId, kind: p.kind, points: p.points, spent: 0, status: p.correct ? "pending" : "rejected", sampled: p.sampled, at: p.at, day: p.day };
    return { ...state, entries: [...state.entries, entry] };
  }
  if (Confirmed.is(record)) {
    const { entry, correct } = record.payload;
    return { ...state, entries: state.entries.map((e) => (e.entry === entry ? { ...e, status: correct ? "confirmed" : "rejected" } : e)) };
  }
  if (Redeemed.is(record)) {
    const take = new Map(record.payload.from.map((f) => [f.entry, f.points]));
    return { ...state, redemptions: state.redemptions + 1, entries: state.entries.map((e) => (take.has(e.entry) ? { ...e, spent: e.spent + take.get(e.entry)! } : e)) };
  }
  return state;
}
