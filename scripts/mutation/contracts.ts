// Mutation testing of the Solidity contracts: a small runner of our own.
//
// Why our own: no mutation tool fits Hardhat 3 well (Gambit and vertigo-rs drive Hardhat 2 or Foundry and
// recompile the whole project per mutant; SuMo has no Hardhat 3 support). This runner is plain text mutation over
// the sources in contracts/ (contracts/bench/ and contracts/test/ left out: benchmark and test helpers, never deployed), and
// checks every mutant against the contract tests (test/contracts, test/invariants) on Hardhat's own EDR chain.
//
// Mutators, one fault at a time:
//   - role:       every `onlyRole(…)` / `onlyRegistryRole(…)` modifier removed, and every `_checkRegistryRole(…);` /
//                 `_checkCommittee(…);` statement (the role and committee-seat checks made inside a function);
//   - guard:      every condition that leads to a `revert` (`if (c) revert …`, `if (c) { … revert … }`) and every
//                 `require(c, …)` removed (the condition becomes `false` / `true`); with `--negate` also negated
//                 (a negated guard refuses the happy path, so any test kills it: left out by default to save time);
//   - comparison: every `<` ↔ `<=`, `>` ↔ `>=`, `==` ↔ `!=`;
//   - arithmetic: every binary `+` ↔ `-`, `*` ↔ `/` (and `+=` ↔ `-=`, `*=` ↔ `/=`).
//
// Speed, honestly: the worktree is never touched. The sources, tests and built artifacts are copied to a temp dir;
// each mutant rewrites one source file there, is compiled by the same solc (the `solc` package, 0.8.30) with the same
// settings as hardhat.config.ts (optimizer 200 runs, viaIR, cancun), only for the contracts whose bytecode contains
// the mutated file (the file itself and, for an abstract base, the contracts that inherit it), and the new bytecode
// replaces the artifact's. Then `hardhat test mocha --no-compile --bail` runs only the test files that use the
// mutated contract, the file named after it first; a run past the timeout is killed and counts as "timeout".
//
// Usage: tsx scripts/mutation/contracts.ts [--only <Contract>[,<Contract>…]] [--limit N] [--sample K] [--negate] [--timeout S]
//        tsx scripts/mutation/contracts.ts --rerun <result.json>     (only its survivors, merged back into it)
//        tsx scripts/mutation/contracts.ts --merge <a.json,b.json>   (several runs into one result)
// writes docs/mutation/contracts.json (also after every mutant, so an interrupted run leaves what it measured).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Mutant, MutationResult } from "./types.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const OUT_FILE = path.join(ROOT, "docs/mutation/contracts.json");
/** The same settings as hardhat.config.ts's profiles (checked at start against the config's text). */
const SOLC_SETTINGS = { optimizer: { enabled: true, runs: 200 }, viaIR: true, evmVersion: "cancun" } as const;
const EXCLUDED_DIRS = ["contracts/bench/", "contracts/test/"];
const TEST_DIRS = ["test/contracts", "test/invariants"];
const DEFAULT_TIMEOUT_SECONDS = 300;

export type ContractsMutationOptions = {
  /** Only mutate these contracts (by name, e.g. "CommunityRegistry", or file base name). */
  only?: string[];
  /** Stop after this many mutants (in file order). */
  limit?: number;
  /** Only every `sample`-th mutant (in file order): a uniform sample when a full run does not fit the time. */
  sample?: number;
  /** Also produce negated guards (killed by any happy-path test). */
  negate?: boolean;
  /** Seconds one mutant's test run may take before it counts as a timeout. */
  timeoutSeconds?: number;
  /** Only the mutants at these places, "OwnersVote.sol:352" (file base name and line). */
  at?: string[];
  /** Run these test files instead of those that use the mutated contract (to show what one test file catches). */
  tests?: string[];
  /** Only the survivors of this earlier result (a JSON file), e.g. after adding tests; they are merged back into it. */
  rerun?: string;
  /** Where to write the result after each mutant; none if omitted. */
  outFile?: string;
  log?: (line: string) => void;
};

/** One planned fault: a replacement of source[start, end) in one file. */
type Plan = { file: string; line: number; start: number; end: number; replacement: string; mutator: string; description: string };

/**
 * Survivors judged equivalent (or out of the tests' reach by design), by a stable key: file, mutator and the
 * description (which quotes the changed text), not the line, so edits elsewhere do not lose the note.
 */
