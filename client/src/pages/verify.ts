// Verify: anyone drops or pastes a receipt and watches each step checked in this browser — the record
// re-encoded, the leaf recomputed, the proof walked, then the chain read over JSON-RPC from a node they choose.
// The receipt must be anchored by the deployment's RecordAnchor, which the user sees and may change (by default
// the one this site publishes); the checks are the CLI's own (server/src/receipts/verify.ts). Our server is not
// asked anything during a check (the default node and anchor addresses merely come from its configuration), so
// the page also works from a static copy of client/dist with our server down: the node and anchor then come from
// the user, from a deployment file or from the link (`#/verify?rpc=…&anchor=…`), and the page says so. Every step
// is shown in words; the verifier's own (English) detail is kept behind a "technical detail" disclosure.
import { abis } from "virtual:abis";
import { concat, createClient, custom, isAddress, keccak256, type Address, type Client, type Hex } from "viem";
import type { Receipt } from "../../../server/src/receipts/format.js";
import { pinOf, verifyReceipt, type Outcome, type Pin, type Step, type StepName } from "../../../server/src/receipts/verify.js";
import { config } from "../lib/chain.js";
import { dropZone, field, h, notice, replace, type Child } from "../lib/dom.js";
import { t, type TextKey } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { offchainRecordView, type OffchainRecordFields } from "./verify-record.js";
import { decodeLog, lookUp, mentions, sentence, type WordsContext } from "./verify-words.js";

const ONCHAIN_STEPS: StepName[] = ["format", "pinned-anchor", "encoding", "event", "leaf", "index", "proof", "chain", "anchored-batch", "anchor-verify", "anchoring-tx", "source-log"];
const OFFCHAIN_STEPS = ONCHAIN_STEPS.filter((s) => s !== "event" && s !== "source-log");

/** The deployment receipts are pinned to: its RecordAnchor, and when known its chain and contracts. */
type PinChoice = { anchor: string; chainId?: number; contracts?: Record<string, Address> };
/** Where the pinned anchor came from, shown next to it: the site's configuration, the user, a file or the link. */
type PinSource = { kind: "site" | "typed" | "file" | "link"; name?: string; chainId?: number };

/**
 * How long one JSON-RPC request may take before the node counts as unreachable: a node that never answers is
 * "could not check", never a forgery, and the user is told what to do instead of waiting forever.
 */
export const RPC_TIMEOUT_MS = 10_000;

/** Kept across re-renders (e.g. a language switch) so a pasted receipt or a chosen deployment is not lost. */
let receiptText = "";
let rpcUrl = "";
let pinChoice: PinChoice | undefined;
let pinSource: PinSource | undefined;
/** Whether this site's server answered (GET /api/config); false when the page runs from a static copy. */
let serverUp = false;
/** What this site publishes (GET /api/config), shown next to the user's choice. */
let published: { anchor: string; chainId: number } | undefined;

/** A deployment file (gongzhi-deployment/1) as the user's pin; throws saying what is wrong with it. */
export function pinFromDeploymentFile(json: unknown): Pin {
  const d = json as { format?: unknown; chainId?: unknown; contracts?: Record<string, { address?: unknown }> };
  if (d?.format !== "gongzhi-deployment/1") throw new Error('format is not "gongzhi-deployment/1"');
  if (typeof d.chainId !== "number" || typeof d.contracts !== "object" || d.contracts === null) throw new Error("chainId or contracts is missing");
  for (const [name, c] of Object.entries(d.contracts)) {
    if (typeof c?.address !== "string" || !isAddress(c.address, { strict: false })) throw new Error(`contracts.${name}.address is not an address`);
  }
  return pinOf(d as { chainId: number; contracts: Record<string, { address: string }> });
}

export type Timing = { totalMs: number; rpcMs: number; computeMs: number; rpcCalls: number };

