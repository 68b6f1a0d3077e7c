// The receipt of one off-chain record (a work order's step, a mediation's session or agreement), downloaded as
// JSON to check on the Verify page. Each service names the button in its own words (its page group's texts), so
// this module uses no text of its own.
import { ApiError, get } from "./api.js";
import { download, h } from "./dom.js";

export type ReceiptWords = {
  /** The button ("下载回执"). */
  label: string;
  /** Said once the file is saved ("回执已下载，可到“核验回执”页核对。"). */
  saved: string;
  /** The button's data-testid. */
  testId: string;
};

/**
 * Downloads the receipt of an off-chain record (GET /api/receipts/offchain/{recordId}); while its batch is not
 * anchored yet the server's 409 says when to ask again, and that is what the person reads.
 */
export function offchainReceiptButton(recordId: number, words: ReceiptWords): HTMLElement {
  const status = h("span", { class: "muted", "aria-live": "polite" });
  const button = h("button", { type: "button", class: "small", "data-testid": words.testId, "data-record": String(recordId) }, words.label) as HTMLButtonElement;
  button.addEventListener("click", () => {
    button.disabled = true;
    status.textContent = "";
    get<unknown>(`/api/receipts/offchain/${recordId}`)
      .then((receipt) => {
        download(`gongzhi-receipt-offchain-${recordId}.json`, `${JSON.stringify(receipt, null, 2)}\n`, "application/json");
        status.textContent = words.saved;
      })
      .catch((err: unknown) => (status.textContent = err instanceof ApiError ? err.message : String(err)))
      .finally(() => (button.disabled = false));
  });
  return h("span", { class: "receipt-action" }, button, " ", status);
}