const EQUIVALENT: Record<string, string> = {
  "contracts/fund/MaintenanceFund.sol|comparison|`>` → `>=` in `block.timestamp > period ? spent`":
    "Equivalent on any real chain: the two differ only when block.timestamp equals the period (at most 366 days, i.e. a time in January 1971); both branches then also read the same checkpoint at time 0.",
  "contracts/fund/MaintenanceFund.sol|comparison|`>=` → `>` in `remaining = spentInPeriod >= limit ? 0`":
    "Equivalent: the two differ only when spentInPeriod equals the limit, where both branches give 0 (limit - spentInPeriod).",
  "contracts/fund/MaintenanceFund.sol|comparison|`<` → `<=` in `; return majority < MIN_EMERGENCY_APPROVALS ? MIN_EMERGENCY_APPROVALS`":
    "Equivalent: the two differ only when the majority equals MIN_EMERGENCY_APPROVALS, where both branches return that same number.",
  "contracts/votes/OwnersVote.sol|comparison|`<` → `<=` in `0; i < batch.counted`":
    "Equivalent: the one extra slot read, countedIndices[counted], exists (the ballot being refused is not counted, so counted < ballots.length) and still holds 0, while a refused ballot's holder index is at least 1 (an index of 0 has no area and is skipped as NotEligible before), so it never matches.",
  "contracts/timebank/TimeBank.sol|comparison|`>` → `>=` in `block.timestamp > MAX_SERVICE_AGE && servedAt`":
    "Equivalent on any real chain: the two differ only when block.timestamp equals MAX_SERVICE_AGE (a time in 1970), where the next comparison (servedAt < 0) is false either way.",
  "contracts/votes/OwnersVote.sol|comparison|`>` → `>=` in `) return lhs > rhs; return`":
    "Equivalent: the line returns only when lhs != rhs, where `>` and `>=` agree.",
  // One key for every staff-only entry of the time bank (the key has no line): only survivors take the note, and
  // only moveMemberFor survives (its first step is checkProxy(…, msg.sender, …)); the others are killed by tests
  // that name no authorisation or a non-member (redeemFor, redeemAtFor, confirmServiceFor, rejectServiceFor).
  "contracts/timebank/TimeBank.sol|role|removed onlyRegistryRole(registry.STAFF_ROLE())":
    "Equivalent (defence in depth): the entry's first step, ProxyAuthorizations.checkProxy(authorisation, msg.sender, …), checks the same registry STAFF_ROLE of the same caller before anything else and reverts with the same MissingRole(caller, role) error; only the gas spent before the revert differs.",
  "contracts/votes/OwnersVote.sol|role|removed onlyRegistryRole(_staffRole)":
    "Equivalent (defence in depth): castBallotOnBehalf's next step, ProxyAuthorizations.checkProxy(authorisation, msg.sender, …), checks the same registry STAFF_ROLE of the same caller first and reverts with the same MissingRole(caller, role) error, which the tests expect (OwnersVote.test.ts: a non-staff caller refused with MissingRole); only the gas spent before the revert differs.",
};

/** Survivors not yet killed, with the test that would kill them (kept until that test exists). */
const OPEN_SURVIVORS: Record<string, string> = {
  "contracts/fund/MaintenanceFund.sol|comparison|`>` → `>=` in `block.timestamp > expiresAt) revert`":
    "Not yet killed: needs a test confirming an emergency proposal at proposedAt + EMERGENCY_PROPOSAL_TTL exactly (accepted), and one second later (ProposalExpired).",
  "contracts/registry/ProxyAuthorizations.sol|comparison|`>` → `>=` in `timestamp || expiresAt > latest) revert`":
    "Not yet killed: needs a test recording an authorisation that expires at block.timestamp + MAX_DURATION exactly (accepted).",
  "contracts/votes/OwnersVote.sol|guard|removed guard `if (address(proxies_) == address(0)) revert ZeroProxies`":
    "Not yet killed: needs a test deploying OwnersVote with a zero ProxyAuthorizations address (ZeroProxies).",
};