/** A JSON-RPC client on `url` that also measures the time spent waiting for the node. */
export function timedClient(url: string): { client: Client; timing: { rpcMs: number; calls: number } } {
  const timing = { rpcMs: 0, calls: 0 };
  let id = 0;
  const request = async ({ method, params }: { method: string; params?: unknown }): Promise<unknown> => {
    const started = performance.now();
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params: params ?? [] }),
        signal: AbortSignal.timeout(RPC_TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status} from ${url}`);
      const body = (await res.json()) as { result?: unknown; error?: { code: number; message: string; data?: unknown } };
      if (body.error) throw Object.assign(new Error(body.error.message), { code: body.error.code, data: body.error.data });
      return body.result;
    } finally {
      timing.rpcMs += performance.now() - started;
      timing.calls += 1;
    }
  };
  return { client: createClient({ transport: custom({ request }, { retryCount: 0 }) }), timing };
}

/** Runs the verifier against `pin` (none: unpinned), reporting each step; returns the report and where the time went. */
export async function runVerification(
  json: unknown,
  url: string,
  pin: Pin | undefined,
  onStep?: (step: Step) => void,
): Promise<{ ok: boolean; outcome: Outcome; steps: Step[]; timing: Timing }> {
  const { client, timing } = timedClient(url);
  const started = performance.now();
  const report = await verifyReceipt(json, client, { pin, abiOf: (contract) => abis[contract], onStep });
  const totalMs = performance.now() - started;
  return { ...report, timing: { totalMs, rpcMs: timing.rpcMs, computeMs: Math.max(0, totalMs - timing.rpcMs), rpcCalls: timing.calls } };
}

/** One JSON-RPC call outside the measured verification (the record's block time, for the sentence). */
async function rpcCall<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(RPC_TIMEOUT_MS),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (!res.ok || body.error || body.result === undefined || body.result === null) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
  return body.result;
}

/** `#/verify?rpc=…&anchor=…`: a node and anchor given by the link (an estate can print it, or put it in a QR code). */
function linkParams(): { rpc?: string; anchor?: string } {
  const q = location.hash.indexOf("?");
  if (q < 0) return {};
  const params = new URLSearchParams(location.hash.slice(q + 1));
  return { rpc: params.get("rpc") ?? undefined, anchor: params.get("anchor") ?? undefined };
}

/** The nodes on the path from the leaf to the root, with the sibling hashed in at each level. */
function proofWalk(leaf: Hex, proof: Hex[]): { node: Hex; sibling: Hex; parent: Hex }[] {
  const walk: { node: Hex; sibling: Hex; parent: Hex }[] = [];
  let node = leaf;
  for (const sibling of proof) {
    const parent = keccak256(node <= sibling ? concat([node, sibling]) : concat([sibling, node]));
    walk.push({ node, sibling, parent });
    node = parent;
  }
  return walk;
}

function stepTitle(step: StepName): string {
  return t(`verify.step.${step}` as TextKey);
}
function stepHelp(step: StepName): string {
  return t(`verify.help.${step}` as TextKey);
}

