// `npm run mutation -- report`: docs/mutation.md and the two scores of docs/benchmarks.json, from the results
// the mutation runs wrote (docs/mutation/contracts.json, docs/mutation/server.json; whichever exist).
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Mutant, MutationResult } from "./types.js";

const root = path.resolve(import.meta.dirname, "../..");
const RESULTS = { contracts: "docs/mutation/contracts.json", server: "docs/mutation/server.json" } as const;
const GOALS = { contracts: 0.9, server: 0.75 } as const;
const MARKDOWN = path.join(root, "docs/mutation.md");
const BENCHMARKS = path.join(root, "docs/benchmarks.json");

async function readResult(suite: keyof typeof RESULTS): Promise<MutationResult | undefined> {
  const file = path.join(root, RESULTS[suite]);
  return existsSync(file) ? (JSON.parse(await readFile(file, "utf8")) as MutationResult) : undefined;
}

const percent = (x: number): string => `${(x * 100).toFixed(1)} %`;
/** Markdown table cells: no pipes or line breaks from source text. */
const cell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\s+/g, " ").trim();

function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s} s` : `${s} s`;
}

function counts(mutants: Mutant[]): Record<Mutant["status"], number> {
  const out = { killed: 0, survived: 0, timeout: 0, compileError: 0, noCoverage: 0, equivalent: 0 };
  for (const m of mutants) out[m.status]++;
  return out;
}

/** The section of one suite: figures, then every mutant the tests did not catch, each with its note. */
function section(title: string, result: MutationResult, goal: number): string[] {
  const c = counts(result.mutants);
  const lines = [
    `## ${title}`,
    "",
    `Score **${percent(result.score)}** (goal ≥ ${percent(goal)}): killed or timed out over all mutants that compile, equivalent ones left out.`,
    "",
    `- Command: \`${result.command}\``,
    `- Tool: ${result.tool}`,
    `- Run time: ${duration(result.seconds)}`,
    `- Mutants: ${result.mutants.length} — killed ${c.killed}, timed out ${c.timeout}, survived ${c.survived}, ` +
      `no test reached ${c.noCoverage}, equivalent ${c.equivalent}, did not compile ${c.compileError}`,
    "",
  ];
  const byFile = new Map<string, Mutant[]>();
  for (const m of result.mutants) byFile.set(m.file, [...(byFile.get(m.file) ?? []), m]);
  lines.push("| File | Mutants | Killed | Survived | No test | Equivalent | Score |", "|---|---:|---:|---:|---:|---:|---:|");
  for (const [file, mutants] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    const f = counts(mutants);
    const valid = mutants.length - f.compileError - f.equivalent;
    const score = valid === 0 ? "—" : percent((f.killed + f.timeout) / valid);
    lines.push(`| \`${file}\` | ${mutants.length} | ${f.killed + f.timeout} | ${f.survived} | ${f.noCoverage} | ${f.equivalent} | ${score} |`);
  }
  lines.push("");
  const open = result.mutants.filter((m) => m.status === "survived" || m.status === "noCoverage" || m.status === "equivalent");
  lines.push(`### Mutants the tests do not catch (${open.length})`, "");
  if (open.length === 0) lines.push("None.", "");
  else {
    lines.push("| Where | Mutator | Change | Status | Note |", "|---|---|---|---|---|");
    for (const m of open) {
      lines.push(`| \`${m.file}:${m.line}\` | ${m.mutator} | ${cell(m.description)} | ${m.status} | ${cell(m.note ?? "(no note yet)")} |`);
    }
    lines.push("");
  }
  // Survivors of an earlier run that new tests now kill carry a note naming the test.
  const killedWithNote = result.mutants.filter((m) => (m.status === "killed" || m.status === "timeout") && m.note && !m.note.startsWith("killed by: "));
  if (killedWithNote.length > 0) {
    lines.push(`### Earlier survivors now killed by new tests (${killedWithNote.length})`, "");
    lines.push("| Where | Mutator | Change | Killed by |", "|---|---|---|---|");
    for (const m of killedWithNote) lines.push(`| \`${m.file}:${m.line}\` | ${m.mutator} | ${cell(m.description)} | ${cell(m.note!)} |`);
    lines.push("");
  }
  return lines;
}

/** Writes docs/mutation.md and the scores in docs/benchmarks.json; returns the suites found. */
export async function renderReport(): Promise<string[]> {
  const contracts = await readResult("contracts");
  const server = await readResult("server");
  const lines = [
    "# Mutation testing",
    "",
    "How many deliberate faults the test suite catches (issue 18). Each mutant is one small change to the code",
    "(a role check removed, a comparison flipped, a value replaced); a test that fails on it kills it. A surviving",
    "mutant is either a gap in the tests or a change that cannot alter behaviour (equivalent): each one is listed",
    "below with its note.",
    "",
    "Regenerate with `npm run mutation` (both suites, then this page), `npm run mutation -- contracts`,",
    "`npm run mutation -- server`, or `npm run mutation -- report` (this page only, from docs/mutation/*.json).",
    "It takes long and is not part of `.ci/run`.",
    "",
    "| Suite | Score | Goal | Mutants | Run time |",
    "|---|---:|---:|---:|---:|",
  ];
  for (const [name, result] of [["contracts", contracts], ["server", server]] as const) {
    if (result) {
      lines.push(`| ${name} | ${percent(result.score)} | ${percent(GOALS[name])} | ${result.mutants.length} | ${duration(result.seconds)} |`);
    } else {
      lines.push(`| ${name} | not run yet | ${percent(GOALS[name])} | — | — |`);
    }
  }
  lines.push("");
  if (contracts) lines.push(...section("Contracts", contracts, GOALS.contracts));
  if (server) lines.push(...section("Server", server, GOALS.server));
  await writeFile(MARKDOWN, `${lines.join("\n")}\n`);

  const benchmarks = JSON.parse(await readFile(BENCHMARKS, "utf8")) as Record<string, unknown>;
  if (contracts) benchmarks["mutation.contracts.score"] = Number(contracts.score.toFixed(3));
  if (server) benchmarks["mutation.server.score"] = Number(server.score.toFixed(3));
  const sorted = Object.fromEntries(Object.keys(benchmarks).sort().map((k) => [k, benchmarks[k]]));
  await writeFile(BENCHMARKS, `${JSON.stringify(sorted, null, 2)}\n`);
  return [contracts ? "contracts" : undefined, server ? "server" : undefined].filter((s): s is string => s !== undefined);
}