export function mutantKey(m: { file: string; mutator: string; description: string }): string {
  return `${m.file}|${m.mutator}|${m.description}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Tokenizing: enough of Solidity to find operators outside comments and strings.

type Token = { text: string; start: number; end: number };

const PUNCT = ["<<=", ">>=", "**", "++", "--", "+=", "-=", "*=", "/=", "%=", "&&", "||", "==", "!=", "<=", ">=", "=>", "<<", ">>", "->"];

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (src.startsWith("//", i)) { const e = src.indexOf("\n", i); i = e < 0 ? src.length : e; continue; }
    if (src.startsWith("/*", i)) { const e = src.indexOf("*/", i + 2); i = e < 0 ? src.length : e + 2; continue; }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === "\\" ? 2 : 1;
      tokens.push({ text: src.slice(i, j + 1), start: i, end: j + 1 });
      i = j + 1;
      continue;
    }
    const word = /^[A-Za-z_$][A-Za-z0-9_$]*|^0x[0-9a-fA-F_]+|^[0-9][0-9_]*(\.[0-9]+)?(e[0-9]+)?/.exec(src.slice(i, i + 80));
    if (word) { tokens.push({ text: word[0], start: i, end: i + word[0].length }); i += word[0].length; continue; }
    const p = PUNCT.find((q) => src.startsWith(q, i)) ?? c;
    tokens.push({ text: p, start: i, end: i + p.length });
    i += p.length;
  }
  return tokens;
}

function matching(tokens: Token[], open: number): number {
  const o = tokens[open].text;
  const close = o === "(" ? ")" : o === "{" ? "}" : "]";
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    if (tokens[k].text === o) depth++;
    else if (tokens[k].text === close && --depth === 0) return k;
  }
  throw new Error(`unbalanced ${o} at ${tokens[open].start}`);
}

/** The token index just past the statement that starts at `k` (a block or up to its `;`). */
function statementEnd(tokens: Token[], k: number): number {
  if (tokens[k].text === "{") return matching(tokens, k) + 1;
  let depth = 0;
  for (let j = k; j < tokens.length; j++) {
    const t = tokens[j].text;
    if (t === "(" || t === "{" || t === "[") depth++;
    else if (t === ")" || t === "}" || t === "]") depth--;
    else if (t === ";" && depth === 0) return j + 1;
  }
  return tokens.length;
}

const lineOf = (src: string, offset: number): number => src.slice(0, offset).split("\n").length;
const snippet = (s: string): string => s.replace(/\s+/g, " ").trim().slice(0, 90);

/** Every fault this runner makes in one source file. */
export function planMutants(file: string, src: string, negate = false): Plan[] {
  const tokens = tokenize(src);
  const plans: Plan[] = [];
  const add = (start: number, end: number, replacement: string, mutator: string, description: string) =>
    plans.push({ file, line: lineOf(src, start), start, end, replacement, mutator, description });

  // Only code inside function and modifier bodies and headers: skip constant declarations, events, errors.
  const inBody = new Array<boolean>(tokens.length).fill(false);
  for (let k = 0; k < tokens.length; k++) {
    if (tokens[k].text !== "function" && tokens[k].text !== "modifier" && tokens[k].text !== "constructor") continue;
    let j = k;
    while (j < tokens.length && tokens[j].text !== "{" && tokens[j].text !== ";") j++;
    if (tokens[j]?.text !== "{") continue;
    const e = matching(tokens, j);
    for (let x = k; x <= e; x++) inBody[x] = true;
    k = e;
  }

  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (!inBody[k]) continue;
    // role: a role modifier in a function header
    if ((t.text === "onlyRole" || t.text === "onlyRegistryRole") && tokens[k + 1]?.text === "(" && tokens[k - 1]?.text !== "modifier" && !inFunctionBody(tokens, k)) {
      const e = matching(tokens, k + 1);
      const text = src.slice(t.start, tokens[e].end);
      add(t.start, tokens[e].end, "", "role", `removed ${snippet(text)}`);
      continue;
    }
    // role: a call that checks the caller's role or seat, as a statement of its own
    if ((t.text === "_checkRegistryRole" || t.text === "_checkCommittee") && tokens[k + 1]?.text === "(" && [";", "{", "}"].includes(tokens[k - 1]?.text ?? "") && inFunctionBody(tokens, k)) {
      const e = matching(tokens, k + 1);
      if (tokens[e + 1]?.text === ";") {
        add(t.start, tokens[e + 1].end, "", "role", `removed ${snippet(src.slice(t.start, tokens[e + 1].end))}`);
        continue;
      }
    }
    // guard: if (c) <statement containing revert>
    if (t.text === "if" && tokens[k + 1]?.text === "(") {
      const ce = matching(tokens, k + 1);
      const se = statementEnd(tokens, ce + 1);
      const body = tokens.slice(ce + 1, se);
      // the revert must belong to this if, not to an else branch or a nested if
      const reverts = body.some((b) => b.text === "revert") && !body.some((b) => b.text === "if");
      if (reverts) {
        const cond = src.slice(tokens[k + 2].start, tokens[ce - 1].end);
        const rv = body.find((b, x) => b.text === "revert" || (x === 0 && false))!;
        const err = src.slice(rv.start, Math.min(src.indexOf("(", rv.start) < 0 ? rv.end : src.indexOf("(", rv.start), rv.start + 60)).trim();
        add(tokens[k + 2].start, tokens[ce - 1].end, "false", "guard", `removed guard \`if (${snippet(cond)}) ${err}\``);
        if (negate) add(tokens[k + 2].start, tokens[ce - 1].end, `!(${cond})`, "guard-negated", `negated guard \`if (${snippet(cond)}) ${err}\``);
      }
    }
    if (t.text === "require" && tokens[k + 1]?.text === "(") {
      const e = matching(tokens, k + 1);
      let comma = -1;
      let depth = 0;
      for (let j = k + 2; j < e; j++) {
        const x = tokens[j].text;
        if (x === "(" || x === "[" || x === "{") depth++;
        else if (x === ")" || x === "]" || x === "}") depth--;
        else if (x === "," && depth === 0) { comma = j; break; }
      }
      const last = comma < 0 ? e - 1 : comma - 1;
      const cond = src.slice(tokens[k + 2].start, tokens[last].end);
      add(tokens[k + 2].start, tokens[last].end, "true", "guard", `removed require(${snippet(cond)})`);
      if (negate) add(tokens[k + 2].start, tokens[last].end, `!(${cond})`, "guard-negated", `negated require(${snippet(cond)})`);
    }
    const ctx = (): string => snippet(src.slice(tokens[Math.max(0, k - 3)].start, tokens[Math.min(tokens.length - 1, k + 3)].end));
    const flips: Record<string, string> = { "<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "==" };
    if (flips[t.text] && inFunctionBody(tokens, k)) {
      add(t.start, t.end, flips[t.text], "comparison", `\`${t.text}\` → \`${flips[t.text]}\` in \`${ctx()}\``);
      continue;
    }
    const arith: Record<string, string> = { "+": "-", "-": "+", "*": "/", "/": "*", "+=": "-=", "-=": "+=", "*=": "/=", "/=": "*=" };
    if (arith[t.text] && inFunctionBody(tokens, k)) {
      // binary only: the previous token ends an operand
      const prev = tokens[k - 1]?.text ?? "";
      const binary = /^[A-Za-z0-9_$)\]]/.test(prev) && !["return", "revert", "emit", "else"].includes(prev);
      if (binary || t.text.endsWith("=")) add(t.start, t.end, arith[t.text], "arithmetic", `\`${t.text}\` → \`${arith[t.text]}\` in \`${ctx()}\``);
    }
  }
  return plans;
}

