// Vite build of the web client: `npm run build:client` → client/dist, served by the API server at `/`.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bytesToHex } from "viem";
import { defineConfig, type Plugin } from "vite";
import { demoPlan, type DemoPerson } from "../scripts/demo/plan.js";

const here = path.dirname(fileURLToPath(import.meta.url));

/** One entry of the demo-accounts picker: a well-known Hardhat key, only offered on a development chain. */
export type DemoAccountEntry = { group: string; groupLabel: string; groupLabelEn: string; label: string; labelEn: string; address: string; privateKey: string };

/**
 * `virtual:demo-accounts`: the demo estate's people (scripts/demo/plan.ts), with the keys of the public Hardhat
 * mnemonic. The client loads this chunk lazily and only when the chain is the local development chain.
 */
function demoAccounts(): Plugin {
  const id = "virtual:demo-accounts";
  return {
    name: "gongzhi-demo-accounts",
    resolveId: (source) => (source === id ? `\0${id}` : undefined),
    load(resolved) {
      if (resolved !== `\0${id}`) return undefined;
      const plan = demoPlan();
      const entry = (group: string, groupLabel: string, groupLabelEn: string, p: DemoPerson): DemoAccountEntry => ({
        group,
        groupLabel,
        groupLabelEn,
        label: p.label,
        labelEn: p.labelEn,
        address: p.account.address,
        privateKey: bytesToHex(p.account.getHdKey().privateKey!),
      });
      const role = (group: string, p: DemoPerson) => entry(group, "", "", p);
      const special = new Set([...plan.committee, ...plan.volunteers].map((p) => p.account.address));
      // Owners grouped by the building of their first unit, in room order.
      const owners = plan.buildings.flatMap((b) => {
        const seen = new Set<number>();
        return b.units
          .map((u) => u.holder)
          .filter((h): h is number => h !== "developer" && !seen.has(h) && !!seen.add(h))
          .map((h) => plan.owners[h]!)
          .filter((p) => !special.has(p.account.address))
          .map((p) => entry("owner", b.name, b.nameEn, p));
      });
      const unique = new Map<string, DemoAccountEntry>();
      for (const e of [
        ...plan.committee.map((p) => role("committee", p)),
        ...plan.volunteers.map((p) => role("volunteer", p)),
        role("auditor", plan.auditor),
        role("custodian", plan.custodian),
        ...plan.staff.map((p) => role("staff", p)),
        ...plan.partners.map((p) => role("partner", p)),
        ...owners,
      ]) if (!unique.has(e.address)) unique.set(e.address, e);
      const list = [...unique.values()];
      return `export const demoAccounts = ${JSON.stringify(list)};`;
    },
  };
}

/** Finds `<name>.sol/<name>.json` under artifacts/contracts. */
function artifactFile(dir: string, name: string): string | undefined {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (entry === `${name}.json` && dir.endsWith(`${name}.sol`)) return full;
    if (statSync(full).isDirectory()) {
      const found = artifactFile(full, name);
      if (found) return found;
    }
  }
  return undefined;
}

/** The names of the contracts with an artifact `<name>.sol/<name>.json` under `dir`. */
function contractNames(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (!statSync(full).isDirectory()) return [];
    const name = entry.endsWith(".sol") ? entry.slice(0, -4) : undefined;
    return name && readdirSync(full).includes(`${name}.json`) ? [name] : contractNames(full);
  });
}

/**
 * `virtual:abi/<Contract>`: the ABI from Hardhat's compiled artifact, read at build time (never hand-copied), without
 * the bytecode the browser does not need. Run `npx hardhat build` first.
 */
function artifactAbis(): Plugin {
  const prefix = "virtual:abi/";
  const all = "virtual:abis";
  const artifacts = path.resolve(here, "../artifacts/contracts");
  return {
    name: "gongzhi-artifact-abis",
    resolveId: (source) => (source.startsWith(prefix) || source === all ? `\0${source}` : undefined),
    load(resolved) {
      const abiOf = (name: string): unknown => {
        const file = artifactFile(artifacts, name);
        if (!file) throw new Error(`No compiled artifact for ${name} under ${artifacts}: run \`npx hardhat build\` first.`);
        this.addWatchFile(file);
        return (JSON.parse(readFileSync(file, "utf8")) as { abi: unknown }).abi;
      };
      // `virtual:abis`: the ABI of every contract compiled from contracts/, by name (as the verify-receipt CLI
      // without a deployment file), so the verify page can name any record's event.
      if (resolved === `\0${all}`) return `export const abis = ${JSON.stringify(Object.fromEntries(contractNames(artifacts).map((n) => [n, abiOf(n)])))};`;
      if (!resolved.startsWith(`\0${prefix}`)) return undefined;
      return `export const abi = ${JSON.stringify(abiOf(resolved.slice(prefix.length + 1)))};`;
    },
  };
}

export default defineConfig({
  root: here,
  base: "./",
  plugins: [demoAccounts(), artifactAbis()],
  build: {
    outDir: path.join(here, "dist"),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: { port: 8910, strictPort: true },
  preview: { port: 8911, strictPort: true },
});
