// The pets' read models, written in each record's own atomic write: every pet (its state), the pets of each
// owner, the office's queues (reports to check, appeals to decide), each reporter's reports, and the counts the
// statistics add up: registrations, reports and their outcomes by estate, month (of the report) and building.
import type { JournalRecord, ModelTx } from "../framework/index.js";
import { AppealDecided, Appealed, Registered, ReportConfirmed, ReportDismissed, Reported } from "./records.js";
import { monthOf } from "./rules.js";
import { evolvePet, INITIAL_PET, type PetState } from "./state.js";

export type PetRow = PetState & { id: string };
/** Counts of one estate, month and building: reports made that month and what became of them. */
export type StatsCell = { reports: number; confirmed: number; dismissed: number; appeals: number; upheld: number };
export const NO_STATS: StatsCell = { reports: 0, confirmed: 0, dismissed: 0, appeals: 0, upheld: 0 };

export const MODELS = {
  /** id → PetRow. */
  pets: "pets",
  /** `<owner>:<id>` → 1. */
  byOwner: "byOwner",
  /** `<id>:<reportId>` → 1 while the report waits for a staff member or grid worker. */
  pendingReports: "pendingReports",
  /** `<id>:<reportId>` → 1 while the appeal waits for the office. */
  pendingAppeals: "pendingAppeals",
  /** `<reporter>:<id>:<reportId>` → 1. */
  byReporter: "byReporter",
  /** `<estateId>:<YYYY-MM>:<buildingId>` → StatsCell (by the month of the report). */
  stats: "stats",
  /** `<estateId>:<YYYY-MM>:<buildingId>` → pets registered that month. */
  registrations: "registrations",
} as const;

const pad = (n: number) => String(n).padStart(6, "0");
export const statsKey = (estateId: number, month: string, buildingId: number): string => `${pad(estateId)}:${month}:${pad(buildingId)}`;

export async function projectPet(record: JournalRecord, tx: ModelTx): Promise<void> {
  const before = (await tx.get<PetRow>(MODELS.pets, record.id)) ?? { ...INITIAL_PET, id: record.id };
  const after: PetRow = { ...evolvePet(before, record), id: record.id };
  tx.put(MODELS.pets, record.id, after);
  const bump = async (month: string, change: Partial<StatsCell>) => {
    const key = statsKey(after.estateId, month, after.buildingId);
    const cell = (await tx.get<StatsCell>(MODELS.stats, key)) ?? NO_STATS;
    tx.put(MODELS.stats, key, Object.fromEntries(Object.entries(cell).map(([k, v]) => [k, v + (change[k as keyof StatsCell] ?? 0)])) as StatsCell);
  };
  const monthOfReport = (reportId: string) => after.reports.find((r) => r.reportId === reportId)?.month ?? monthOf(record.at);
  if (Registered.is(record)) {
    tx.put(MODELS.byOwner, `${after.owner}:${record.id}`, 1);
    const key = statsKey(after.estateId, monthOf(record.at), after.buildingId);
    tx.put(MODELS.registrations, key, ((await tx.get<number>(MODELS.registrations, key)) ?? 0) + 1);
  }
  if (Reported.is(record)) {
    const { reportId } = record.payload;
    tx.put(MODELS.pendingReports, `${record.id}:${reportId}`, 1);
    const report = after.reports.find((r) => r.reportId === reportId)!;
    tx.put(MODELS.byReporter, `${report.reporter}:${record.id}:${reportId}`, 1);
    await bump(record.payload.month, { reports: 1 });
  }
  if (ReportConfirmed.is(record) || ReportDismissed.is(record)) {
    const { reportId } = record.payload;
    tx.del(MODELS.pendingReports, `${record.id}:${reportId}`);
    await bump(monthOfReport(reportId), ReportConfirmed.is(record) ? { confirmed: 1 } : { dismissed: 1 });
  }
  if (Appealed.is(record)) {
    tx.put(MODELS.pendingAppeals, `${record.id}:${record.payload.reportId}`, 1);
    await bump(monthOfReport(record.payload.reportId), { appeals: 1 });
  }
  if (AppealDecided.is(record)) {
    tx.del(MODELS.pendingAppeals, `${record.id}:${record.payload.reportId}`);
    // An upheld appeal undoes the confirmation: the report counts as upheld on appeal, no longer as confirmed.
    if (record.payload.upheld) await bump(monthOfReport(record.payload.reportId), { upheld: 1, confirmed: -1 });
  }
}