/** True when token k is inside the `{…}` body of a function, modifier or constructor (not its header). */
function inFunctionBody(tokens: Token[], k: number): boolean {
  let depth = 0;
  for (let j = k - 1; j >= 0; j--) {
    const t = tokens[j].text;
    if (t === "}") depth++;
    else if (t === "{") {
      if (depth > 0) { depth--; continue; }
      // an unmatched `{` before k: is it a body's opening brace?
      for (let h = j - 1; h >= 0; h--) {
        const x = tokens[h].text;
        if (x === "function" || x === "modifier" || x === "constructor") return true;
        if (x === ";" || x === "}" || x === "{") break;
      }
      // a nested block (if/for/unchecked): keep going outwards
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// Compiling one mutated file, with the suite's compiler and settings.

type Solc = { compile(input: string, callbacks: { import: (p: string) => { contents?: string; error?: string } }): string };

function loadSolc(): Solc {
  const require = createRequire(path.join(ROOT, "package.json"));
  return require("solc") as Solc;
}

type Artifact = { contractName: string; sourceName: string; bytecode: string; deployedBytecode: string; [k: string]: unknown };

/** contracts/x/Y.sol → the non-abstract contracts it declares and the abstract ones. */
function declaredContracts(src: string): { concrete: string[]; abstract: string[] } {
  const concrete = [...src.matchAll(/^contract\s+(\w+)/gm)].map((m) => m[1]);
  const abstract = [...src.matchAll(/^abstract\s+contract\s+(\w+)/gm)].map((m) => m[1]);
  return { concrete, abstract };
}

/** The files whose bytecode contains code of `file`: itself, and every file inheriting an abstract contract of it. */
function affectedFiles(work: string, file: string, sources: Map<string, string>): string[] {
  const own = declaredContracts(sources.get(file)!);
  const out = own.concrete.length > 0 ? [file] : [];
  if (own.abstract.length > 0) {
    for (const [f, src] of sources) {
      if (f === file) continue;
      if (own.abstract.some((a) => new RegExp(`contract\\s+\\w+\\s+is[^{]*\\b${a}\\b`).test(src))) out.push(f);
    }
  }
  void work;
  return out;
}

function compileFile(solc: Solc, work: string, file: string): { ok: true; bytecode: Map<string, { bytecode: string; deployed: string }> } | { ok: false; error: string } {
  const names = declaredContracts(fs.readFileSync(path.join(work, file), "utf8")).concrete;
  const input = {
    language: "Solidity",
    sources: { [file]: { content: fs.readFileSync(path.join(work, file), "utf8") } },
    settings: { ...SOLC_SETTINGS, outputSelection: { [file]: Object.fromEntries(names.map((n) => [n, ["evm.bytecode.object", "evm.deployedBytecode.object"]])) } },
  };
  const findImports = (p: string) => {
    const candidate = p.startsWith("@") ? path.join(work, "node_modules", p) : path.join(work, p);
    try {
      return { contents: fs.readFileSync(candidate, "utf8") };
    } catch {
      return { error: `not found: ${p}` };
    }
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports })) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts?: Record<string, Record<string, { evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>>;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) return { ok: false, error: errors.map((e) => e.formattedMessage).join("\n").slice(0, 400) };
  const map = new Map<string, { bytecode: string; deployed: string }>();
  for (const n of names) {
    const c = out.contracts?.[file]?.[n];
    if (c) map.set(n, { bytecode: `0x${c.evm.bytecode.object}`, deployed: `0x${c.evm.deployedBytecode.object}` });
  }
  return { ok: true, bytecode: map };
}

const artifactPath = (work: string, file: string, name: string): string => path.join(work, "artifacts", file, `${name}.json`);

// ---------------------------------------------------------------------------------------------------------------
// The workspace: a copy of what the contract tests need, never the worktree itself.

function makeWorkspace(): string {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "gongzhi-mutation-"));
  for (const entry of ["contracts", "test", "artifacts", "hardhat.config.ts", "package.json", "tsconfig.json"]) {
    fs.cpSync(path.join(ROOT, entry), path.join(work, entry), { recursive: true });
  }
  fs.symlinkSync(fs.realpathSync(path.join(ROOT, "node_modules")), path.join(work, "node_modules"));
  return work;
}