/** The pin for a check: the user's choice (or what the site publishes); undefined when the field is empty. */
function currentPin(): Pin | undefined {
  if (!pinChoice?.anchor) return undefined;
  return { anchor: pinChoice.anchor.toLowerCase() as Address, chainId: pinChoice.chainId, contracts: pinChoice.contracts };
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const link = linkParams();
  if (link.rpc) rpcUrl = link.rpc;
  if (link.anchor && isAddress(link.anchor, { strict: false })) {
    pinChoice = { anchor: link.anchor.toLowerCase() };
    pinSource = { kind: "link" };
  }
  if (!rpcUrl || !published) {
    try {
      const cfg = await config();
      serverUp = true;
      rpcUrl ||= cfg.rpcUrl;
      const sitePin = pinOf(cfg);
      published = { anchor: sitePin.anchor, chainId: cfg.chainId };
      if (!pinChoice) {
        pinChoice = { ...sitePin };
        pinSource = { kind: "site", chainId: cfg.chainId };
      }
    } catch {
      // Our server is down, or this is a static copy of the client: the page checks with the node alone.
      serverUp = false;
      rpcUrl ||= "http://127.0.0.1:8545";
    }
  }
  if (ctx.signal.aborted) return;

  const textarea = h("textarea", { rows: 8, spellcheck: "false", class: "mono", "data-testid": "receipt-text" }) as HTMLTextAreaElement;
  textarea.value = receiptText;
  textarea.addEventListener("input", () => (receiptText = textarea.value));
  const rpcInput = h("input", { type: "url", value: rpcUrl, class: "mono", "data-testid": "rpc-url", autocomplete: "off" }) as HTMLInputElement;
  rpcInput.addEventListener("input", () => (rpcUrl = rpcInput.value.trim()));
  const anchorInput = h("input", { type: "text", value: pinChoice?.anchor ?? "", class: "mono", "data-testid": "anchor-address", autocomplete: "off", spellcheck: "false" }) as HTMLInputElement;
  const anchorNote = h("p", { class: "muted", "aria-live": "polite", "data-testid": "anchor-note" });
  // The anchor in use and where it came from, kept up to date as the user types or loads a file.
  const anchorSource = h("p", { class: "anchor-source", "data-testid": "anchor-source", "aria-live": "polite" });
  const showSource = () => {
    const anchor = pinChoice?.anchor ?? "";
    if (!anchor) {
      anchorSource.dataset.source = "none";
      replace(anchorSource, t("verify.anchorSource.none"));
      return;
    }
    const source = pinSource ?? { kind: "typed" };
    anchorSource.dataset.source = source.kind;
    const from =
      source.kind === "site"
        ? t("verify.anchorSource.site", { chainId: source.chainId ?? "?" })
        : source.kind === "file"
          ? t("verify.anchorSource.file", { name: source.name ?? "", chainId: source.chainId ?? "?" })
          : t(source.kind === "link" ? "verify.anchorSource.link" : "verify.anchorSource.typed");
    replace(anchorSource, t("verify.anchorInUse", { address: "" }), h("span", { class: "mono break" }, anchor), h("br"), h("small", { class: "muted" }, from));
  };
  // Typing an address pins that contract alone: the chain and contract addresses of a file no longer apply.
  anchorInput.addEventListener("input", () => {
    pinChoice = { anchor: anchorInput.value.trim() };
    pinSource = { kind: "typed" };
    anchorNote.textContent = "";
    showSource();
  });
  const fileNote = h("p", { class: "muted", "aria-live": "polite" });
  const results = h("section", { "aria-labelledby": "verify-results-h", class: "results", "data-testid": "verify-results" });
  const button = h("button", { type: "submit", class: "primary", "data-testid": "verify-button" }, t("verify.run"));

  const onFile = async (file: File) => {
    receiptText = await file.text();
    textarea.value = receiptText;
    fileNote.textContent = t("verify.loaded", { name: file.name, size: file.size });
  };
  const onDeployment = async (file: File) => {
    try {
      const pin = pinFromDeploymentFile(JSON.parse(await file.text()));
      pinChoice = { anchor: pin.anchor, chainId: pin.chainId, contracts: pin.contracts };
      pinSource = { kind: "file", name: file.name, chainId: pin.chainId };
      anchorInput.value = pin.anchor;
      showSource();
      anchorNote.textContent = t("verify.deploymentLoaded", { name: file.name, address: pin.anchor, chainId: pin.chainId ?? "?" });
    } catch (err) {
      anchorNote.textContent = t("verify.deploymentInvalid", { name: file.name, error: (err as Error).message });
    }
  };

  const anchorHint = published ? t("verify.anchorHint", { address: published.anchor, chainId: published.chainId }) : t("verify.anchorNoneHint");
  const form = h(
    "form",
    { class: "card" },
    dropZone(t("verify.drop"), "application/json,.json", (f) => void onFile(f), "receipt-drop"),
    fileNote,
    field(t("verify.paste"), textarea),
    field(t("verify.anchor"), anchorInput, anchorHint),
    anchorSource,
    dropZone(t("verify.deploymentDrop"), "application/json,.json", (f) => void onDeployment(f), "deployment-drop"),
    anchorNote,
    field(t("verify.rpc"), rpcInput, t("verify.rpcHint")),
    h("div", { class: "actions" }, button),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void verify();
  });

  /** A result that is not a step-by-step run (not JSON, a bad anchor address). */
  function stop(outcome: Outcome | "fail", failedStep: StepName, ...message: Child[]): void {
    replace(results, h("h2", { id: "verify-results-h" }, t("verify.results")), ...message);
    results.dataset.outcome = outcome;
    results.dataset.failedStep = failedStep;
  }

  async function verify(): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(textarea.value);
    } catch (err) {
      stop("invalid", "format", notice("error", h("strong", {}, t("verify.notReceipt")), " ", t("verify.notJsonPlain")), tech((err as Error).message));
      return;
    }
    const pin = currentPin();
    if (pin && !isAddress(pin.anchor, { strict: false })) {
      stop("invalid", "pinned-anchor", notice("error", t("verify.anchorInvalid", { value: pin.anchor })));
      return;
    }
    const onchain = (json as { record?: { schema?: string } })?.record?.schema !== "gongzhi/offchain-record/v1";
    const names = onchain ? ONCHAIN_STEPS : OFFCHAIN_STEPS;
    const items = new Map<StepName, HTMLLIElement>();
    const list = h("ol", { class: "steps" });
    names.forEach((name, i) => {
      const li = h(
        "li",
        { class: "step pending", "data-step": name, "data-state": "pending" },
        h("span", { class: "step-icon", "aria-hidden": "true" }, "…"),
        h("div", {}, h("strong", {}, `${i + 1}. ${stepTitle(name)}`), h("span", { class: "state-text" }, ` — ${t("verify.state.waiting")}`), h("p", { class: "muted" }, stepHelp(name))),
      ) as HTMLLIElement;
      items.set(name, li);
      list.append(li);
    });
    const summary = h("div", { "aria-live": "polite" });
    // What the record says, in words (filled in once the chain and the directory have answered).
    const words = h("section", { class: "card words", "aria-labelledby": "verify-words-h", "data-testid": "verify-sentence", hidden: true });
    // An off-chain record's own content (kind, time, who, payload), shown once the document is a well-formed receipt.
    const recordSlot = h("div", {});
    replace(results, h("h2", { id: "verify-results-h" }, t("verify.results")), summary, words, recordSlot, list);
    results.dataset.outcome = "running";
    delete results.dataset.failedStep;
    button.disabled = true;
    const url = rpcUrl || rpcInput.value;
    // The sentence's facts (the record's block time from the node, names from our directory) are asked for once
    // the checks are done, never during them: the checks' own time stays what client.verifyMs measures.
    let wellFormed = false;
    try {
      const report = await runVerification(json, url, pin, (step) => {
        if (step.step === "format" && step.ok) {
          if (!onchain) replace(recordSlot, offchainRecordView((json as { record: OffchainRecordFields }).record));
          wellFormed = true;
        }
        const li = items.get(step.step);
        if (!li) return;
        // Unpinned, the anchor step holds but proves nothing: shown as a warning, not a tick. A node that could
        // not be asked is not a failed check either.
        const state = step.ok ? (step.step === "pinned-anchor" && !pin ? "unpinned" : "ok") : step.failure === "unreachable" ? "unchecked" : "fail";
        const looks = { ok: ["ok", "✓", t("verify.state.ok")], fail: ["fail", "✗", t("verify.state.fail")], unpinned: ["warn", "!", t("verify.state.unpinned")], unchecked: ["warn", "?", t("verify.state.unchecked")] }[state];
        li.className = `step ${looks[0]}`;
        li.dataset.state = state;
        li.querySelector(".step-icon")!.textContent = looks[1]!;
        li.querySelector(".state-text")!.textContent = ` — ${looks[2]}`;
        li.lastElementChild!.append(h("p", { class: "detail", "data-testid": "step-words" }, stepWords(step, state, json as Receipt, pin)), tech(step.detail));
        if (step.step === "proof" && step.ok) {
          const r = json as { leaf: Hex; proof: Hex[]; root: Hex };
          const walk = proofWalk(r.leaf, r.proof);
          li.lastElementChild!.append(
            h("p", {}, h("strong", {}, t("verify.walk"))),
            h(
              "ol",
              { class: "walk mono" },
              walk.map((w, i) => h("li", {}, t("verify.walkLevel", { level: i + 1 }), h("br"), `${w.node.slice(0, 18)}… + ${w.sibling.slice(0, 18)}… → ${w.parent.slice(0, 18)}…`)),
              h("li", {}, `${t("verify.walkRoot")} ${r.root}`),
            ),
          );
        }
      });
      for (const li of items.values()) {
        if (li.dataset.state === "pending") {
          li.className = "step skipped";
          li.dataset.state = "skipped";
          li.querySelector(".step-icon")!.textContent = "–";
          li.querySelector(".state-text")!.textContent = ` — ${t("verify.state.skipped")}`;
        }
      }
      const failed = report.steps.find((s) => !s.ok);
      // "fail" is a receipt that does not match; a node that could not be asked or a document that is not a
      // receipt says nothing about the receipt, and is told apart.
      const outcomes: Record<Outcome, { state: string; message: HTMLElement }> = {
        verified: { state: "ok", message: notice("ok", h("strong", {}, t("verify.passed")), " ", t("verify.passedNote", { address: pin?.anchor ?? "" })) },
        unpinned: { state: "unpinned", message: notice("warn", h("strong", {}, t("verify.unpinned")), " ", t("verify.unpinnedNote")) },
        mismatch: {
          state: "fail",
          message: notice("error", h("strong", {}, t("verify.failed", { step: stepTitle(failed?.step ?? "format") })), " ", failed ? t(`verify.why.${failed.step}` as TextKey, { anchor: (json as Receipt).anchor }) : "", " ", t("verify.failedNote")),
        },
        unreachable: { state: "unreachable", message: notice("error", h("strong", {}, t("verify.unreachable")), " ", t("verify.unreachableNote", { url }), " ", t("verify.unreachableWhat")) },
        invalid: { state: "invalid", message: notice("error", h("strong", {}, t("verify.notReceipt")), " ", t("verify.notReceiptPlain"), tech(failed?.detail ?? "")) },
      };
      const shown = outcomes[report.outcome];
      results.dataset.outcome = shown.state;
      if (failed) results.dataset.failedStep = failed.step;
      results.dataset.computeMs = report.timing.computeMs.toFixed(2);
      replace(
        summary,
        shown.message,
        h(
          "p",
          { class: "muted", "data-testid": "verify-timing" },
          t("verify.timing", {
            compute: report.timing.computeMs.toFixed(1),
            rpc: report.timing.rpcMs.toFixed(0),
            calls: report.timing.rpcCalls,
          }),
        ),
      );
      if (wellFormed) {
        const { ctx: wordsCtx, decoded, directory } = await gatherFacts(json as Receipt, url);
        const r = json as Receipt;
        const lead = report.outcome === "verified" ? "verify.words.leadVerified" : report.outcome === "unpinned" ? "verify.words.leadUnpinned" : "verify.words.leadUnverified";
        const said = sentence(decoded, r.record.schema === "gongzhi/onchain-log/v1" ? r.record.event : undefined, r.record.schema === "gongzhi/offchain-record/v1" ? r.record : undefined, wordsCtx);
        const usedNames = wordsCtx.names.size + wordsCtx.units.size + wordsCtx.votes.size > 0;
        replace(
          words,
          h("h3", { id: "verify-words-h" }, t("verify.words.title")),
          h("p", { class: "sentence", "data-testid": "sentence-text" }, h("strong", {}, t(lead)), said),
          h("p", { class: "muted", "data-testid": "names-note" }, usedNames && directory ? t("verify.words.namesFromSite") : !directory ? t("verify.words.namesUnavailable") : null),
        );
        words.dataset.outcome = shown.state;
        words.hidden = false;
      }
    } finally {
      button.disabled = false;
    }
  }

  showSource();
  // Whether our server answered: either way the check itself asks only the node, and the page says which it is.
  const mode = notice(serverUp ? "info" : "warn", t(serverUp ? "verify.mode.server" : "verify.mode.static"));
  mode.setAttribute("data-testid", "verify-mode");
  mode.dataset.mode = serverUp ? "server" : "static";
  replace(root, h("h1", {}, t("verify.title")), h("p", { class: "lead" }, t("verify.intro")), mode, h("p", { class: "muted" }, t("verify.trust")), form, results);
}

