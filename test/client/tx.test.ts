// A transaction the contract refuses is shown as the contract's reason in words (client/src/lib/tx.ts,
// revertReason), in Chinese and English: viem's own error for a revert of TimeBank, built from the compiled ABI
// and the encoded custom error the node returns.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { BaseError, ContractFunctionExecutionError, ContractFunctionRevertedError, encodeErrorResult, InsufficientFundsError, type Abi } from "viem";
import { en } from "../../client/src/i18n/en.js";
import { zhCN } from "../../client/src/i18n/zh-CN.js";
import { lang, loadTexts, setLang } from "../../client/src/lib/i18n.js";
import { revertReason } from "../../client/src/lib/tx.js";
import { textsInNode } from "./texts-in-node.js";

const abi = (JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../artifacts/contracts/timebank/TimeBank.sol/TimeBank.json"), "utf8")) as { abi: Abi }).abi;
const member = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/** What viem throws when simulating a call the contract reverts with `errorName(args)`. */
function reverted(errorName: string, args: readonly unknown[], functionName = "gift"): BaseError {
  const data = encodeErrorResult({ abi, errorName, args });
  const cause = new ContractFunctionRevertedError({ abi, data, functionName });
  return new ContractFunctionExecutionError(cause, { abi, functionName, args: [member, 90], contractAddress: member });
}

describe("client transaction errors (lib/tx.ts)", function () {
  before(async function () {
    textsInNode();
    await loadTexts(["timebank"], "zh-CN");
    await loadTexts(["timebank"], "en");
  });
  afterEach(async function () {
    if (lang() !== "zh-CN") await setLang("zh-CN");
  });

  it("names a custom error of the contract in the reader's language", async function () {
    const err = reverted("InsufficientCredit", [member, 60, 90]);
    expect(err.message).to.contain("InsufficientCredit"); // what a resident would otherwise see
    expect(revertReason(err)).to.equal(zhCN["revert.InsufficientCredit"]);
    expect(revertReason(reverted("NotFamily", [member, member]))).to.equal(zhCN["revert.NotFamily"]);
    expect(revertReason(reverted("DailyCapExceeded", [member, 20000n, 700, 60, 720], "recordService"))).to.equal(zhCN["revert.DailyCapExceeded"]);
    await setLang("en");
    expect(revertReason(err)).to.equal(en["revert.InsufficientCredit"]);
    expect(revertReason(reverted("ServiceNotPending", [1n, 1], "rejectService"))).to.equal(en["revert.ServiceNotPending"]);
  });

  it("every revert text names an error the TimeBank contract has", function () {
    const errors = new Set(abi.filter((item) => item.type === "error").map((item) => (item as { name: string }).name));
    const named = Object.keys(zhCN).filter((k) => k.startsWith("revert.")).map((k) => k.slice("revert.".length));
    expect(named.length).to.be.greaterThan(5);
    expect(named.filter((n) => !errors.has(n))).to.deep.equal([]);
  });

  it("an account without gas is told so in words; anything else keeps viem's short message, one line", async function () {
    const noGas = new InsufficientFundsError({ cause: new BaseError("insufficient funds for gas * price + value") });
    expect(revertReason(noGas)).to.equal(zhCN["tx.noGas"]);
    await setLang("en");
    expect(revertReason(noGas)).to.equal(en["tx.noGas"]);
    expect(revertReason(new Error("first line\nstack detail"))).to.equal("first line");
  });
});