/** The test files that use contract `name`, the one named after it first (it kills most mutants soonest). */
function testFilesFor(work: string, names: string[]): string[] {
  const files = TEST_DIRS.flatMap((d) => fs.readdirSync(path.join(work, d)).filter((f) => f.endsWith(".ts")).map((f) => path.join(d, f)));
  const helpers = fs.readdirSync(path.join(work, "test/helpers")).map((f) => path.join("test/helpers", f));
  const text = (f: string): string => fs.readFileSync(path.join(work, f), "utf8");
  const helperUses = (helper: string): boolean => names.some((n) => text(helper).includes(`"${n}"`));
  const uses = (f: string): boolean => {
    const src = text(f);
    if (names.some((n) => src.includes(`"${n}"`))) return true;
    return helpers.some((h) => src.includes(`helpers/${path.basename(h, ".ts")}.js`) && helperUsesDeep(h, new Set()));
  };
  const helperUsesDeep = (h: string, seen: Set<string>): boolean => {
    if (seen.has(h)) return false;
    seen.add(h);
    if (helperUses(h)) return true;
    const src = text(h);
    return helpers.some((o) => src.includes(`./${path.basename(o, ".ts")}.js`) && helperUsesDeep(o, seen));
  };
  const chosen = files.filter(uses);
  const rank = (f: string): number => (names.some((n) => path.basename(f).startsWith(`${n}.test`)) ? 0 : names.some((n) => path.basename(f).startsWith(n)) ? 1 : path.basename(f).startsWith("AccessMatrix") ? 2 : 3);
  return chosen.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The running test process, killed with its group if this run is interrupted. */
let current: number | undefined;

/** Mocha's first failure: "1) describe … title:" over as many indented lines as the titles nest, then the error. */
function firstFailure(output: string): string {
  const tail = output.slice(Math.max(0, output.indexOf(" failing")));
  const m = /\n\s*1\) ((?:[^\n]*\n)*?[^\n]*:)\n\s*\n?\s*([^\n]+)/.exec(tail);
  if (!m) return output.slice(-300).trim();
  return `${m[1].split("\n").map((l) => l.trim()).join(" ").replace(/:$/, "")} (${m[2].trim().slice(0, 160)})`;
}

