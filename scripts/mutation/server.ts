// `npm run mutation -- server`: Stryker over the server's relayer, receipts, API auth and the indexer's
// change/rollback code, one group at a time (stryker.config.mjs), then one MutationResult in
// docs/mutation/server.json. Surviving mutants get their note from scripts/mutation/server-notes.json
// (keyed "file:line:Mutator"): why they are equivalent, or which test kills them.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Mutant, MutantStatus, MutationResult } from "./types.js";

const root = path.resolve(import.meta.dirname, "../..");
export const SERVER_RESULT = path.join(root, "docs/mutation/server.json");
const NOTES = path.join(root, "scripts/mutation/server-notes.json");
export const SERVER_GROUPS = ["relayer", "auth", "receipts", "indexer"] as const;
export type ServerGroup = (typeof SERVER_GROUPS)[number];

/** The part of Stryker's JSON report (mutation-testing-report-schema) read here. */
type StrykerReport = {
  /** Milliseconds of each phase, when the reporter records them. */
  performance?: { setup: number; initialRun: number; mutation: number };
  files: Record<
    string,
    {
      mutants: {
        id: string;
        mutatorName: string;
        replacement?: string;
        location: { start: { line: number; column: number } };
        status: string;
        statusReason?: string;
        killedBy?: string[];
      }[];
    }
  >;
};

/** A note on one mutant: `equivalent` takes a survivor out of the score; `killed` says which test kills it. */
export type MutantNote = { kind: "equivalent" | "killed"; note: string };

const STATUS: Record<string, MutantStatus | undefined> = {
  Killed: "killed",
  Survived: "survived",
  Timeout: "timeout",
  NoCoverage: "noCoverage",
  CompileError: "compileError",
  // A mutant that crashes the test process before any test runs is as invalid as one that does not compile.
  RuntimeError: "compileError",
  // Ignored (static) and Pending mutants are not part of the result.
  Ignored: undefined,
  Pending: undefined,
};

/** The score the issue asks for: detected (killed or timed out) over all valid mutants but the equivalent ones. */
export function scoreOf(mutants: Mutant[]): number {
  const detected = mutants.filter((m) => m.status === "killed" || m.status === "timeout").length;
  const valid = mutants.filter((m) => m.status !== "compileError" && m.status !== "equivalent").length;
  return valid === 0 ? 0 : detected / valid;
}

function noteKey(file: string, line: number, mutator: string): string {
  return `${file}:${line}:${mutator}`;
}

/** Turns Stryker's report of one group into our mutants, with the notes merged in. */
export function convertReport(report: StrykerReport, notes: Record<string, MutantNote>): { mutants: Mutant[]; ignored: number } {
  const mutants: Mutant[] = [];
  let ignored = 0;
  for (const [file, { mutants: found }] of Object.entries(report.files)) {
    const relative = path.isAbsolute(file) ? path.relative(root, file) : file;
    for (const m of found) {
      const status = STATUS[m.status];
      if (!status) {
        ignored++;
        continue;
      }
      const line = m.location.start.line;
      const given = notes[noteKey(relative, line, m.mutatorName)];
      const mutant: Mutant = {
        file: relative,
        line,
        mutator: m.mutatorName,
        description: `column ${m.location.start.column}: → ${(m.replacement ?? "").replace(/\s+/g, " ").slice(0, 120)}`,
        status,
      };
      if (given && (status === "survived" || status === "noCoverage") && given.kind === "equivalent") {
        mutant.status = "equivalent";
        mutant.note = given.note;
      } else if (given) {
        mutant.note = given.note;
      } else if (status === "killed" && m.killedBy?.length) {
        mutant.note = `killed by: ${m.killedBy.join(", ")}`;
      }
      mutants.push(mutant);
    }
  }
  return { mutants, ignored };
}

/** Where a group's run records which code it mutated (its `mutate` patterns), for the result's description. */
const scopeFile = (group: ServerGroup) => path.join(root, `reports/mutation/server-${group}.scope.json`);