/** The verifier's own detail (English, technical), for specialists, behind a disclosure. */
function tech(detail: string): HTMLElement | string {
  if (!detail) return "";
  return h("details", { class: "tech" }, h("summary", {}, t("verify.tech")), h("p", { class: "mono break", lang: "en" }, detail));
}

/** A step's outcome in words, from the receipt's own fields (the verifier's detail is for specialists). */
function stepWords(step: Step, state: string, r: Receipt, pin: Pin | undefined): string {
  if (state === "unchecked") return t("verify.why.unreachable");
  if (!step.ok) return t(`verify.why.${step.step}` as TextKey, { anchor: r.anchor });
  if (state === "unpinned") return t("verify.ok.unpinned", { anchor: r.anchor });
  const params: Record<string, string | number> = {
    anchor: pin?.anchor ?? r.anchor,
    seq: r.leafIndex,
    first: r.firstLeaf,
    last: r.firstLeaf + r.leafCount - 1,
    n: r.proof.length,
    chainId: r.chainId,
    batch: r.batchId,
    block: step.step === "source-log" && r.record.schema === "gongzhi/onchain-log/v1" ? r.record.blockNumber : r.anchoring.blockNumber,
  };
  return t(`verify.ok.${step.step}` as TextKey, params);
}

/**
 * What the sentence needs besides the record: the block's time (one JSON-RPC call to the same node) and names
 * from this site's directory. Failures leave the fact out; they never affect the verification.
 */
async function gatherFacts(r: Receipt, url: string): Promise<{ ctx: WordsContext; decoded: ReturnType<typeof decodeLog>; directory: boolean }> {
  const ctx: WordsContext = { names: new Map(), units: new Map(), votes: new Map() };
  const rec = r.record;
  const decoded = rec.schema === "gongzhi/onchain-log/v1" ? decodeLog(rec, (contract) => abis[contract]) : undefined;
  const time =
    rec.schema === "gongzhi/onchain-log/v1"
      ? rpcCall<{ timestamp: Hex }>(url, "eth_getBlockByHash", [rec.blockHash, false]).then(
          (b) => (ctx.time = Number(BigInt(b.timestamp))),
          () => undefined,
        )
      : Promise.resolve((ctx.time = rec.at));
  const directory = serverUp ? lookUp(mentions(decoded, rec.schema === "gongzhi/offchain-record/v1" ? rec : undefined), ctx).then((reached) => reached || serverUp) : Promise.resolve(false);
  const [, reached] = await Promise.all([time, directory]);
  return { ctx, decoded, directory: reached };
}