type TestRun = { status: "passed" | "failed" | "timeout"; seconds: number; firstFailure?: string };

function runTests(work: string, files: string[], timeoutSeconds: number): Promise<TestRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(path.join(work, "node_modules/.bin/hardhat"), ["test", "mocha", "--no-compile", "--bail", ...files], {
      cwd: work,
      detached: true,
      env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    current = child.pid;
    let output = "";
    child.stdout.on("data", (d: Buffer) => { output += d.toString(); });
    child.stderr.on("data", (d: Buffer) => { output += d.toString(); });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid!, "SIGKILL"); } catch { /* already gone */ }
    }, timeoutSeconds * 1000);
    child.on("close", (code) => {
      clearTimeout(timer);
      current = undefined;
      const seconds = (Date.now() - started) / 1000;
      if (timedOut) return resolve({ status: "timeout", seconds });
      resolve({ status: code === 0 ? "passed" : "failed", seconds, firstFailure: firstFailure(output) });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------

function contractSources(work: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(work, dir), { withFileTypes: true })) {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith(".sol") && !EXCLUDED_DIRS.some((x) => `${rel}/`.startsWith(x) || rel.startsWith(x))) out.set(rel, fs.readFileSync(path.join(work, rel), "utf8"));
    }
  };
  walk("contracts");
  return out;
}

function score(mutants: Mutant[]): number {
  const counted = mutants.filter((m) => m.status !== "compileError" && m.status !== "equivalent");
  const caught = counted.filter((m) => m.status === "killed" || m.status === "timeout").length;
  return counted.length === 0 ? 0 : Math.round((caught / counted.length) * 10000) / 10000;
}