async function runStryker(group: ServerGroup): Promise<void> {
  // STRYKER_MUTATE narrows the group (see stryker.config.mjs); the group's own patterns otherwise.
  const config = (await import(pathToFileURL(path.join(root, "stryker.config.mjs")).href)) as { GROUPS: Record<string, { mutate: string[] }> };
  const mutate = process.env.STRYKER_MUTATE ? process.env.STRYKER_MUTATE.split(",") : config.GROUPS[group]!.mutate;
  await mkdir(path.dirname(scopeFile(group)), { recursive: true });
  await writeFile(scopeFile(group), `${JSON.stringify(mutate)}\n`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, "node_modules/@stryker-mutator/core/bin/stryker.js"), "run", "stryker.config.mjs"], {
      cwd: root,
      env: { ...process.env, STRYKER_GROUP: group },
      stdio: "inherit",
    });
    child.once("error", reject);
    child.once("exit", (code: number | null) =>
      code === 0 ? resolve() : reject(new Error(`Stryker (group ${group}) exited with ${code}; see its output above and .stryker-tmp/.`)),
    );
  });
}

async function readNotes(): Promise<Record<string, MutantNote>> {
  return existsSync(NOTES) ? (JSON.parse(await readFile(NOTES, "utf8")) as Record<string, MutantNote>) : {};
}

/**
 * Runs Stryker for `groups` (all unless said) and writes docs/mutation/server.json. With `fromReports`, Stryker
 * is not run: the last reports in reports/mutation/ are converted again (after editing the notes, say).
 */
export async function mutateServer(options: { groups?: ServerGroup[]; fromReports?: boolean } = {}): Promise<MutationResult> {
  const groups = options.groups ?? [...SERVER_GROUPS];
  const started = Date.now();
  if (!options.fromReports) for (const group of groups) await runStryker(group);
  let seconds = options.fromReports ? 0 : Math.round((Date.now() - started) / 1000);
  let measured = 0;
  const scopes: string[] = [];
  const missing: string[] = [];
  const notes = await readNotes();
  const mutants: Mutant[] = [];
  let ignored = 0;
  for (const group of SERVER_GROUPS) {
    const file = path.join(root, `reports/mutation/server-${group}.json`);
    if (!existsSync(file)) {
      missing.push(group);
      if (!options.fromReports && groups.includes(group)) throw new Error(`Stryker wrote no report for group ${group} (${file}).`);
      continue;
    }
    const report = JSON.parse(await readFile(file, "utf8")) as StrykerReport;
    scopes.push(`${group}: ${existsSync(scopeFile(group)) ? (JSON.parse(await readFile(scopeFile(group), "utf8")) as string[]).join(", ") : "(scope not recorded)"}`);
    const converted = convertReport(report, notes);
    if (report.performance) measured += (report.performance.setup + report.performance.initialRun + report.performance.mutation) / 1000;
    // Without Stryker's timings: from the scope file (written as the run starts) to the report (written at its end).
    else if (existsSync(scopeFile(group))) measured += ((await stat(file)).mtimeMs - (await stat(scopeFile(group))).mtimeMs) / 1000;
    mutants.push(...converted.mutants);
    ignored += converted.ignored;
  }
  // Stryker's own timings of the groups' runs (the reports' `performance`), when it recorded them.
  if (measured > 0) seconds = Math.round(measured);
  mutants.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.mutator.localeCompare(b.mutator));
  const result: MutationResult = {
    suite: "server",
    tool:
      "StrykerJS 10.1.1 (mocha runner, TypeScript checker), coverage analysis \"perTest\", one run per group of modules " +
      `against its test files (stryker.config.mjs); ${ignored} static mutants ignored (ignoreStatic). Code mutated — ${scopes.join("; ")}` +
      (missing.length > 0 ? `. NOT in this result (no run yet): the ${missing.join(", ")} group(s), so the score covers only the code named here` : ""),
    command: "npm run mutation -- server",
    score: scoreOf(mutants),
    mutants,
    seconds,
  };
  await mkdir(path.dirname(SERVER_RESULT), { recursive: true });
  await writeFile(SERVER_RESULT, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}
