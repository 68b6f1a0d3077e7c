// Verify: anyone drops or pastes a receipt and watches each step checked in this browser — the record
// re-encoded, the leaf recomputed, the proof walked, then the chain read over JSON-RPC from a node they choose.
// Our server is not asked anything (the default node address merely comes from its configuration).
import { concat, createPublicClient, custom, keccak256, type Hex, type PublicClient } from "viem";
import { verifyReceipt, type Step, type StepName } from "../../../server/src/receipts/verify.js";
import { config } from "../lib/chain.js";
import { dropZone, field, h, notice, replace } from "../lib/dom.js";
import { t, type TextKey } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";

const ONCHAIN_STEPS: StepName[] = ["format", "encoding", "leaf", "index", "proof", "chain", "anchored-batch", "anchor-verify", "anchoring-tx", "source-log"];

/** Kept across re-renders (e.g. a language switch) so a pasted receipt is not lost. */
let receiptText = "";
let rpcUrl = "";

export type Timing = { totalMs: number; rpcMs: number; computeMs: number; rpcCalls: number };

/** A JSON-RPC client on `url` that also measures the time spent waiting for the node. */
export function timedClient(url: string): { client: PublicClient; timing: { rpcMs: number; calls: number } } {
  const timing = { rpcMs: 0, calls: 0 };
  let id = 0;
  const request = async ({ method, params }: { method: string; params?: unknown }): Promise<unknown> => {
    const started = performance.now();
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params: params ?? [] }),
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
  return { client: createPublicClient({ transport: custom({ request }, { retryCount: 0 }) }) as PublicClient, timing };
}

/** Runs the verifier, reporting each step; returns the report and where the time went. */
export async function runVerification(json: unknown, url: string, onStep?: (step: Step) => void): Promise<{ ok: boolean; steps: Step[]; timing: Timing }> {
  const { client, timing } = timedClient(url);
  const started = performance.now();
  const report = await verifyReceipt(json, client, onStep);
  const totalMs = performance.now() - started;
  return { ...report, timing: { totalMs, rpcMs: timing.rpcMs, computeMs: Math.max(0, totalMs - timing.rpcMs), rpcCalls: timing.calls } };
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

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  if (!rpcUrl) {
    try {
      rpcUrl = (await config()).rpcUrl;
    } catch {
      rpcUrl = "http://127.0.0.1:8545";
    }
  }
  if (ctx.signal.aborted) return;

  const textarea = h("textarea", { rows: 8, spellcheck: "false", class: "mono", "data-testid": "receipt-text" }) as HTMLTextAreaElement;
  textarea.value = receiptText;
  textarea.addEventListener("input", () => (receiptText = textarea.value));
  const rpcInput = h("input", { type: "url", value: rpcUrl, class: "mono", "data-testid": "rpc-url", autocomplete: "off" }) as HTMLInputElement;
  rpcInput.addEventListener("input", () => (rpcUrl = rpcInput.value.trim()));
  const fileNote = h("p", { class: "muted", "aria-live": "polite" });
  const results = h("section", { "aria-labelledby": "verify-results-h", class: "results", "data-testid": "verify-results" });
  const button = h("button", { type: "submit", class: "primary", "data-testid": "verify-button" }, t("verify.run"));

  const onFile = async (file: File) => {
    receiptText = await file.text();
    textarea.value = receiptText;
    fileNote.textContent = t("verify.loaded", { name: file.name, size: file.size });
  };

  const form = h(
    "form",
    { class: "card" },
    dropZone(t("verify.drop"), "application/json,.json", (f) => void onFile(f), "receipt-drop"),
    fileNote,
    field(t("verify.paste"), textarea),
    field(t("verify.rpc"), rpcInput, t("verify.rpcHint")),
    h("div", { class: "actions" }, button),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void verify();
  });

  async function verify(): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(textarea.value);
    } catch (err) {
      replace(results, h("h2", { id: "verify-results-h" }, t("verify.results")), notice("error", t("verify.notJson", { error: (err as Error).message })));
      results.dataset.outcome = "fail";
      results.dataset.failedStep = "format";
      return;
    }
    const onchain = (json as { record?: { schema?: string } })?.record?.schema !== "gongzhi/offchain-record/v1";
    const names = onchain ? ONCHAIN_STEPS : ONCHAIN_STEPS.slice(0, -1);
    const items = new Map<StepName, HTMLLIElement>();
    const list = h("ol", { class: "steps" });
    for (const name of names) {
      const li = h(
        "li",
        { class: "step pending", "data-step": name, "data-state": "pending" },
        h("span", { class: "step-icon", "aria-hidden": "true" }, "…"),
        h("div", {}, h("strong", {}, stepTitle(name)), h("span", { class: "state-text" }, ` — ${t("verify.state.waiting")}`), h("p", { class: "muted" }, stepHelp(name))),
      ) as HTMLLIElement;
      items.set(name, li);
      list.append(li);
    }
    const summary = h("div", { "aria-live": "polite" });
    replace(results, h("h2", { id: "verify-results-h" }, t("verify.results")), summary, list);
    results.dataset.outcome = "running";
    delete results.dataset.failedStep;
    button.disabled = true;
    try {
      const report = await runVerification(json, rpcUrl || rpcInput.value, (step) => {
        const li = items.get(step.step);
        if (!li) return;
        li.className = `step ${step.ok ? "ok" : "fail"}`;
        li.dataset.state = step.ok ? "ok" : "fail";
        li.querySelector(".step-icon")!.textContent = step.ok ? "✓" : "✗";
        li.querySelector(".state-text")!.textContent = ` — ${step.ok ? t("verify.state.ok") : t("verify.state.fail")}`;
        li.lastElementChild!.append(h("p", { class: "detail mono" }, step.detail));
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
      for (const [name, li] of items) {
        if (li.dataset.state === "pending") {
          li.className = "step skipped";
          li.dataset.state = "skipped";
          li.querySelector(".step-icon")!.textContent = "–";
          li.querySelector(".state-text")!.textContent = ` — ${t("verify.state.skipped")}`;
          void name;
        }
      }
      const failed = report.steps.find((s) => !s.ok);
      results.dataset.outcome = report.ok ? "ok" : "fail";
      if (failed) results.dataset.failedStep = failed.step;
      results.dataset.computeMs = report.timing.computeMs.toFixed(2);
      replace(
        summary,
        report.ok
          ? notice("ok", h("strong", {}, t("verify.passed")), " ", t("verify.passedNote"))
          : notice("error", h("strong", {}, t("verify.failed", { step: stepTitle(failed!.step) })), " ", t("verify.failedNote")),
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
    } finally {
      button.disabled = false;
    }
  }

  replace(
    root,
    h("h1", {}, t("verify.title")),
    h("p", { class: "lead" }, t("verify.intro")),
    h("p", { class: "muted" }, t("verify.trust")),
    form,
    results,
  );
}
