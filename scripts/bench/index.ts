// Runs every scripts/bench/*.bench.ts (or those named in BENCH=votes,fund), prints the figures, and writes
// them to docs/benchmarks.json (flat: figure name → number) and docs/benchmarks.md (tables with the command).
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BenchModule, Figure } from "./figures.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const docs = path.resolve(here, "../../docs");
const jsonPath = path.join(docs, "benchmarks.json");
const mdPath = path.join(docs, "benchmarks.md");
const SECTIONS_START = "<!-- bench:sections -->";

type Section = { file: string; title: string; figures: Figure[]; notes?: string };

async function selectedModules(): Promise<string[]> {
  const wanted = (process.env.BENCH ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const files = (await readdir(here)).filter((f) => f.endsWith(".bench.ts")).sort();
  const unknown = wanted.filter((w) => !files.includes(`${w}.bench.ts`));
  if (unknown.length > 0) {
    throw new Error(`Unknown benchmark(s) ${unknown.join(", ")}; available: ${files.join(", ")}`);
  }
  return wanted.length === 0 ? files : wanted.map((w) => `${w}.bench.ts`);
}

async function readJson(): Promise<Record<string, number>> {
  try {
    return JSON.parse(await readFile(jsonPath, "utf8")) as Record<string, number>;
  } catch {
    return {};
  }
}

/** Keeps the sections of modules not run this time, so a partial run updates only its own tables. */
async function readSections(): Promise<Map<string, string>> {
  const sections = new Map<string, string>();
  let md: string;
  try {
    md = await readFile(mdPath, "utf8");
  } catch {
    return sections;
  }
  const body = md.split(SECTIONS_START)[1] ?? "";
  for (const chunk of body.split(/^<!-- bench:(?=[\w-]+\.bench\.ts -->)/m).slice(1)) {
    const file = chunk.slice(0, chunk.indexOf(" -->"));
    sections.set(file, `<!-- bench:${chunk.trimEnd()}\n`);
  }
  return sections;
}

function renderSection(section: Section, when: string): string {
  const rows = section.figures
    .map((f) => `| \`${f.name}\` | ${f.value.toLocaleString("en-US")} | ${f.unit} | ${f.description} |`)
    .join("\n");
  return [
    `<!-- bench:${section.file} -->`,
    `## ${section.title}`,
    "",
    `Measured ${when} by \`BENCH=${section.file.replace(".bench.ts", "")} npm run bench\` (or all of them by \`npm run bench\`).`,
    "",
    "| figure | value | unit | what it is |",
    "| --- | ---: | --- | --- |",
    rows,
    "",
    ...(section.notes ? [section.notes.trim(), ""] : []),
  ].join("\n");
}

async function main(): Promise<void> {
  const files = await selectedModules();
  const figures = await readJson();
  const sections = await readSections();
  const when = `${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, Node ${process.version}`;
  for (const file of files) {
    const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { default: BenchModule };
    console.log(`\n=== ${mod.default.title} (${file}) ===`);
    const measured = await mod.default.run();
    for (const f of measured) {
      figures[f.name] = f.value;
      console.log(`${f.name.padEnd(40)} ${String(f.value).padStart(14)} ${f.unit}  ${f.description}`);
    }
    sections.set(file, renderSection({ file, title: mod.default.title, figures: measured, notes: mod.default.notes }, when));
  }
  await mkdir(docs, { recursive: true });
  const sorted = Object.fromEntries(Object.entries(figures).sort(([a], [b]) => a.localeCompare(b)));
  await writeFile(jsonPath, `${JSON.stringify(sorted, null, 2)}\n`);
  const md = [
    "# Benchmarks",
    "",
    "Produced by `npm run bench` (all modules) or `BENCH=<module> npm run bench` (one module), which also writes",
    "`docs/benchmarks.json`. Every figure is measured in the same run as its baseline; ratios compare the two.",
    "",
    SECTIONS_START,
    ...[...sections.keys()].sort().map((k) => sections.get(k)!),
  ].join("\n");
  await writeFile(mdPath, md);
  console.log(`\nWrote ${path.relative(process.cwd(), jsonPath)} and ${path.relative(process.cwd(), mdPath)}`);
}

await main();