/** Runs every planned mutant (or those `options` select) against the contract tests. */
export async function mutateContracts(options: ContractsMutationOptions = {}): Promise<MutationResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  // Set from the baseline's run time below, unless given: a survivor runs every selected file to the end.
  let timeoutSeconds = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const started = Date.now();
  const config = fs.readFileSync(path.join(ROOT, "hardhat.config.ts"), "utf8");
  if (!/runs:\s*200/.test(config) || !/viaIR:\s*true/.test(config) || !/evmVersion:\s*"cancun"/.test(config) || !config.includes('SOLC_VERSION = "0.8.30"')) {
    throw new Error("hardhat.config.ts's compiler settings changed: update SOLC_SETTINGS in scripts/mutation/contracts.ts to match them");
  }
  // The copied artifacts must be the current sources' build.
  const build = spawnSync(path.join(ROOT, "node_modules/.bin/hardhat"), ["build", "--quiet"], { cwd: ROOT, stdio: "inherit" });
  if (build.status !== 0) throw new Error("`hardhat build` failed in the worktree: fix the build before measuring mutants");

  const work = makeWorkspace();
  const cleanup = () => fs.rmSync(work, { recursive: true, force: true });
  const onSignal = (sig: NodeJS.Signals) => {
    if (current !== undefined) try { process.kill(-current, "SIGKILL"); } catch { /* already gone */ }
    cleanup();
    process.exit(sig === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const argv = process.argv.slice(2).join(" ");
  const command = `tsx scripts/mutation/contracts.ts${argv ? ` ${argv}` : ""}`;
  const earlier = options.rerun ? (JSON.parse(fs.readFileSync(options.rerun, "utf8")) as MutationResult) : undefined;
  const sameMutant = (a: { file: string; line: number; mutator: string; description: string }, b: typeof a) =>
    a.file === b.file && a.line === b.line && a.mutator === b.mutator && a.description === b.description;
  const mutants: Mutant[] = [];
  const result = (): MutationResult => (earlier ? mergeResults([earlier, { ...runResult(), command: `${command} (its survivors again)` }]) : runResult());
  const runResult = (): MutationResult => ({
    suite: "contracts",
    tool: `scripts/mutation/contracts.ts (our own text mutator; solc ${SOLC_SETTINGS.viaIR ? "0.8.30 viaIR" : ""}, optimizer 200; hardhat test mocha --bail over the test files that use the mutated contract, a mutant timed out after ${timeoutSeconds} s)`,
    command,
    score: score(mutants),
    mutants,
    seconds: Math.round((Date.now() - started) / 1000),
  });
  const save = () => {
    if (!options.outFile) return;
    fs.mkdirSync(path.dirname(options.outFile), { recursive: true });
    fs.writeFileSync(options.outFile, `${JSON.stringify(result(), null, 2)}\n`);
  };
  try {
    const solc = loadSolc();
    const sources = contractSources(work);
    let plans = [...sources].flatMap(([file, src]) => planMutants(file, src, options.negate));
    if (options.only?.length) {
      const only = options.only;
      plans = plans.filter((p) => only.includes(path.basename(p.file, ".sol")) || declaredContracts(sources.get(p.file)!).concrete.some((c) => only.includes(c)));
    }
    if (options.at?.length) plans = plans.filter((p) => options.at!.includes(`${path.basename(p.file)}:${p.line}`));
    if (earlier) plans = plans.filter((p) => earlier.mutants.some((m) => m.status === "survived" && sameMutant(m, p)));
    if (options.sample !== undefined && options.sample > 1) plans = plans.filter((_, i) => i % options.sample! === 0);
    if (options.limit !== undefined) plans = plans.slice(0, options.limit);
    log(`${plans.length} mutants in ${new Set(plans.map((p) => p.file)).size} files; workspace ${work}`);

    // Baseline: the unmutated tests must pass here, or every mutant would count as killed.
    const selectTests = (names: string[]): string[] => options.tests ?? testFilesFor(work, names);
    const baselineFiles = selectTests([...new Set(plans.flatMap((p) => affectedFiles(work, p.file, sources).flatMap((f) => declaredContracts(sources.get(f)!).concrete)))]);
    const baseline = await runTests(work, baselineFiles, 3 * 3600);
    if (baseline.status !== "passed") throw new Error(`the unmutated contract tests do not pass in the workspace: ${baseline.firstFailure}`);
    // A mutant that makes the tests hang counts as caught; one that is merely slow on a busy machine must not.
    if (options.timeoutSeconds === undefined) timeoutSeconds = Math.max(DEFAULT_TIMEOUT_SECONDS, Math.ceil(2 * baseline.seconds + 60));
    log(`baseline: ${baselineFiles.length} test files pass in ${baseline.seconds.toFixed(0)} s`);

    for (const [n, plan] of plans.entries()) {
      const original = sources.get(plan.file)!;
      const mutated = original.slice(0, plan.start) + plan.replacement + original.slice(plan.end);
      const affected = affectedFiles(work, plan.file, sources);
      const names = affected.flatMap((f) => declaredContracts(sources.get(f)!).concrete.map((c) => ({ file: f, name: c })));
      const saved = new Map(names.map(({ file, name }) => [artifactPath(work, file, name), fs.readFileSync(artifactPath(work, file, name), "utf8")]));
      const mutant: Mutant = { file: plan.file, line: plan.line, mutator: plan.mutator, description: plan.description, status: "survived" };
      const t0 = Date.now();
      try {
        fs.writeFileSync(path.join(work, plan.file), mutated);
        let compiled = true;
        for (const f of affected) {
          const c = compileFile(solc, work, f);
          if (!c.ok) { mutant.status = "compileError"; mutant.note = c.error; compiled = false; break; }
          for (const [name, code] of c.bytecode) {
            const p = artifactPath(work, f, name);
            const artifact = JSON.parse(saved.get(p)!) as Artifact;
            fs.writeFileSync(p, JSON.stringify({ ...artifact, bytecode: code.bytecode, deployedBytecode: code.deployed }));
          }
        }
        if (compiled) {
          const run = await runTests(work, selectTests(names.map((x) => x.name)), timeoutSeconds);
          mutant.status = run.status === "passed" ? "survived" : run.status === "timeout" ? "timeout" : "killed";
          if (run.status === "failed") mutant.note = `killed by: ${run.firstFailure}`;
        }
      } finally {
        fs.writeFileSync(path.join(work, plan.file), original);
        for (const [p, text] of saved) fs.writeFileSync(p, text);
      }
      const eq = EQUIVALENT[mutantKey(mutant)];
      if (mutant.status === "survived" && eq) { mutant.status = "equivalent"; mutant.note = eq; }
      mutants.push(mutant);
      log(`[${n + 1}/${plans.length}] ${mutant.status.padEnd(12)} ${plan.file}:${plan.line} ${plan.description} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      save();
    }
    save();
    return result();
  } finally {
    cleanup();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** One result from several runs (e.g. one per contract): later runs' verdicts on the same mutant win. */
export function mergeResults(results: MutationResult[]): MutationResult {
  const byKey = new Map<string, Mutant>();
  for (const r of results) for (const m of r.mutants) byKey.set(`${m.file}:${m.line}|${m.mutator}|${m.description}`, m);
  const mutants = [...byKey.values()]
    .map((m) => (m.status === "survived" && EQUIVALENT[mutantKey(m)] ? { ...m, status: "equivalent" as const, note: EQUIVALENT[mutantKey(m)] } : m))
    .map((m) => (m.status === "survived" && OPEN_SURVIVORS[mutantKey(m)] ? { ...m, note: OPEN_SURVIVORS[mutantKey(m)] } : m))
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return {
    suite: "contracts",
    tool: results[0].tool,
    command: results.map((r) => r.command).join(" && "),
    score: score(mutants),
    mutants,
    seconds: results.reduce((a, r) => a + r.seconds, 0),
  };
}

function parseArgs(argv: string[]): ContractsMutationOptions & { merge?: string[] } {
  const options: ContractsMutationOptions & { merge?: string[] } = { outFile: OUT_FILE };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--only") options.only = argv[++i].split(",");
    else if (a === "--limit") options.limit = Number(argv[++i]);
    else if (a === "--at") options.at = argv[++i].split(",");
    else if (a === "--tests") options.tests = argv[++i].split(",");
    else if (a === "--rerun") options.rerun = path.resolve(argv[++i]);
    else if (a === "--merge") options.merge = argv[++i].split(",").map((f) => path.resolve(f));
    else if (a === "--sample") options.sample = Number(argv[++i]);
    else if (a === "--timeout") options.timeoutSeconds = Number(argv[++i]);
    else if (a === "--negate") options.negate = true;
    else if (a === "--out") options.outFile = path.resolve(argv[++i]);
    else if (a === "--list") options.limit = -1;
    else throw new Error(`unknown option ${a}: use --only <Contract>, --limit N, --sample K, --rerun <result.json>, --merge <a.json,b.json>, --at <File.sol:line,…>, --tests <files>, --timeout S, --negate, --out <file>`);
  }
  return options;
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const options = parseArgs(process.argv.slice(2));
  if (options.merge) {
    const all = mergeResults(options.merge.map((f) => JSON.parse(fs.readFileSync(f, "utf8")) as MutationResult));
    // Verdicts on mutants the current sources no longer have (a contract changed since that run) are dropped.
    const planned = new Set([...contractSources(ROOT)].flatMap(([file, src]) => planMutants(file, src, options.negate).map((p) => `${p.file}:${p.line}|${p.mutator}|${p.description}`)));
    const current = all.mutants.filter((m) => planned.has(`${m.file}:${m.line}|${m.mutator}|${m.description}`));
    if (current.length < all.mutants.length) console.log(`dropped ${all.mutants.length - current.length} verdicts on mutants the current sources no longer have`);
    const merged: MutationResult = { ...all, mutants: current, score: score(current) };
    fs.mkdirSync(path.dirname(options.outFile!), { recursive: true });
    fs.writeFileSync(options.outFile!, `${JSON.stringify(merged, null, 2)}\n`);
    console.log(`score ${merged.score} over ${merged.mutants.length} mutants → ${options.outFile}`);
  } else if (options.limit === -1) {
    const sources = contractSources(ROOT);
    for (const [file, src] of sources) for (const p of planMutants(file, src, options.negate)) console.log(`${p.file}:${p.line} ${p.mutator} ${p.description}`);
  } else {
    const r = await mutateContracts(options);
    const counts = r.mutants.reduce<Record<string, number>>((acc, m) => ({ ...acc, [m.status]: (acc[m.status] ?? 0) + 1 }), {});
    console.log(`score ${r.score} ${JSON.stringify(counts)} in ${r.seconds} s → ${options.outFile}`);
  }
}
